import type { MessageFields } from '../../nodes/shared/message';
import { messageError, messageParty } from '../../nodes/shared/message';
import { parseTwilioWebhook } from '../../nodes/shared/messageEvent';
import { deliveryOutput, lookupOutput } from '../../nodes/TwilioWhatsApp/helpers/delivery';
import { messageOutput } from '../../nodes/TwilioWhatsApp/helpers/messageOutput';

// One WhatsApp message that ended undelivered with 63016, as Twilio describes it twice: the Message
// resource (API reference, "Fetch a Message resource") and the status callback it posts
// (MessageStatus, ErrorCode).
const sid = 'MM' + 'a'.repeat(32);
const accountSid = 'AC' + 'b'.repeat(32);
const serviceSid = 'MG' + 'c'.repeat(32);
const resource = {
	sid,
	account_sid: accountSid,
	messaging_service_sid: serviceSid,
	from: 'whatsapp:+14155238886',
	to: 'whatsapp:+14155550123',
	body: 'Your order shipped',
	num_media: '0',
	num_segments: '1',
	status: 'undelivered',
	error_code: 63016,
	error_message: null,
	direction: 'outbound-api',
	price: null,
	price_unit: 'USD',
	date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
	date_sent: null,
	date_updated: 'Thu, 24 Aug 2023 05:01:46 +0000',
};
const callback = {
	MessageSid: sid,
	SmsSid: sid,
	AccountSid: accountSid,
	MessagingServiceSid: serviceSid,
	From: 'whatsapp:+14155238886',
	To: 'whatsapp:+14155550123',
	Body: 'Your order shipped',
	NumSegments: '1',
	MessageStatus: 'undelivered',
	SmsStatus: 'undelivered',
	ErrorCode: '63016',
	ApiVersion: '2010-04-01',
};

// Every field of MessageFields; the compiler checks the list is complete and names nothing else.
const SHARED: { [K in keyof MessageFields]-?: true } = {
	messageSid: true,
	accountSid: true,
	messagingServiceSid: true,
	channel: true,
	from: true,
	to: true,
	body: true,
	numMedia: true,
	numSegments: true,
	status: true,
	isFinal: true,
	isFailed: true,
	errorCode: true,
	errorMessage: true,
	errorMeaning: true,
	errorHint: true,
};

function sharedPart(item: MessageFields): Partial<MessageFields> {
	return Object.fromEntries(
		Object.keys(SHARED).map((key) => [key, item[key as keyof MessageFields]]),
	);
}

describe('one vocabulary for a message across nodes', () => {
	it('gives the same message the same shared fields from the API, a callback and Send and Wait', () => {
		const fromApi = sharedPart(messageOutput(resource));
		const fromCallback = sharedPart(parseTwilioWebhook(callback));
		expect(fromCallback).toEqual({ ...fromApi, numMedia: 0 });
		expect(sharedPart(deliveryOutput(callback, new Date()))).toEqual(fromCallback);
		expect(sharedPart(lookupOutput(messageOutput(resource)))).toEqual(fromApi);
		expect(fromApi).toMatchObject({
			messageSid: sid,
			channel: 'whatsapp',
			to: { address: 'whatsapp:+14155550123', id: '+14155550123', number: '+14155550123' },
			isFinal: true,
			isFailed: true,
			errorCode: 63016,
			errorMeaning: expect.stringMatching(/24-hour/),
			errorHint: expect.stringMatching(/template/),
		});
	});
});

describe('messageParty', () => {
	it.each([
		[
			'whatsapp:+14155238886',
			'sms',
			{ id: '+14155238886', number: '+14155238886', channel: 'whatsapp' },
		],
		['+14155550123', 'mms', { id: '+14155550123', number: '+14155550123', channel: 'mms' }],
		['MyBrand', 'sms', { id: 'MyBrand', number: null, channel: 'sms' }],
		['messenger:1234567890', 'sms', { id: '1234567890', number: null, channel: 'messenger' }],
		['+1234', 'sms', { id: '+1234', number: null, channel: 'sms' }],
		[null, 'sms', { address: null, id: null, number: null, channel: 'sms' }],
	])('reads %s', (address, plainChannel, expected) => {
		expect(messageParty(address, plainChannel)).toMatchObject({ ...expected, city: null });
	});
});

describe('messageError', () => {
	it('keeps the meaning apart from Twilio text, and has none for code 0 or unknown codes', () => {
		expect(messageError(0, null)).toEqual({
			errorCode: 0,
			errorMessage: null,
			errorMeaning: null,
			errorHint: null,
		});
		expect(messageError(99999, 'odd')).toMatchObject({ errorMessage: 'odd', errorMeaning: null });
		expect(messageError(21211, null).errorHint).toMatch(/E\.164/);
	});
});
