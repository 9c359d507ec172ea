/**
 * The Twilio Trigger's option "Show Typing Indicator on Inbound Messages" on a real n8n. The Twilio
 * mock delivers an inbound WhatsApp message to the trigger as its WhatsApp sender's webhook (so it
 * knows the message, as Twilio does) and serves the typing indicator endpoint (twilio-oai
 * twilio_messaging_v2.json, CreateTypingIndicator). Checked: the indicator is asked for that
 * message SID; Twilio's request is answered while the indicator call is still held at the mock; a
 * failing call (the mock's 500, Twilio's own 400 for a message it does not know) leaves
 * `typingIndicator: false` and a warning on the item, and the execution and the request succeed.
 */
import { DEFAULT_ACCOUNT, MOCK_NUMBERS, startMockTwilio, type MockTwilio } from '../mock-twilio';
import { whatsappText } from '../fixtures/twilio/messages';
import {
	createTwilioCredential,
	eventually,
	newExecutions,
	triggerItem,
	triggerNode,
	triggerUrl,
} from './fixtures/twilio/workflows';
import { getN8n } from './harness';

jest.setTimeout(120_000);

const n8n = getN8n();
const TYPING_PATH = '/v2/Indicators/Typing.json';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const WEBHOOK_ID = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a81';
const CUSTOMER = 'whatsapp:+15550002001';

let mock: MockTwilio;
let workflowId = '';
let url = '';

beforeAll(async () => {
	mock = await startMockTwilio({ accounts: [DEFAULT_ACCOUNT] });
	const twilio = await createTwilioCredential(n8n, 'Twilio (typing e2e)', mock.url);
	const trigger = triggerNode({
		nodeId: '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b92',
		webhookId: WEBHOOK_ID,
		parameters: {
			events: 'messages',
			respond: 'emptyTwiml',
			options: { showTypingIndicator: true },
		},
		twilio,
	});
	({ id: workflowId } = await n8n.importWorkflow({
		name: 'twilio trigger e2e: typing indicator on inbound messages',
		nodes: [trigger],
		connections: {},
	}));
	await n8n.activate(workflowId);
	url = triggerUrl(n8n, WEBHOOK_ID);
	mock.whatsAppSenders[0].webhook.callback_url = url;
});

afterAll(async () => {
	if (workflowId) await n8n.deactivate(workflowId);
	await mock?.close();
});

afterEach(() => mock.clearFaults());

const typingRequestsFor = (sid: string) =>
	mock.requests.filter((request) => request.path === TYPING_PATH && request.form.messageId === sid);

async function receive(body: string) {
	const known = (await n8n.listExecutions(workflowId)).length;
	const answer = await mock.receiveMessage({
		from: CUSTOMER,
		to: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
		body,
	});
	const sid = mock.webhooks[mock.webhooks.length - 1].messageSid ?? '';
	return { answer, sid, known };
}

it('asks Twilio for the indicator of that message, after answering Twilio', async () => {
	const hold = mock.holdRequests(TYPING_PATH);
	try {
		const { answer, sid, known } = await receive('Hi, is my order on its way?');
		// Answered while the indicator call has not even been answered by Twilio.
		expect(answer.status).toBe(200);
		expect(answer.body).toBe(EMPTY_TWIML);
		await eventually('the held indicator call', async () =>
			hold.waiting === 1 ? true : undefined,
		);
		expect(typingRequestsFor(sid)).toEqual([
			expect.objectContaining({ status: null, form: { channel: 'whatsapp', messageId: sid } }),
		]);
		hold.release();
		const [execution] = await newExecutions(n8n, workflowId, known);
		expect(execution.status).toBe('success');
		expect(triggerItem(execution)).toMatchObject({ messageSid: sid, typingIndicator: true });
		expect(mock.typingIndicators.map((record) => record.messageId)).toContain(sid);
	} finally {
		hold.release();
	}
});

it('an indicator call Twilio fails (500): a warning on the item, once, and the execution succeeds', async () => {
	mock.setFault({ kind: '500', path: TYPING_PATH, count: 1 });
	const { answer, sid, known } = await receive('Hello again');
	expect(answer.status).toBe(200);
	const [execution] = await newExecutions(n8n, workflowId, known);
	expect(execution.status).toBe('success');
	const item = triggerItem(execution);
	expect(item).toMatchObject({ messageSid: sid, typingIndicator: false });
	expect(item.warnings).toEqual([expect.stringMatching(/^Typing indicator not shown: /)]);
	expect(typingRequestsFor(sid)).toHaveLength(1);
	expect(mock.typingIndicators.map((record) => record.messageId)).not.toContain(sid);
});

it('a message Twilio does not know (its 400): a warning on the item and the request still succeeds', async () => {
	const sid = `SM${'7'.repeat(32)}`;
	const known = (await n8n.listExecutions(workflowId)).length;
	const answer = await mock.sendInbound(url, {
		...whatsappText,
		MessageSid: sid,
		SmsSid: sid,
		SmsMessageSid: sid,
	});
	expect(answer.status).toBe(200);
	const [execution] = await newExecutions(n8n, workflowId, known);
	expect(execution.status).toBe('success');
	const item = triggerItem(execution);
	expect(item).toMatchObject({ messageSid: sid, typingIndicator: false });
	expect(item.warnings).toEqual([
		expect.stringContaining(
			'Typing indicator not shown: invalid or incomplete inbound data in MDR',
		),
	]);
	expect(typingRequestsFor(sid)).toEqual([expect.objectContaining({ status: 400 })]);
});
