/**
 * examples/whatsapp-voice-note-transcription.json on a real n8n, as a user imports it: the Twilio
 * Trigger downloads the voice note (Download Media) from the Twilio mock's media URL, n8n's OpenAI
 * node (Audio → Transcribe a Recording) sends it to a local OpenAI-compatible stand-in through the
 * OpenAI credential's Base URL, and the Twilio node answers with the transcript. Only credentials
 * are filled in.
 */
import { DEFAULT_ACCOUNT, MOCK_NUMBERS, startMockTwilio, type MockTwilio } from '../mock-twilio';
import { startOpenAiStandIn, type OpenAiStandIn } from '../openai-stand-in';
import { publishOpenAiExample } from './fixtures/openAiExample';
import { eventually } from './fixtures/twilio/workflows';
import { getN8n, nodeOutput } from './harness';

jest.setTimeout(180_000);

const n8n = getN8n();
const CUSTOMER = 'whatsapp:+15550003001';
/**
 * The start of an Ogg page ("OggS", version 0, first page) and an Opus header, then filler: bytes
 * only.
 */
const VOICE_NOTE = Buffer.concat([
	Buffer.from('OggS\0\x02', 'latin1'),
	Buffer.from('OpusHead'),
	Buffer.alloc(4096, 0x5a),
]);

let mock: MockTwilio;
let model: OpenAiStandIn;
let workflowId = '';

beforeAll(async () => {
	mock = await startMockTwilio({ accounts: [DEFAULT_ACCOUNT], callbackDelayMs: 5 });
	model = await startOpenAiStandIn();
	workflowId = await publishOpenAiExample(
		n8n,
		'whatsapp-voice-note-transcription.json',
		mock,
		model,
	);
});

afterAll(async () => {
	if (workflowId) await n8n.deactivate(workflowId);
	await mock?.close();
	await model?.close();
});

it('transcribes a voice note with the OpenAI node and answers with the transcript', async () => {
	model.transcribe = (file) => `Hello, I would like to book a table (${file.content.length} bytes)`;
	const sentBefore = mock.messages.length;
	const answer = await mock.receiveMessage({
		to: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
		from: CUSTOMER,
		media: [{ contentType: 'audio/ogg', content: VOICE_NOTE }],
		extra: { MessageType: 'audio' },
	});
	expect(answer.status).toBe(200);

	const [reply] = await eventually('the reply', async () => {
		const sent = mock.messages.slice(sentBefore).filter((m) => m.resource.to === CUSTOMER);
		return sent.length > 0 ? sent : undefined;
	});
	// The stand-in got exactly the bytes the trigger downloaded, as OpenAI's multipart upload.
	expect(model.transcriptions).toHaveLength(1);
	const [request] = model.transcriptions;
	expect(request.fields.model).toBe('whisper-1');
	expect(request.file?.contentType).toBe('audio/ogg');
	expect(request.file?.content.equals(VOICE_NOTE)).toBe(true);
	expect(reply.resource).toMatchObject({
		from: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
		body: `I heard: Hello, I would like to book a table (${VOICE_NOTE.length} bytes)`,
	});
	const [execution] = await n8n.waitForExecutions(workflowId, 1);
	expect(nodeOutput(execution, 'Incoming WhatsApp Message')).toEqual([
		expect.objectContaining({
			type: 'audio',
			media: [expect.objectContaining({ binaryProperty: 'media0', contentType: 'audio/ogg' })],
		}),
	]);
});

it('lets other messages pass without a transcription or a reply', async () => {
	const sentBefore = mock.messages.length;
	const transcribed = model.transcriptions.length;
	const known = (await n8n.listExecutions(workflowId)).length;
	await mock.receiveMessage({
		to: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
		from: CUSTOMER,
		body: 'Just text',
	});
	const executions = await n8n.waitForExecutions(workflowId, known + 1);
	const execution = executions[executions.length - 1];
	expect(execution.status).toBe('success');
	expect(nodeOutput(execution, 'Is It a Voice Note?', { output: 1 })).toEqual([
		expect.objectContaining({ type: 'text', body: 'Just text' }),
	]);
	expect(execution.data.resultData.runData['Transcribe Voice Note']).toBeUndefined();
	expect(model.transcriptions).toHaveLength(transcribed);
	expect(mock.messages.length).toBe(sentBefore);
});
