/**
 * The send path on a real n8n with the node setting Retry On Fail (3 tries), and Long Text split
 * into several messages, counted at the Twilio mock:
 * - Send, three items whose second is refused (21211) every time: the first and third are created
 *   once, the second is tried three times; with a 500 that happens once, the retry sends only the
 *   failed item.
 * - Send, a 2,500-character text: two messages, in order, listed as `parts` on the item.
 * - Send and Wait, a text of three parts whose second part meets a 500: the retry resumes at that
 *   part, each part is created once, and the execution waits for (and resumes with) the last part.
 * - Send and Wait with a fallback template (version 2: picked from the list, variables as fields,
 *   loaded through n8n's REST endpoint): the text ends undelivered with 63016 (outside the 24-hour
 *   window), the node sends the approved template, waits for it, and resumes saying the fallback
 *   was used.
 */
import { MOCK_NUMBERS, startMockTwilio, type MockMessage, type MockTwilio } from '../mock-twilio';
import { plannedSteps } from '../mock-twilio/webhooks/statusCallbacks';
import { addApprovedTemplate } from '../helpers/templates';
import { plannedStepsOf, sendCallback, startHoldingMock } from './fixtures/twilio/heldCallbacks';
import {
	chain,
	createTwilioCredential,
	eventually,
	newExecutions,
	SEND_TYPE,
	webhookStartNode,
	type NodeParameters,
	type WorkflowNode,
} from './fixtures/twilio/workflows';
import { getN8n, nodeOutput, type Credential, type Execution } from './harness';

jest.setTimeout(180_000);

const n8n = getN8n();
const RETRY_ON_FAIL = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };
/** Twilio's magic To that its test credentials refuse with 21211, as the mock does. */
const INVALID_TO = '+15005550001';

let mock: MockTwilio;
let twilio: Credential;
const workflowIds: string[] = [];

beforeAll(async () => {
	mock = await startMockTwilio({ callbackDelayMs: 20 });
	twilio = await createTwilioCredential(n8n, 'Twilio (retry e2e)', mock.url);
});

afterAll(async () => {
	for (const id of workflowIds) await n8n.deactivate(id);
	await mock?.close();
});

afterEach(() => mock.clearFaults());

async function deploy(name: string, nodes: WorkflowNode[]): Promise<string> {
	const { id } = await n8n.importWorkflow({
		name,
		nodes,
		connections: chain(nodes.map((node) => node.name)),
	});
	workflowIds.push(id);
	await n8n.activate(id);
	return id;
}

function sendNode(
	id: string,
	name: string,
	parameters: NodeParameters,
	credential: Credential,
	typeVersion = 1,
): WorkflowNode {
	return {
		id,
		name,
		type: SEND_TYPE,
		typeVersion,
		position: [260, 0],
		parameters: { resource: 'message', content: 'text', ...parameters },
		credentials: { twilioMessagingApi: { id: credential.id, name: credential.name } },
		...RETRY_ON_FAIL,
	};
}

const createsTo = (twilioMock: MockTwilio, to: string) =>
	twilioMock.requests.filter(
		(r) => r.method === 'POST' && /\/Messages\.json$/.test(r.path) && r.form.To === to,
	);
const createdTo = (twilioMock: MockTwilio, to: string) =>
	twilioMock.messages.filter((m) => m.params.To === to);

let unique = 600;
const nextNumber = () => `+1415555${String(unique++).padStart(4, '0')}`;

const paragraph = (n: number) => `Paragraph ${n}. ${'word '.repeat(200).trim()}.`;

describe('Send with Retry On Fail (3 tries)', () => {
	const path = 'e2e-twilio-send-retry';
	let workflowId = '';

	beforeAll(async () => {
		workflowId = await deploy('twilio retry e2e: send', [
			webhookStartNode(
				'0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d41',
				'1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e41',
				path,
				'onReceived',
			),
			{
				id: '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f41',
				name: 'One Item per Message',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [130, 0],
				parameters: { fieldToSplitOut: 'body.messages', options: {} },
			},
			sendNode(
				'3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a41',
				'Send SMS',
				{
					operation: 'send',
					channel: 'sms',
					sender: 'phoneNumber',
					from: MOCK_NUMBERS.sms,
					to: '={{ $json.to }}',
					body: '={{ $json.text }}',
					options: { concurrency: 1, longText: 'split' },
				},
				twilio,
			),
		]);
	});

	async function run(messages: Array<{ to: string; text: string }>): Promise<Execution> {
		const known = (await n8n.listExecutions(workflowId)).length;
		expect((await n8n.post(path, { messages })).status).toBe(200);
		const [execution] = await newExecutions(n8n, workflowId, known);
		return execution;
	}

	it('three items, the second refused with 21211 on every try: the first is created once, never again', async () => {
		const [first, third] = [nextNumber(), nextNumber()];
		const execution = await run([
			{ to: first, text: 'one' },
			{ to: INVALID_TO, text: 'two' },
			{ to: third, text: 'three' },
		]);
		expect(execution.status).toBe('error');
		expect(createsTo(mock, INVALID_TO).length).toBeGreaterThanOrEqual(3);
		expect(createsTo(mock, first)).toHaveLength(1);
		// Without Continue On Fail the node stops at the first failure: the third (concurrency 1) never
		// starts.
		expect(createsTo(mock, third)).toHaveLength(0);
	});

	it('a 500 on the second item once: the retry sends only that item, and all three come out once', async () => {
		const numbers = [nextNumber(), nextNumber(), nextNumber()];
		// The second create request of the run (concurrency 1: the second item) is answered 500, once.
		mock.setFault({ kind: '500', count: 1, ratio: 0.5, on: 'create' });
		const execution = await run(numbers.map((to, index) => ({ to, text: `message ${index}` })));
		expect(execution.status).toBe('success');
		expect(numbers.map((to) => createsTo(mock, to).length)).toEqual([1, 2, 1]);
		const output = nodeOutput(execution, 'Send SMS');
		expect(output.map((item) => item.messageSid)).toEqual(
			numbers.map((to) => {
				const created = createdTo(mock, to);
				expect(created).toHaveLength(1);
				return created[0].resource.sid;
			}),
		);
	});

	it('a 2,500-character answer goes out as two messages in order, listed as parts on the item', async () => {
		const to = nextNumber();
		const text = 'This sentence is exactly fifty characters long ok. '.repeat(50).trim();
		const execution = await run([{ to, text }]);
		expect(execution.status).toBe('success');
		const created = createdTo(mock, to);
		expect(created).toHaveLength(2);
		expect(created.map((m) => String(m.params.Body)).join(' ')).toBe(text);
		const [item] = nodeOutput(execution, 'Send SMS');
		expect(item.messageSid).toBe(created[0].resource.sid);
		expect((item.parts as Array<{ messageSid: string }>).map((part) => part.messageSid)).toEqual(
			created.map((m) => m.resource.sid),
		);
	});
});

describe('Send and Wait with Retry On Fail and a text split into three messages', () => {
	const path = 'e2e-twilio-send-and-wait-retry';
	const NODE_NAME = 'Send and Wait';
	let held: MockTwilio;
	let workflowId = '';

	beforeAll(async () => {
		held = await startHoldingMock();
		const heldTwilio = await createTwilioCredential(n8n, 'Twilio (retry e2e, held)', held.url);
		workflowId = await deploy('twilio retry e2e: send and wait', [
			webhookStartNode(
				'4f5a6b7c-8d9e-4f0a-9b2c-3d4e5f6a7b42',
				'5a6b7c8d-9e0f-4a1b-8c3d-4e5f6a7b8c42',
				path,
				'onReceived',
			),
			sendNode(
				'6b7c8d9e-0f1a-4b2c-9d4e-5f6a7b8c9d42',
				NODE_NAME,
				{
					operation: 'sendAndWait',
					channel: 'whatsapp',
					sender: 'phoneNumber',
					from: MOCK_NUMBERS.whatsapp,
					to: '={{ $json.body.to }}',
					body: '={{ $json.body.text }}',
					waitUntil: 'delivered',
					waitAmount: 30,
					waitUnit: 'minutes',
					options: { longText: 'split' },
				},
				heldTwilio,
			),
		]);
	});

	afterAll(async () => {
		await held?.close();
	});

	it('resumes at the failed part, creates each part once, and waits for the last part', async () => {
		const to = nextNumber();
		held.setFault({ kind: '500', count: 1, ratio: 0.5, on: 'create' });
		const known = new Set((await n8n.listExecutions(workflowId)).map((e) => e.id));
		const text = [1, 2, 3].map(paragraph).join('\n\n');
		expect((await n8n.post(path, { to, text })).status).toBe(200);
		const waiting = await eventually('the execution to wait', async () => {
			const listed = await n8n.listExecutions(workflowId, { status: ['waiting'] });
			return listed.find((execution) => !known.has(execution.id));
		});

		const address = `whatsapp:${to}`;
		expect(createsTo(held, address)).toHaveLength(4);
		const created: MockMessage[] = createdTo(held, address);
		expect(created.map((m) => m.params.Body)).toEqual([1, 2, 3].map(paragraph));
		expect(created.map((m) => m.statusCallback === null)).toEqual([true, true, false]);
		expect(created[2].statusCallback).toContain(`/webhook-waiting/${waiting.id}/`);

		const last = created[2];
		for (const step of plannedStepsOf(last)) await sendCallback(held, last, step);
		const execution = await eventually('the execution to finish', async () => {
			const current = await n8n.getExecution(waiting.id);
			return current.status === 'success' || current.status === 'error' ? current : undefined;
		});
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, NODE_NAME)).toEqual([
			expect.objectContaining({
				messageSid: last.resource.sid,
				status: 'delivered',
				isFailed: false,
			}),
		]);
	});
});

describe('Send and Wait with a Fallback Template When Outside the 24-Hour Window', () => {
	const path = 'e2e-twilio-send-and-wait-fallback';
	const NODE_NAME = 'Send and Wait';
	let windowed: MockTwilio;
	let workflowId = '';
	let template = '';
	let credential: Credential;
	/** Version 2: the Content Template picker and the variables as fields. */
	const FALLBACK_PICKED = (sid: string): NodeParameters => ({
		useFallbackTemplate: true,
		fallbackContentSid: { __rl: true, mode: 'list', value: sid },
		fallbackVariablesMode: 'fields',
	});

	beforeAll(async () => {
		// Holds its callbacks (the test sends them), and ends free-form WhatsApp outside the window
		// with 63016.
		windowed = await startMockTwilio({ callbackDelayMs: 3_600_000, enforceWhatsAppWindow: true });
		template = await addApprovedTemplate(windowed, 'Hi {{1}}, please reply to continue.');
		credential = await createTwilioCredential(n8n, 'Twilio (fallback e2e)', windowed.url);
		workflowId = await deploy('twilio retry e2e: send and wait with fallback', [
			webhookStartNode(
				'7c8d9e0f-1a2b-4c3d-8e5f-6a7b8c9d0e43',
				'8d9e0f1a-2b3c-4d4e-9f6a-7b8c9d0e1f43',
				path,
				'onReceived',
			),
			sendNode(
				'9e0f1a2b-3c4d-4e5f-8a7b-8c9d0e1f2a43',
				NODE_NAME,
				{
					operation: 'sendAndWait',
					channel: 'whatsapp',
					sender: 'phoneNumber',
					from: MOCK_NUMBERS.whatsapp,
					to: '={{ $json.body.to }}',
					body: 'Your order has shipped.',
					waitUntil: 'delivered',
					waitAmount: 30,
					waitUnit: 'minutes',
					...FALLBACK_PICKED(template),
					fallbackTemplateVariables: {
						mappingMode: 'defineBelow',
						value: { '1': '={{ $json.body.name }}' },
						matchingColumns: [],
						schema: [{ id: '1', displayName: '{{1}}', required: true, display: true }],
					},
				},
				credential,
				2,
			),
		]);
	});

	it("loads the picked fallback template's variables as fields through n8n's REST endpoint", async () => {
		const fields = await n8n.rest<{ fields: Array<{ id: string; displayName: string }> }>(
			'POST',
			'/dynamic-node-parameters/resource-mapper-fields',
			{
				nodeTypeAndVersion: { name: SEND_TYPE, version: 2 },
				credentials: { twilioMessagingApi: { id: credential.id, name: credential.name } },
				currentNodeParameters: {
					resource: 'message',
					operation: 'sendAndWait',
					channel: 'whatsapp',
					content: 'text',
					...FALLBACK_PICKED(template),
				},
				path: 'fallbackTemplateVariables',
				methodName: 'getFallbackTemplateVariables',
			},
		);
		expect(fields.fields).toEqual([expect.objectContaining({ id: '1', required: true })]);
	});

	afterAll(async () => {
		await windowed?.close();
	});

	it('63016: sends the template, waits for it, and resumes with fallbackUsed and the reason', async () => {
		const to = nextNumber();
		const address = `whatsapp:${to}`;
		const known = new Set((await n8n.listExecutions(workflowId)).map((e) => e.id));
		expect((await n8n.post(path, { to, name: 'Ana' })).status).toBe(200);
		const waiting = await eventually('the execution to wait', async () => {
			const listed = await n8n.listExecutions(workflowId, { status: ['waiting'] });
			return listed.find((execution) => !known.has(execution.id));
		});
		const [text] = createdTo(windowed, address);
		const textSteps = plannedSteps({
			viaService: false,
			whatsapp: true,
			outcome: { status: 'undelivered', errorCode: 63016 },
			readReceipts: false,
		});
		for (const step of textSteps) {
			const answer = await sendCallback(windowed, text, step);
			expect(answer.status).toBe(200);
		}
		const sentTemplate = await eventually('the fallback template', async () =>
			createdTo(windowed, address).find((message) => message.params.ContentSid === template),
		);
		expect(sentTemplate.params).toMatchObject({
			From: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			ContentVariables: '{"1":"Ana"}',
		});
		expect(sentTemplate.statusCallback).toContain(`/webhook-waiting/${waiting.id}/`);
		expect((await n8n.getExecution(waiting.id)).status).toBe('waiting');

		for (const step of plannedStepsOf(sentTemplate))
			await sendCallback(windowed, sentTemplate, step);
		const execution = await eventually('the execution to finish', async () => {
			const current = await n8n.getExecution(waiting.id);
			return current.status === 'success' || current.status === 'error' ? current : undefined;
		});
		expect(execution.status).toBe('success');
		expect(createdTo(windowed, address)).toHaveLength(2);
		expect(nodeOutput(execution, NODE_NAME)).toEqual([
			expect.objectContaining({
				messageSid: sentTemplate.resource.sid,
				status: 'delivered',
				fallbackUsed: true,
				replacedMessageSid: text.resource.sid,
				fallbackReason: expect.stringContaining('63016'),
			}),
		]);
	});
});
