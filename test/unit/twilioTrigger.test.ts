/**
 * The Twilio trigger's webhook, run in-process inside n8n-core's own WebhookContext
 * (test/helpers/inprocess.ts), with requests signed by twilio-node's getExpectedTwilioSignature,
 * the reference implementation. Payloads are Twilio's documented formats
 * (test/fixtures/twilio/messages.ts). What n8n does with the result (send `webhookResponse`, start
 * an execution with `workflowData`) is covered by the end-to-end tests.
 */
import { createHash } from 'crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { DataDeduplicationService } from 'n8n-core';
import type {
	IDataDeduplicator,
	IDeduplicationOutput,
	IDataObject,
	INodeParameters,
} from 'n8n-workflow';

import { TwilioWhatsAppTrigger } from '../../nodes/TwilioWhatsAppTrigger/TwilioWhatsAppTrigger.node';
import {
	callWebhook,
	executeNode,
	type CredentialsData,
	type FakeRequest,
	type WebhookCallResult,
} from '../helpers/inprocess';
import * as twilio from '../fixtures/twilio/messages';

const AUTH_TOKEN = '9f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99';
const OTHER_TOKEN = '0123456789abcdef0123456789abcdef';
const WEBHOOK_ID = '5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';
const PATH = `/webhook/${WEBHOOK_ID}/twilio`;
const TEST_PATH = `/webhook-test/${WEBHOOK_ID}/twilio`;
const N8N = 'http://localhost:5678';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const WEBHOOK_USER = { user: 'aicc-webhook', password: 'S3cret-Pass' };

const nodeType = new TwilioWhatsAppTrigger();
let credentialGeneration = 0;

interface Setup {
	parameters?: INodeParameters;
	credentials?: CredentialsData;
	staticData?: IDataObject;
	/** Keep the same credential ids as an earlier call (same credential, possibly edited). */
	credentialIds?: Record<string, string>;
	/** n8n's base URL (N8N_WEBHOOK_URL); default http://localhost:5678, as without one. */
	baseUrl?: string;
}

function twilioCredential(authToken = AUTH_TOKEN): CredentialsData {
	return {
		twilioMessagingApi: { accountSid: twilio.ACCOUNT_SID, authType: 'authToken', authToken },
	};
}

function freshIds(): Record<string, string> {
	credentialGeneration++;
	return {
		twilioMessagingApi: `twilio-${credentialGeneration}`,
		twilioWebhookUserApi: `user-${credentialGeneration}`,
	};
}

function form(params: Record<string, string>): string {
	return new URLSearchParams(params).toString();
}

interface Delivery {
	method?: 'POST' | 'GET';
	/** Path and query the request arrives on. */
	path?: string;
	/** The URL Twilio signs; by default n8n's URL of `path`. */
	signedUrl?: string;
	token?: string;
	headers?: Record<string, string>;
	signature?: string | null;
}

/** A request as Twilio sends it: form body for POST, parameters appended to the query for GET. */
function twilioRequest(params: Record<string, string>, delivery: Delivery = {}): FakeRequest {
	const method = delivery.method ?? 'POST';
	let path = delivery.path ?? PATH;
	if (method === 'GET') path += (path.includes('?') ? '&' : '?') + form(params);
	const signedUrl = delivery.signedUrl ?? N8N + path;
	const signature =
		delivery.signature === undefined
			? getExpectedTwilioSignature(
					delivery.token ?? AUTH_TOKEN,
					signedUrl,
					method === 'GET' ? {} : params,
				)
			: delivery.signature;
	// The Host n8n sees is not the one Twilio called (as behind a proxy), so only the URLs the node
	// knows can match.
	const headers: Record<string, string> = {
		host: 'n8n-internal:5678',
		'user-agent': 'TwilioProxy/1.1',
		...delivery.headers,
	};
	if (signature !== null) headers['x-twilio-signature'] = signature;
	if (method === 'GET') return { method, url: path, headers };
	headers['content-type'] = 'application/x-www-form-urlencoded';
	return { method, url: path, headers, body: { ...params }, rawBody: Buffer.from(form(params)) };
}

async function deliver(
	setup: Setup,
	request: FakeRequest,
	mode: 'webhook' | 'manual' = 'webhook',
): Promise<WebhookCallResult> {
	return await callWebhook(
		{
			nodeType,
			parameters: setup.parameters ?? {},
			credentials: setup.credentials ?? twilioCredential(),
			credentialIds: setup.credentialIds ?? freshIds(),
			staticData: setup.staticData,
			webhookId: WEBHOOK_ID,
			baseUrl: setup.baseUrl,
		},
		request,
		{ mode },
	);
}

/** The one item the request starts an execution with. */
function onlyItem(call: WebhookCallResult): IDataObject {
	expect(call.result.workflowData).toHaveLength(1);
	expect(call.result.workflowData?.[0]).toHaveLength(1);
	const [item] = call.result.workflowData![0];
	expect(item.pairedItem).toEqual({ item: 0 });
	return item.json;
}

/**
 * The node hands n8n the execution to start and this TwiML to answer with once n8n has stored it:
 * nothing is written yet (what n8n then sends is pinned by test/e2e/triggerDurability.test.ts).
 */
function expectTwimlAnswer(call: WebhookCallResult, twiml: string) {
	expect(call.result.noWebhookResponse).toBeUndefined();
	expect(call.result.webhookResponse).toBe(twiml);
	expect(call.response.ended).toBe(false);
	expect(call.response.headers['content-type']).toBe('text/xml; charset=utf-8');
}

/** The node answered by itself and starts no execution. */
function expectOwnAnswer(call: WebhookCallResult, status: number) {
	expect(call.result.noWebhookResponse).toBe(true);
	expect(call.result.workflowData).toBeUndefined();
	expect(call.response.ended).toBe(true);
	expect(call.response.statusCode).toBe(status);
}

describe('signed requests', () => {
	it('turn a WhatsApp message into one item and answer with empty TwiML', async () => {
		const call = await deliver({}, twilioRequest(twilio.whatsappText));
		expectTwimlAnswer(call, EMPTY_TWIML);
		expect(onlyItem(call)).toMatchObject({
			event: 'message.received',
			channel: 'whatsapp',
			type: 'text',
			messageSid: twilio.whatsappText.MessageSid,
			body: twilio.whatsappText.Body,
			profileName: 'Perspective Coffee',
			from: { number: '+14017122661', address: twilio.CUSTOMER },
			raw: twilio.whatsappText,
		});
	});

	it('turn a status callback into one item', async () => {
		const call = await deliver(
			{},
			twilioRequest(twilio.statusCallback('undelivered', { ErrorCode: '30003' })),
		);
		expectTwimlAnswer(call, EMPTY_TWIML);
		expect(onlyItem(call)).toMatchObject({
			event: 'message.status',
			status: 'undelivered',
			errorCode: 30003,
			isFinal: true,
			isFailed: true,
		});
	});

	it('keep the query the sender put on the callback URL as callbackQuery, signed with the URL', async () => {
		const call = await deliver(
			{},
			twilioRequest(twilio.statusCallback('delivered'), { path: `${PATH}?order=A-42&attempt=2` }),
		);
		expect(onlyItem(call).callbackQuery).toEqual({ order: 'A-42', attempt: '2' });
	});

	it("are accepted by GET, with Twilio's parameters in the signed query string", async () => {
		const call = await deliver({}, twilioRequest(twilio.whatsappNonLatin, { method: 'GET' }));
		expectTwimlAnswer(call, EMPTY_TWIML);
		expect(onlyItem(call)).toMatchObject({
			event: 'message.received',
			body: twilio.whatsappNonLatin.Body,
			profileName: 'Дарья 🌸',
		});
	});

	it('are accepted with a JSON body signed through bodySHA256, and refused when the body changed', async () => {
		// Twilio's scheme for JSON bodies (twilio-node validateRequestWithBody): the URL carries the
		// body's SHA-256, the URL alone is signed.
		const raw = JSON.stringify({
			MessageSid: 'SM' + 'f'.repeat(32),
			Body: 'json body',
			AccountSid: twilio.ACCOUNT_SID,
		});
		const path = `${PATH}?bodySHA256=${createHash('sha256').update(raw).digest('hex')}`;
		const request = (rawBody: string): FakeRequest => ({
			method: 'POST',
			url: path,
			headers: {
				host: 'n8n-internal:5678',
				'content-type': 'application/json',
				'x-twilio-signature': getExpectedTwilioSignature(AUTH_TOKEN, N8N + path, {}),
			},
			body: JSON.parse(rawBody) as IDataObject,
			rawBody: Buffer.from(rawBody),
		});
		const call = await deliver({}, request(raw));
		expect(onlyItem(call)).toMatchObject({ messageSid: 'SM' + 'f'.repeat(32), body: 'json body' });
		expectOwnAnswer(await deliver({}, request(raw.replace('json body', 'changed'))), 403);
	});

	it('are accepted on the test URL while the editor listens for a test event', async () => {
		const call = await deliver(
			{},
			twilioRequest(twilio.whatsappText, { path: TEST_PATH }),
			'manual',
		);
		expect(onlyItem(call).messageSid).toBe(twilio.whatsappText.MessageSid);
	});

	it("use the credential's webhook Auth Token when it authenticates with an API Key", async () => {
		const credentials = {
			twilioMessagingApi: {
				accountSid: twilio.ACCOUNT_SID,
				authType: 'apiKey',
				apiKeySid: 'SK' + 'a'.repeat(32),
				apiKeySecret: 'secret',
				signingAuthToken: AUTH_TOKEN,
			},
		};
		expect(onlyItem(await deliver({ credentials }, twilioRequest(twilio.whatsappText))).event).toBe(
			'message.received',
		);
	});

	it('fail clearly when an API Key credential has no Auth Token to check signatures with', async () => {
		const credentials = {
			twilioMessagingApi: {
				accountSid: twilio.ACCOUNT_SID,
				authType: 'apiKey',
				apiKeySid: 'SK' + 'a'.repeat(32),
				apiKeySecret: 'secret',
			},
		};
		await expect(deliver({ credentials }, twilioRequest(twilio.whatsappText))).rejects.toThrow(
			'The Twilio credential has no Auth Token to check signatures with',
		);
	});
});

describe('requests Twilio did not sign', () => {
	it.each([
		[
			'a changed parameter',
			twilioRequest({ ...twilio.whatsappText }, {}),
			(r: FakeRequest) => ((r.body as IDataObject).Body = 'Send money to …'),
		],
		[
			'an added parameter',
			twilioRequest(twilio.whatsappText),
			(r: FakeRequest) => ((r.body as IDataObject).Extra = '1'),
		],
		[
			"another account's signature",
			twilioRequest(twilio.whatsappText, { token: OTHER_TOKEN }),
			() => undefined,
		],
		['no signature', twilioRequest(twilio.whatsappText, { signature: null }), () => undefined],
		[
			'a signature for another path',
			twilioRequest(twilio.whatsappText, { signedUrl: `${N8N}/webhook/other/twilio` }),
			() => undefined,
		],
		[
			'a GET whose query was changed',
			twilioRequest(twilio.whatsappText, { method: 'GET' }),
			(r: FakeRequest) => (r.url = r.url.replace('Ahoy', 'Oops')),
		],
	])('get 403 and start nothing: %s', async (_name, request, tamper) => {
		tamper(request);
		const call = await deliver({}, request);
		expectOwnAnswer(call, 403);
		expect(JSON.parse(call.response.body!)).toMatchObject({ error: 'invalid_signature' });
	});

	it('are accepted when verification is off, without any credential', async () => {
		const call = await deliver(
			{ parameters: { verifySignature: false }, credentials: {} },
			twilioRequest(twilio.whatsappText, { signature: null }),
		);
		expect(onlyItem(call).event).toBe('message.received');
	});
});

describe('the URL Twilio signed behind a proxy', () => {
	const publicUrl = `https://n8n.example.com${PATH}`;

	it('is found through the Public URL option, as an origin or a full URL', async () => {
		for (const option of ['https://n8n.example.com', publicUrl]) {
			const call = await deliver(
				{ parameters: { options: { publicUrl: option } } },
				twilioRequest(twilio.whatsappText, { signedUrl: publicUrl }),
			);
			expect(onlyItem(call).event).toBe('message.received');
		}
	});

	it('is not guessed without it', async () => {
		expectOwnAnswer(
			await deliver({}, twilioRequest(twilio.whatsappText, { signedUrl: publicUrl })),
			403,
		);
	});

	it('is rebuilt from X-Forwarded-Proto and X-Forwarded-Host only when n8n knows no public URL, with a warning on the item', async () => {
		const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'n8n.example.com' };
		const item = onlyItem(
			await deliver({}, twilioRequest(twilio.whatsappText, { signedUrl: publicUrl, headers })),
		);
		expect(item.event).toBe('message.received');
		expect(item.warnings).toEqual([
			`The signature was checked against the URL this request named itself (${publicUrl}), because n8n knows no public webhook URL: set N8N_WEBHOOK_URL to the address Twilio calls, or the trigger's Public URL option, so that only that URL is accepted.`,
		]);
		expectOwnAnswer(
			await deliver(
				{ parameters: { options: { publicUrl: 'https://hooks.example.com' } } },
				twilioRequest(twilio.whatsappText, { signedUrl: publicUrl, headers }),
			),
			403,
		);
	});

	it('may carry a port Twilio left out, or the reverse', async () => {
		const call = await deliver(
			{ parameters: { options: { publicUrl: 'https://n8n.example.com:443' } } },
			twilioRequest(twilio.whatsappText, { signedUrl: publicUrl }),
		);
		expect(onlyItem(call).event).toBe('message.received');
	});
});

describe("with n8n's public webhook URL known (N8N_WEBHOOK_URL)", () => {
	const baseUrl = 'https://n8n.example.com';
	const asArrived = { host: 'n8n-internal:5678' };

	it('accepts a request signed for it, without a warning', async () => {
		const item = onlyItem(
			await deliver({ baseUrl }, twilioRequest(twilio.whatsappText, { signedUrl: baseUrl + PATH })),
		);
		expect(item.warnings).toEqual([]);
	});

	it('refuses one signed for the URL as it arrived, or for the host its headers name', async () => {
		for (const signedUrl of [`http://${asArrived.host}${PATH}`, `https://proxy.example.org${PATH}`])
			expectOwnAnswer(
				await deliver(
					{ baseUrl },
					twilioRequest(twilio.whatsappText, {
						signedUrl,
						headers: { ...asArrived, 'x-forwarded-host': 'proxy.example.org' },
					}),
				),
				403,
			);
	});

	it('accepts the test URL while the editor listens for a test event', async () => {
		const call = await deliver(
			{ baseUrl },
			twilioRequest(twilio.whatsappText, { path: TEST_PATH, signedUrl: baseUrl + TEST_PATH }),
			'manual',
		);
		expect(onlyItem(call).warnings).toEqual([]);
	});
});

describe('Basic auth', () => {
	const withUser = (): Setup => ({
		parameters: { requireBasicAuth: true },
		credentials: { ...twilioCredential(), twilioWebhookUserApi: WEBHOOK_USER },
	});
	const basic = (user: string, password: string) => ({
		authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64'),
	});

	it.each([
		['without credentials', {}],
		['with a wrong password', basic(WEBHOOK_USER.user, 'wrong')],
		['with a wrong user', basic('someone', WEBHOOK_USER.password)],
	])('answers 401 with a Basic challenge %s, and starts nothing', async (_name, headers) => {
		const call = await deliver(withUser(), twilioRequest(twilio.whatsappText, { headers }));
		expectOwnAnswer(call, 401);
		expect(call.response.headers['www-authenticate']).toMatch(/^Basic realm="/);
	});

	it("accepts the right user with Twilio's signature of the URL that carries the user, as Twilio sends it", async () => {
		const signedUrl = `http://${WEBHOOK_USER.user}:${WEBHOOK_USER.password}@localhost:5678${PATH}`;
		const call = await deliver(
			withUser(),
			twilioRequest(twilio.whatsappText, {
				signedUrl,
				headers: basic(WEBHOOK_USER.user, WEBHOOK_USER.password),
			}),
		);
		expect(onlyItem(call).event).toBe('message.received');
	});

	it('still checks the signature of a request with the right user', async () => {
		const call = await deliver(
			withUser(),
			twilioRequest(twilio.whatsappText, {
				token: OTHER_TOKEN,
				headers: basic(WEBHOOK_USER.user, WEBHOOK_USER.password),
			}),
		);
		expectOwnAnswer(call, 403);
	});

	it('tests the webhook user credential locally', async () => {
		const test = nodeType.methods.credentialTest.twilioWebhookUserApiTest;
		const result = (user: string, password: string) =>
			test.call({} as never, {
				id: '1',
				name: 'u',
				type: 'twilioWebhookUserApi',
				data: { user, password },
			});
		await expect(result('crm', 'pw')).resolves.toEqual({
			status: 'OK',
			message: expect.any(String),
		});
		await expect(result('c:rm', 'pw')).resolves.toMatchObject({
			status: 'Error',
			message: expect.stringContaining('colon'),
		});
		await expect(result('crm', '')).resolves.toMatchObject({ status: 'Error' });
	});
});

describe('event selection', () => {
	it.each([
		['messages', twilio.statusCallback('delivered')],
		['statuses', twilio.whatsappText],
		['messages', { CallSid: 'CA1', CallStatus: 'ringing' }],
	])(
		'answers events outside "%s" with 200 and empty TwiML, starting nothing',
		async (events, params) => {
			const call = await deliver({ parameters: { events } }, twilioRequest(params));
			expectOwnAnswer(call, 200);
			expect(call.response.body).toBe(EMPTY_TWIML);
			expect(call.response.headers['content-type']).toBe('text/xml; charset=utf-8');
		},
	);

	it.each([
		['messages', twilio.smsWithGeo, 'message.received'],
		['statuses', twilio.whatsappRead, 'message.status'],
		['all', twilio.mms, 'message.received'],
		['all', twilio.statusCallback('sent'), 'message.status'],
	])('starts an execution for events inside "%s"', async (events, params, event) => {
		expect(onlyItem(await deliver({ parameters: { events } }, twilioRequest(params))).event).toBe(
			event,
		);
	});

	it('keeps parameters Twilio may add later', async () => {
		const params = {
			...twilio.whatsappText,
			ChannelMetadata: '{"type":"whatsapp"}',
			BrandNewField: 'x',
		};
		expect(onlyItem(await deliver({}, twilioRequest(params))).raw).toMatchObject({
			ChannelMetadata: '{"type":"whatsapp"}',
			BrandNewField: 'x',
		});
	});
});

/**
 * Stands in for n8n's deduplication table (the database-backed service n8n's CLI installs), shared
 * by every process of an installation: the values recorded, and how often it was asked.
 */
class DeduplicationTable implements Pick<IDataDeduplicator, 'checkProcessedAndRecord'> {
	readonly recorded = new Set<string>();
	asked = 0;

	async checkProcessedAndRecord(items: string[]): Promise<IDeduplicationOutput> {
		this.asked++;
		const processed = items.filter((item) => this.recorded.has(item));
		for (const item of items) this.recorded.add(item);
		return { new: items.filter((item) => !processed.includes(item)), processed };
	}
}

describe('duplicate deliveries', () => {
	const TOKEN_HEADER = 'i-twilio-idempotency-token';
	let workflowRun = 0;
	const table = new DeduplicationTable();
	beforeAll(() => DataDeduplicationService.init(table as unknown as IDataDeduplicator));

	/**
	 * Delivers a request and runs the execution it starts, as n8n would outside queue mode:
	 * webhook(), then the trigger's execute() on the item, in this process.
	 */
	async function deliverAndRun(
		parameters: INodeParameters,
		token: string | undefined,
		mode: 'webhook' | 'manual' = 'webhook',
	) {
		// Each test its own tokens: the memory is per trigger node, and every test runs the same node.
		const headers: Record<string, string> = token
			? { [TOKEN_HEADER]: `${token}-${workflowRun}` }
			: {};
		const call = await deliver({ parameters }, twilioRequest(twilio.whatsappText, { headers }));
		const items = call.result.workflowData?.[0] ?? [];
		const { output } = await executeNode({ nodeType, parameters }, items, mode);
		return { call, items, output };
	}

	beforeEach(() => workflowRun++);

	it('carry the idempotency token on the item (null without one)', async () => {
		const { items } = await deliverAndRun({}, 'tok');
		expect(items[0].json.idempotencyToken).toBe(`tok-${workflowRun}`);
		expect((await deliverAndRun({}, undefined)).items[0].json.idempotencyToken).toBeNull();
	});

	it('start an execution and get their answer like the first attempt; the execution stops at the trigger', async () => {
		const first = await deliverAndRun({ respond: 'message', replyMessage: 'Got it' }, 'retry-1');
		expect(first.output).toEqual([first.items]);
		const retry = await deliverAndRun({ respond: 'message', replyMessage: 'Got it' }, 'retry-1');
		expectTwimlAnswer(
			retry.call,
			'<?xml version="1.0" encoding="UTF-8"?><Response><Message>Got it</Message></Response>',
		);
		expect(retry.output).toEqual([[]]);
	});

	it.each(['lastNode', 'responseNode'])(
		'are stopped at the trigger also when the workflow answers (%s)',
		async (respond) => {
			await deliverAndRun({ respond }, 'same');
			expect((await deliverAndRun({ respond }, 'same')).output).toEqual([[]]);
		},
	);

	it('run the workflow for a different token, and for requests without one', async () => {
		await deliverAndRun({}, 'token-1');
		const other = await deliverAndRun({}, 'token-2');
		expect(other.output).toEqual([other.items]);
		await deliverAndRun({}, undefined);
		const untokened = await deliverAndRun({}, undefined);
		expect(untokened.output).toEqual([untokened.items]);
	});

	it('run the workflow when the option is off', async () => {
		const parameters = { options: { ignoreDuplicates: false } };
		await deliverAndRun(parameters, 'same');
		const again = await deliverAndRun(parameters, 'same');
		expect(again.output).toEqual([again.items]);
	});

	it("a delivery this process received does not touch n8n's table", async () => {
		const asked = table.asked;
		await deliverAndRun({}, 'here');
		const retry = await deliverAndRun({}, 'here');
		expect(retry.output).toEqual([[]]);
		expect(table.asked).toBe(asked);
	});

	it("an execution another process received the request of uses n8n's table", async () => {
		// A queue-mode worker: the execution's item comes from another process's webhook().
		const { items } = await deliverAndRun({}, 'elsewhere');
		const onWorker = (token: string) =>
			executeNode(
				{ nodeType, parameters: {} },
				[{ ...items[0], json: { ...items[0].json, idempotencyToken: token } }],
				'webhook',
			);
		const asked = table.asked;
		const first = await onWorker(`worker-${workflowRun}`);
		expect(first.output).toEqual([[expect.objectContaining({ json: expect.any(Object) })]]);
		expect(table.asked).toBe(asked + 1);
		// Another worker recorded this one: only the table knows it.
		table.recorded.add(`other-${workflowRun}`);
		expect((await onWorker(`other-${workflowRun}`)).output).toEqual([[]]);
		expect(table.asked).toBe(asked + 2);
	});

	it("are not recorded from the editor's test events", async () => {
		await deliverAndRun({}, 'test-token', 'manual');
		const production = await deliverAndRun({}, 'test-token');
		expect(production.output).toEqual([production.items]);
	});
});

describe('answers', () => {
	it('reply to an inbound message with the fixed message, escaped, and an optional media URL', async () => {
		const parameters = {
			respond: 'message',
			replyMessage: 'Gracias <3 & hasta pronto',
			replyMediaUrl: 'https://example.com/logo.png',
		};
		const call = await deliver({ parameters }, twilioRequest(twilio.whatsappText));
		expectTwimlAnswer(
			call,
			'<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>Gracias &lt;3 &amp; hasta pronto</Body><Media>https://example.com/logo.png</Media></Message></Response>',
		);
		expect(onlyItem(call).event).toBe('message.received');
	});

	it('do not reply to a status callback in fixed-message mode', async () => {
		const call = await deliver(
			{ parameters: { respond: 'message', replyMessage: 'Hi' } },
			twilioRequest(twilio.statusCallback('delivered')),
		);
		expectTwimlAnswer(call, EMPTY_TWIML);
	});

	it.each(['lastNode', 'responseNode'])(
		'leave the answer to the workflow in %s mode',
		async (respond) => {
			const call = await deliver({ parameters: { respond } }, twilioRequest(twilio.whatsappText));
			expect(call.result.webhookResponse).toBeUndefined();
			expect(call.result.noWebhookResponse).toBeUndefined();
			expect(call.response.ended).toBe(false);
			expect(onlyItem(call).event).toBe('message.received');
		},
	);
});

describe('cached credentials', () => {
	let now = Date.UTC(2026, 0, 1);
	beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
	afterEach(() => jest.restoreAllMocks());

	it('pick up a new Auth Token at once after a failure, once the cached copy is a few seconds old', async () => {
		const credentialIds = freshIds();
		expect(
			onlyItem(await deliver({ credentialIds }, twilioRequest(twilio.whatsappText))).event,
		).toBe('message.received');
		const rotated = { credentialIds, credentials: twilioCredential(OTHER_TOKEN) };
		// The old token stays accepted while cached …
		expect(onlyItem(await deliver(rotated, twilioRequest(twilio.whatsappText))).event).toBe(
			'message.received',
		);
		// … a new one right away is refused, so forged requests cannot force a re-read each …
		expectOwnAnswer(
			await deliver(rotated, twilioRequest(twilio.whatsappText, { token: OTHER_TOKEN })),
			403,
		);
		now += 11_000;
		// … and accepted once the copy is old enough to re-read.
		expect(
			onlyItem(await deliver(rotated, twilioRequest(twilio.whatsappText, { token: OTHER_TOKEN })))
				.event,
		).toBe('message.received');
		// The re-read replaced the old token.
		expectOwnAnswer(await deliver(rotated, twilioRequest(twilio.whatsappText)), 403);
	});

	it('stop accepting a replaced token after a minute without any failure', async () => {
		const credentialIds = freshIds();
		await deliver({ credentialIds }, twilioRequest(twilio.whatsappText));
		now += 61_000;
		expectOwnAnswer(
			await deliver(
				{ credentialIds, credentials: twilioCredential(OTHER_TOKEN) },
				twilioRequest(twilio.whatsappText),
			),
			403,
		);
	});
});
