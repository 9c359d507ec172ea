/**
 * The mock's Senders API (/v2/Channels/Senders) and typing indicator (/v2/Indicators/Typing.json),
 * driven by the real twilio-node SDK, whose paths, bodies (JSON for sender updates, form for the
 * typing indicator) and field names follow twilio-oai's spec/json/twilio_messaging_v2.json.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import RestException from 'twilio/lib/base/RestException';
import { useMockTwilio } from '../helpers/mockTwilio';
import { DEFAULT_ACCOUNT, MOCK_NUMBERS } from '../mock-twilio';

const { accountSid, authToken } = DEFAULT_ACCOUNT;

class MockHttpClient extends RequestClient {
	constructor(private readonly base: string) {
		super();
	}

	request<TData>(opts: RequestClient.RequestOptions<TData>) {
		return super.request({
			...opts,
			uri: opts.uri.replace(/^https:\/\/(api|messaging)\.twilio\.com/, this.base),
		});
	}
}

const mock = useMockTwilio({ callbackDelayMs: 1 });
let client: ReturnType<typeof twilio>;
let receiver: http.Server;
let receiverUrl: string;
const received: Array<Record<string, string>> = [];

beforeAll(async () => {
	client = twilio(accountSid, authToken, {
		accountSid,
		httpClient: new MockHttpClient(mock().url),
	});
	receiver = http.createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		received.push(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
		res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<Response/>');
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;
});
afterAll(async () => {
	await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function twilioError(promise: Promise<unknown>): Promise<RestException> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(RestException);
	return error as RestException;
}

describe('Senders API', () => {
	it("lists the account's WhatsApp sender, fetches it, and updates its webhook", async () => {
		const senders = await client.messaging.v2.channelsSenders.list({ channel: 'whatsapp' });
		expect(senders).toHaveLength(1);
		const [sender] = senders;
		expect(sender.sid).toMatch(/^XE[0-9a-f]{32}$/);
		expect(sender).toMatchObject({
			senderId: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			status: 'ONLINE',
		});

		const updated = await client.messaging.v2.channelsSenders(sender.sid).update({
			webhook: {
				callback_url: 'https://n8n.example.com/in',
				callback_method: 'POST',
				status_callback_url: 'https://n8n.example.com/status',
				status_callback_method: 'POST',
			},
		} as never);
		// twilio-node hands the resource's fields back in camelCase.
		expect(updated.webhook).toMatchObject({
			callbackUrl: 'https://n8n.example.com/in',
			statusCallbackUrl: 'https://n8n.example.com/status',
		});
		const request = mock().requests[mock().requests.length - 1];
		expect(request).toMatchObject({ method: 'POST', status: 202 });
		expect(request.headers['content-type']).toMatch(/application\/json/);

		const fetched = await client.messaging.v2.channelsSenders(sender.sid).fetch();
		expect(fetched.webhook).toMatchObject({ callbackUrl: 'https://n8n.example.com/in' });

		await client.messaging.v2
			.channelsSenders(sender.sid)
			.update({ webhook: { callback_url: null, status_callback_url: '' } } as never);
		expect(mock().whatsAppSenders[0].webhook).toMatchObject({
			callback_url: null,
			status_callback_url: null,
			callback_method: 'POST',
		});
	});

	it('refuses a list without Channel, an unknown sender, and a method outside POST/PUT', async () => {
		const sid = mock().whatsAppSenders[0].sid;
		const noChannel = await fetch(`${mock().url}/v2/Channels/Senders`, {
			headers: {
				Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
			},
		});
		expect(noChannel.status).toBe(400);
		expect(await noChannel.json()).toMatchObject({ code: 20422, status: 400 });
		expect(
			(await twilioError(client.messaging.v2.channelsSenders('XE' + '0'.repeat(32)).fetch()))
				.status,
		).toBe(404);
		const badMethod = await twilioError(
			client.messaging.v2
				.channelsSenders(sid)
				.update({ webhook: { callback_method: 'GET' } } as never),
		);
		expect(badMethod).toMatchObject({ status: 400, code: 20422 });
	});

	it("sends inbound WhatsApp messages to the sender's callback URL and statuses to its status callback", async () => {
		const sender = mock().whatsAppSenders[0];
		sender.webhook.callback_url = receiverUrl;
		sender.webhook.status_callback_url = `${receiverUrl}?status=1`;
		try {
			received.length = 0;
			await mock().receiveMessage({
				to: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
				from: 'whatsapp:+15550001111',
				body: 'hi',
			});
			expect(received[0]).toMatchObject({ Body: 'hi', From: 'whatsapp:+15550001111' });

			await client.messages.create({
				from: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
				to: 'whatsapp:+15550001111',
				body: 'hello',
			});
			await mock().settled();
			expect(
				mock()
					.webhooks.filter((hook) => hook.kind === 'status')
					.map((hook) => hook.url),
			).toContain(`${receiverUrl}?status=1`);
		} finally {
			sender.webhook.callback_url = null;
			sender.webhook.status_callback_url = null;
		}
	});
});

describe('typing indicator', () => {
	it('is accepted for an inbound WhatsApp message and recorded', async () => {
		const url = `${receiverUrl}?typing`;
		const result = await mock().sendInbound(url, {
			MessageSid: 'SM' + 'a'.repeat(32),
			AccountSid: accountSid,
			From: 'whatsapp:+15550002222',
			To: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			Body: 'hello',
		});
		expect(result.status).toBe(200);
		const answer = await client.messaging.v2.typingIndicator.create({
			channel: 'whatsapp',
			messageId: 'SM' + 'a'.repeat(32),
		});
		expect(answer.success).toBe(true);
		expect(mock().typingIndicators).toContainEqual(
			expect.objectContaining({ accountSid, messageId: 'SM' + 'a'.repeat(32) }),
		);
		const request = mock().requests[mock().requests.length - 1];
		expect(request).toMatchObject({ path: '/v2/Indicators/Typing.json', status: 200 });
		expect(request.form).toEqual({ channel: 'whatsapp', messageId: 'SM' + 'a'.repeat(32) });
	});

	it('is refused for an SMS message, an unknown SID, an outbound message and a malformed request', async () => {
		await mock().sendInbound(receiverUrl, {
			MessageSid: 'SM' + 'b'.repeat(32),
			AccountSid: accountSid,
			From: '+15550003333',
			To: MOCK_NUMBERS.sms,
			Body: 'sms',
		});
		const create = (messageId: string, channel = 'whatsapp') =>
			twilioError(client.messaging.v2.typingIndicator.create({ channel, messageId }));
		expect(await create('SM' + 'b'.repeat(32))).toMatchObject({ status: 400, code: 400 });
		expect(await create('SM' + 'c'.repeat(32))).toMatchObject({ status: 400, code: 400 });
		const sent = await client.messages.create({
			from: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			to: 'whatsapp:+15550002222',
			body: 'out',
		});
		expect(await create(sent.sid)).toMatchObject({ status: 400, code: 20422 });
		expect(await create('XX123')).toMatchObject({ status: 400, code: 20422 });
		expect(await create('SM' + 'a'.repeat(32), 'sms')).toMatchObject({
			status: 400,
			code: 20422,
		});
		await mock().settled();
	});
});
