/**
 * The Twilio mock speaks Twilio's formats: it is driven here by the real twilio-node SDK (whose
 * paths, field names and error handling are the reference), and its webhooks are checked with
 * twilio-node's own `validateRequest`.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import RestException from 'twilio/lib/base/RestException';
import type { MockTwilio } from '../mock-twilio';
import { DEFAULT_ACCOUNT, MOCK_NUMBERS, countSegments, startMockTwilio } from '../mock-twilio';

const { accountSid, authToken } = DEFAULT_ACCOUNT;
const [standardKey, mainKey] = DEFAULT_ACCOUNT.apiKeys ?? [];
const RFC_2822 =
	/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

/** twilio-node's HTTP client with Twilio's hosts swapped for the mock's URL. */
class MockHttpClient extends RequestClient {
	private readonly base: string;

	constructor(base: string) {
		super();
		this.base = base;
	}

	request<TData>(opts: RequestClient.RequestOptions<TData>) {
		return super.request({
			...opts,
			uri: opts.uri.replace(/^https:\/\/(api|messaging|content)\.twilio\.com/, this.base),
		});
	}
}

function sdk(mock: MockTwilio, user = accountSid, password = authToken) {
	return twilio(user, password, { accountSid, httpClient: new MockHttpClient(mock.url) });
}

async function rawRequest(
	mock: MockTwilio,
	method: string,
	path: string,
	options: {
		form?: Record<string, string | string[]>;
		auth?: string;
		body?: string;
		contentType?: string;
	} = {},
) {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(options.form ?? {})) {
		for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
	}
	const response = await fetch(mock.url + path, {
		method,
		headers: {
			Authorization: `Basic ${Buffer.from(options.auth ?? `${accountSid}:${authToken}`).toString('base64')}`,
			'Content-Type': options.contentType ?? 'application/x-www-form-urlencoded',
		},
		body: method === 'GET' ? undefined : (options.body ?? search.toString()),
	});
	const text = await response.text();
	return {
		status: response.status,
		headers: response.headers,
		body: text ? JSON.parse(text) : null,
	};
}

const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;

async function expectTwilioError(promise: Promise<unknown>): Promise<RestException> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(RestException);
	return error as RestException;
}

interface Received {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
	form: Record<string, string>;
}

/** A local webhook receiver, answering 200 unless `answer` says otherwise. */
async function startReceiver(
	answer?: (req: http.IncomingMessage) => { status: number; headers?: Record<string, string> },
) {
	const received: Received[] = [];
	const server = http.createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks).toString('utf8');
		received.push({
			method: req.method ?? '',
			url: req.url ?? '',
			headers: req.headers,
			body,
			form: Object.fromEntries(new URLSearchParams(body)),
		});
		const reply = answer?.(req) ?? { status: 200 };
		res
			.writeHead(reply.status, { 'Content-Type': 'text/xml', ...reply.headers })
			.end('<Response/>');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		base,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe('Twilio mock', () => {
	let mock: MockTwilio;
	let client: ReturnType<typeof sdk>;

	beforeEach(async () => {
		mock = await startMockTwilio({ callbackDelayMs: 5 });
		client = sdk(mock);
	});
	afterEach(() => mock.close());

	describe('Messages through the twilio SDK', () => {
		it('creates a message with two media URLs and records both repeated MediaUrl values', async () => {
			const media = ['https://example.com/a.jpg', 'https://example.com/b.png'];
			const message = await client.messages.create({
				to: '+15558675310',
				from: MOCK_NUMBERS.sms,
				body: 'Two pictures',
				mediaUrl: media,
			});

			expect(message.sid).toMatch(/^MM[0-9a-f]{32}$/);
			expect(message).toMatchObject({
				accountSid,
				apiVersion: '2010-04-01',
				body: 'Two pictures',
				direction: 'outbound-api',
				errorCode: null,
				errorMessage: null,
				from: MOCK_NUMBERS.sms,
				to: '+15558675310',
				numMedia: '2',
				numSegments: '1',
				price: null,
				priceUnit: 'USD',
				status: 'queued',
				messagingServiceSid: null,
				uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
			});
			expect(message.subresourceUris).toEqual({
				media: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}/Media.json`,
				feedback: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}/Feedback.json`,
			});
			expect(message.dateCreated).toBeInstanceOf(Date);
			expect(mock.messages).toHaveLength(1);
			expect(mock.messages[0].params.MediaUrl).toEqual(media);
			expect(mock.messages[0].resource.date_created).toMatch(RFC_2822);
		});

		it('fetches a message and answers 20404 for an unknown one', async () => {
			const created = await client.messages.create({
				to: '+15558675310',
				from: MOCK_NUMBERS.sms,
				body: 'Hi',
			});
			const fetched = await client.messages(created.sid).fetch();
			expect(fetched.sid).toBe(created.sid);
			expect(fetched.body).toBe('Hi');

			const error = await expectTwilioError(client.messages(`SM${'0'.repeat(32)}`).fetch());
			expect(error.status).toBe(404);
			expect(error.code).toBe(20404);
		});

		it('pages the list like Twilio, newest first, and filters by To', async () => {
			for (let i = 0; i < 5; i++) {
				await client.messages.create({
					to: i % 2 ? '+15558675311' : '+15558675310',
					from: MOCK_NUMBERS.sms,
					body: `n${i}`,
				});
			}

			const all = await client.messages.list({ pageSize: 2, limit: 5 });
			expect(all.map((m) => m.body)).toEqual(['n4', 'n3', 'n2', 'n1', 'n0']);
			const listCalls = mock.requests.filter((r) => r.method === 'GET' && r.path === messagesPath);
			expect(listCalls.map((r) => r.query.Page)).toEqual([undefined, '1', '2']);
			expect(listCalls[1].query.PageToken).toBe(`PA${all[1].sid}`);

			const firstPage = await client.messages.page({ pageSize: 2 });
			expect(firstPage.instances).toHaveLength(2);
			expect(firstPage.nextPageUrl).toContain('Page=1');
			const lastPage = await client.messages.page({ pageSize: 2, pageNumber: 2 });
			expect(lastPage.instances).toHaveLength(1);
			expect(lastPage.nextPageUrl).toBeUndefined();

			const toOne = await client.messages.list({ to: '+15558675311' });
			expect(toOne.map((m) => m.body)).toEqual(['n3', 'n1']);
		});

		it('answers the raw list envelope with Twilio’s paging fields', async () => {
			await client.messages.create({ to: '+15558675310', from: MOCK_NUMBERS.sms, body: 'a' });
			await client.messages.create({ to: '+15558675310', from: MOCK_NUMBERS.sms, body: 'b' });
			const { status, body } = await rawRequest(mock, 'GET', `${messagesPath}?PageSize=1`);
			expect(status).toBe(200);
			expect(body).toMatchObject({
				page: 0,
				page_size: 1,
				start: 0,
				end: 0,
				previous_page_uri: null,
				first_page_uri: `${messagesPath}?PageSize=1&Page=0`,
				uri: `${messagesPath}?PageSize=1&Page=0`,
			});
			expect(body.next_page_uri).toBe(
				`${messagesPath}?PageSize=1&Page=1&PageToken=PA${body.messages[0].sid}`,
			);
		});

		it('filters the list by DateSent once messages are sent', async () => {
			await client.messages.create({ to: '+15558675310', from: MOCK_NUMBERS.sms, body: 'dated' });
			await mock.settled();
			const today = new Date().toISOString().slice(0, 10);
			const { body } = await rawRequest(mock, 'GET', `${messagesPath}?DateSent=${today}`);
			expect(body.messages).toHaveLength(1);
			const { body: before } = await rawRequest(
				mock,
				'GET',
				`${messagesPath}?${encodeURIComponent('DateSent<')}=2000-01-01`,
			);
			expect(before.messages).toHaveLength(0);
		});
	});

	describe('Twilio errors', () => {
		// Magic inputs of https://www.twilio.com/docs/iam/test-credentials (Test SMS messages).
		it.each([
			['To', '+15005550001', 21211],
			['To', '+15005550002', 21612],
			['To', '+15005550003', 21408],
			['To', '+15005550004', 21610],
			['To', '+15005550009', 21614],
			['From', '+15005550001', 21212],
			['From', '+15005550007', 21606],
			['From', '+15005550008', 21611],
		])(
			'magic %s %s surfaces as RestException %i with its more_info link',
			async (field, number, code) => {
				const params =
					field === 'To'
						? { to: number, from: MOCK_NUMBERS.sms }
						: { to: '+15558675310', from: number };
				const error = await expectTwilioError(client.messages.create({ ...params, body: 'x' }));
				expect(error.status).toBe(400);
				expect(error.code).toBe(code);
				expect(error.moreInfo).toBe(`https://www.twilio.com/docs/errors/${code}`);
				expect(error.message).not.toBe('');
				expect(mock.messages).toHaveLength(0);
			},
		);

		const to = '+15558675310';
		const from = MOCK_NUMBERS.sms;
		it.each<{ problem: string; form: Record<string, string>; code: number }>([
			{ problem: 'no To', form: { From: from, Body: 'x' }, code: 21604 },
			{ problem: 'no From', form: { To: to, Body: 'x' }, code: 21603 },
			{ problem: 'no Body, media or ContentSid', form: { To: to, From: from }, code: 21602 },
			{
				problem: 'a body over 1600 characters',
				form: { To: to, From: from, Body: 'x'.repeat(1601) },
				code: 21617,
			},
			{
				problem: 'a To that is not E.164',
				form: { To: '5558675310', From: from, Body: 'x' },
				code: 21211,
			},
			{
				problem: 'a From the account does not own',
				form: { To: to, From: '+15550000000', Body: 'x' },
				code: 21606,
			},
			{
				problem: 'WhatsApp From with an SMS To',
				form: { To: to, From: `whatsapp:${MOCK_NUMBERS.whatsapp}`, Body: 'x' },
				code: 21910,
			},
			{
				problem: 'an unregistered WhatsApp sender',
				form: { To: `whatsapp:${to}`, From: `whatsapp:${from}`, Body: 'x' },
				code: 63007,
			},
			{
				problem: 'a media URL that is not http(s)',
				form: { To: to, From: from, MediaUrl: 'ftp://x/y' },
				code: 21620,
			},
			{
				problem: 'ContentVariables that are not JSON',
				form: { To: to, From: from, ContentSid: `HX${'1'.repeat(32)}`, ContentVariables: '{1:' },
				code: 21656,
			},
			{
				problem: 'a StatusCallback that is not an http(s) URL',
				form: { To: to, From: from, Body: 'x', StatusCallback: '/relative' },
				code: 21609,
			},
			{
				problem: 'an unknown Messaging Service',
				form: { To: to, MessagingServiceSid: `MG${'0'.repeat(32)}`, Body: 'x' },
				code: 21701,
			},
			{
				problem: 'scheduling without a Messaging Service',
				form: {
					To: to,
					From: from,
					Body: 'x',
					ScheduleType: 'fixed',
					SendAt: '2099-01-01T00:00:00Z',
				},
				code: 35118,
			},
		])('rejects $problem with $code', async ({ form, code }) => {
			const { status, body } = await rawRequest(mock, 'POST', messagesPath, { form });
			expect(status).toBe(400);
			const moreInfo = `https://www.twilio.com/docs/errors/${code}`;
			expect(body).toEqual({ code, message: expect.any(String), more_info: moreInfo, status: 400 });
		});

		it('reads only form bodies: JSON parameters count as none (21604)', async () => {
			const json = JSON.stringify({ To: '+15558675310', From: MOCK_NUMBERS.sms, Body: 'x' });
			const { body } = await rawRequest(mock, 'POST', messagesPath, {
				body: json,
				contentType: 'application/json',
			});
			expect(body.code).toBe(21604);
		});

		it('answers a wrong Auth Token with 401/20003 and a Basic challenge', async () => {
			const error = await expectTwilioError(sdk(mock, accountSid, 'wrong').messages.list());
			expect(error.status).toBe(401);
			expect(error.code).toBe(20003);
			const raw = await rawRequest(mock, 'GET', messagesPath, { auth: `${accountSid}:wrong` });
			expect(raw.body).toEqual({
				code: 20003,
				message: 'Authenticate',
				more_info: 'https://www.twilio.com/docs/errors/20003',
				status: 401,
			});
			expect(raw.headers.get('www-authenticate')).toMatch(/^Basic/);
		});

		it('answers an unknown account in the path with 404/20404', async () => {
			const { status, body } = await rawRequest(
				mock,
				'GET',
				`/2010-04-01/Accounts/AC${'0'.repeat(32)}/Messages.json`,
			);
			expect(status).toBe(404);
			expect(body.code).toBe(20404);
		});

		it('keeps secrets out of the request record', async () => {
			await rawRequest(mock, 'GET', messagesPath);
			expect(mock.requests[0].authUser).toBe(accountSid);
			expect(JSON.stringify(mock.requests)).not.toContain(authToken);
		});
	});

	describe('accounts and API keys', () => {
		it('serves the Account resource with the Auth Token credentials', async () => {
			const account = await client.api.v2010.accounts(accountSid).fetch();
			expect(account).toMatchObject({
				sid: accountSid,
				status: 'active',
				type: 'Full',
				friendlyName: 'Mock Twilio account',
			});
			expect(account.dateCreated).toBeInstanceOf(Date);
			expect(account.subresourceUris.messages).toBe(messagesPath);
		});

		it('lets a standard API key send but not read the Account resource; a main key can', async () => {
			const standard = sdk(mock, standardKey.sid, standardKey.secret);
			await expect(
				standard.messages.create({ to: '+15558675310', from: MOCK_NUMBERS.sms, body: 'key' }),
			).resolves.toBeDefined();
			const error = await expectTwilioError(standard.api.v2010.accounts(accountSid).fetch());
			expect(error.code).toBe(20003);
			const main = sdk(mock, mainKey.sid, mainKey.secret);
			await expect(main.api.v2010.accounts(accountSid).fetch()).resolves.toMatchObject({
				sid: accountSid,
			});
		});
	});

	describe('segments', () => {
		it.each([
			{ text: '160 GSM-7 characters', body: 'a'.repeat(160), segments: 1 },
			{ text: '161 GSM-7 characters', body: 'a'.repeat(161), segments: 2 },
			{ text: '306 GSM-7 characters', body: 'a'.repeat(306), segments: 2 },
			{ text: '307 GSM-7 characters', body: 'a'.repeat(307), segments: 3 },
			{ text: '80 extension characters (two septets each)', body: '€'.repeat(80), segments: 1 },
			{ text: '81 extension characters', body: '€'.repeat(81), segments: 2 },
			{ text: '160 accented GSM-7 characters', body: 'é'.repeat(160), segments: 1 },
			{ text: '70 UCS-2 characters', body: 'ж'.repeat(70), segments: 1 },
			{ text: '71 UCS-2 characters', body: 'ж'.repeat(71), segments: 2 },
			{ text: '35 emoji (two code units each)', body: '😀'.repeat(35), segments: 1 },
			{ text: '36 emoji', body: '😀'.repeat(36), segments: 2 },
		])('$text → $segments', ({ body, segments }) => {
			expect(countSegments(body)).toBe(segments);
		});
	});

	describe('scheduling, cancel and delete', () => {
		const serviceSid = () => mock.messagingServices[0].sid;

		it('schedules with a Messaging Service inside the allowed window only', async () => {
			const soon = new Date(Date.now() + 10 * 60 * 1000);
			const tooSoon = await expectTwilioError(
				client.messages.create({
					to: '+15558675310',
					messagingServiceSid: serviceSid(),
					body: 'x',
					scheduleType: 'fixed',
					sendAt: soon,
				}),
			);
			expect(tooSoon.code).toBe(35114);

			const inAnHour = new Date(Date.now() + 3600 * 1000);
			const scheduled = await client.messages.create({
				to: '+15558675310',
				messagingServiceSid: serviceSid(),
				body: 'later',
				scheduleType: 'fixed',
				sendAt: inAnHour,
				statusCallback: 'http://127.0.0.1:9/unused',
			});
			expect(scheduled.status).toBe('scheduled');
			expect(mock.messages[0].params.SendAt).toBe(inAnHour.toISOString().replace(/\.\d{3}Z$/, 'Z'));
		});

		it('cancels only scheduled messages and reports the cancel by callback', async () => {
			const receiver = await startReceiver();
			try {
				const scheduled = await client.messages.create({
					to: '+15558675310',
					messagingServiceSid: serviceSid(),
					body: 'later',
					scheduleType: 'fixed',
					sendAt: new Date(Date.now() + 3600 * 1000),
					statusCallback: `${receiver.base}/status`,
				});
				const canceled = await client.messages(scheduled.sid).update({ status: 'canceled' });
				expect(canceled.status).toBe('canceled');
				await mock.settled();
				expect(receiver.received.map((r) => r.form.MessageStatus)).toEqual(['canceled']);

				const queued = await client.messages.create({
					to: '+15558675310',
					from: MOCK_NUMBERS.sms,
					body: 'now',
				});
				const error = await expectTwilioError(
					client.messages(queued.sid).update({ status: 'canceled' }),
				);
				expect(error.code).toBe(30409);
			} finally {
				await receiver.close();
			}
		});

		it('refuses to delete a message still queued (20009), then deletes it once delivered', async () => {
			// Slow status changes keep the message queued while the first delete is tried, however loaded
			// the machine.
			mock.setCallbackDelay(2_000);
			const message = await client.messages.create({
				to: '+15558675310',
				from: MOCK_NUMBERS.sms,
				body: 'bye',
			});
			const early = await expectTwilioError(client.messages(message.sid).remove());
			expect(early.code).toBe(20009);
			mock.setCallbackDelay(50);
			await mock.settled();
			await expect(client.messages(message.sid).remove()).resolves.toBe(true);
			expect((await expectTwilioError(client.messages(message.sid).fetch())).code).toBe(20404);
			expect(mock.messages[0]).toMatchObject({ sid: message.sid, deleted: true });
		});

		it('redacts a body with Body=""', async () => {
			const message = await client.messages.create({
				to: '+15558675310',
				from: MOCK_NUMBERS.sms,
				body: 'secret',
			});
			expect((await client.messages(message.sid).update({ body: '' })).body).toBe('');
		});
	});

	describe('status callbacks', () => {
		it('posts signed sent and delivered callbacks to the StatusCallback URL, query string included', async () => {
			const receiver = await startReceiver();
			try {
				const callbackUrl = `${receiver.base}/status?executionId=42&record=a%20b`;
				const message = await client.messages.create({
					to: '+15558675310',
					from: MOCK_NUMBERS.sms,
					body: 'hi',
					statusCallback: callbackUrl,
				});
				await mock.settled();

				expect(receiver.received.map((r) => r.form.MessageStatus)).toEqual(['sent', 'delivered']);
				for (const request of receiver.received) {
					expect(request.method).toBe('POST');
					expect(request.url).toBe('/status?executionId=42&record=a%20b');
					expect(request.headers['user-agent']).toBe('TwilioProxy/1.1');
					expect(request.headers['i-twilio-idempotency-token']).toEqual(expect.any(String));
					const signature = String(request.headers['x-twilio-signature']);
					expect(twilio.validateRequest(authToken, signature, callbackUrl, request.form)).toBe(
						true,
					);
					expect(twilio.validateRequest('wrong-token', signature, callbackUrl, request.form)).toBe(
						false,
					);
					expect(request.form).toMatchObject({
						AccountSid: accountSid,
						ApiVersion: '2010-04-01',
						From: MOCK_NUMBERS.sms,
						To: '+15558675310',
						MessageSid: message.sid,
						SmsSid: message.sid,
						SmsStatus: request.form.MessageStatus,
					});
				}
				expect(receiver.received[1].form.RawDlrDoneDate).toMatch(/^\d{10}$/);
				expect(receiver.received[0].form.RawDlrDoneDate).toBeUndefined();
				expect((await client.messages(message.sid).fetch()).status).toBe('delivered');
				expect(mock.webhooks.map((w) => [w.kind, w.status])).toEqual([
					['status', 200],
					['status', 200],
				]);
			} finally {
				await receiver.close();
			}
		});

		it('ends undelivered with ErrorCode 30003 for the undeliverable number', async () => {
			const receiver = await startReceiver();
			try {
				const message = await client.messages.create({
					to: MOCK_NUMBERS.undeliverable,
					from: MOCK_NUMBERS.sms,
					body: 'lost',
					statusCallback: `${receiver.base}/status`,
				});
				await mock.settled();
				expect(receiver.received.map((r) => [r.form.MessageStatus, r.form.ErrorCode])).toEqual([
					['sent', undefined],
					['undelivered', '30003'],
				]);
				expect(await client.messages(message.sid).fetch()).toMatchObject({
					status: 'undelivered',
					errorCode: 30003,
				});
			} finally {
				await receiver.close();
			}
		});

		it('goes through queued with a Messaging Service, using the service-level callback and picking a sender', async () => {
			const receiver = await startReceiver();
			try {
				const [service] = await client.messaging.v1.services.list();
				await client.messaging.v1
					.services(service.sid)
					.update({ statusCallback: `${receiver.base}/service-status` });
				const message = await client.messages.create({
					to: '+15558675310',
					messagingServiceSid: service.sid,
					body: 'pool',
				});
				expect(message.status).toBe('accepted');
				expect(message.from).toBeNull();
				await mock.settled();
				expect(receiver.received.map((r) => r.form.MessageStatus)).toEqual([
					'queued',
					'sent',
					'delivered',
				]);
				expect(
					receiver.received.every(
						(r) => r.url === '/service-status' && r.form.MessagingServiceSid === service.sid,
					),
				).toBe(true);
				expect(receiver.received[0].form.From).toBe(MOCK_NUMBERS.sms);
			} finally {
				await receiver.close();
			}
		});

		it('adds WhatsApp channel fields and a read receipt when asked', async () => {
			await mock.close();
			mock = await startMockTwilio({ callbackDelayMs: 5, readReceipts: true });
			client = sdk(mock);
			const receiver = await startReceiver();
			try {
				await client.messages.create({
					to: 'whatsapp:+15558675310',
					from: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
					body: 'hola',
					statusCallback: `${receiver.base}/wa`,
				});
				await mock.settled();
				expect(receiver.received.map((r) => r.form.MessageStatus)).toEqual([
					'sent',
					'delivered',
					'read',
				]);
				expect(receiver.received[2].form).toMatchObject({
					ChannelPrefix: 'whatsapp',
					ChannelToAddress: '+15558675310',
					ChannelInstallSid: expect.stringMatching(/^XE[0-9a-f]{32}$/),
					EventType: 'READ',
				});
			} finally {
				await receiver.close();
			}
		});

		it('ends free-form WhatsApp outside the 24-hour window with 63016 when the window is enforced', async () => {
			await mock.close();
			mock = await startMockTwilio({ callbackDelayMs: 5, enforceWhatsAppWindow: true });
			client = sdk(mock);
			const receiver = await startReceiver();
			try {
				const send = (extra: object) =>
					client.messages.create({
						to: 'whatsapp:+15558675310',
						from: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
						...extra,
					});
				const outside = await send({ body: 'free-form' });
				const approved = mock.addContent({
					language: 'en',
					types: { 'twilio/text': { body: 'Hi {{1}}, your order has shipped.' } },
				});
				const unapproved = mock.addContent({
					language: 'en',
					types: { 'twilio/text': { body: 'Hi {{1}}' } },
				});
				await client.content.v1
					.contents(approved)
					.approvalCreate.create({ name: 'shipped', category: 'UTILITY' });
				mock.setApprovalStatus(approved, 'approved');
				const template = await send({ contentSid: approved, contentVariables: '{"1":"Ana"}' });
				const notApproved = await send({ contentSid: unapproved });
				await client
					.incomingPhoneNumbers(mock.phoneNumbers[1].sid)
					.update({ smsUrl: `${receiver.base}/in` });
				await mock.receiveMessage({
					to: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
					from: 'whatsapp:+15558675310',
					body: 'hello',
				});
				const inside = await send({ body: 'reply' });
				await mock.settled();
				const final = async (sid: string) => (await client.messages(sid).fetch()).errorCode;
				expect(await final(outside.sid)).toBe(63016);
				expect(await final(template.sid)).toBeNull();
				expect(await final(notApproved.sid)).toBe(63016);
				expect(await final(inside.sid)).toBeNull();
			} finally {
				await receiver.close();
			}
		});
	});

	describe('inbound webhooks', () => {
		it('signs a POST over the URL and sorted parameters, with the idempotency token given', async () => {
			const receiver = await startReceiver();
			try {
				const url = `${receiver.base}/webhook/abc?x=1`;
				const params = {
					MessageSid: `SM${'1'.repeat(32)}`,
					Body: 'Hola ñ & =',
					From: 'whatsapp:+15558675310',
					NumMedia: '0',
				};
				const result = await mock.sendInbound(url, params, { idempotencyToken: 'token-1' });
				expect(result.status).toBe(200);
				const [request] = receiver.received;
				expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
				expect(request.headers['i-twilio-idempotency-token']).toBe('token-1');
				expect(request.form).toEqual(params);
				expect(
					twilio.validateRequest(
						authToken,
						String(request.headers['x-twilio-signature']),
						url,
						request.form,
					),
				).toBe(true);
			} finally {
				await receiver.close();
			}
		});

		it('puts GET parameters in the query string and signs the full URL', async () => {
			const receiver = await startReceiver();
			try {
				await mock.sendInbound(
					`${receiver.base}/get-hook?a=b`,
					{ Body: 'hi there', To: '+1555' },
					{ method: 'GET' },
				);
				const [request] = receiver.received;
				expect(request.method).toBe('GET');
				expect(request.body).toBe('');
				const fullUrl = receiver.base + request.url;
				expect(new URL(fullUrl).searchParams.get('Body')).toBe('hi there');
				expect(
					twilio.validateRequest(
						authToken,
						String(request.headers['x-twilio-signature']),
						fullUrl,
						{},
					),
				).toBe(true);
			} finally {
				await receiver.close();
			}
		});

		it('can send a bad signature on purpose', async () => {
			const receiver = await startReceiver();
			try {
				const url = `${receiver.base}/hook`;
				await mock.sendInbound(url, { Body: 'x' }, { badSignature: true });
				const [request] = receiver.received;
				expect(
					twilio.validateRequest(
						authToken,
						String(request.headers['x-twilio-signature']),
						url,
						request.form,
					),
				).toBe(false);
			} finally {
				await receiver.close();
			}
		});

		it('answers a Basic challenge with the credentials of the URL, which it signs as written', async () => {
			const receiver = await startReceiver((req) =>
				req.headers.authorization
					? { status: 200 }
					: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="hook"' } },
			);
			try {
				const url = receiver.base.replace('http://', 'http://hookuser:p%40ss@') + '/protected';
				const result = await mock.sendInbound(url, { Body: 'x' });
				expect(result.status).toBe(200);
				expect(receiver.received.map((r) => r.headers.authorization)).toEqual([
					undefined,
					`Basic ${Buffer.from('hookuser:p@ss').toString('base64')}`,
				]);
				const signature = String(receiver.received[1].headers['x-twilio-signature']);
				expect(twilio.validateRequest(authToken, signature, url, receiver.received[1].form)).toBe(
					true,
				);
				expect(mock.webhooks[0].url).not.toContain('p%40ss');
			} finally {
				await receiver.close();
			}
		});

		it('delivers an inbound message where the number is configured, with Twilio’s parameters', async () => {
			const receiver = await startReceiver();
			try {
				const smsNumber = mock.phoneNumbers.find((pn) => pn.phone_number === MOCK_NUMBERS.sms);
				await client
					.incomingPhoneNumbers(smsNumber?.sid ?? '')
					.update({ smsUrl: `${receiver.base}/sms`, smsMethod: 'POST' });
				await mock.receiveMessage({
					to: MOCK_NUMBERS.sms,
					from: '+15558675310',
					body: 'photo',
					media: [{ url: 'https://example.com/p.jpg', contentType: 'image/jpeg' }],
				});
				const [request] = receiver.received;
				expect(request.url).toBe('/sms');
				expect(request.form).toMatchObject({
					AccountSid: accountSid,
					From: '+15558675310',
					To: MOCK_NUMBERS.sms,
					Body: 'photo',
					NumMedia: '1',
					MediaUrl0: 'https://example.com/p.jpg',
					MediaContentType0: 'image/jpeg',
					SmsStatus: 'received',
					MessagingServiceSid: mock.messagingServices[0].sid,
				});
				expect(request.form.MessageSid).toMatch(/^MM[0-9a-f]{32}$/);
				expect(
					twilio.validateRequest(
						authToken,
						String(request.headers['x-twilio-signature']),
						`${receiver.base}/sms`,
						request.form,
					),
				).toBe(true);
			} finally {
				await receiver.close();
			}
		});
	});

	describe('phone numbers and Messaging Services', () => {
		it('lists and updates IncomingPhoneNumbers through the SDK', async () => {
			const numbers = await client.incomingPhoneNumbers.list();
			expect(numbers.map((n) => n.phoneNumber).sort()).toEqual(
				[MOCK_NUMBERS.whatsapp, MOCK_NUMBERS.sms].sort(),
			);
			const [found] = await client.incomingPhoneNumbers.list({ phoneNumber: MOCK_NUMBERS.sms });
			expect(found.sid).toMatch(/^PN[0-9a-f]{32}$/);
			const updated = await client
				.incomingPhoneNumbers(found.sid)
				.update({ smsUrl: 'https://n8n.example/webhook/x', smsMethod: 'GET' });
			expect(updated).toMatchObject({ smsUrl: 'https://n8n.example/webhook/x', smsMethod: 'GET' });
			expect((await client.incomingPhoneNumbers(found.sid).fetch()).smsUrl).toBe(
				'https://n8n.example/webhook/x',
			);
		});

		it('lists and updates Messaging Services and their sender pool through the SDK', async () => {
			const services = await client.messaging.v1.services.list();
			expect(services).toHaveLength(1);
			const updated = await client.messaging.v1.services(services[0].sid).update({
				inboundRequestUrl: 'https://n8n.example/webhook/in',
				inboundMethod: 'POST',
				useInboundWebhookOnNumber: false,
			});
			expect(updated).toMatchObject({
				inboundRequestUrl: 'https://n8n.example/webhook/in',
				useInboundWebhookOnNumber: false,
			});
			const pool = await client.messaging.v1.services(services[0].sid).phoneNumbers.list();
			expect(pool.map((n) => n.phoneNumber).sort()).toEqual(
				[MOCK_NUMBERS.whatsapp, MOCK_NUMBERS.sms].sort(),
			);
		});
	});

	// Shapes from twilio/twilio-oai spec/json/twilio_content_v1.json and twilio_content_v2.json.
	describe('Content API through the twilio SDK', () => {
		const quickReply = {
			friendly_name: 'order_menu',
			language: 'en',
			variables: { '1': 'Ana' },
			types: {
				'twilio/quick-reply': {
					body: 'Hi {{1}}, what next?',
					actions: [
						{ title: 'Track', id: 'track' },
						{ title: 'Cancel', id: 'cancel' },
					],
				},
			},
		};

		it('creates, fetches, lists, submits and deletes a Content resource', async () => {
			const content = await client.content.v1.contents.create(quickReply as never);
			expect(content.sid).toMatch(/^HX[0-9a-f]{32}$/);
			expect(content.friendlyName).toBe('order_menu');
			expect(content.types).toEqual(quickReply.types);
			expect(content.links).toEqual({
				approval_create: `https://content.twilio.com/v1/Content/${content.sid}/ApprovalRequests/whatsapp`,
				approval_fetch: `https://content.twilio.com/v1/Content/${content.sid}/ApprovalRequests`,
			});
			expect(mock.requests.at(-1)!.json).toEqual(quickReply);

			const fetched = await client.content.v1.contents(content.sid).fetch();
			expect(fetched.variables).toEqual({ '1': 'Ana' });
			const before = await client.content.v1.contents(content.sid).approvalFetch().fetch();
			expect(before.whatsapp).toMatchObject({ type: 'whatsapp', status: 'unsubmitted' });

			const approval = await client.content.v1
				.contents(content.sid)
				.approvalCreate.create({ name: 'order_menu', category: 'UTILITY' });
			expect(approval).toMatchObject({
				name: 'order_menu',
				category: 'UTILITY',
				contentType: 'twilio/quick-reply',
				status: 'received',
			});
			mock.setApprovalStatus(content.sid, 'rejected', 'INVALID_FORMAT');
			const after = await client.content.v1.contents(content.sid).approvalFetch().fetch();
			expect(after.whatsapp).toMatchObject({
				status: 'rejected',
				rejection_reason: 'INVALID_FORMAT',
			});

			const listed = await client.content.v1.contentAndApprovals.list();
			const entry = listed.find((item) => item.sid === content.sid)!;
			expect(entry.approvalRequests).toMatchObject({ status: 'rejected', name: 'order_menu' });

			await client.content.v1.contents(content.sid).remove();
			await expect(client.content.v1.contents(content.sid).fetch()).rejects.toMatchObject({
				status: 404,
				code: 20404,
			});
		});

		it('pages with PageToken and filters the v2 lists, keeping the filters in the next link', async () => {
			for (const [name, language] of [
				['promo_a', 'es'],
				['promo_b', 'es'],
				['promo_c', 'es'],
				['other', 'en'],
			])
				mock.addContent({ ...quickReply, friendly_name: name, language });
			const first = await rawRequest(
				mock,
				'GET',
				'/v2/ContentAndApprovals?PageSize=2&Language=es&ContentName=promo',
			);
			expect(first.status).toBe(200);
			const page1 = first.body as {
				contents: Array<{ friendly_name: string }>;
				meta: { next_page_url: string; key: string };
			};
			expect(page1.contents.map((c) => c.friendly_name)).toEqual(['promo_a', 'promo_b']);
			expect(page1.meta.key).toBe('contents');
			const next = new URL(page1.meta.next_page_url);
			expect(next.searchParams.get('PageToken')).toMatch(/^PAHX/);
			expect(next.searchParams.get('Language')).toBe('es');
			const second = await rawRequest(mock, 'GET', next.pathname + next.search);
			const page2 = second.body as {
				contents: Array<{ friendly_name: string }>;
				meta: { next_page_url: null };
			};
			expect(page2.contents.map((c) => c.friendly_name)).toEqual(['promo_c']);
			expect(page2.meta.next_page_url).toBeNull();
			const approved = await rawRequest(
				mock,
				'GET',
				'/v2/ContentAndApprovals?ChannelEligibility=whatsapp:approved',
			);
			expect((approved.body as { contents: unknown[] }).contents).toEqual([]);
		});

		it.each([
			['no language', { types: { 'twilio/text': { body: 'x' } } }, 'language'],
			['no types', { language: 'en' }, 'types'],
			[
				'eleven quick replies',
				{
					language: 'en',
					types: {
						'twilio/quick-reply': {
							body: 'x',
							actions: Array.from({ length: 11 }, (_, i) => ({ title: `t${i}`, id: `i${i}` })),
						},
					},
				},
				'between 1 and 10',
			],
			[
				'a list item without a description',
				{
					language: 'en',
					types: {
						'twilio/list-picker': {
							body: 'Pick',
							button: 'Menu',
							items: [{ id: 'a', item: 'A' }],
						},
					},
				},
				'Missing required field description in twilio/list-picker items[0]',
			],
			[
				'a list item title over 24 characters',
				{
					language: 'en',
					types: {
						'twilio/list-picker': {
							body: 'Pick',
							button: 'Menu',
							items: [{ id: 'a', item: 'x'.repeat(25), description: 'd' }],
						},
					},
				},
				'items[0].item must be at most 24 characters',
			],
		])('answers a create with %s with 400/20422', async (_name, body, words) => {
			const response = await rawRequest(mock, 'POST', '/v1/Content', {
				body: JSON.stringify(body),
				contentType: 'application/json',
			});
			expect(response.status).toBe(400);
			expect(response.body).toMatchObject({ code: 20422, status: 400 });
			expect((response.body as { message: string }).message).toContain(words);
		});

		it('refuses a list picker for WhatsApp approval and a template name WhatsApp would refuse', async () => {
			const picker = mock.addContent({
				language: 'en',
				types: {
					'twilio/list-picker': { body: 'Pick', button: 'Menu', items: [{ id: 'a', item: 'A' }] },
				},
			});
			const path = `/v1/Content/${picker}/ApprovalRequests/whatsapp`;
			const json = (body: object) => ({
				body: JSON.stringify(body),
				contentType: 'application/json',
			});
			const refused = await rawRequest(
				mock,
				'POST',
				path,
				json({ name: 'menu', category: 'UTILITY' }),
			);
			expect(refused.status).toBe(400);
			expect((refused.body as { message: string }).message).toContain('twilio/list-picker');
			const badName = await rawRequest(
				mock,
				'POST',
				path,
				json({ name: 'Menu 1', category: 'UTILITY' }),
			);
			expect((badName.body as { message: string }).message).toContain('lowercase');
		});

		it('refuses to send a deleted or unknown template with 21655', async () => {
			const sid = mock.addContent({ language: 'en', types: { 'twilio/text': { body: 'Hi' } } });
			await client.content.v1.contents(sid).remove();
			for (const contentSid of [sid, `HX${'9'.repeat(32)}`]) {
				await expect(
					client.messages.create({
						to: 'whatsapp:+15558675310',
						from: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
						contentSid,
					}),
				).rejects.toMatchObject({ status: 400, code: 21655 });
			}
		});
	});

	describe('fault switches', () => {
		const create = () =>
			rawRequest(mock, 'POST', messagesPath, {
				form: { To: '+15558675310', From: MOCK_NUMBERS.sms, Body: 'x' },
			});

		it('answers 429/20429 with Retry-After, then recovers', async () => {
			mock.setFault({ kind: '429', count: 1, retryAfterSeconds: 7 });
			const limited = await create();
			expect(limited.status).toBe(429);
			expect(limited.body.code).toBe(20429);
			expect(limited.headers.get('retry-after')).toBe('7');
			expect((await create()).status).toBe(201);
			expect(mock.messages).toHaveLength(1);
			expect(mock.requests.map((r) => [r.status, r.fault])).toEqual([
				[429, '429'],
				[201, null],
			]);
		});

		it('surfaces 500/20500 and 503/20503 through the SDK', async () => {
			mock.setFault({ kind: '500', count: 1 });
			mock.setFault({ kind: '503', count: 1 });
			expect((await expectTwilioError(client.messages.list())).code).toBe(20500);
			expect((await expectTwilioError(client.messages.list())).code).toBe(20503);
			await expect(client.messages.list()).resolves.toEqual([]);
		});

		it('drops the connection before creating anything', async () => {
			mock.setFault({ kind: 'drop', count: 1 });
			await expect(create()).rejects.toThrow();
			expect(mock.messages).toHaveLength(0);
			expect(mock.requests[0]).toMatchObject({ outcome: 'dropped', status: null, fault: 'drop' });
		});

		it('with afterCreate, creates exactly one message and then drops the connection', async () => {
			mock.setFault({ kind: 'drop', afterCreate: true, count: 1 });
			await expect(create()).rejects.toThrow();
			expect(mock.messages).toHaveLength(1);
			expect(mock.requests[0]).toMatchObject({ outcome: 'dropped', fault: 'drop' });
		});

		it('fires a ratio fault on an even, repeatable share of creates only', async () => {
			const rule = mock.setFault({ kind: '429', ratio: 0.2, on: 'create' });
			const statuses: number[] = [];
			for (let i = 0; i < 10; i++) statuses.push((await create()).status);
			await rawRequest(mock, 'GET', messagesPath);
			expect(statuses).toEqual([201, 201, 201, 201, 429, 201, 201, 201, 201, 429]);
			expect(rule).toMatchObject({ seen: 10, hits: 2 });
			expect(mock.messages).toHaveLength(8);
		});

		it('stalls without answering until the mock closes', async () => {
			mock.setFault({ kind: 'stall', count: 1 });
			const pending = create();
			while (mock.requests.length === 0 || mock.requests[0].outcome !== 'stalled')
				await new Promise((r) => setImmediate(r));
			await mock.close();
			await expect(pending).rejects.toThrow();
			expect(mock.messages).toHaveLength(0);
		});

		it('adds latency to every request without changing answers', async () => {
			mock.setLatency(20);
			expect((await create()).status).toBe(201);
			mock.clearFaults();
			expect(mock.faults).toHaveLength(0);
		});
	});
});
