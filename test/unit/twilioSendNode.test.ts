/**
 * The Twilio WhatsApp/SMS node run inside n8n-core's real execution context against the Twilio mock
 * (test/mock-twilio), plus a tiny local server where a test needs exact control over answers.
 * Error codes and magic numbers follow Twilio's test-credentials page, as the mock implements them.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { TwilioWhatsApp } from '../../nodes/TwilioWhatsApp/TwilioWhatsApp.node';
import { executeNode, jsonItems } from '../helpers/inprocess';
import { mockCredentials, useMockTwilio } from '../helpers/mockTwilio';
import { DEFAULT_ACCOUNT, MOCK_NUMBERS } from '../mock-twilio';

const nodeType = new TwilioWhatsApp();
const mock = useMockTwilio();

function run(
	parameters: INodeParameters,
	items: IDataObject[] = [{}],
	continueOnFail = false,
	baseUrl = mock().url,
	typeVersion?: number,
) {
	return executeNode(
		{ nodeType, parameters, credentials: mockCredentials(baseUrl), continueOnFail, typeVersion },
		jsonItems(...items),
	);
}

const sms = (overrides: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'send',
	channel: 'sms',
	sender: 'phoneNumber',
	from: MOCK_NUMBERS.sms,
	to: '={{ $json.to }}',
	content: 'text',
	body: '={{ $json.body }}',
	...overrides,
});

/** Messages the mock created since `start`, with their form parameters. */
const createdSince = (start: number) => mock().messages.slice(start);
const createRequestsSince = (start: number) =>
	mock()
		.requests.slice(start)
		.filter((r) => r.method === 'POST' && /\/Messages\.json$/.test(r.path));

describe('Send', () => {
	it('sends WhatsApp text with repeated MediaUrl keys and a status callback with correlation values', async () => {
		const start = mock().messages.length;
		const { output } = await run(
			{
				...sms({ channel: 'whatsapp', from: MOCK_NUMBERS.whatsapp }),
				mediaUrls: ['https://example.com/a.jpg', 'https://example.com/b.jpg'],
				statusCallback: 'https://n8n.example.com/webhook/abc/twilio',
				options: {
					correlationValues: { values: [{ name: 'recordId', value: '={{ $json.id }}' }] },
				},
			},
			[{ to: '+14155550123', body: 'Your order shipped', id: 'crm-7' }],
		);
		const [message] = createdSince(start);
		expect(message.params).toMatchObject({
			To: 'whatsapp:+14155550123',
			From: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			Body: 'Your order shipped',
			MediaUrl: ['https://example.com/a.jpg', 'https://example.com/b.jpg'],
			StatusCallback: 'https://n8n.example.com/webhook/abc/twilio?recordId=crm-7',
		});
		const json = output![0][0].json;
		expect(json).toMatchObject({
			messageSid: message.sid,
			channel: 'whatsapp',
			status: 'queued',
			to: { address: 'whatsapp:+14155550123', number: '+14155550123', channel: 'whatsapp' },
			numSegments: 1,
			errorCode: null,
		});
		expect(output![0][0].pairedItem).toEqual({ item: 0 });
		expect((json.raw as IDataObject).sid).toBe(message.sid);
		expect(json.dateCreated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
	});

	it('sends every Twilio option with a Messaging Service and a schedule', async () => {
		const start = mock().messages.length;
		const sendAt = new Date(Date.now() + 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const { output } = await run(
			{
				...sms({
					sender: 'messagingService',
					messagingServiceSid: mock().messagingServices[0].sid,
					from: '',
				}),
				options: {
					sendAt,
					validityPeriod: 900,
					shortenUrls: true,
					sendAsMms: true,
					maxPrice: 0.5,
					attempt: 1,
					smartEncoded: true,
					persistentActions: ['mailto:help@example.com'],
					provideFeedback: true,
					riskCheck: 'disable',
					messageIntent: 'delivery',
					contentRetention: 'retain',
					addressRetention: 'obfuscate',
					maxRetries: 0,
					concurrency: 2,
				},
			},
			[{ to: '+14155550100', body: 'See you tomorrow' }],
		);
		const [message] = createdSince(start);
		expect(message.params).toEqual({
			To: '+14155550100',
			MessagingServiceSid: mock().messagingServices[0].sid,
			Body: 'See you tomorrow',
			ValidityPeriod: '900',
			ScheduleType: 'fixed',
			SendAt: sendAt,
			ShortenUrls: 'true',
			SendAsMms: 'true',
			MaxPrice: '0.5',
			Attempt: '1',
			SmartEncoded: 'true',
			PersistentAction: 'mailto:help@example.com',
			ProvideFeedback: 'true',
			RiskCheck: 'disable',
			MessageIntent: 'delivery',
			ContentRetention: 'retain',
			AddressRetention: 'obfuscate',
		});
		expect(output![0][0].json.status).toBe('scheduled');
	});

	it('sends a Content Template with a SID and JSON variables in version 1', async () => {
		const start = mock().messages.length;
		const sid = mock().addContent({
			language: 'en',
			types: { 'twilio/text': { body: 'Hi {{1}}' } },
		});
		await run(
			{
				...sms({ channel: 'whatsapp', from: MOCK_NUMBERS.whatsapp, content: 'template' }),
				contentSid: sid,
				contentVariables: '={{ JSON.stringify({ 1: $json.name }) }}',
			},
			[{ to: '+14155550101', name: 'Anna' }],
			false,
			mock().url,
			1,
		);
		const [message] = createdSince(start);
		expect(message.params).toMatchObject({
			ContentSid: sid,
			ContentVariables: '{"1":"Anna"}',
		});
		expect(message.params.Body).toBeUndefined();
	});

	it('checks every item before sending anything, and names the item and value', async () => {
		const start = mock().messages.length;
		const items = [
			{ to: '+14155550102', body: 'ok' },
			{ to: '555-0102', body: 'bad number' },
		];
		await expect(run(sms(), items)).rejects.toThrow(
			'The "To" number "555-0102" is not in E.164 format (item 1)',
		);
		expect(createdSince(start)).toHaveLength(0);
	});

	it.each([
		['a body over 1,600 characters', { body: 'x'.repeat(1601) }, {}, '1601 characters'],
		[
			'invalid Content Variables',
			{ body: 'x' },
			{
				content: 'template',
				contentSid: 'HX' + 'a'.repeat(32),
				variablesMode: 'json',
				contentVariables: '{"1":',
			},
			'not valid JSON',
		],
		[
			'a Send At outside the window',
			{ body: 'x' },
			{
				sender: 'messagingService',
				messagingServiceSid: 'MG' + 'a'.repeat(32),
				options: { sendAt: new Date(Date.now() + 60_000).toISOString() },
			},
			'outside the window Twilio allows',
		],
	])('rejects %s before calling Twilio', async (_name, item, overrides, message) => {
		const start = mock().requests.length;
		await expect(
			run(sms(overrides as INodeParameters), [{ to: '+14155550103', ...item }]),
		).rejects.toThrow(`${message}`);
		await expect(
			run(sms(overrides as INodeParameters), [{ to: '+14155550103', ...item }]),
		).rejects.toThrow('(item 0)');
		// Version 2 reads a picked template before sending (a GET of the Content API); nothing else.
		expect(
			mock()
				.requests.slice(start)
				.filter((r) => !(r.method === 'GET' && r.path.startsWith('/v1/Content/'))),
		).toEqual([]);
	});

	it('with Continue On Fail, marks invalid items as validation errors and sends the others', async () => {
		const start = mock().messages.length;
		const { output } = await run(
			sms(),
			[
				{ to: '+14155550104', body: 'one' },
				{ to: 'nope', body: 'two' },
				{ to: '+14155550105', body: 'three' },
			],
			true,
		);
		expect(createdSince(start).map((m) => m.params.To)).toEqual(['+14155550104', '+14155550105']);
		const [first, second, third] = output![0];
		expect(first.json.to).toMatchObject({ address: '+14155550104' });
		expect(second).toEqual({
			json: {
				error: expect.objectContaining({
					kind: 'validation',
					message: expect.stringContaining('"nope"'),
				}),
			},
			pairedItem: { item: 1 },
		});
		expect(third.json.to).toMatchObject({ address: '+14155550105' });
	});

	it("gives Twilio's error fields for magic numbers with Continue On Fail, and the other items go on", async () => {
		const { output } = await run(
			sms(),
			[
				{ to: '+15005550001', body: 'a' },
				{ to: '+15005550004', body: 'b' },
				{ to: '+14155550106', body: 'c' },
			],
			true,
		);
		const [invalid, unsubscribed, sent] = output![0];
		expect(invalid.json.error).toEqual({
			kind: 'api',
			code: 21211,
			message: expect.stringContaining('+15005550001'),
			moreInfo: 'https://www.twilio.com/docs/errors/21211',
			httpStatus: 400,
			hint: expect.stringContaining('E.164'),
		});
		expect(invalid.pairedItem).toEqual({ item: 0 });
		expect(unsubscribed.json.error).toMatchObject({ kind: 'api', code: 21610, httpStatus: 400 });
		expect(Object.keys(unsubscribed.json)).toEqual(['error']);
		expect(sent.json.status).toBe('queued');
	});

	it("throws a NodeApiError with Twilio's message and more-info link without Continue On Fail", async () => {
		const error = await run(sms(), [{ to: '+15005550003', body: 'a' }]).catch((e: unknown) => e);
		expect(error).toMatchObject({
			name: 'NodeApiError',
			message: expect.stringMatching(/^Twilio error 21408: /),
			description: expect.stringContaining('More info: https://www.twilio.com/docs/errors/21408'),
			httpCode: '400',
		});
	});

	it('retries 429 as Retry-After says, and sends once', async () => {
		const messages = mock().messages.length;
		const requests = mock().requests.length;
		mock().setFault({ kind: '429', count: 2, retryAfterSeconds: 0, on: 'create' });
		const { output } = await run(sms(), [{ to: '+14155550107', body: 'retry me' }]);
		expect(createRequestsSince(requests).map((r) => r.status)).toEqual([429, 429, 201]);
		expect(createdSince(messages)).toHaveLength(1);
		expect(output![0][0].json.messageSid).toBe(createdSince(messages)[0].sid);
	});

	it('stops retrying after "Retries on Rate Limit" and reports 20429', async () => {
		const requests = mock().requests.length;
		mock().setFault({ kind: '429', count: 5, retryAfterSeconds: 0, on: 'create' });
		const { output } = await run(
			sms({ options: { maxRetries: 1 } }),
			[{ to: '+14155550108', body: 'x' }],
			true,
		);
		expect(createRequestsSince(requests)).toHaveLength(2);
		expect(output![0][0].json.error).toMatchObject({ kind: 'api', code: 20429, httpStatus: 429 });
	});

	it('never repeats a create when the connection drops after Twilio created the message', async () => {
		const messages = mock().messages.length;
		const requests = mock().requests.length;
		mock().setFault({ kind: 'drop', afterCreate: true, count: 1 });
		const { output } = await run(sms(), [{ to: '+14155550109', body: 'only once' }], true);
		expect(createRequestsSince(requests)).toHaveLength(1);
		expect(createdSince(messages)).toHaveLength(1);
		expect(output![0][0].json.error).toMatchObject({
			kind: 'call',
			maybeProcessed: true,
			message: expect.stringContaining('not repeated'),
		});
	});

	it('sends many items with concurrency and pacing, each exactly once, in input order', async () => {
		const start = mock().messages.length;
		const items = Array.from({ length: 12 }, (_, i) => ({
			to: `+1415555${String(1000 + i)}`,
			body: `message ${i}`,
		}));
		const { output } = await run(
			sms({
				options: { concurrency: 4, pacing: { settings: { mode: 'random', minMs: 0, maxMs: 2 } } },
			}),
			items,
		);
		expect(output![0].map((item) => (item.json.to as IDataObject).address)).toEqual(
			items.map((item) => item.to),
		);
		expect(output![0].map((item) => item.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(
			createdSince(start)
				.map((m) => m.params.To)
				.sort(),
		).toEqual(items.map((item) => item.to).sort());
	});

	it('rejects an impossible pacing range before sending', async () => {
		const start = mock().requests.length;
		await expect(
			run(sms({ options: { pacing: { settings: { mode: 'random', minMs: 10, maxMs: 1 } } } }), [
				{ to: '+14155550110', body: 'x' },
			]),
		).rejects.toThrow('larger than the maximum');
		expect(mock().requests.length).toBe(start);
	});
});

describe('Send with a server that answers out of order', () => {
	let server: Server;
	let url: string;
	let inFlight = 0;
	let peak = 0;

	beforeAll(async () => {
		server = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				inFlight++;
				peak = Math.max(peak, inFlight);
				const to = new URLSearchParams(body).get('To')!;
				const index = Number(to.slice(-2));
				// Earlier items answer later: the output order can only come from the node.
				const answer = () => {
					inFlight--;
					res.writeHead(201, { 'content-type': 'application/json' });
					res.end(
						JSON.stringify({
							sid: `SM${String(index).padStart(32, '0')}`,
							status: 'queued',
							to,
							num_segments: '1',
						}),
					);
				};
				let turns = 20 - index;
				const wait = () => (turns-- > 0 ? setImmediate(wait) : answer());
				wait();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise((resolve) => server.close(resolve)));

	it('keeps the output in input order and never exceeds the concurrency', async () => {
		const items = Array.from({ length: 10 }, (_, i) => ({
			to: `+141555500${String(i).padStart(2, '0')}`,
			body: 'x',
		}));
		const { output } = await run(sms({ options: { concurrency: 3 } }), items, false, url);
		expect(output![0].map((item) => (item.json.to as IDataObject).address)).toEqual(
			items.map((item) => item.to),
		);
		expect(peak).toBe(3);
	});
});

describe('Get, Cancel, Delete', () => {
	const sidOf = async (parameters: INodeParameters, item: IDataObject) =>
		String((await run(parameters, [item])).output![0][0].json.messageSid);

	it('gets a message by SID', async () => {
		const sid = await sidOf(sms(), { to: '+14155550120', body: 'get me' });
		await mock().settled();
		const { output } = await run({ resource: 'message', operation: 'get', messageSid: sid });
		expect(output![0][0].json).toMatchObject({
			messageSid: sid,
			status: 'delivered',
			isFinal: true,
			body: 'get me',
			to: { address: '+14155550120' },
		});
	});

	it('rejects a malformed SID before calling Twilio, and reports 20404 for an unknown one', async () => {
		await expect(run({ resource: 'message', operation: 'get', messageSid: 'abc' })).rejects.toThrow(
			'"Message SID" "abc" is not a Twilio message SID (item 0)',
		);
		const { output } = await run(
			{ resource: 'message', operation: 'get', messageSid: 'SM' + '0'.repeat(32) },
			[{}],
			true,
		);
		expect(output![0][0].json.error).toMatchObject({ kind: 'api', code: 20404, httpStatus: 404 });
	});

	it('cancels a scheduled message', async () => {
		const sendAt = new Date(Date.now() + 3600_000).toISOString();
		const sid = await sidOf(
			sms({
				sender: 'messagingService',
				messagingServiceSid: mock().messagingServices[0].sid,
				from: '',
				options: { sendAt },
			}),
			{
				to: '+14155550121',
				body: 'later',
			},
		);
		const requests = mock().requests.length;
		const { output } = await run({ resource: 'message', operation: 'cancel', messageSid: sid });
		expect(mock().requests[requests]).toMatchObject({
			method: 'POST',
			form: { Status: 'canceled' },
		});
		expect(output![0][0].json).toMatchObject({
			messageSid: sid,
			status: 'canceled',
			isFailed: true,
		});
	});

	it('deletes a finished message', async () => {
		const sid = await sidOf(sms(), { to: '+14155550122', body: 'delete me' });
		await mock().settled();
		const { output } = await run({ resource: 'message', operation: 'delete', messageSid: sid });
		expect(output![0][0]).toEqual({
			json: { messageSid: sid, deleted: true },
			pairedItem: { item: 0 },
		});
		expect(mock().messages.find((m) => m.sid === sid)?.deleted).toBe(true);
	});
});

describe('Get Many', () => {
	const recipient = '+14155550130';

	beforeAll(async () => {
		// 1,003 messages to one recipient, more than one of Twilio's largest pages (1,000), created
		// straight through the mock's API: the node's own sending is tested above.
		const auth = `Basic ${Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken}`).toString('base64')}`;
		const create = (i: number) =>
			fetch(`${mock().url}/2010-04-01/Accounts/${DEFAULT_ACCOUNT.accountSid}/Messages.json`, {
				method: 'POST',
				headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ To: recipient, From: MOCK_NUMBERS.sms, Body: `bulk ${i}` }),
			}).then((response) => expect(response.status).toBe(201));
		for (let batch = 0; batch < 1003; batch += 50) {
			await Promise.all(
				Array.from({ length: Math.min(50, 1003 - batch) }, (_, i) => create(batch + i)),
			);
		}
		await mock().settled();
	}, 120_000);

	const listRequestsSince = (start: number) =>
		mock()
			.requests.slice(start)
			.filter((r) => r.method === 'GET' && /\/Messages\.json$/.test(r.path));

	it('returns all pages with Return All, following next_page_uri', async () => {
		const start = mock().requests.length;
		const { output } = await run({
			resource: 'message',
			operation: 'getMany',
			returnAll: true,
			filters: { to: recipient },
		});
		expect(output![0]).toHaveLength(1003);
		expect(new Set(output![0].map((item) => item.json.messageSid)).size).toBe(1003);
		const requests = listRequestsSince(start);
		expect(requests).toHaveLength(2);
		expect(requests[0].query).toMatchObject({ To: recipient, PageSize: '1000' });
		expect(requests[1].query).toMatchObject({ To: recipient, Page: '1' });
	});

	it('stops at the limit', async () => {
		const start = mock().requests.length;
		const { output } = await run({
			resource: 'message',
			operation: 'getMany',
			returnAll: false,
			limit: 5,
			filters: { to: recipient },
		});
		expect(output![0]).toHaveLength(5);
		expect(listRequestsSince(start)).toHaveLength(1);
		expect(listRequestsSince(start)[0].query.PageSize).toBe('5');
	});

	it('sends the date filters as Twilio names them', async () => {
		const start = mock().requests.length;
		const today = new Date().toISOString().slice(0, 10);
		const { output } = await run({
			resource: 'message',
			operation: 'getMany',
			returnAll: false,
			limit: 3,
			filters: {
				from: MOCK_NUMBERS.sms,
				dateSentAfter: `${today}T00:00:00`,
				dateSentBefore: '2099-12-31T00:00:00',
				to: recipient,
			},
		});
		expect(listRequestsSince(start)[0].query).toMatchObject({
			From: MOCK_NUMBERS.sms,
			'DateSent>': today,
			'DateSent<': '2099-12-31',
		});
		expect(output![0]).toHaveLength(3);
	});
});

describe('Description', () => {
	it("has what n8n's verification expects of an action node", () => {
		const { description } = nodeType;
		expect(description).toMatchObject({
			name: 'twilioWhatsApp',
			usableAsTool: true,
			icon: { light: 'file:twilio.svg', dark: 'file:twilio.dark.svg' },
			credentials: [{ name: 'twilioMessagingApi', required: true }],
		});
		expect(description.subtitle).toContain('$parameter["operation"]');
		const operations = description.properties
			.find((p) => p.name === 'operation')!
			.options!.map((o) => (o as { value: string }).value);
		expect(operations.sort()).toEqual([
			'cancel',
			'delete',
			'get',
			'getMany',
			'send',
			'sendAndWait',
			'sendInteractive',
			'showTypingIndicator',
		]);
	});
});
