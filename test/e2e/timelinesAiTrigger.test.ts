/**
 * The TimelinesAI-compatible trigger on a real n8n: the request contract of TimelinesAI's inbound
 * webhook (seed 002, "Formato de Solicitud" and "Respuesta del Webhook") answered with exact
 * statuses and bodies, the item each accepted request starts an execution with, no execution for
 * a rejected request, and the attempt log ("Download log") as JSON and CSV.
 */
import {
	contactJid,
	example1AccountPhone,
	example2AsPublished,
	example2ChatWithFile,
	groupJid,
} from '../fixtures/timelinesai/requests';
import {
	errorBody,
	executionIds,
	GatewayCaller,
	MESSAGE_ID,
	runFor,
	successBody,
	TRIGGER_NAME,
	triggerWorkflow,
	type Answer,
} from './fixtures/timelinesai/gateway';
import { getN8n, nodeOutput } from './harness';

jest.setTimeout(60_000);

const n8n = getN8n();

const SECRET = 'e2e-Contract-7Jq2Wx9Pz4Lk';
const IDS = {
	nodeId: 'a0c65c08-d036-4bdf-b0f4-3d154d38dab7',
	webhookId: '6f03fe3d-6939-4f49-a407-966b84f71d69',
};
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** In every accepted text, so the log can be searched for message text. */
const TEXT_MARKER = 'lorem ipsum';
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const PACING_MIN_MS = 1500;

let workflowId: string;
const caller = new GatewayCaller(n8n, IDS.webhookId, SECRET);

/** What the attempt log should hold, in order: every request that reached the node's send URL. */
const expectedLog: Array<{ status: number; accepted: boolean; messageId: string | null }> = [];
const acceptedIds: string[] = [];

beforeAll(async () => {
	const workflow = await n8n.importWorkflow(
		triggerWorkflow('timelinesai e2e: contract', IDS, { urlSecret: SECRET }),
	);
	workflowId = workflow.id;
	await n8n.activate(workflowId);
});

afterAll(async () => {
	if (workflowId) await n8n.deactivate(workflowId);
});

function expectJsonAnswer(answer: Answer, status: number, body: unknown): void {
	expect({ status: answer.status, body: answer.json ?? answer.text }).toEqual({ status, body });
	expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
}

/** Sends a request the node must turn away, and checks the answer and that no execution started. */
async function expectRejected(
	send: () => Promise<Answer>,
	status: number,
	message: string,
): Promise<Answer> {
	const before = await executionIds(n8n, workflowId);
	const answer = await send();
	expectJsonAnswer(answer, status, errorBody(status, message));
	// n8n creates the execution before it answers, so one started by this request would be listed
	// now.
	expect(await executionIds(n8n, workflowId)).toEqual(before);
	expectedLog.push({ status, accepted: false, messageId: null });
	return answer;
}

async function expectAccepted(body: object | string, headers?: Record<string, string>) {
	const answer = await caller.send(body, { headers });
	const messageId =
		(answer.json as { data?: { message_id?: string } } | undefined)?.data?.message_id ?? '';
	expect(messageId).toMatch(MESSAGE_ID);
	expectJsonAnswer(answer, 200, successBody(messageId));
	acceptedIds.push(messageId);
	expectedLog.push({ status: 200, accepted: true, messageId });
	const run = await runFor(n8n, workflowId, acceptedIds.length, messageId);
	expect(run.execution).toMatchObject({ status: 'success', mode: 'webhook' });
	expect(run.item.receivedAt).toMatch(ISO_TIME);
	expect(run.item.notBefore).toMatch(ISO_TIME);
	expect(run.item.waitMs).toBe(
		Date.parse(run.item.notBefore as string) - Date.parse(run.item.receivedAt as string),
	);
	return { messageId, item: run.item };
}

/** The fields of the item that do not depend on time or on the generated id. */
function contentOf(item: Record<string, unknown>) {
	const {
		messageId: _id,
		receivedAt: _received,
		notBefore: _notBefore,
		waitMs: _wait,
		...content
	} = item;
	return content;
}

describe('TimelinesAI-compatible trigger on a real n8n: accepted requests', () => {
	it('answers 200 with a wa_backend id for seed example 1 (phone, through a given account) and starts an execution with the request', async () => {
		const { messageId, item } = await expectAccepted(example1AccountPhone);

		expect(item.messageId).toBe(messageId);
		expect(contentOf(item)).toEqual({
			action: 'send',
			text: 'lorem ipsum',
			file: null,
			recipient: { type: 'phone', value: '+14151231234', phone: '+14151231234' },
			whatsappAccountPhone: '+15105566777',
			whatsappAccountPhoneIgnored: false,
			quotaUnits: 1,
			body: example1AccountPhone,
		});
	});

	it('accepts seed example 2 (text and file to a chat_id) as 2 quota units, without downloading the file', async () => {
		const { item } = await expectAccepted(example2ChatWithFile);

		expect(contentOf(item)).toEqual({
			action: 'send',
			text: 'lorem ipsum',
			file: { url: 'https://timelines.ai/logo.png', name: 'logo.png' },
			recipient: { type: 'chat_id', value: '77234', phone: null },
			whatsappAccountPhone: null,
			whatsappAccountPhoneIgnored: false,
			quotaUnits: 2,
			body: example2ChatWithFile,
		});
	});

	it('accepts a contact jid, giving its phone, with the snake_case account phone', async () => {
		const body = {
			action: 'send',
			jid: contactJid,
			whatsapp_account_phone: '+1 (510) 556-6777',
			text: 'lorem ipsum to a jid',
		};
		const { item } = await expectAccepted(body);

		expect(item).toMatchObject({
			recipient: { type: 'jid', value: '14151231234@s.whatsapp.net', phone: '+14151231234' },
			whatsappAccountPhone: '+15105566777',
			quotaUnits: 1,
		});
	});

	it('accepts a group jid, which has no phone', async () => {
		const { item } = await expectAccepted({
			action: 'send',
			jid: groupJid,
			text: 'lorem ipsum to a group',
		});

		expect(item.recipient).toEqual({ type: 'jid', value: '120363012345678901@g.us', phone: null });
	});

	it('accepts a chat_name and normalises CRLF line breaks to \\n', async () => {
		const { item } = await expectAccepted(
			{ action: 'send', chat_name: 'Sales team', text: 'lorem ipsum\r\nline two\rline three' },
			{ 'content-type': 'application/json; charset=utf-8' },
		);

		expect(item).toMatchObject({
			text: 'lorem ipsum\nline two\nline three',
			recipient: { type: 'chat_name', value: 'Sales team', phone: null },
		});
	});

	it('accepts a file with empty text as 1 quota unit', async () => {
		const body = {
			action: 'send',
			phone: '+14151231234',
			text: '',
			file_url: 'https://example.com/files/invoice.pdf',
			file_name: 'invoice.pdf',
		};
		const { item } = await expectAccepted(body);

		expect(item).toMatchObject({
			text: '',
			file: { url: 'https://example.com/files/invoice.pdf', name: 'invoice.pdf' },
			quotaUnits: 1,
		});
	});

	it('marks the account phone as ignored when chat_id is given, as TimelinesAI does', async () => {
		const { item } = await expectAccepted({
			action: 'send',
			chat_id: 77234,
			'whatsapp account phone': '+15105566777',
			text: 'lorem ipsum ignored account',
		});

		expect(item).toMatchObject({
			recipient: { type: 'chat_id', value: '77234', phone: null },
			whatsappAccountPhone: null,
			whatsappAccountPhoneIgnored: true,
		});
	});
});

describe('TimelinesAI-compatible trigger on a real n8n: rejected requests', () => {
	const send =
		(
			body: object | string | Uint8Array | undefined,
			options?: Parameters<GatewayCaller['send']>[1],
		) =>
		() =>
			caller.send(body, options);
	const phone = '+14151231234';

	it.each([
		[
			'a missing action',
			{ phone, text: 'hi' },
			'"action" is required; the only supported value is "send"',
		],
		[
			'a wrong action',
			{ action: 'receive', phone, text: 'hi' },
			'"action" must be "send", the only action TimelinesAI supports; got "receive"',
		],
		[
			'empty text without a file',
			{ action: 'send', phone, text: '' },
			'"text" is empty and no "file_url" is given: send a non-empty "text", a file, or both',
		],
		[
			'no text and no file',
			{ action: 'send', phone },
			'"text" is required: give the message text, or a file with "file_url" and "file_name"',
		],
		[
			'file_url without file_name',
			{ action: 'send', phone, text: 'hi', file_url: 'https://timelines.ai/logo.png' },
			'"file_name" is required when "file_url" is given: the name the attachment gets, like "invoice.pdf"',
		],
		[
			'file_name without file_url',
			{ action: 'send', phone, text: 'hi', file_name: 'logo.png' },
			'"file_name" is given without "file_url": add the file\'s direct download URL in "file_url", or remove "file_name"',
		],
		[
			'several recipients',
			{ action: 'send', phone, chat_id: '77234', text: 'hi' },
			'Several recipients given ("chat_id", "phone"): give exactly one of "chat_id", "jid", "phone" or "chat_name"',
		],
		[
			'no recipient',
			{ action: 'send', text: 'hi' },
			'No recipient: give exactly one of "chat_id", "jid", "phone" (like "+14151231234") or "chat_name"',
		],
		[
			'a phone without country code',
			{ action: 'send', phone: '4151231234', text: 'hi' },
			'"phone" must be in E.164 format: "+", the country code and the number, like "+14151231234"; got "4151231234", a national number without its country code',
		],
		[
			'a malformed jid',
			{ action: 'send', jid: 'someone@example.com', text: 'hi' },
			'"jid" must be a WhatsApp JID such as "14151231234@s.whatsapp.net" (a contact) or "120363012345678901@g.us" (a group); got "someone@example.com"',
		],
		[
			'a bad account phone',
			{ action: 'send', phone, 'whatsapp account phone': '5105566777', text: 'hi' },
			'"whatsapp account phone" must be in E.164 format: "+", the country code and the number, like "+14151231234"; got "5105566777", a national number without its country code',
		],
		[
			'a JSON array',
			[{ action: 'send', phone, text: 'hi' }],
			'The request body must be a JSON object like {"action": "send", "phone": "+14151231234", "text": "Hello"}; got an array',
		],
	])('answers 400 to %s, and starts no execution', async (_label, body, message) => {
		await expectRejected(send(body), 400, message);
	});

	it('answers 400 to an empty JSON body', async () => {
		await expectRejected(
			send('', { headers: { 'content-type': 'application/json' } }),
			400,
			'The request body is empty: send a JSON object like {"action": "send", "phone": "+14151231234", "text": "Hello"}',
		);
	});

	it.each([
		[
			'text/plain',
			JSON.stringify({ action: 'send', phone, text: 'hi' }),
			'Content-Type must be "application/json"; got "text/plain"',
		],
		[
			'application/x-www-form-urlencoded',
			new URLSearchParams({ action: 'send', phone, text: 'hi' }).toString(),
			'Content-Type must be "application/json"; got "application/x-www-form-urlencoded"',
		],
	])('answers 415 to a body sent as %s', async (contentType, body, message) => {
		await expectRejected(send(body, { headers: { 'content-type': contentType } }), 415, message);
	});

	it('answers 415 to a body without Content-Type', async () => {
		const bytes = new TextEncoder().encode(JSON.stringify({ action: 'send', phone, text: 'hi' }));
		await expectRejected(
			send(bytes),
			415,
			'The Content-Type header is missing: send the JSON body with "Content-Type: application/json"',
		);
	});

	it.each(['GET', 'PUT', 'PATCH', 'DELETE'])(
		'answers 405 with Allow: POST to %s',
		async (method) => {
			const answer = await expectRejected(
				send(method === 'GET' ? undefined : { action: 'send', phone, text: 'hi' }, { method }),
				405,
				`Method ${method} is not allowed: send the message with POST`,
			);
			expect(answer.headers.get('allow')).toBe('POST');
		},
	);

	it('answers 413 to a body over the 64 KB default, giving both sizes', async () => {
		const body = JSON.stringify({
			action: 'send',
			phone,
			text: 'x'.repeat(DEFAULT_MAX_BODY_BYTES),
		});
		await expectRejected(
			send(body, { headers: { 'content-type': 'application/json' } }),
			413,
			`The request body is ${Buffer.byteLength(body)} bytes; this webhook accepts at most ${DEFAULT_MAX_BODY_BYTES} bytes`,
		);
	});

	it.each([
		['a missing secret', null],
		['a wrong secret', `${SECRET.slice(0, -1)}X`],
	])('answers 404 "Webhook not found" to %s', async (_label, secret) => {
		await expectRejected(send(example1AccountPhone, { secret }), 404, 'Webhook not found');
	});

	// n8n parses application/json bodies before the node runs and answers malformed JSON itself,
	// in its own error shape with JSON.parse's message as the hint (see TimelinesAiTrigger.node.ts);
	// the node never sees the request, so it is not in the node's log either.
	it('leaves malformed JSON (seed example 2 exactly as published) to n8n, which answers 422 and starts no execution', async () => {
		const before = await executionIds(n8n, workflowId);
		const answer = await caller.send(example2AsPublished, {
			headers: { 'content-type': 'application/json' },
		});

		expect({ status: answer.status, body: answer.json ?? answer.text }).toEqual({
			status: 422,
			body: {
				code: 422,
				message: 'Failed to parse request body',
				hint: "Expected ',' or '}' after property value in JSON at position 64 (line 5 column 1)",
			},
		});
		expect(await executionIds(n8n, workflowId)).toEqual(before);
	});

	it('started no execution for any rejected request: the next accepted one is the only new execution', async () => {
		const { messageId } = await expectAccepted({
			action: 'send',
			phone,
			text: 'lorem ipsum after the rejections',
		});

		const executions = await n8n.waitForExecutions(workflowId, acceptedIds.length);
		expect(executions).toHaveLength(acceptedIds.length);
		expect(acceptedIds).toContain(messageId);
	});
});

describe('TimelinesAI-compatible trigger on a real n8n: the attempt log', () => {
	interface LoggedAttempt {
		time: string;
		accepted: boolean;
		status: number;
		message: string;
		recipientType: string | null;
		messageId: string | null;
		quotaUnits: number | null;
		text?: string;
	}

	it('lists every attempt at the send URL in order, accepted and rejected, without the secret or the message text', async () => {
		const answer = await caller.log();

		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
		const { status, data } = answer.json as { status: string; data: { attempts: LoggedAttempt[] } };
		expect(status).toBe('success');
		expect(
			data.attempts.map(({ status: code, accepted, messageId }) => ({
				status: code,
				accepted,
				messageId,
			})),
		).toEqual(expectedLog);
		for (const attempt of data.attempts) {
			expect(attempt.time).toMatch(ISO_TIME);
			expect(attempt).not.toHaveProperty('text');
		}
		expect(data.attempts.find((attempt) => attempt.messageId === acceptedIds[1])).toMatchObject({
			message: 'Accepted',
			recipientType: 'chat_id',
			quotaUnits: 2,
		});
		expect(data.attempts.find((attempt) => attempt.status === 413)).toMatchObject({
			accepted: false,
			recipientType: 'phone',
			quotaUnits: null,
		});
		expect(answer.text).not.toContain(SECRET);
		expect(answer.text).not.toContain(TEXT_MARKER);
	});

	it('downloads the same attempts as CSV', async () => {
		const json = ((await caller.log('json')).json as { data: { attempts: LoggedAttempt[] } }).data
			.attempts;
		const answer = await caller.log('csv');

		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(answer.headers.get('content-disposition')).toBe(
			'attachment; filename="timelinesai-webhook-log.csv"',
		);
		const lines = answer.text.split('\r\n');
		expect(lines[0]).toBe(
			'time,accepted,status,message,recipient_type,message_id,quota_units,text',
		);
		expect(lines.at(-1)).toBe('');
		expect(lines.slice(1, -1)).toHaveLength(json.length);
		expect(lines[1].startsWith(`${json[0].time},${json[0].accepted},${json[0].status},`)).toBe(
			true,
		);
		for (const messageId of acceptedIds) expect(answer.text).toContain(`,${messageId},`);
		expect(answer.text).not.toContain(SECRET);
		expect(answer.text).not.toContain(TEXT_MARKER);
	});

	it('answers 400 to an unknown format and 404 to a wrong secret', async () => {
		const wrongFormat = await caller.send(undefined, {
			method: 'GET',
			route: '/log',
			query: { format: 'xml' },
		});
		expectJsonAnswer(
			wrongFormat,
			400,
			errorBody(400, '"format" must be "json" or "csv"; got "xml"'),
		);

		expectJsonAnswer(
			await caller.log('json', 'not-the-secret-of-this-node'),
			404,
			errorBody(404, 'Webhook not found'),
		);
		expectJsonAnswer(await caller.log('json', null), 404, errorBody(404, 'Webhook not found'));
	});

	it('hands out earliest send times at least the minimum pacing gap apart', async () => {
		const executions = await n8n.waitForExecutions(workflowId, acceptedIds.length);
		const notBefore = executions
			.map((execution) => Date.parse(nodeOutput(execution, TRIGGER_NAME)[0].notBefore as string))
			.sort((a, b) => a - b);
		const gaps = notBefore.slice(1).map((time, index) => time - notBefore[index]);

		expect(gaps).toHaveLength(acceptedIds.length - 1);
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(PACING_MIN_MS);
	});

	it("keeps the URL secret out of n8n's own log", () => {
		expect(n8n.readLog()).not.toContain(SECRET);
	});
});

describe('TimelinesAI-compatible trigger on a real n8n: the attempt log with Log Message Text on', () => {
	const secret = 'e2e-Log-Text-3Kd8Vn2Qf5';
	const ids = {
		nodeId: '635a011a-eaa4-4abf-b1e5-b4fe24ffb8e9',
		webhookId: 'a7c3e1f2-4b5d-4e6f-8a9b-0c1d2e3f4a5b',
	};
	const logging = new GatewayCaller(n8n, ids.webhookId, secret);
	let id = '';

	beforeAll(async () => {
		id = (
			await n8n.importWorkflow(
				triggerWorkflow('timelinesai e2e: log text', ids, {
					urlSecret: secret,
					options: { logMessageText: true },
				}),
			)
		).id;
		await n8n.activate(id);
	});

	afterAll(async () => {
		if (id) await n8n.deactivate(id);
	});

	it('keeps the text of accepted and rejected attempts, in JSON and in CSV, still without the secret', async () => {
		const accepted = await logging.send({
			action: 'send',
			phone: '+14151231234',
			text: 'Hello, "world"\nsecond line',
		});
		expect(accepted.status).toBe(200);
		const rejected = await logging.send({
			action: 'send',
			phone: '4151231234',
			text: 'Rejected but logged',
		});
		expect(rejected.status).toBe(400);

		const json = await logging.log();
		const attempts = (json.json as { data: { attempts: Array<{ status: number; text?: string }> } })
			.data.attempts;
		expect(attempts.map(({ status, text }) => ({ status, text }))).toEqual([
			{ status: 200, text: 'Hello, "world"\nsecond line' },
			{ status: 400, text: 'Rejected but logged' },
		]);
		const csv = await logging.log('csv');
		expect(csv.text).toContain(',"Hello, ""world""\nsecond line"\r\n');
		expect(csv.text).toContain(',Rejected but logged\r\n');
		expect(json.text).not.toContain(secret);
		expect(csv.text).not.toContain(secret);
	});
});
