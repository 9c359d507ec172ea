/**
 * The WhatsApp Sender resource of the Twilio WhatsApp/SMS node, run inside n8n-core's execution
 * context against the Twilio mock's Senders API (shaped as twilio-oai's twilio_messaging_v2.json).
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { resourceRunner, useMockTwilio } from '../helpers/mockTwilio';
import type { RecordedRequest } from '../mock-twilio';
import { DEFAULT_ACCOUNT, MOCK_NUMBERS } from '../mock-twilio';
import { buildWhatsAppSender } from '../mock-twilio/resources/channelSenders';

const mock = useMockTwilio();
const { run, json } = resourceRunner('whatsAppSender', mock);

const sendersRequestsSince = (start: number) =>
	mock()
		.requests.slice(start)
		.filter((request) => request.path.startsWith('/v2/Channels/Senders'));

/** One query parameter as the mock recorded it (repeated keys come as a list). */
const queryValue = (request: RecordedRequest, key: string) => [request.query[key]].flat()[0];

const UNKNOWN_SID = `XE${'0'.repeat(32)}`;

/** A sender of this account that Twilio took offline, as the definition's offline example. */
function addOfflineSender(number: string) {
	const sender = buildWhatsAppSender(DEFAULT_ACCOUNT.accountSid, number);
	sender.status = 'OFFLINE';
	sender.webhook.callback_url = 'https://n8n.example.com/webhook/abc/twilio';
	sender.webhook.status_callback_url = 'https://n8n.example.com/webhook/abc/twilio';
	sender.offline_reasons = [
		{
			code: '30008',
			message: 'No delivery',
			more_info: 'https://www.twilio.com/docs/api/errors/30008',
		},
	];
	mock().whatsAppSenders.push(sender);
	return sender;
}

describe('WhatsApp Sender: Get', () => {
	it("reads one sender by SID and names its fields in the package's vocabulary", async () => {
		const sender = addOfflineSender('+14155550177');
		const start = mock().requests.length;
		const [item] = await json({ operation: 'get', senderSid: sender.sid });

		const [request] = sendersRequestsSince(start);
		expect(request.method).toBe('GET');
		expect(request.path).toBe(`/v2/Channels/Senders/${sender.sid}`);
		expect(item).toEqual({
			senderSid: sender.sid,
			sender: {
				address: 'whatsapp:+14155550177',
				id: '+14155550177',
				number: '+14155550177',
				channel: 'whatsapp',
				city: null,
				state: null,
				zip: null,
				country: null,
			},
			status: 'OFFLINE',
			friendlyName: null,
			profileName: 'Mock WhatsApp Business',
			wabaId: '1234567890',
			webhookUrl: 'https://n8n.example.com/webhook/abc/twilio',
			webhookMethod: 'POST',
			fallbackUrl: null,
			fallbackMethod: 'POST',
			statusCallbackUrl: 'https://n8n.example.com/webhook/abc/twilio',
			statusCallbackMethod: 'POST',
			qualityRating: 'HIGH',
			messagingLimit: '1K Customers/24hr',
			offlineReasons: [
				{
					errorCode: 30008,
					errorMessage: 'No delivery',
					errorMeaning: 'Unknown error from the carrier',
					errorHint: null,
				},
			],
			raw: expect.objectContaining({ sid: sender.sid, sender_id: 'whatsapp:+14155550177' }),
		});
	});

	it("turns Twilio's 404 for an unknown SID into a NodeApiError with Twilio's code", async () => {
		const failure = run({ operation: 'get', senderSid: UNKNOWN_SID });
		await expect(failure).rejects.toBeInstanceOf(NodeApiError);
		await expect(failure).rejects.toMatchObject({
			message: `Twilio error 20404: The requested resource /v2/Channels/Senders/${UNKNOWN_SID} was not found`,
			httpCode: '404',
		});
	});

	it('with Continue On Fail, gives the unknown SID an error item and reads the other items', async () => {
		const known = mock().whatsAppSenders[0].sid;
		const { output } = await run(
			{ operation: 'get', senderSid: '={{ $json.sid }}' },
			[{ sid: UNKNOWN_SID }, { sid: known }],
			true,
		);
		const [failed, read] = output![0];
		expect(failed.pairedItem).toEqual({ item: 0 });
		expect(Object.keys(failed.json)).toEqual(['error']);
		expect(failed.json.error).toMatchObject({
			kind: 'api',
			code: 20404,
			message: `The requested resource /v2/Channels/Senders/${UNKNOWN_SID} was not found`,
			moreInfo: 'https://www.twilio.com/docs/errors/20404',
			httpStatus: 404,
		});
		expect(read.json).toMatchObject({ senderSid: known, status: 'ONLINE' });
	});

	it('refuses a value that is not a sender SID before calling Twilio', async () => {
		const start = mock().requests.length;
		const failure = run({ operation: 'get', senderSid: 'whatsapp:+14155238886' });
		await expect(failure).rejects.toBeInstanceOf(NodeOperationError);
		await expect(failure).rejects.toThrow('is not a sender SID');
		expect(sendersRequestsSince(start)).toHaveLength(0);
	});
});

describe('WhatsApp Sender: Get Many', () => {
	const ownSenders = () =>
		mock().whatsAppSenders.filter((sender) => sender.accountSid === DEFAULT_ACCOUNT.accountSid);

	it("lists the account's WhatsApp senders up to the Limit in one request", async () => {
		addOfflineSender('+14155550178');
		const start = mock().requests.length;
		const items = await json({ operation: 'getMany', returnAll: false, limit: 2 });

		const requests = sendersRequestsSince(start);
		expect(requests).toHaveLength(1);
		expect(requests[0].path).toBe('/v2/Channels/Senders');
		expect(queryValue(requests[0], 'Channel')).toBe('whatsapp');
		expect(queryValue(requests[0], 'PageSize')).toBe('2');
		expect(items.map((item) => item.senderSid)).toEqual(
			ownSenders()
				.slice(0, 2)
				.map((sender) => sender.sid),
		);
		expect(items[0].sender).toMatchObject({ number: MOCK_NUMBERS.whatsapp, channel: 'whatsapp' });
	});

	it("with Return All follows Twilio's next_page_url over pages of 1,000", async () => {
		while (ownSenders().length <= 1000)
			mock().whatsAppSenders.push(
				buildWhatsAppSender(DEFAULT_ACCOUNT.accountSid, `+1415556${ownSenders().length}`),
			);
		const start = mock().requests.length;
		const items = await json({ operation: 'getMany', returnAll: true });

		const requests = sendersRequestsSince(start);
		expect(requests).toHaveLength(2);
		expect(queryValue(requests[0], 'PageSize')).toBe('1000');
		expect(queryValue(requests[1], 'Channel')).toBe('whatsapp');
		expect(queryValue(requests[1], 'Page')).toBe('1');
		expect(queryValue(requests[1], 'PageToken')).toMatch(/^PAXE/);
		expect(items.map((item) => item.senderSid)).toEqual(ownSenders().map((sender) => sender.sid));
	});
});
