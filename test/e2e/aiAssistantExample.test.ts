/**
 * examples/whatsapp-ai-assistant.json on a real n8n, as a user imports it: n8n's own AI Agent,
 * OpenAI Chat Model and Simple Memory nodes between the Twilio Trigger and the Twilio node. Only
 * credentials are filled in. Twilio is the mock (which routes the WhatsApp sender's messages to the
 * trigger, as the sender's webhook URL does); the model is a local OpenAI-compatible stand-in
 * (test/openai-stand-in) that n8n's OpenAI credential reaches through its Base URL.
 */
import { DEFAULT_ACCOUNT, MOCK_NUMBERS, startMockTwilio, type MockTwilio } from '../mock-twilio';
import {
	startOpenAiStandIn,
	textOf,
	type ChatMessage,
	type OpenAiStandIn,
} from '../openai-stand-in';
import { publishOpenAiExample } from './fixtures/openAiExample';
import { eventually } from './fixtures/twilio/workflows';
import { getN8n, nodeOutput } from './harness';

jest.setTimeout(180_000);

const n8n = getN8n();
const ALICE = 'whatsapp:+15550001001';
const BOB = 'whatsapp:+15550001002';

let mock: MockTwilio;
let model: OpenAiStandIn;
let workflowId = '';

beforeAll(async () => {
	mock = await startMockTwilio({ accounts: [DEFAULT_ACCOUNT], callbackDelayMs: 5 });
	model = await startOpenAiStandIn();
	workflowId = await publishOpenAiExample(n8n, 'whatsapp-ai-assistant.json', mock, model);
});

afterAll(async () => {
	if (workflowId) await n8n.deactivate(workflowId);
	await mock?.close();
	await model?.close();
});

/** Sends a WhatsApp message from `from` and waits for the replies the workflow sends to it. */
async function converse(from: string, body: string, replies = 1) {
	const sentBefore = mock.messages.length;
	const requestsBefore = model.requests.length;
	const answer = await mock.receiveMessage({ to: `whatsapp:${MOCK_NUMBERS.whatsapp}`, from, body });
	expect(answer.status).toBe(200);
	const inboundSid = mock.webhooks[mock.webhooks.length - 1].messageSid;
	const sent = await eventually(
		`${replies} replies to ${from}`,
		async () => {
			const toSender = mock.messages.slice(sentBefore).filter((m) => m.resource.to === from);
			return toSender.length >= replies ? toSender : undefined;
		},
		90_000,
	);
	return { inboundSid, sent, modelRequests: model.requests.slice(requestsBefore) };
}

const contents = (messages: ChatMessage[] | undefined) =>
	(messages ?? []).map((message) => `${message.role}: ${textOf(message)}`);

describe('the WhatsApp AI assistant example', () => {
	it('shows the typing indicator for the message, asks the model, and sends its answer back', async () => {
		const { inboundSid, sent, modelRequests } = await converse(
			ALICE,
			'When do you open on Saturday?',
		);
		// Shown by the trigger's option Show Typing Indicator on Inbound Messages, for that message.
		expect(mock.typingIndicators.map((record) => record.messageId)).toContain(inboundSid);
		const [execution] = await n8n.waitForExecutions(workflowId, 1);
		expect(nodeOutput(execution, 'Incoming WhatsApp Message')).toEqual([
			expect.objectContaining({ messageSid: inboundSid, typingIndicator: true }),
		]);
		expect(modelRequests).toHaveLength(1);
		const [request] = modelRequests;
		expect(request.body.stream).not.toBe(true);
		expect(request.body.model).toBe('gpt-4o-mini');
		expect(contents(request.body.messages)).toContainEqual('user: When do you open on Saturday?');
		expect(sent.map((message) => message.resource)).toEqual([
			expect.objectContaining({
				from: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
				to: ALICE,
				body: 'You said: When do you open on Saturday?',
			}),
		]);
	});

	it("remembers each sender's conversation, and only theirs", async () => {
		const second = await converse(ALICE, 'And on Sunday?');
		expect(contents(second.modelRequests[0].body.messages)).toEqual(
			expect.arrayContaining([
				'user: When do you open on Saturday?',
				'assistant: You said: When do you open on Saturday?',
				'user: And on Sunday?',
			]),
		);

		const other = await converse(BOB, 'Hello, is this the bakery?');
		const seen = contents(other.modelRequests[0].body.messages).join('\n');
		expect(seen).toContain('user: Hello, is this the bakery?');
		expect(seen).not.toContain('Saturday');
		expect(seen).not.toContain('Sunday');
	});

	it('sends a 2,500-character answer as two messages, in order', async () => {
		const first = `Part one. ${'Our bakery opens at seven and closes at six. '.repeat(28)}`.trim();
		const second = `Part two. ${'Sundays we bake only bread and croissants. '.repeat(29)}`.trim();
		const answer = `${first}\n\n${second}`;
		expect(answer.length).toBeGreaterThanOrEqual(2_500);
		model.reply = () => answer;
		try {
			const { sent } = await converse(ALICE, 'Tell me everything about your hours', 2);
			expect(sent).toHaveLength(2);
			const bodies = sent.map((message) => message.resource.body);
			expect(bodies[0].startsWith('Part one.')).toBe(true);
			expect(bodies[1].startsWith('Part two.')).toBe(true);
			for (const body of bodies) expect(body.length).toBeLessThanOrEqual(1_600);
			expect(bodies.join('').replace(/\s+/g, '')).toBe(answer.replace(/\s+/g, ''));
			expect(sent[0].createdAt.getTime()).toBeLessThanOrEqual(sent[1].createdAt.getTime());
		} finally {
			model.reply = (messages) =>
				`You said: ${textOf([...messages].reverse().find((m) => m.role === 'user'))}`;
		}
	});
});
