/**
 * The shipped example "TimelinesAI-compatible gateway → Twilio WhatsApp send"
 * (examples/timelinesai-gateway-to-twilio-whatsapp.json) on a real n8n, sending through the Twilio
 * mock: the caller of the TimelinesAI URL gets Twilio's message SID as message_id (seed 002,
 * "Respuesta del Webhook"), and a message Twilio refuses gets a 400 in TimelinesAI's error shape.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { DEFAULT_ACCOUNT, MOCK_NUMBERS, startMockTwilio, type MockTwilio } from '../mock-twilio';
import { example1AccountPhone } from '../fixtures/timelinesai/requests';
import { executionIds, GatewayCaller, type Answer } from './fixtures/timelinesai/gateway';
import { getN8n, nodeOutput, REPO_ROOT } from './harness';

jest.setTimeout(60_000);

const n8n = getN8n();

interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	webhookId?: string;
	credentials?: Record<string, { id?: string; name: string }>;
}

interface Example {
	name: string;
	nodes: ExampleNode[];
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	>;
}

const EXAMPLE_FILE = join(REPO_ROOT, 'examples/timelinesai-gateway-to-twilio-whatsapp.json');
const example = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as Example;
const SECRET = 'e2e-Gateway-Example-6Wc1Hs4Ry9';
const TWILIO_SID = /^SM[0-9a-f]{32}$/;
/** Twilio's magic test number that its API refuses with 21211 (test credentials page). */
const INVALID_TO = '+15005550001';

const nodeNamed = (name: string) => {
	const node = example.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`the example has no node "${name}"`);
	return node;
};

describe('the example file', () => {
	it('is an editor export: named, positioned nodes whose connections name existing nodes', () => {
		const names = example.nodes.map((node) => node.name);
		expect(new Set(names).size).toBe(names.length);
		for (const node of example.nodes) {
			expect(node).toEqual(
				expect.objectContaining({
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

	it('references credentials by name only and ships no URL Secret, so every install sets its own', () => {
		const credentials = example.nodes.flatMap((node) => Object.values(node.credentials ?? {}));
		expect(credentials).toEqual([{ name: 'Twilio account' }]);
		expect(nodeNamed('TimelinesAI-Compatible Trigger').parameters.urlSecret).toBe('');
	});

	it("sends to the item's phone and routes Twilio errors to their own answer", () => {
		const send = nodeNamed('Send WhatsApp via Twilio');
		expect(send).toMatchObject({
			onError: 'continueErrorOutput',
			parameters: { operation: 'send', channel: 'whatsapp' },
		});
		expect(
			example.connections['Send WhatsApp via Twilio'].main.map((output) =>
				output.map((target) => target.node),
			),
		).toEqual([['Answer with Twilio SID'], ['Answer with error']]);
	});
});

describe('the example on a real n8n with the Twilio mock', () => {
	let mock: MockTwilio;
	let workflowId = '';
	const webhookId = nodeNamed('TimelinesAI-Compatible Trigger').webhookId ?? '';
	const caller = new GatewayCaller(n8n, webhookId, SECRET);
	let executions = 0;

	beforeAll(async () => {
		mock = await startMockTwilio({ accounts: [DEFAULT_ACCOUNT] });
		const credential = await n8n.createCredential(
			'Twilio account (gateway example)',
			'twilioMessagingApi',
			{
				accountSid: DEFAULT_ACCOUNT.accountSid,
				authType: 'authToken',
				authToken: DEFAULT_ACCOUNT.authToken,
				baseUrl: mock.url,
			},
		);
		const nodes = example.nodes.map((node) => ({
			...node,
			...(node.credentials
				? { credentials: { twilioMessagingApi: { id: credential.id, name: credential.name } } }
				: {}),
			...(node.type.endsWith('.timelinesAiTrigger')
				? { parameters: { ...node.parameters, urlSecret: SECRET } }
				: {}),
		}));
		workflowId = (await n8n.importWorkflow({ ...example, name: `${example.name} (e2e)`, nodes }))
			.id;
		await n8n.activate(workflowId);
	});

	afterAll(async () => {
		if (workflowId) await n8n.deactivate(workflowId);
		await mock?.close();
	});

	function expectAnswer(answer: Answer, status: number, body: unknown): void {
		expect({ status: answer.status, body: answer.json ?? answer.text }).toEqual({ status, body });
		expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
	}

	/**
	 * The new execution of this request, after checking it ended well (the error branch handles
	 * Twilio errors).
	 */
	async function lastExecution() {
		executions += 1;
		const all = await n8n.waitForExecutions(workflowId, executions);
		const execution = all[all.length - 1];
		expect(execution.status).toBe('success');
		return execution;
	}

	// The first request of a new workflow also checks that n8n answers it in Respond to Webhook mode
	// (see ensureStoredState in the node's stateStore.ts).
	it('answers a phone request with the Twilio SID, after Twilio recorded exactly that one message', async () => {
		const before = mock.messages.length;
		const answer = await caller.send(example1AccountPhone);

		const sid =
			(answer.json as { data?: { message_id?: string } } | undefined)?.data?.message_id ?? '';
		expect(sid).toMatch(TWILIO_SID);
		expectAnswer(answer, 200, { status: 'success', data: { message_id: sid } });
		const created = mock.messages.slice(before);
		expect(created).toHaveLength(1);
		expect(created[0].sid).toBe(sid);
		expect(created[0].params).toEqual({
			To: 'whatsapp:+14151231234',
			From: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			Body: 'lorem ipsum',
		});

		const execution = await lastExecution();
		expect(nodeOutput(execution, 'Send WhatsApp via Twilio')[0]).toMatchObject({
			messageSid: sid,
			status: 'queued',
			to: { address: 'whatsapp:+14151231234', number: '+14151231234' },
		});
	});

	it('sends file_url as the media of the message', async () => {
		const before = mock.messages.length;
		const body = {
			action: 'send',
			jid: '14151231234@s.whatsapp.net',
			text: 'Your invoice',
			file_url: 'https://example.com/files/invoice.pdf',
			file_name: 'invoice.pdf',
		};
		const answer = await caller.send(body);

		expect(answer.status).toBe(200);
		const created = mock.messages.slice(before);
		expect(created).toHaveLength(1);
		expect(created[0].params).toEqual({
			To: 'whatsapp:+14151231234',
			From: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			Body: 'Your invoice',
			MediaUrl: 'https://example.com/files/invoice.pdf',
		});
		expectAnswer(answer, 200, { status: 'success', data: { message_id: created[0].sid } });
		await lastExecution();
	});

	it("answers 400 in the TimelinesAI shape with Twilio's error when Twilio refuses the number (21211)", async () => {
		const before = mock.messages.length;
		const answer = await caller.send({
			action: 'send',
			phone: INVALID_TO,
			text: 'to a number Twilio refuses',
		});

		expectAnswer(answer, 400, {
			status: 400,
			data: {},
			message: `The message was not sent: The 'To' number whatsapp:${INVALID_TO} is not a valid phone number. (Twilio error 21211)`,
		});
		expect(mock.messages.length).toBe(before);
		const refused = mock.requests.filter(
			(request) => request.method === 'POST' && request.form.To === `whatsapp:${INVALID_TO}`,
		);
		expect(refused.map((request) => request.status)).toEqual([400]);

		const execution = await lastExecution();
		expect(nodeOutput(execution, 'Send WhatsApp via Twilio', { output: 1 })[0]).toMatchObject({
			error: { kind: 'api', code: 21211, httpStatus: 400 },
		});
	});

	it('answers 400 without calling Twilio when the recipient has no phone number (chat_name)', async () => {
		const requests = mock.requests.length;
		const answer = await caller.send({
			action: 'send',
			chat_name: 'Sales team',
			text: 'to a chat by name',
		});

		expectAnswer(answer, 400, {
			status: 400,
			data: {},
			message: 'The message was not sent: The "To" number is empty (item 0)',
		});
		expect(mock.requests.length).toBe(requests);
		await lastExecution();
	});

	it('leaves invalid requests to the trigger: 400 from the trigger, nothing sent, no execution', async () => {
		const requests = mock.requests.length;
		const before = await executionIds(n8n, workflowId);
		const answer = await caller.send({
			action: 'send',
			phone: '+14151231234',
			chat_id: '77234',
			text: 'two recipients',
		});

		expectAnswer(answer, 400, {
			status: 400,
			data: {},
			message:
				'Several recipients given ("chat_id", "phone"): give exactly one of "chat_id", "jid", "phone" or "chat_name"',
		});
		expect(mock.requests.length).toBe(requests);
		expect(await executionIds(n8n, workflowId)).toEqual(before);
	});
});
