/**
 * The shipped example workflows 1–3 (examples/*.json) on a real n8n, exactly as a user imports
 * them, with only what a user fills in changed: credential ids for the credentials the example
 * names, the contact center's endpoint URL, and the host of the Status Callback URL. Twilio is the
 * mock.
 * - whatsapp-auto-reply.json: each message type gets its TwiML reply in the HTTP answer.
 * - contact-center-inbound.json (seed 001): only Basic-auth + signed requests are forwarded, as the
 *   contact center's form fields, to a local HTTP server standing in for its endpoint.
 * - send-sms-and-track-delivery.json (seed 003): send with StatusCallback + correlation, statuses
 *   recorded by message SID in an n8n Data table; and the Send and Wait alternative.
 */
import { readFileSync } from 'fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';

import {
	DEFAULT_ACCOUNT,
	MOCK_NUMBERS,
	startMockTwilio,
	type MockMessage,
	type MockTwilio,
} from '../mock-twilio';
import {
	contactCenter,
	whatsappButton,
	whatsappImageWithCaption,
	whatsappLocation,
	whatsappReply,
	whatsappText,
	whatsappVoiceNote,
	type Form,
} from '../fixtures/twilio/messages';
import { plannedStepsOf, sendCallback, startHoldingMock } from './fixtures/twilio/heldCallbacks';
import {
	createTwilioCredential,
	createWebhookUserCredential,
	eventually,
	triggerUrl,
	withUserInfo,
	type WorkflowJson,
	type WorkflowNode,
} from './fixtures/twilio/workflows';
import { getN8n, nodeOutput, REPO_ROOT, type Credential } from './harness';

jest.setTimeout(120_000);

const n8n = getN8n();

const EXAMPLES = [
	'whatsapp-auto-reply.json',
	'contact-center-inbound.json',
	'send-sms-and-track-delivery.json',
] as const;
type ExampleFile = (typeof EXAMPLES)[number];

interface ExampleNode extends Omit<WorkflowNode, 'credentials'> {
	credentials?: Record<string, { id?: string; name: string }>;
}

interface Example {
	name: string;
	nodes: ExampleNode[];
	connections: WorkflowJson['connections'];
	settings?: Record<string, unknown>;
}

function loadExample(file: ExampleFile): Example {
	return JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as Example;
}

function nodeNamed(example: Example, name: string): ExampleNode {
	const node = example.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`the example "${example.name}" has no node "${name}"`);
	return node;
}

/**
 * The example as a user sets it up after importing: each credential the example names by name gets
 * the id of the credential created for the test, and `edit` changes node parameters the user is
 * told to fill in.
 */
function setUp(
	example: Example,
	credentials: Record<string, Credential>,
	edit: (node: ExampleNode) => ExampleNode = (node) => node,
): WorkflowJson {
	const nodes = example.nodes.map((node) => {
		const refs = Object.fromEntries(
			Object.entries(node.credentials ?? {}).map(([type, { name }]) => {
				const credential = credentials[name];
				if (!credential)
					throw new Error(`no credential for "${name}" (${type}) of node "${node.name}"`);
				return [type, { id: credential.id, name: credential.name }];
			}),
		);
		return edit({ ...node, ...(node.credentials ? { credentials: refs } : {}) });
	});
	return { ...example, name: `${example.name} (e2e)`, nodes: nodes as WorkflowNode[] };
}

const workflowIds: string[] = [];

async function deploy(workflow: WorkflowJson): Promise<string> {
	const { id } = await n8n.importWorkflow(workflow);
	workflowIds.push(id);
	await n8n.activate(id);
	return id;
}

afterAll(async () => {
	for (const id of workflowIds) await n8n.deactivate(id);
});

describe.each(EXAMPLES)('the example file %s', (file) => {
	const example = loadExample(file);

	it('is an editor export: named, positioned nodes whose connections name existing nodes', () => {
		const names = example.nodes.map((node) => node.name);
		expect(new Set(names).size).toBe(names.length);
		expect(new Set(example.nodes.map((node) => node.id)).size).toBe(names.length);
		for (const node of example.nodes) {
			expect(node).toEqual(
				expect.objectContaining({
					id: expect.any(String),
					name: expect.any(String),
					type: expect.any(String),
					typeVersion: expect.any(Number),
					parameters: expect.any(Object),
				}),
			);
			expect(node.position).toEqual([expect.any(Number), expect.any(Number)]);
		}
		for (const [from, { main }] of Object.entries(example.connections)) {
			expect(names).toContain(from);
			for (const target of main.flat()) expect(names).toContain(target.node);
		}
	});

	it('names credentials only by name, and gives every webhook node a fixed webhookId', () => {
		for (const node of example.nodes) {
			for (const ref of Object.values(node.credentials ?? {}))
				expect(Object.keys(ref)).toEqual(['name']);
			if (/\.webhook$|Trigger$/.test(node.type))
				expect(node.webhookId).toMatch(
					/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
				);
		}
	});
});

/** A fresh SID for each request, so every request is told apart. */
function withSid(params: Form): Form {
	const sid =
		(params.MessageSid?.slice(0, 2) ?? 'SM') +
		[...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');
	return {
		...params,
		MessageSid: sid,
		...('SmsSid' in params ? { SmsSid: sid } : {}),
		...('SmsMessageSid' in params ? { SmsMessageSid: sid } : {}),
	};
}

describe('1. WhatsApp auto-reply (whatsapp-auto-reply.json)', () => {
	const example = loadExample('whatsapp-auto-reply.json');
	const trigger = nodeNamed(example, 'Incoming WhatsApp Message');
	let mock: MockTwilio;
	let url = '';

	beforeAll(async () => {
		mock = await startMockTwilio({ accounts: [DEFAULT_ACCOUNT] });
		const twilio = await createTwilioCredential(
			n8n,
			'Twilio account (auto-reply example)',
			mock.url,
		);
		await deploy(setUp(example, { 'Twilio account': twilio }));
		url = triggerUrl(n8n, trigger.webhookId ?? '');
	});

	afterAll(async () => {
		await mock?.close();
	});

	async function replyTo(params: Form): Promise<string> {
		const answer = await mock.sendInbound(url, withSid(params));
		expect(answer.status).toBe(200);
		expect(String(answer.headers['content-type'])).toMatch(/^text\/xml/);
		return answer.body;
	}

	it('answers a text with the text quoted back, XML-escaped', async () => {
		expect(await replyTo({ ...whatsappText, Body: 'Is <b>5 & 6</b> open?' })).toBe(
			'<Response><Message>Hi Perspective Coffee! You wrote: "Is &lt;b&gt;5 &amp; 6&lt;/b&gt; open?". An agent will answer shortly.</Message></Response>',
		);
	});

	it('answers a picture', async () => {
		expect(await replyTo(whatsappImageWithCaption)).toBe(
			'<Response><Message>Thanks for the picture! We will take a look.</Message></Response>',
		);
	});

	it('answers a location with its label and coordinates', async () => {
		expect(await replyTo(whatsappLocation)).toBe(
			'<Response><Message>Thanks! We got your location: The Harrow Club (51.51322977399644, -0.2197976373036567).</Message></Response>',
		);
	});

	it('answers a template button with the button chosen', async () => {
		expect(await replyTo(whatsappButton)).toBe(
			'<Response><Message>You chose "Cancelar cita". We have noted it.</Message></Response>',
		);
	});

	it('answers anything else (a voice note) with the fallback', async () => {
		expect(await replyTo(whatsappVoiceNote)).toBe(
			'<Response><Message>Sorry, we can only read text, pictures, locations and button replies for now.</Message></Response>',
		);
	});
});

interface Received {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	form: Record<string, string>;
}

describe('2. Contact center inbound (contact-center-inbound.json, seed 001)', () => {
	const example = loadExample('contact-center-inbound.json');
	const trigger = nodeNamed(example, 'Verified Twilio Inbound');
	const WEBHOOK_USER = 'aicc-twilio';
	const WEBHOOK_PASSWORD = 'e2e-Aicc-Inbound-8Qm3';
	const ENDPOINT_USER = 'n8n-forwarder';
	const ENDPOINT_PASSWORD = 'e2e-Endpoint-2Vn7';
	const CHANNEL_PATH = '/social/on/whatsapp/twilio/message/1234567890';
	let mock: MockTwilio;
	let endpoint: Server;
	let workflowId = '';
	let url = '';
	const received: Received[] = [];

	beforeAll(async () => {
		mock = await startMockTwilio({ accounts: [DEFAULT_ACCOUNT] });
		endpoint = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const form = Object.fromEntries(
					new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
				);
				received.push({
					method: req.method ?? '',
					path: req.url ?? '',
					headers: req.headers,
					form,
				});
				// Seed 001: "No response is returned when this interface is invoked."
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
		const endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}${CHANNEL_PATH}`;

		const credentials = {
			'Twilio account': await createTwilioCredential(
				n8n,
				'Twilio account (contact center example)',
				mock.url,
			),
			'Contact center webhook user': await createWebhookUserCredential(
				n8n,
				'Contact center webhook user (example)',
				WEBHOOK_USER,
				WEBHOOK_PASSWORD,
			),
			'Contact center endpoint': await n8n.createCredential(
				'Contact center endpoint (example)',
				'httpBasicAuth',
				{ user: ENDPOINT_USER, password: ENDPOINT_PASSWORD },
			),
		};
		workflowId = await deploy(
			setUp(example, credentials, (node) =>
				node.name === 'Forward to Contact Center'
					? { ...node, parameters: { ...node.parameters, url: endpointUrl } }
					: node,
			),
		);
		url = withUserInfo(triggerUrl(n8n, trigger.webhookId ?? ''), WEBHOOK_USER, WEBHOOK_PASSWORD);
	});

	afterAll(async () => {
		await mock?.close();
		await new Promise((resolve) => endpoint?.close(resolve));
	});

	/**
	 * Delivers a message as Twilio does (Basic auth after the challenge) and returns what the
	 * endpoint got for it.
	 */
	async function forwarded(params: Form): Promise<Received> {
		const answer = await mock.sendInbound(url, params);
		expect({ status: answer.status, body: answer.body }).toEqual({
			status: 200,
			body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
		});
		return await eventually(`the forward of ${params.MessageSid}`, async () =>
			received.find((request) => request.form.MessageSid === params.MessageSid),
		);
	}

	const EMPTY_FIELDS = {
		Body: '',
		ProfileName: '',
		MediaUrl0: '',
		MediaContentType0: '',
		Latitude: '',
		Longitude: '',
		Address: '',
		Label: '',
		OriginalRepliedMessageSid: '',
		OriginalRepliedMessageSender: '',
	};

	it("forwards a quoted WhatsApp text as TEXT with the reply context, by POST with the endpoint's Basic auth", async () => {
		const params = withSid(whatsappReply);
		const request = await forwarded(params);

		expect({ method: request.method, path: request.path }).toEqual({
			method: 'POST',
			path: CHANNEL_PATH,
		});
		expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
		expect(request.headers.authorization).toBe(
			`Basic ${Buffer.from(`${ENDPOINT_USER}:${ENDPOINT_PASSWORD}`).toString('base64')}`,
		);
		expect(request.form).toEqual({
			...EMPTY_FIELDS,
			From: 'whatsapp:+14017122661',
			To: 'whatsapp:+14155238886',
			MessageSid: params.MessageSid,
			MessageType: 'TEXT',
			Body: 'Yes, 3 pm works for me',
			ProfileName: 'Perspective Coffee',
			OriginalRepliedMessageSid: 'SMc4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9',
			OriginalRepliedMessageSender: 'whatsapp:+14155238886',
		});
	});

	it('forwards an image as IMAGE with its media URL and content type', async () => {
		const params = withSid(whatsappImageWithCaption);
		expect((await forwarded(params)).form).toEqual({
			...EMPTY_FIELDS,
			From: 'whatsapp:+14017122661',
			To: 'whatsapp:+14155238886',
			MessageSid: params.MessageSid,
			MessageType: 'IMAGE',
			Body: 'Here is the receipt',
			ProfileName: 'Perspective Coffee',
			MediaUrl0: whatsappImageWithCaption.MediaUrl0,
			MediaContentType0: 'image/jpeg',
		});
	});

	it('forwards a location as LOCATION with its coordinates, address and label', async () => {
		const params = withSid(whatsappLocation);
		expect((await forwarded(params)).form).toMatchObject({
			MessageType: 'LOCATION',
			Latitude: '51.51322977399644',
			Longitude: '-0.2197976373036567',
			Address: '187 Freston Road, London, Greater London W10 6TH',
			Label: 'The Harrow Club',
		});
	});

	it("forwards a video as the contact center's VEDIO, and a voice note as AUDIO", async () => {
		const video = withSid(
			contactCenter('VEDIO', {
				MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1',
				MediaContentType0: 'video/mp4',
			}),
		);
		expect((await forwarded(video)).form).toMatchObject({
			MessageType: 'VEDIO',
			MediaContentType0: 'video/mp4',
			ProfileName: 'Maria',
		});
		const voice = withSid(whatsappVoiceNote);
		expect((await forwarded(voice)).form).toMatchObject({
			MessageType: 'AUDIO',
			MediaContentType0: 'audio/ogg',
			MediaUrl0: whatsappVoiceNote.MediaUrl0,
		});
	});

	it('forwards nothing and starts nothing for a request without the webhook user (401) or with a bad signature (403)', async () => {
		const before = (await n8n.listExecutions(workflowId)).length;
		const forwards = received.length;
		const withoutUser = await mock.sendInbound(
			triggerUrl(n8n, trigger.webhookId ?? ''),
			withSid(whatsappText),
		);
		expect(withoutUser.status).toBe(401);
		const forged = await mock.sendInbound(url, withSid(whatsappText), { badSignature: true });
		expect(forged.status).toBe(403);

		// A good request afterwards: once it is forwarded, anything the refused ones had started would
		// be too.
		await forwarded(withSid(whatsappText));
		expect(received.length).toBe(forwards + 1);
		const executions = await n8n.waitForExecutions(workflowId, before + 1);
		expect(executions).toHaveLength(before + 1);
	});
});

describe('3. Send SMS and track delivery (send-sms-and-track-delivery.json, seed 003)', () => {
	const example = loadExample('send-sms-and-track-delivery.json');
	const statusUpdates = nodeNamed(example, 'Twilio Status Updates');
	const TABLE_NAME = 'Twilio message status';
	let held: MockTwilio;
	let workflowId = '';
	let projectId = '';
	let tableId = '';

	beforeAll(async () => {
		held = await startHoldingMock();
		projectId = (await n8n.rest<{ id: string }>('GET', '/projects/personal')).id;
		// The table as the example's sticky note tells the user to create it.
		const table = await n8n.rest<{ id: string }>('POST', `/projects/${projectId}/data-tables`, {
			name: TABLE_NAME,
			columns: [
				{ name: 'messageSid', type: 'string' },
				{ name: 'orderId', type: 'string' },
				{ name: 'to', type: 'string' },
				{ name: 'status', type: 'string' },
				{ name: 'isFinal', type: 'boolean' },
				{ name: 'errorCode', type: 'number' },
				{ name: 'errorMessage', type: 'string' },
			],
		});
		tableId = table.id;
		const twilio = await createTwilioCredential(
			n8n,
			'Twilio account (delivery tracking example)',
			held.url,
		);
		workflowId = await deploy(
			setUp(example, { 'Twilio account': twilio }, (node) => {
				const callback = node.parameters.statusCallback;
				// The user pastes the Production URL of "Twilio Status Updates"; only the host differs from
				// the example's.
				return typeof callback === 'string'
					? {
							...node,
							parameters: {
								...node.parameters,
								statusCallback: callback.replace('https://n8n.example.com/', `${n8n.baseUrl}/`),
							},
						}
					: node;
			}),
		);
	});

	afterAll(async () => {
		await held?.close();
	});

	type Row = {
		messageSid: string | null;
		orderId: string | null;
		to: string | null;
		status: string | null;
		isFinal: boolean | null;
		errorCode: number | null;
		errorMessage: string | null;
	};

	async function rows(): Promise<Row[]> {
		return (
			await n8n.rest<{ data: Row[] }>(
				'GET',
				`/projects/${projectId}/data-tables/${tableId}/rows?take=100`,
			)
		).data;
	}

	async function rowWhen(sid: string, status: string): Promise<Row> {
		return await eventually(`the row of ${sid} with status ${status}`, async () =>
			(await rows()).find((row) => row.messageSid === sid && row.status === status),
		);
	}

	async function send(path: string, body: object): Promise<Response> {
		const response = await n8n.post(path, body);
		expect(response.status).toBe(200);
		return response;
	}

	function sentMessage(sid: string): MockMessage {
		const message = held.messages.find((candidate) => candidate.sid === sid);
		if (!message) throw new Error(`Twilio has no message ${sid}`);
		return message;
	}

	it("sends, answers with the message's SID and status, and records each status Twilio reports in one row per message", async () => {
		const sent = (await (
			await send('send-sms', {
				to: '+14155550123',
				text: 'Your order A-1001 has shipped',
				orderId: 'A-1001',
			})
		).json()) as Record<string, unknown>;
		expect(sent).toMatchObject({
			messageSid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
			status: 'queued',
			to: { address: '+14155550123', number: '+14155550123' },
			from: { address: MOCK_NUMBERS.sms },
		});
		const sid = String(sent.messageSid);
		const message = sentMessage(sid);
		expect(message.params).toMatchObject({
			StatusCallback: `${triggerUrl(n8n, statusUpdates.webhookId ?? '')}?orderId=A-1001`,
			Body: 'Your order A-1001 has shipped',
		});

		const [sentStep, deliveredStep] = plannedStepsOf(message);
		expect((await sendCallback(held, message, sentStep)).status).toBe(200);
		expect(await rowWhen(sid, 'sent')).toMatchObject({
			orderId: 'A-1001',
			to: '+14155550123',
			isFinal: false,
			errorCode: null,
		});
		expect((await sendCallback(held, message, deliveredStep)).status).toBe(200);
		expect(await rowWhen(sid, 'delivered')).toMatchObject({
			orderId: 'A-1001',
			isFinal: true,
			errorCode: null,
		});
		expect((await rows()).filter((row) => row.messageSid === sid)).toHaveLength(1);
	});

	it('records undelivered with ErrorCode 30003 and its meaning', async () => {
		const sent = (await (
			await send('send-sms', {
				to: MOCK_NUMBERS.undeliverable,
				text: 'Your code is 4711',
				orderId: 'A-1002',
			})
		).json()) as Record<string, unknown>;
		const message = sentMessage(String(sent.messageSid));
		const [sentStep, undeliveredStep] = plannedStepsOf(message);
		expect([sentStep.status, undeliveredStep.status]).toEqual(['sent', 'undelivered']);
		// One status at a time, as Twilio sends them seconds apart: the example's note says a late
		// `sent` can overwrite a final status when two executions of the status workflow overlap, which
		// a busy CI machine made happen when both callbacks were posted back to back.
		expect((await sendCallback(held, message, sentStep)).status).toBe(200);
		await rowWhen(message.sid, 'sent');
		expect((await sendCallback(held, message, undeliveredStep)).status).toBe(200);
		expect(await rowWhen(message.sid, 'undelivered')).toMatchObject({
			orderId: 'A-1002',
			isFinal: true,
			errorCode: 30003,
			errorMessage: 'Unreachable destination handset (switched off or out of coverage)',
		});
	});

	it("answers a message Twilio refuses with Twilio's error fields (seed 003: code, message, more info)", async () => {
		const answer = (await (
			await send('send-sms', {
				to: '+15005550001',
				text: 'to an invalid number',
				orderId: 'A-1003',
			})
		).json()) as Record<string, unknown>;
		expect(answer).toEqual({
			error: expect.objectContaining({
				kind: 'api',
				code: 21211,
				message: "The 'To' number +15005550001 is not a valid phone number.",
				moreInfo: 'https://www.twilio.com/docs/errors/21211',
			}),
		});
	});

	it('the Send and Wait alternative records the final status once Twilio reports it', async () => {
		const known = new Set((await n8n.listExecutions(workflowId)).map((execution) => execution.id));
		const messages = held.messages.length;
		await send('send-sms-and-wait', {
			to: '+14155550125',
			text: 'Your table is ready',
			orderId: 'A-1004',
		});
		const waiting = await eventually('the Send and Wait execution to wait', async () =>
			(await n8n.listExecutions(workflowId, { status: ['waiting'] })).find(
				(execution) => !known.has(execution.id),
			),
		);
		const message = held.messages[messages];
		expect(message.params).toMatchObject({ To: '+14155550125', Body: 'Your table is ready' });
		for (const step of plannedStepsOf(message))
			expect((await sendCallback(held, message, step)).status).toBe(200);

		expect(await rowWhen(message.sid, 'delivered')).toMatchObject({
			orderId: 'A-1004',
			to: '+14155550125',
			isFinal: true,
			errorCode: null,
		});
		const execution = await eventually('the Send and Wait execution to finish', async () => {
			const current = await n8n.getExecution(waiting.id);
			return current.status === 'success' ? current : undefined;
		});
		expect(nodeOutput(execution, 'Status Reported?')).toHaveLength(1);
	});
});
