/**
 * Hostile and broken requests to the Twilio Trigger on a real n8n. Each case asserts the exact
 * HTTP status and body, and whether an execution started; nothing may answer 500, hang or
 * crash n8n. Well-formed requests are signed with twilio-node's own getExpectedTwilioSignature, as
 * Twilio signs.
 */
import { randomBytes } from 'crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

import { DEFAULT_ACCOUNT } from '../mock-twilio';
import {
	createTwilioCredential,
	executionIds,
	newExecutions,
	triggerItem,
	triggerNode,
	TRIGGER_NAME,
} from './fixtures/twilio/workflows';
import { getN8n, nodeOutput } from './harness';

jest.setTimeout(180_000);

const n8n = getN8n();
const WEBHOOK_ID = '0b6f5a4e-3d2c-4b1a-9f8e-7d6c5b4a3f21';
const UNVERIFIED_WEBHOOK_ID = '1c7a6b5f-4e3d-4c2b-8a9f-8e7d6c5b4a32';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

let workflowId: string;
let unverifiedWorkflowId: string;
let url: string;

const sid = () => `SM${randomBytes(16).toString('hex')}`;

/** An inbound SMS in the shape of Twilio's messaging webhook (seed 000). */
function inbound(extra: Record<string, string> = {}): Record<string, string> {
	return {
		MessageSid: sid(),
		AccountSid: DEFAULT_ACCOUNT.accountSid,
		From: '+14017122661',
		To: '+15017122661',
		Body: 'Ahoy',
		NumMedia: '0',
		SmsStatus: 'received',
		ApiVersion: '2010-04-01',
		...extra,
	};
}

function sign(params: Record<string, string>, target = url): string {
	return getExpectedTwilioSignature(DEFAULT_ACCOUNT.authToken, target, params);
}

async function post(body: string | Buffer, headers: Record<string, string>, target = url) {
	const response = await fetch(target, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
		body,
	});
	return {
		status: response.status,
		contentType: response.headers.get('content-type') ?? '',
		text: await response.text(),
	};
}

async function expectNoNewExecution(id: string, before: string[]) {
	// n8n writes an execution before it answers in the immediate modes, so a short grace period
	// suffices.
	await new Promise((resolve) => setTimeout(resolve, 1500));
	expect(await executionIds(n8n, id)).toEqual(before);
}

const FORBIDDEN = { status: 403, body: { error: 'invalid_signature' } };

beforeAll(async () => {
	const twilio = await createTwilioCredential(n8n, 'Twilio (bad input)', 'http://127.0.0.1:9');
	const deploy = async (name: string, webhookId: string, verifySignature: boolean) => {
		const { id } = await n8n.importWorkflow({
			name,
			nodes: [
				triggerNode({
					nodeId: `${webhookId}-node`,
					webhookId,
					parameters: { events: 'all', respond: 'emptyTwiml', verifySignature },
					twilio,
				}),
			],
			connections: {},
		});
		await n8n.activate(id);
		return id;
	};
	workflowId = await deploy('Bad input: verified trigger', WEBHOOK_ID, true);
	unverifiedWorkflowId = await deploy(
		'Bad input: unverified trigger',
		UNVERIFIED_WEBHOOK_ID,
		false,
	);
	url = n8n.webhookUrl(`${WEBHOOK_ID}/twilio`);
});

describe('rejected before any execution', () => {
	const cases: Array<
		[string, () => Promise<{ status: number; contentType: string; text: string }>]
	> = [
		['no signature', () => post(new URLSearchParams(inbound()).toString(), {})],
		[
			'a signature for other parameters',
			() =>
				post(new URLSearchParams(inbound()).toString(), { 'x-twilio-signature': sign(inbound()) }),
		],
		[
			'a body truncated after signing',
			() => {
				const params = inbound({ Body: 'A long message that gets cut off in transit' });
				const full = new URLSearchParams(params).toString();
				return post(full.slice(0, full.length - 12), { 'x-twilio-signature': sign(params) });
			},
		],
		[
			'a malformed form body',
			() => post('%%%&&&===&Body=%E0%A4%A', { 'x-twilio-signature': sign(inbound()) }),
		],
		[
			'JSON where Twilio sends a form, with a forged signature',
			() =>
				post(JSON.stringify(inbound()), {
					'content-type': 'application/json',
					'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
				}),
		],
		[
			'invalid UTF-8 bytes',
			() =>
				post(
					Buffer.concat([
						Buffer.from('Body='),
						Buffer.from([0xff, 0xfe, 0xc3]),
						Buffer.from('&MessageSid=SM1'),
					]),
					{ 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
				),
		],
		[
			'a signature made with another Auth Token',
			() => {
				const params = inbound();
				return post(new URLSearchParams(params).toString(), {
					'x-twilio-signature': getExpectedTwilioSignature('0'.repeat(32), url, params),
				});
			},
		],
	];

	it.each(cases)('%s: 403 with a JSON reason, no execution', async (_name, send) => {
		const before = await executionIds(n8n, workflowId);
		const answer = await send();
		expect(answer.status).toBe(FORBIDDEN.status);
		expect(answer.contentType).toMatch(/^application\/json/);
		expect(JSON.parse(answer.text)).toMatchObject(FORBIDDEN.body);
		await expectNoNewExecution(workflowId, before);
	});

	it("a wrong method gets n8n's 404 for an unregistered webhook, no execution", async () => {
		const before = await executionIds(n8n, workflowId);
		for (const method of ['PUT', 'DELETE', 'PATCH']) {
			const response = await fetch(url, {
				method,
				body: 'x=1',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
			});
			expect(response.status).toBe(404);
			expect(await response.text()).toMatch(/not registered/i);
		}
		await expectNoNewExecution(workflowId, before);
	});

	it('thousands of parameters get an answer, not a crash or a 500', async () => {
		const many: Record<string, string> = inbound();
		for (let i = 0; i < 5_000; i++) many[`X${i}`] = String(i);
		const before = await executionIds(n8n, workflowId);
		const answer = await post(new URLSearchParams(many).toString(), {
			'x-twilio-signature': sign(many),
		});
		// Twilio never sends this many; whichever answer n8n's body parser leads to, it is a clear 4xx
		// or a verified 200.
		expect([200, 403, 413]).toContain(answer.status);
		if (answer.status === 200) {
			const [execution] = await newExecutions(n8n, workflowId, before.length);
			expect(Object.keys(triggerItem(execution).raw as object).length).toBe(
				Object.keys(many).length,
			);
		} else {
			await expectNoNewExecution(workflowId, before);
		}
		// n8n is still healthy.
		expect((await fetch(`${n8n.baseUrl}/healthz`)).status).toBe(200);
	});

	// n8n 2.41 parses the body before the node runs and answers a body over N8N_PAYLOAD_SIZE_MAX
	// (16 MB) with its own 500; no node can intercept that. What matters: no execution, and n8n
	// keeps serving.
	it("a body over n8n's payload limit is refused by n8n itself, no execution, n8n unharmed", async () => {
		const before = await executionIds(n8n, workflowId);
		const huge = `Body=${'x'.repeat(17 * 1024 * 1024)}`;
		const answer = await post(huge, { 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
		expect(answer.status).toBe(500);
		expect(JSON.parse(answer.text)).toEqual({
			code: 0,
			message: 'There was a problem executing the workflow',
		});
		await expectNoNewExecution(workflowId, before);
		expect((await fetch(`${n8n.baseUrl}/healthz`)).status).toBe(200);
	});
});

describe('accepted, with what did not add up reported on the item', () => {
	it('a JSON body carrying correctly signed parameters is accepted, as twilio-node accepts it', async () => {
		// The signature covers the URL and the parameters, not their encoding: twilio-node's Express
		// middleware validates req.body the same way whichever parser produced it.
		const params = inbound();
		const before = await executionIds(n8n, workflowId);
		const answer = await post(JSON.stringify(params), {
			'content-type': 'application/json',
			'x-twilio-signature': sign(params),
		});
		expect(answer).toMatchObject({ status: 200, text: EMPTY_TWIML });
		expect(triggerItem((await newExecutions(n8n, workflowId, before.length))[0]).messageSid).toBe(
			params.MessageSid,
		);
	});

	it('NumMedia that disagrees with the media fields: the media present, and a warning', async () => {
		const params = inbound({
			NumMedia: '3',
			MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME0',
			MediaContentType0: 'image/jpeg',
		});
		const before = await executionIds(n8n, workflowId);
		const answer = await post(new URLSearchParams(params).toString(), {
			'x-twilio-signature': sign(params),
		});
		expect(answer).toMatchObject({ status: 200, text: EMPTY_TWIML });
		const item = triggerItem((await newExecutions(n8n, workflowId, before.length))[0]);
		expect(item.media).toEqual([{ url: params.MediaUrl0, contentType: 'image/jpeg', index: 0 }]);
		expect((item.warnings as string[]).join(' ')).toMatch(/NumMedia/);
	});

	it('non-numeric coordinates: null, with a warning', async () => {
		const params = inbound({ Latitude: 'north-ish', Longitude: '-0.2197976373036567', Body: '' });
		const before = await executionIds(n8n, workflowId);
		const answer = await post(new URLSearchParams(params).toString(), {
			'x-twilio-signature': sign(params),
		});
		expect(answer.status).toBe(200);
		const item = triggerItem((await newExecutions(n8n, workflowId, before.length))[0]);
		expect(item.location).toMatchObject({ latitude: null, longitude: -0.2197976373036567 });
		expect((item.warnings as string[]).join(' ')).toMatch(/Latitude/);
	});

	// The replay is stored and answered like the first; its execution ends at the trigger without
	// items.
	it('a replayed delivery (same idempotency token) does not run the workflow again', async () => {
		const params = inbound();
		const headers = {
			'x-twilio-signature': sign(params),
			'i-twilio-idempotency-token': `replay-${randomBytes(8).toString('hex')}`,
		};
		const before = await executionIds(n8n, workflowId);
		expect((await post(new URLSearchParams(params).toString(), headers)).status).toBe(200);
		await newExecutions(n8n, workflowId, before.length);
		const after = await executionIds(n8n, workflowId);
		expect(await post(new URLSearchParams(params).toString(), headers)).toMatchObject({
			status: 200,
			text: EMPTY_TWIML,
		});
		const [replay] = await newExecutions(n8n, workflowId, after.length);
		expect(nodeOutput(replay, TRIGGER_NAME)).toEqual([]);
	});

	it('invalid UTF-8 without signature checking: replacement characters, no crash', async () => {
		const target = n8n.webhookUrl(`${UNVERIFIED_WEBHOOK_ID}/twilio`);
		const before = await executionIds(n8n, unverifiedWorkflowId);
		const body = Buffer.concat([
			Buffer.from(
				`MessageSid=${sid()}&SmsStatus=received&From=%2B14017122661&To=%2B15017122661&Body=`,
			),
			Buffer.from('caf%C3%A9 %FF%FE'),
		]);
		const answer = await post(body, {}, target);
		expect(answer.status).toBe(200);
		const item = triggerItem((await newExecutions(n8n, unverifiedWorkflowId, before.length))[0]);
		expect(item.body).toBe('café \uFFFD\uFFFD');
	});
});
