/**
 * The Twilio WhatsApp/SMS Trigger on a real n8n, called the way Twilio calls it: the Twilio mock's
 * signed form POSTs and GETs (X-Twilio-Signature from twilio-node, I-Twilio-Idempotency-Token,
 * Basic auth after a challenge). Checked: the item each request starts an execution with, the exact
 * HTTP answer of each "Respond" mode, and that rejected (403, 401) and filtered requests start
 * nothing.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import {
	DEFAULT_ACCOUNT,
	startMockTwilio,
	type MockTwilio,
	type SendInboundOptions,
	type WebhookResult,
} from '../mock-twilio';
import {
	ACCOUNT_SID,
	CUSTOMER,
	SANDBOX,
	smsDeliveredWithDlrDate,
	whatsappImageWithCaption,
	whatsappLocation,
	whatsappText,
	type Form,
} from '../fixtures/twilio/messages';
import {
	chain,
	createTwilioCredential,
	createWebhookUserCredential,
	executionIds,
	newExecutions,
	setNode,
	TRIGGER_NAME,
	triggerItem,
	triggerNode,
	triggerUrl,
	withUserInfo,
	type NodeParameters,
	type WorkflowJson,
	type WorkflowNode,
} from './fixtures/twilio/workflows';
import { getN8n, nodeOutput, sharedN8n, type Credential } from './harness';

jest.setTimeout(120_000);

const n8n = getN8n();
const sharedSession = () => sharedN8n().session;

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const EMPTY_TWIML = `${XML_DECLARATION}<Response/>`;
const TWIML_CONTENT_TYPE = /^text\/xml\b/;

const WEBHOOK_USER = 'aicc-webhook';
const WEBHOOK_PASSWORD = 'e2e-Webhook-Pass-4Tz8';

let mock: MockTwilio;
let twilio: Credential;
let webhookUser: Credential;
const workflowIds: string[] = [];

/** A fresh MessageSid in Twilio's shape, so every request is told apart in the executions. */
function sid(prefix: 'SM' | 'MM' = 'SM'): string {
	return prefix + [...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');
}

function withSid(
	params: Form,
	messageSid = sid(params.MessageSid?.startsWith('MM') ? 'MM' : 'SM'),
): Form {
	const copy: Form = { ...params, MessageSid: messageSid };
	if ('SmsSid' in copy) copy.SmsSid = messageSid;
	if ('SmsMessageSid' in copy) copy.SmsMessageSid = messageSid;
	return copy;
}

interface TriggerWorkflow {
	id: string;
	url: string;
}

async function deployTrigger(
	name: string,
	ids: { nodeId: string; webhookId: string },
	parameters: NodeParameters,
	more: { nodes?: WorkflowNode[]; basicAuth?: boolean } = {},
): Promise<TriggerWorkflow> {
	const trigger = triggerNode({
		...ids,
		parameters,
		twilio,
		webhookUser: more.basicAuth ? webhookUser : undefined,
	});
	const nodes = [trigger, ...(more.nodes ?? [])];
	const workflow: WorkflowJson = {
		name,
		nodes,
		connections: chain(nodes.map((node) => node.name)),
	};
	const { id } = await n8n.importWorkflow(workflow);
	workflowIds.push(id);
	await n8n.activate(id);
	return { id, url: triggerUrl(n8n, ids.webhookId) };
}

beforeAll(async () => {
	mock = await startMockTwilio({ accounts: [DEFAULT_ACCOUNT] });
	twilio = await createTwilioCredential(n8n, 'Twilio (trigger e2e)', mock.url);
	webhookUser = await createWebhookUserCredential(
		n8n,
		'Webhook user (trigger e2e)',
		WEBHOOK_USER,
		WEBHOOK_PASSWORD,
	);
});

afterAll(async () => {
	for (const id of workflowIds) await n8n.deactivate(id);
	await mock?.close();
});

function expectTwiml(answer: WebhookResult, body: string): void {
	expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body });
	expect(String(answer.headers['content-type'])).toMatch(TWIML_CONTENT_TYPE);
}

function expectForbidden(answer: WebhookResult): void {
	expect(answer.status).toBe(403);
	expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_signature' });
}

/**
 * What a plain WhatsApp inbound from the fixtures' customer to the sandbox looks like in the item.
 */
const whatsappParties = {
	from: {
		address: CUSTOMER,
		id: '+14017122661',
		number: '+14017122661',
		channel: 'whatsapp',
		city: null,
		state: null,
		zip: null,
		country: null,
	},
	to: {
		address: SANDBOX,
		id: '+14155238886',
		number: '+14155238886',
		channel: 'whatsapp',
		city: null,
		state: null,
		zip: null,
		country: null,
	},
	profileName: 'Perspective Coffee',
	waId: '14017122661',
};

describe('default settings (verify signature, all events, empty TwiML)', () => {
	let workflow: TriggerWorkflow;
	/** Message SIDs of the requests that must each have started one execution, in order. */
	const accepted: string[] = [];

	beforeAll(async () => {
		workflow = await deployTrigger(
			'twilio trigger e2e: defaults',
			{
				nodeId: '0c1f5a0e-1f5b-4d55-9a43-6a4e7c0b1d01',
				webhookId: 'c3a1e7a4-8f0e-4a3c-9d1b-2b6f1e0d7a11',
			},
			{},
		);
	});

	async function deliverAndRun(params: Form, options: SendInboundOptions = {}, url = workflow.url) {
		const known = (await executionIds(n8n, workflow.id)).length;
		const answer = await mock.sendInbound(url, params, options);
		expectTwiml(answer, EMPTY_TWIML);
		accepted.push(params.MessageSid);
		const [execution] = await newExecutions(n8n, workflow.id, known);
		expect(execution.status).toBe('success');
		return triggerItem(execution);
	}

	it('turns a WhatsApp text into one item with parties, body, type and every raw parameter', async () => {
		const params = withSid(whatsappText);
		const item = await deliverAndRun(params);

		expect(item).toMatchObject({
			event: 'message.received',
			channel: 'whatsapp',
			type: 'text',
			messageSid: params.MessageSid,
			accountSid: ACCOUNT_SID,
			apiVersion: '2010-04-01',
			...whatsappParties,
			body: "Ahoy! We can't wait to see what you build.",
			numMedia: 0,
			media: [],
			location: null,
			button: null,
			referral: null,
			context: null,
			forwarded: false,
			numSegments: 1,
			status: 'received',
			isFailed: false,
			errorCode: null,
			callbackQuery: {},
			warnings: [],
		});
		expect(item.raw).toEqual(params);
	});

	it('lists the media of a WhatsApp image with its caption as the body', async () => {
		const params = withSid(whatsappImageWithCaption);
		const item = await deliverAndRun(params);

		expect(item).toMatchObject({
			event: 'message.received',
			channel: 'whatsapp',
			type: 'image',
			messageSid: params.MessageSid,
			body: 'Here is the receipt',
			numMedia: 1,
			media: [{ url: whatsappImageWithCaption.MediaUrl0, contentType: 'image/jpeg', index: 0 }],
			warnings: [],
		});
	});

	it('gives a shared location as numbers with its address and label', async () => {
		const params = withSid(whatsappLocation);
		const item = await deliverAndRun(params);

		expect(item).toMatchObject({
			type: 'location',
			location: {
				latitude: 51.51322977399644,
				longitude: -0.2197976373036567,
				address: '187 Freston Road, London, Greater London W10 6TH',
				label: 'The Harrow Club',
			},
			media: [],
		});
	});

	it('turns a status callback into a status item that carries the query of the callback URL (callbackQuery)', async () => {
		const params = withSid(smsDeliveredWithDlrDate);
		const item = await deliverAndRun(params, {}, `${workflow.url}?orderId=A-1001&crm=hubspot`);

		expect(item).toMatchObject({
			event: 'message.status',
			channel: 'sms',
			messageSid: params.MessageSid,
			status: 'delivered',
			isFinal: true,
			isFailed: false,
			errorCode: null,
			rawDlrDoneDate: '2023-02-14T12:59:00.000Z',
			callbackQuery: { orderId: 'A-1001', crm: 'hubspot' },
		});
		expect(item.raw).toEqual(params);
	});

	it('accepts the same message delivered by GET (parameters in the signed query string)', async () => {
		const params = withSid(whatsappText);
		const item = await deliverAndRun(params, { method: 'GET' });

		expect(item).toMatchObject({
			event: 'message.received',
			type: 'text',
			messageSid: params.MessageSid,
			...whatsappParties,
			callbackQuery: {},
		});
		expect(item.raw).toEqual(params);
	});

	it('answers 403 to a request signed with another Auth Token, and starts no execution', async () => {
		const before = await executionIds(n8n, workflow.id);
		expectForbidden(
			await mock.sendInbound(workflow.url, withSid(whatsappText), { badSignature: true }),
		);
		expect(await executionIds(n8n, workflow.id)).toEqual(before);
	});

	it('answers 403 to a request without X-Twilio-Signature, and starts no execution', async () => {
		const before = await executionIds(n8n, workflow.id);
		const response = await fetch(workflow.url, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(withSid(whatsappText)),
		});
		expectForbidden({ status: response.status, headers: {}, body: await response.text() });
		expect(await executionIds(n8n, workflow.id)).toEqual(before);
	});

	it('answers 403 when the signed URL is not the one called (a query parameter added on the way)', async () => {
		const before = await executionIds(n8n, workflow.id);
		expectForbidden(
			await mock.sendInbound(`${workflow.url}?orderId=tampered`, withSid(whatsappText), {
				signatureUrl: `${workflow.url}?orderId=A-1001`,
			}),
		);
		expect(await executionIds(n8n, workflow.id)).toEqual(before);
	});

	/*
	 * Twilio repeats a delivery (same I-Twilio-Idempotency-Token) when it got no answer in time. n8n
	 * answers only once the execution is stored, so the repeat gets its own execution too; the
	 * trigger's execute() recognises the token (n8n's deduplication table, this process's memory) and
	 * the execution ends at the trigger without items, so the workflow does not run twice.
	 */
	const repeats: string[] = [];
	it('answers a repeated delivery like the first and stops its execution at the trigger', async () => {
		const params = withSid(whatsappText);
		const token = `dup-${params.MessageSid}`;
		await deliverAndRun(params, { idempotencyToken: token });
		const known = (await executionIds(n8n, workflow.id)).length;

		expectTwiml(
			await mock.sendInbound(workflow.url, params, { idempotencyToken: token }),
			EMPTY_TWIML,
		);
		const [repeat] = await newExecutions(n8n, workflow.id, known);
		repeats.push(repeat.id);
		expect(repeat.status).toBe('success');
		expect(nodeOutput(repeat, TRIGGER_NAME)).toEqual([]);
	});

	it('started exactly one execution per accepted request (and one, without items, per repeat), none for the rejected ones', async () => {
		const executions = await n8n.waitForExecutions(workflow.id, accepted.length + repeats.length);
		const ran = executions.filter((execution) => !repeats.includes(execution.id));
		expect(ran.map((execution) => triggerItem(execution).messageSid)).toEqual(accepted);
	});
});

describe('Basic auth (seed 001) together with the signature', () => {
	let workflow: TriggerWorkflow;

	beforeAll(async () => {
		workflow = await deployTrigger(
			'twilio trigger e2e: basic auth',
			{
				nodeId: '5d0b9f8e-2c7a-4f1e-8b3d-7e6a5c4b3a02',
				webhookId: '9e2d4c6b-1a3f-4e5d-8c7b-6a5f4e3d2c12',
			},
			{ requireBasicAuth: true },
			{ basicAuth: true },
		);
	});

	it('answers 401 with a Basic challenge when the request has no credentials, and starts no execution', async () => {
		const before = await executionIds(n8n, workflow.id);
		const answer = await mock.sendInbound(workflow.url, withSid(whatsappText));
		expect(answer.status).toBe(401);
		expect(String(answer.headers['www-authenticate'])).toMatch(/^Basic realm="[^"]+"/);
		expect(await executionIds(n8n, workflow.id)).toEqual(before);
	});

	it('answers 401 to a wrong password (sent after the challenge, as Twilio does), and starts no execution', async () => {
		const before = await executionIds(n8n, workflow.id);
		const answer = await mock.sendInbound(
			withUserInfo(workflow.url, WEBHOOK_USER, 'not-the-password'),
			withSid(whatsappText),
		);
		expect(answer.status).toBe(401);
		expect(String(answer.headers['www-authenticate'])).toMatch(/^Basic /);
		expect(await executionIds(n8n, workflow.id)).toEqual(before);
	});

	it('answers 403 to the right user with a bad signature', async () => {
		const before = await executionIds(n8n, workflow.id);
		expectForbidden(
			await mock.sendInbound(
				withUserInfo(workflow.url, WEBHOOK_USER, WEBHOOK_PASSWORD),
				withSid(whatsappText),
				{ badSignature: true },
			),
		);
		expect(await executionIds(n8n, workflow.id)).toEqual(before);
	});

	it('accepts the right user and password in the URL, signed as Twilio signs such a URL, and runs once', async () => {
		const known = (await executionIds(n8n, workflow.id)).length;
		const params = withSid(whatsappText);
		const url = withUserInfo(workflow.url, WEBHOOK_USER, WEBHOOK_PASSWORD);
		expectTwiml(await mock.sendInbound(url, params), EMPTY_TWIML);

		const executions = await newExecutions(n8n, workflow.id, known);
		expect(executions.map((execution) => triggerItem(execution).messageSid)).toEqual([
			params.MessageSid,
		]);
	});
});

describe('event selection', () => {
	it('answers status callbacks with empty TwiML and no execution when only inbound messages are selected', async () => {
		const workflow = await deployTrigger(
			'twilio trigger e2e: messages only',
			{
				nodeId: '7a6b5c4d-3e2f-4a1b-9c8d-0e1f2a3b4c03',
				webhookId: '2b4d6f8a-0c1e-4a3b-8d5f-7e9a1c3b5d13',
			},
			{ events: 'messages' },
		);
		expectTwiml(
			await mock.sendInbound(workflow.url, withSid(smsDeliveredWithDlrDate)),
			EMPTY_TWIML,
		);
		expect(await executionIds(n8n, workflow.id)).toEqual([]);

		const message = withSid(whatsappText);
		expectTwiml(await mock.sendInbound(workflow.url, message), EMPTY_TWIML);
		const executions = await newExecutions(n8n, workflow.id, 0);
		expect(executions.map((execution) => triggerItem(execution).event)).toEqual([
			'message.received',
		]);
		expect(await executionIds(n8n, workflow.id)).toHaveLength(1);
	});

	it('answers inbound messages with empty TwiML and no execution when only status updates are selected', async () => {
		const workflow = await deployTrigger(
			'twilio trigger e2e: statuses only',
			{
				nodeId: '8b7c6d5e-4f3a-4b2c-8d9e-1f2a3b4c5d04',
				webhookId: '3c5e7a9b-1d2f-4b4c-9e6a-8f0b2d4c6e14',
			},
			{ events: 'statuses' },
		);
		expectTwiml(await mock.sendInbound(workflow.url, withSid(whatsappText)), EMPTY_TWIML);
		expect(await executionIds(n8n, workflow.id)).toEqual([]);

		expectTwiml(
			await mock.sendInbound(workflow.url, withSid(smsDeliveredWithDlrDate)),
			EMPTY_TWIML,
		);
		const executions = await newExecutions(n8n, workflow.id, 0);
		expect(executions.map((execution) => triggerItem(execution).event)).toEqual(['message.status']);
		expect(await executionIds(n8n, workflow.id)).toHaveLength(1);
	});
});

describe('Respond modes: the exact answer Twilio gets', () => {
	it('"Immediately, With a Reply Message": the fixed reply as TwiML, escaped, with its media; statuses get empty TwiML', async () => {
		const workflow = await deployTrigger(
			'twilio trigger e2e: fixed reply',
			{
				nodeId: '9c8d7e6f-5a4b-4c3d-9e0f-2a3b4c5d6e05',
				webhookId: '4d6f8b0c-2e3a-4c5d-8f7b-9a1c3e5d7f15',
			},
			{
				respond: 'message',
				replyMessage: 'Thanks! We got it & will answer <soon>.',
				replyMediaUrl: 'https://example.com/images/welcome.jpg',
			},
		);
		expectTwiml(
			await mock.sendInbound(workflow.url, withSid(whatsappText)),
			`${XML_DECLARATION}<Response><Message><Body>Thanks! We got it &amp; will answer &lt;soon&gt;.</Body><Media>https://example.com/images/welcome.jpg</Media></Message></Response>`,
		);
		expectTwiml(
			await mock.sendInbound(workflow.url, withSid(smsDeliveredWithDlrDate)),
			EMPTY_TWIML,
		);
		const executions = await newExecutions(n8n, workflow.id, 0, 2);
		expect(executions.map((execution) => triggerItem(execution).event)).toEqual([
			'message.received',
			'message.status',
		]);
	});

	it('"With TwiML From the Last Node": the `twiml` field the workflow computed, as text/xml', async () => {
		const reply = setNode(
			'ad9e8f7a-6b5c-4d4e-8f1a-3b4c5d6e7f06',
			'Build Reply',
			{
				twiml:
					'=<Response><Message>You said: {{ $json.body }} ({{ $json.type }})</Message></Response>',
			},
			[220, 0],
		);
		const workflow = await deployTrigger(
			'twilio trigger e2e: last node',
			{
				nodeId: 'be0f9a8b-7c6d-4e5f-9a2b-4c5d6e7f8a07',
				webhookId: '5e7a9c1d-3f4b-4d6e-9a8c-0b2d4f6e8a16',
			},
			{ respond: 'lastNode' },
			{ nodes: [reply] },
		);
		const params = withSid(whatsappText);
		expectTwiml(
			await mock.sendInbound(workflow.url, params),
			`<Response><Message>You said: ${params.Body} (text)</Message></Response>`,
		);

		const [execution] = await newExecutions(n8n, workflow.id, 0);
		expect(nodeOutput(execution, 'Build Reply')).toEqual([
			{ twiml: `<Response><Message>You said: ${params.Body} (text)</Message></Response>` },
		]);
	});

	it('"With TwiML From the Last Node": an empty text/xml answer when the last item has no `twiml`, as the node\'s notice says', async () => {
		const other = setNode(
			'0c9d8e7f-6a5b-4c4d-8e3f-2a1b0c9d8e15',
			'No TwiML',
			{ note: 'nothing to reply' },
			[220, 0],
		);
		const workflow = await deployTrigger(
			'twilio trigger e2e: last node without twiml',
			{
				nodeId: '1d0e9f8a-7b6c-4d5e-9f4a-3b2c1d0e9f16',
				webhookId: '0d2f4b6c-8e9a-4c1d-8f3b-5a7c9e1d3f21',
			},
			{ respond: 'lastNode' },
			{ nodes: [other] },
		);
		expectTwiml(await mock.sendInbound(workflow.url, withSid(whatsappText)), '');
	});

	/*
	 * The repeat of a delivery stops at the trigger in this mode too (the trigger's execute() checks
	 * the token). n8n then has no item to answer with and answers the repeat with its own error
	 * (500): Twilio gave up on the first attempt's answer already, and the workflow runs once.
	 */
	it('"With TwiML From the Last Node": a repeated delivery does not run the workflow again', async () => {
		const reply = setNode(
			'1a0b9c8d-7e6f-4a5b-9c4d-3e2f1a0b9c12',
			'Build Reply',
			{ twiml: '=<Response/>' },
			[220, 0],
		);
		const workflow = await deployTrigger(
			'twilio trigger e2e: last node, duplicates',
			{
				nodeId: '2b1c0d9e-8f7a-4b6c-8d5e-4f3a2b1c0d13',
				webhookId: '8b0d2f4a-6c7e-4a9b-8d1f-3e5a7c9e1b19',
			},
			{ respond: 'lastNode' },
			{ nodes: [reply] },
		);
		const params = withSid(whatsappText);
		const token = `dup-${params.MessageSid}`;
		expect((await mock.sendInbound(workflow.url, params, { idempotencyToken: token })).status).toBe(
			200,
		);
		await newExecutions(n8n, workflow.id, 0);
		const repeated = await mock.sendInbound(workflow.url, params, { idempotencyToken: token });
		expect({ status: repeated.status, body: JSON.parse(repeated.body) as unknown }).toEqual({
			status: 500,
			body: expect.objectContaining({ message: 'No item to return was found' }),
		});
		// In this mode n8n answers after the execution, so the repeat's execution is listed now: it
		// ended at the trigger without items, so no reply was built for it.
		const [, repeat] = await n8n.waitForExecutions(workflow.id, 2);
		expect(nodeOutput(repeat, TRIGGER_NAME)).toEqual([]);
		expect(repeat.data.resultData.runData['Build Reply']).toBeUndefined();
	});

	it('"Using \'Respond to Webhook\' Node" with Respond to Webhook version 1: its text and header', async () => {
		const respond: WorkflowNode = {
			id: 'cf1a0b9c-8d7e-4f6a-8b3c-5d6e7f8a9b08',
			name: 'Respond with TwiML',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				respondWith: 'text',
				responseBody: '=<Response><Message>Hello {{ $json.profileName }}</Message></Response>',
				options: { responseHeaders: { entries: [{ name: 'Content-Type', value: 'text/xml' }] } },
			},
		};
		const workflow = await deployTrigger(
			'twilio trigger e2e: respond to webhook v1',
			{
				nodeId: 'd02b1c0d-9e8f-4a7b-9c4d-6e7f8a9b0c09',
				webhookId: '6f8b0d2e-4a5c-4e7f-8b9d-1c3e5a7f9b17',
			},
			{ respond: 'responseNode' },
			{ nodes: [respond] },
		);
		expectTwiml(
			await mock.sendInbound(workflow.url, withSid(whatsappText)),
			'<Response><Message>Hello Perspective Coffee</Message></Response>',
		);
		const [execution] = await newExecutions(n8n, workflow.id, 0);
		expect(execution.status).toBe('success');
	});

	/*
	 * n8n's Respond to Webhook node from version 1.1 on stops with "No Webhook node found in the
	 * workflow" unless the workflow starts with n8n's own Webhook, Form or Chat trigger
	 * (RespondToWebhook.node.ts, WEBHOOK_NODE_TYPES). The node's notice says so; this pins what
	 * Twilio gets then.
	 */
	it('"Using \'Respond to Webhook\' Node" with Respond to Webhook 1.5: n8n refuses it, Twilio gets an error and the execution fails', async () => {
		const respond: WorkflowNode = {
			id: 'e13c2d1e-0f9a-4b8c-8d5e-7f8a9b0c1d10',
			name: 'Respond with TwiML',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.5,
			position: [220, 0],
			parameters: { respondWith: 'text', responseBody: '<Response/>', options: {} },
		};
		const workflow = await deployTrigger(
			'twilio trigger e2e: respond to webhook 1.5',
			{
				nodeId: 'f24d3e2f-1a0b-4c9d-9e6f-8a9b0c1d2e11',
				webhookId: '7a9c1e3f-5b6d-4f8a-9c0e-2d4f6b8a0c18',
			},
			{ respond: 'responseNode' },
			{ nodes: [respond] },
		);
		const answer = await mock.sendInbound(workflow.url, withSid(whatsappText));
		const [execution] = await newExecutions(n8n, workflow.id, 0);
		expect(execution.status).toBe('error');
		expect(execution.data.resultData.runData['Respond with TwiML'][0].error?.message).toBe(
			'No Webhook node found in the workflow',
		);
		expect({ status: answer.status, body: answer.body }).toEqual({
			status: 500,
			body: '{"message":"Error in workflow"}',
		});
	});
});

/*
 * "Download Media": the files of an inbound MMS/WhatsApp message as binary properties of the item,
 * stored by n8n's own binary data manager. A local server stands in for Twilio's media host; the
 * credential's API Base URL points at it, which is what lets the node fetch from it (it fetches
 * only from Twilio's hosts).
 */
describe('Download Media option', () => {
	const PHOTO = Buffer.concat([
		Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
		Buffer.from('JFIF test photo '.repeat(200)),
		Buffer.from([0xff, 0xd9]),
	]);
	const LIMIT_MB = 1;
	let media: Server;
	let cdn: Server;
	let mediaOrigin = '';
	const requests: Array<{
		host: 'twilio' | 'cdn';
		path: string;
		authorization: string | undefined;
	}> = [];
	let workflow: TriggerWorkflow;

	async function listen(server: Server): Promise<string> {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	beforeAll(async () => {
		cdn = createServer((req, res) => {
			requests.push({ host: 'cdn', path: req.url ?? '', authorization: req.headers.authorization });
			res
				.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(PHOTO.length) })
				.end(PHOTO);
		});
		const cdnOrigin = await listen(cdn);
		media = createServer((req, res) => {
			requests.push({
				host: 'twilio',
				path: req.url ?? '',
				authorization: req.headers.authorization,
			});
			if (req.url?.endsWith('/Media/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9')) {
				// Twilio's media URL redirects to its CDN with a signed URL.
				res
					.writeHead(302, {
						location: `${cdnOrigin}/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9?Expires=1700000000&Signature=abc`,
					})
					.end();
			} else if (req.url?.endsWith('/Media/ME1b2c3d4e5f60718293a4b5c6d7e8f9a0')) {
				const big = Buffer.alloc(LIMIT_MB * 1024 * 1024 + 1, 7);
				res
					.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(big.length) })
					.end(big);
			} else {
				res.writeHead(404).end();
			}
		});
		mediaOrigin = await listen(media);
		const mediaTwilio = await createTwilioCredential(
			n8n,
			'Twilio (trigger e2e, media host)',
			mediaOrigin,
		);
		const trigger = triggerNode({
			nodeId: '3c2d1e0f-9a8b-4c7d-9e6f-5a4b3c2d1e14',
			webhookId: '9c1e3a5b-7d8f-4b0c-9e2a-4f6b8d0c2e20',
			parameters: { options: { downloadMedia: true, maxMediaSizeMb: LIMIT_MB } },
			twilio: mediaTwilio,
		});
		const { id } = await n8n.importWorkflow({
			name: 'twilio trigger e2e: download media',
			nodes: [trigger],
			connections: {},
		});
		workflowIds.push(id);
		await n8n.activate(id);
		workflow = { id, url: triggerUrl(n8n, '9c1e3a5b-7d8f-4b0c-9e2a-4f6b8d0c2e20') };
	});

	afterAll(async () => {
		await new Promise((resolve) => media?.close(resolve));
		await new Promise((resolve) => cdn?.close(resolve));
	});

	it("stores a file within the limit as binary media0 (fetched with the account's Basic auth), and notes the one over the limit", async () => {
		const messageSid = sid('MM');
		const base = `${mediaOrigin}/2010-04-01/Accounts/${DEFAULT_ACCOUNT.accountSid}/Messages/${messageSid}/Media`;
		const params = withSid(
			{
				...whatsappImageWithCaption,
				NumMedia: '2',
				MediaUrl0: `${base}/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9`,
				MediaContentType0: 'image/jpeg',
				MediaUrl1: `${base}/ME1b2c3d4e5f60718293a4b5c6d7e8f9a0`,
				MediaContentType1: 'video/mp4',
			},
			messageSid,
		);
		expectTwiml(await mock.sendInbound(workflow.url, params), EMPTY_TWIML);

		const [execution] = await newExecutions(n8n, workflow.id, 0);
		const item = triggerItem(execution);
		expect(item.media).toEqual([
			{
				url: params.MediaUrl0,
				contentType: 'image/jpeg',
				index: 0,
				binaryProperty: 'media0',
				fileName: 'ME0a1b2c3d4e5f60718293a4b5c6d7e8f9.jpg',
				fileSize: PHOTO.length,
			},
			{
				url: params.MediaUrl1,
				contentType: 'video/mp4',
				index: 1,
				error: `Not downloaded: ${LIMIT_MB * 1024 * 1024 + 1} bytes is larger than the limit of ${LIMIT_MB * 1024 * 1024} bytes.`,
			},
		]);
		const binary = (
			execution.data.resultData.runData[TRIGGER_NAME][0].data?.main?.[0]?.[0] as {
				binary?: Record<string, { id?: string; mimeType?: string }>;
			}
		).binary;
		expect(Object.keys(binary ?? {})).toEqual(['media0']);
		expect(binary?.media0.mimeType).toBe('image/jpeg');

		// The bytes n8n stored are the file's.
		const stored = await fetch(
			`${n8n.baseUrl}/rest/binary-data?id=${encodeURIComponent(binary?.media0.id ?? '')}&action=download`,
			{
				headers: { cookie: sharedSession().cookie, 'browser-id': sharedSession().browserId },
			},
		);
		expect(stored.status).toBe(200);
		expect(Buffer.from(await stored.arrayBuffer()).equals(PHOTO)).toBe(true);

		// Basic auth with the account on Twilio's host, not on the CDN it redirected to.
		const basic = `Basic ${Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken}`).toString('base64')}`;
		expect(
			requests
				.map(({ host, path, authorization }) => [
					host,
					path.replace(/^.*\/Media\//, '…/Media/'),
					authorization === basic ? 'account' : (authorization ?? 'none'),
				])
				.sort(),
		).toEqual([
			['cdn', '/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9?Expires=1700000000&Signature=abc', 'none'],
			['twilio', '…/Media/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'account'],
			['twilio', '…/Media/ME1b2c3d4e5f60718293a4b5c6d7e8f9a0', 'account'],
		]);
	});
});
