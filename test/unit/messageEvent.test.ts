import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import type { TwilioParams } from '../../nodes/shared/twilioSignature';
import {
	classifyTwilioEvent,
	mediaOf,
	parseTwilioWebhook,
	type TwilioMessageEvent,
} from '../../nodes/shared/messageEvent';
import { FAILURE_STATUSES, FINAL_STATUSES, STATUS_VALUES } from '../../nodes/shared/messageStatus';
import * as twilio from '../fixtures/twilio/messages';

function parse(params: TwilioParams, callbackQuery?: Record<string, string>): TwilioMessageEvent {
	return parseTwilioWebhook(params, callbackQuery ? { callbackQuery } : undefined);
}

describe('classifyTwilioEvent', () => {
	it.each([
		['WhatsApp text', twilio.whatsappText, 'message.received'],
		['SMS with geo fields', twilio.smsWithGeo, 'message.received'],
		['MMS', twilio.mms, 'message.received'],
		[
			'contact-center text without SmsStatus (seed 001)',
			twilio.contactCenter('TEXT', { Body: 'hola' }),
			'message.received',
		],
		['status callback', twilio.statusCallback('sent'), 'message.status'],
		['WhatsApp read receipt', twilio.whatsappRead, 'message.status'],
		['status callback of an inbound message', twilio.statusCallback('received'), 'message.status'],
		[
			'older sender with only an outbound SmsStatus',
			{ MessageSid: 'SM1', SmsStatus: 'delivered' },
			'message.status',
		],
		[
			'inbound still receiving',
			{ MessageSid: 'SM1', SmsStatus: 'receiving', NumMedia: '3' },
			'message.received',
		],
	] as const)('%s', (_name, params, expected) => {
		expect(classifyTwilioEvent(params)).toBe(expected);
	});

	it.each([
		['empty request', {}],
		[
			'a voice call webhook',
			{ CallSid: 'CA1', CallStatus: 'ringing', From: '+14017122661', To: '+15558675310' },
		],
		['content without any identifier', { Body: 'hello' }],
		['an identifier without content', { MessageSid: 'SM1', AccountSid: 'AC1' }],
	])('%s → undefined', (_name, params) => {
		expect(classifyTwilioEvent(params)).toBeUndefined();
	});
});

describe('parseTwilioWebhook: inbound WhatsApp', () => {
	it('produces the full item for a text message', () => {
		const item = parse(twilio.whatsappText);
		expect(item).toEqual({
			event: 'message.received',
			channel: 'whatsapp',
			type: 'text',
			messageSid: 'SM1f0e2d3c4b5a69788796a5b4c3d2e1f0',
			accountSid: twilio.ACCOUNT_SID,
			messagingServiceSid: null,
			apiVersion: '2010-04-01',
			from: {
				address: 'whatsapp:+14017122661',
				id: '+14017122661',
				number: '+14017122661',
				channel: 'whatsapp',
				city: null,
				state: null,
				zip: null,
				country: null,
			},
			to: {
				address: 'whatsapp:+14155238886',
				id: '+14155238886',
				number: '+14155238886',
				channel: 'whatsapp',
				city: null,
				state: null,
				zip: null,
				country: null,
			},
			profileName: 'Perspective Coffee',
			waId: '14017122661',
			body: "Ahoy! We can't wait to see what you build.",
			numMedia: 0,
			media: [],
			location: null,
			button: null,
			referral: null,
			context: null,
			forwarded: false,
			frequentlyForwarded: false,
			numSegments: 1,
			status: 'received',
			isFinal: true,
			isFailed: false,
			errorCode: null,
			errorMessage: null,
			errorMeaning: null,
			errorHint: null,
			eventType: null,
			rawDlrDoneDate: null,
			callbackQuery: {},
			raw: twilio.whatsappText,
			warnings: [],
		});
	});

	it('is a plain JSON object n8n can hold as an item', () => {
		const item = parse(twilio.whatsappReferral);
		const asData: IDataObject = item;
		expect(JSON.parse(JSON.stringify(asData))).toEqual(item);
	});

	it('reads an image with its caption', () => {
		const item = parse(twilio.whatsappImageWithCaption);
		expect(item.type).toBe('image');
		expect(item.body).toBe('Here is the receipt');
		expect(item.numMedia).toBe(1);
		expect(item.media).toEqual([
			{ url: twilio.whatsappImageWithCaption.MediaUrl0, contentType: 'image/jpeg', index: 0 },
		]);
	});

	it('reads several media in index order', () => {
		const item = parse(twilio.whatsappSeveralMedia);
		expect(item.numMedia).toBe(3);
		expect(item.media.map((m) => [m.index, m.contentType])).toEqual([
			[0, 'image/jpeg'],
			[1, 'image/png'],
			[2, 'video/mp4'],
		]);
		expect(item.media[2].url).toBe(twilio.whatsappSeveralMedia.MediaUrl2);
		expect(item.warnings).toEqual([]);
	});

	it.each([
		['voice note', twilio.whatsappVoiceNote, 'audio', 'audio/ogg'],
		['document', twilio.whatsappDocument, 'document', 'application/pdf'],
		['sticker', twilio.whatsappSticker, 'sticker', 'image/webp'],
	])('reads a %s', (_name, params, type, contentType) => {
		const item = parse(params);
		expect(item.type).toBe(type);
		expect(item.media).toHaveLength(1);
		expect(item.media[0].contentType).toBe(contentType);
	});

	it('reads a location with numbers as numbers', () => {
		const item = parse(twilio.whatsappLocation);
		expect(item.type).toBe('location');
		expect(item.location).toEqual({
			latitude: 51.51322977399644,
			longitude: -0.2197976373036567,
			address: '187 Freston Road, London, Greater London W10 6TH',
			label: 'The Harrow Club',
		});
		expect(item.body).toBe('');
	});

	it('reads a quick-reply button with its payload and the message it answers', () => {
		const item = parse(twilio.whatsappButton);
		expect(item.type).toBe('button');
		expect(item.button).toEqual({ text: 'Cancelar cita', payload: 'cancel_appointment_4711' });
		expect(item.context).toEqual({
			originalRepliedMessageSid: 'MMa1b2c3d4e5f60718293a4b5c6d7e8f90',
			originalRepliedMessageSender: twilio.SANDBOX,
		});
	});

	it('keeps MessageType=interactive and still reads its button', () => {
		const item = parse(twilio.whatsappInteractive);
		expect(item.type).toBe('interactive');
		expect(item.button).toEqual({ text: 'VOICE_CALL_REQUEST', payload: 'REJECTED' });
	});

	it("reads a tap on a session message's quick reply as interactive, with the button's ID", () => {
		const item = parse(twilio.whatsappQuickReplyTap);
		expect(item.event).toBe('message.received');
		expect(item.type).toBe('interactive');
		expect(item.button).toEqual({ text: 'Track my order', payload: 'track' });
		expect(item.context?.originalRepliedMessageSid).toBe('SMb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6');
		expect(item.warnings).toEqual([]);
	});

	it('reads every Referral* field of a Click-to-WhatsApp ad, with its media', () => {
		const item = parse(twilio.whatsappReferral);
		expect(item.type).toBe('text');
		expect(item.referral).toEqual({
			body: 'To find out more about our company, message us on WhatsApp',
			headline: 'Chat with us',
			sourceId: '118588094077142',
			sourceType: 'post',
			sourceUrl: 'https://fb.me/xyz123',
			mediaId: 'e420b130-f934-4acf-a5e6-f964f776bxyz',
			mediaContentType: 'image/jpeg',
			mediaUrl: twilio.whatsappReferral.ReferralMediaUrl,
			ctwaClid: twilio.whatsappReferral.ReferralCtwaClid,
			numMedia: 1,
			media: [
				{ url: twilio.whatsappReferral.ReferralMediaUrl, contentType: 'image/jpeg', index: 0 },
			],
		});
		expect(item.warnings).toEqual([]);
	});

	it('reads indexed referral media and Referral* fields Twilio adds later', () => {
		const item = parse({
			...twilio.whatsappText,
			ReferralNumMedia: '2',
			ReferralSourceId: '1',
			ReferralMediaUrl0: 'https://example.com/0',
			ReferralMediaContentType0: 'image/jpeg',
			ReferralMediaUrl1: 'https://example.com/1',
			ReferralMediaContentType1: 'video/mp4',
			ReferralCampaignName: 'Spring',
		});
		expect(item.referral?.media).toEqual([
			{ url: 'https://example.com/0', contentType: 'image/jpeg', index: 0 },
			{ url: 'https://example.com/1', contentType: 'video/mp4', index: 1 },
		]);
		expect(item.referral?.numMedia).toBe(2);
		expect(item.referral?.campaignName).toBe('Spring');
		expect(item.referral).not.toHaveProperty('mediaUrl0');
	});

	it('has no referral for the ReferralNumMedia=0 every WhatsApp message carries', () => {
		expect(parse(twilio.whatsappText).referral).toBeNull();
	});

	it('reads a reply context', () => {
		expect(parse(twilio.whatsappReply).context).toEqual({
			originalRepliedMessageSid: 'SMc4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9',
			originalRepliedMessageSender: twilio.SANDBOX,
		});
	});

	it('reads forwarded and frequently forwarded as booleans', () => {
		const item = parse(twilio.whatsappForwarded);
		expect(item.forwarded).toBe(true);
		expect(item.frequentlyForwarded).toBe(true);
		const once = parse({ ...twilio.whatsappForwarded, FrequentlyForwarded: 'false' });
		expect(once.forwarded).toBe(true);
		expect(once.frequentlyForwarded).toBe(false);
	});

	it('keeps non-Latin text and emoji exactly', () => {
		const item = parse(twilio.whatsappNonLatin);
		expect(item.body).toBe(twilio.whatsappNonLatin.Body);
		expect(item.profileName).toBe('Дарья 🌸');
	});

	it('keeps a 1,600-character body whole', () => {
		const item = parse(twilio.whatsappLongBody);
		expect(item.body).toHaveLength(1600);
		expect(item.numSegments).toBe(11);
	});
});

describe('parseTwilioWebhook: SMS and MMS', () => {
	it('reads a plain SMS with the geographic fields of both parties', () => {
		const item = parse(twilio.smsWithGeo);
		expect(item.channel).toBe('sms');
		expect(item.type).toBe('text');
		expect(item.messagingServiceSid).toBe(twilio.SERVICE_SID);
		expect(item.from).toEqual({
			address: '+14017122661',
			id: '+14017122661',
			number: '+14017122661',
			channel: 'sms',
			city: 'SAN FRANCISCO',
			state: 'CA',
			zip: '94103',
			country: 'US',
		});
		expect(item.to).toEqual({
			address: '+15558675310',
			id: '+15558675310',
			number: '+15558675310',
			channel: 'sms',
			city: 'SAUSALITO',
			state: 'CA',
			zip: '94965',
			country: 'US',
		});
		expect(item.profileName).toBeNull();
		expect(item.waId).toBeNull();
	});

	it('calls a message with media MMS and types it from its first media', () => {
		const item = parse(twilio.mms);
		expect(item.channel).toBe('mms');
		expect(item.from.channel).toBe('mms');
		expect(item.type).toBe('image');
		expect(item.media.map((m) => m.contentType)).toEqual(['image/jpeg', 'text/vcard']);
	});

	it('keeps short codes and alphanumeric senders as ids without a phone number', () => {
		const item = parse({ ...twilio.smsWithGeo, To: '89203', From: 'MyShop' });
		expect(item.to).toMatchObject({ address: '89203', id: '89203', number: null });
		expect(item.from).toMatchObject({ address: 'MyShop', id: 'MyShop', number: null });
	});

	it('takes the channel from other prefixes Twilio uses', () => {
		const messenger = parse({
			...twilio.smsWithGeo,
			From: 'messenger:2417682478',
			To: 'messenger:1031592693',
		});
		expect(messenger.channel).toBe('messenger');
		expect(messenger.from).toMatchObject({ channel: 'messenger', id: '2417682478', number: null });
		expect(parse({ ...twilio.smsWithGeo, From: 'rcs:+14017122661' }).channel).toBe('rcs');
	});
});

describe('parseTwilioWebhook: contact-center message types (seed 001)', () => {
	it.each([
		['TEXT', { Body: 'Hola' }, 'text'],
		['IMAGE', { MediaUrl0: 'https://example.com/a.jpg', MediaContentType0: 'image/jpeg' }, 'image'],
		['AUDIO', { MediaUrl0: 'https://example.com/a.aac', MediaContentType0: 'audio/aac' }, 'audio'],
		['VEDIO', { MediaUrl0: 'https://example.com/a.mp4', MediaContentType0: 'video/mp4' }, 'video'],
		['VIDEO', { MediaUrl0: 'https://example.com/a.mp4', MediaContentType0: 'video/mp4' }, 'video'],
		[
			'LOCATION',
			{ Latitude: '40.4168', Longitude: '-3.7038', Address: 'Puerta del Sol', Label: 'Madrid' },
			'location',
		],
	])('%s', (messageType, fields, expected) => {
		const item = parse(twilio.contactCenter(messageType, fields));
		expect(item.event).toBe('message.received');
		expect(item.type).toBe(expected);
		expect(item.status).toBeNull();
		expect(item.warnings).toEqual([]);
	});

	it('counts the media actually sent when NumMedia is absent', () => {
		const item = parse(
			twilio.contactCenter('IMAGE', {
				MediaUrl0: 'https://example.com/a.jpg',
				MediaContentType0: 'image/jpeg',
			}),
		);
		expect(item.numMedia).toBe(1);
	});
});

describe('parseTwilioWebhook: type without MessageType', () => {
	const base = twilio.smsWithGeo;
	it.each([
		['location fields', { Latitude: '1', Longitude: '2' }, 'location'],
		['a button', { ButtonText: 'Yes' }, 'button'],
		[
			'a WebP on WhatsApp (sticker)',
			{ From: twilio.CUSTOMER, MediaUrl0: 'u', MediaContentType0: 'image/webp' },
			'sticker',
		],
		['a WebP over MMS (image)', { MediaUrl0: 'u', MediaContentType0: 'image/webp' }, 'image'],
		['audio', { MediaUrl0: 'u', MediaContentType0: 'audio/ogg' }, 'audio'],
		['video', { MediaUrl0: 'u', MediaContentType0: 'video/3gpp' }, 'video'],
		['a vCard', { MediaUrl0: 'u', MediaContentType0: 'text/x-vcard' }, 'contacts'],
		['a PDF', { MediaUrl0: 'u', MediaContentType0: 'application/pdf' }, 'document'],
		['plain text', {}, 'text'],
		['nothing', { Body: '' }, 'unknown'],
	])('%s', (_name, fields, expected) => {
		expect(parse({ ...base, ...fields }).type).toBe(expected);
	});

	it('derives the type, with a warning, from an unknown MessageType', () => {
		const item = parse({ ...twilio.whatsappImageWithCaption, MessageType: 'carousel' });
		expect(item.type).toBe('image');
		expect(item.warnings).toEqual([expect.stringContaining('MessageType "carousel"')]);
	});
});

describe('parseTwilioWebhook: status callbacks', () => {
	const expectations: Record<string, { isFinal: boolean; isFailed: boolean }> = {
		accepted: { isFinal: false, isFailed: false },
		scheduled: { isFinal: false, isFailed: false },
		queued: { isFinal: false, isFailed: false },
		sending: { isFinal: false, isFailed: false },
		sent: { isFinal: false, isFailed: false },
		delivered: { isFinal: true, isFailed: false },
		undelivered: { isFinal: true, isFailed: true },
		failed: { isFinal: true, isFailed: true },
		receiving: { isFinal: false, isFailed: false },
		received: { isFinal: true, isFailed: false },
		read: { isFinal: true, isFailed: false },
		canceled: { isFinal: true, isFailed: true },
		partially_delivered: { isFinal: true, isFailed: false },
	};

	it('covers every status value Twilio documents', () => {
		expect([...STATUS_VALUES].sort()).toEqual(Object.keys(expectations).sort());
		expect([...FINAL_STATUSES].sort()).toEqual(
			Object.entries(expectations)
				.filter(([, e]) => e.isFinal)
				.map(([s]) => s)
				.sort(),
		);
		expect([...FAILURE_STATUSES].sort()).toEqual(
			Object.entries(expectations)
				.filter(([, e]) => e.isFailed)
				.map(([s]) => s)
				.sort(),
		);
	});

	it.each(Object.entries(expectations))('%s', (status, expected) => {
		const item = parse(twilio.statusCallback(status));
		expect(item.event).toBe('message.status');
		expect(item.status).toBe(status);
		expect(item.isFinal).toBe(expected.isFinal);
		expect(item.isFailed).toBe(expected.isFailed);
		expect(item.errorCode).toBeNull();
		expect(item.warnings).toEqual([]);
	});

	it('explains 63016: undelivered outside the WhatsApp 24-hour window', () => {
		const item = parse(twilio.whatsappUndelivered63016);
		expect(item).toMatchObject({
			event: 'message.status',
			channel: 'whatsapp',
			status: 'undelivered',
			isFinal: true,
			isFailed: true,
			errorCode: 63016,
		});
		expect(item.errorMeaning).toMatch(/24-hour/);
		expect(item.errorHint).toMatch(/template/);
	});

	it.each([30003, 30004, 30005, 30006, 30007, 30008, 21610])(
		'gives a short meaning for error %i',
		(code) => {
			const item = parse(twilio.statusCallback('undelivered', { ErrorCode: String(code) }));
			expect(item.errorCode).toBe(code);
			expect(item.errorMeaning).toEqual(expect.any(String));
			expect(item.errorMessage).toBeNull();
		},
	);

	it("keeps Twilio's own error text apart from the meaning, which unknown codes lack", () => {
		const item = parse(
			twilio.statusCallback('failed', { ErrorCode: '12345', ErrorMessage: 'Something odd' }),
		);
		expect(item).toMatchObject({ errorCode: 12345, errorMessage: 'Something odd' });
		expect(item).toMatchObject({ errorMeaning: null, errorHint: null });
		expect(parse(twilio.statusCallback('failed', { ErrorCode: '12345' })).errorMessage).toBeNull();
		const known = { ErrorCode: '30003', ChannelStatusMessage: 'Handset off' };
		expect(parse(twilio.statusCallback('undelivered', known))).toMatchObject({
			errorMessage: 'Handset off',
			errorMeaning: expect.stringMatching(/Unreachable/),
		});
	});

	it('reads a WhatsApp read receipt with its event type', () => {
		const item = parse(twilio.whatsappRead);
		expect(item).toMatchObject({
			status: 'read',
			eventType: 'READ',
			isFinal: true,
			channel: 'whatsapp',
		});
		expect(item.to.number).toBe('+14017122661');
	});

	it('turns RawDlrDoneDate (YYMMDDhhmm) into an ISO timestamp', () => {
		const item = parse(twilio.smsDeliveredWithDlrDate);
		expect(item.rawDlrDoneDate).toBe('2023-02-14T12:59:00.000Z');
		expect(item.raw.RawDlrDoneDate).toBe('2302141259');
	});

	it('sets an unreadable RawDlrDoneDate to null with a warning', () => {
		for (const value of ['2313141259', 'yesterday', '23021412']) {
			const item = parse(twilio.statusCallback('delivered', { RawDlrDoneDate: value }));
			expect(item.rawDlrDoneDate).toBeNull();
			expect(item.warnings).toEqual([expect.stringContaining('RawDlrDoneDate')]);
		}
	});

	it('passes the callback URL query through, for correlating with the sent message', () => {
		const item = parse(twilio.statusCallback('delivered'), { orderId: '4711', run: 'abc' });
		expect(item.callbackQuery).toEqual({ orderId: '4711', run: 'abc' });
	});

	it('warns about a status value Twilio does not document, and keeps it', () => {
		const item = parse(twilio.statusCallback('teleported'));
		expect(item.status).toBe('teleported');
		expect(item.isFinal).toBe(false);
		expect(item.warnings).toEqual([expect.stringContaining('teleported')]);
	});
});

describe('parseTwilioWebhook: tolerance', () => {
	it('uses the media actually present when NumMedia disagrees, with a warning', () => {
		const more = parse({ ...twilio.whatsappImageWithCaption, NumMedia: '2' });
		expect(more.numMedia).toBe(1);
		expect(more.warnings).toEqual([expect.stringContaining('NumMedia is 2 but 1')]);
		const fewer = parse({ ...twilio.whatsappSeveralMedia, NumMedia: '1' });
		expect(fewer.media).toHaveLength(3);
		expect(fewer.warnings).toEqual([expect.stringContaining('NumMedia is 1 but 3')]);
	});

	it('skips gaps and empty URLs in MediaUrl{N}, and notes a missing content type', () => {
		const item = parse({
			...twilio.smsWithGeo,
			NumMedia: '2',
			MediaUrl0: '',
			MediaUrl2: 'https://example.com/2',
			MediaUrl10: 'https://example.com/10',
			MediaContentType10: 'image/png',
			MediaUrl01: 'https://example.com/not-an-index',
		});
		expect(item.media).toEqual([
			{ url: 'https://example.com/2', contentType: '', index: 2 },
			{ url: 'https://example.com/10', contentType: 'image/png', index: 10 },
		]);
		expect(item.warnings).toContainEqual(expect.stringContaining('MediaContentType2 is missing'));
	});

	it('sets non-numeric or out-of-range coordinates to null with a warning', () => {
		const item = parse({ ...twilio.whatsappLocation, Latitude: 'north', Longitude: '190' });
		expect(item.location).toMatchObject({
			latitude: null,
			longitude: null,
			label: 'The Harrow Club',
		});
		expect(item.warnings).toHaveLength(2);
	});

	it('uses the first of repeated values and says so', () => {
		const item = parse({ ...twilio.whatsappText, Body: ['first', 'second'] });
		expect(item.body).toBe('first');
		expect(item.warnings).toEqual(['Body was sent 2 times; the first value is used.']);
		expect(item.raw.Body).toEqual(['first', 'second']);
	});

	it('keeps unknown parameters in raw and never rejects them', () => {
		const params = {
			...twilio.whatsappText,
			ChannelMetadata: '{"type":"whatsapp"}',
			SomethingNew: 'x',
		};
		const item = parse(params);
		expect(item.raw).toEqual(params);
		expect(item.warnings).toEqual([]);
	});

	it('copies raw, so changing the item leaves the request alone', () => {
		const params: TwilioParams = { ...twilio.whatsappText, Body: ['a', 'b'] };
		const item = parse(params);
		(item.raw.Body as string[]).push('c');
		item.raw.From = 'changed';
		expect(params.Body).toEqual(['a', 'b']);
		expect(params.From).toBe(twilio.CUSTOMER);
	});

	it('says what it ignored in numbers and flags', () => {
		const item = parse({
			...twilio.whatsappText,
			NumSegments: 'one',
			Forwarded: 'verdadero',
			ErrorCode: '',
		});
		expect(item.numSegments).toBeNull();
		expect(item.forwarded).toBe(false);
		expect(item.errorCode).toBeNull();
		expect(item.warnings).toHaveLength(2);
	});

	it('marks parameters that are not Twilio messages as unknown events', () => {
		const item = parse({ hello: 'world' });
		expect(item.event).toBe('unknown');
		expect(item.raw).toEqual({ hello: 'world' });
	});
});

describe('mediaOf', () => {
	it('lists MediaUrl{N} with MediaContentType{N} in index order', () => {
		expect(
			mediaOf({
				MediaUrl1: 'b',
				MediaContentType1: 'image/png',
				MediaUrl0: 'a',
				MediaContentType0: 'image/jpeg',
			}),
		).toEqual([
			{ url: 'a', contentType: 'image/jpeg', index: 0 },
			{ url: 'b', contentType: 'image/png', index: 1 },
		]);
		expect(mediaOf(twilio.whatsappText)).toEqual([]);
	});
});

// ---- Property tests
// ---------------------------------------------------------------------------------------

const NUM_RUNS = 10_000;

const KNOWN_KEYS = [
	'MessageSid',
	'SmsSid',
	'SmsMessageSid',
	'AccountSid',
	'MessagingServiceSid',
	'From',
	'To',
	'Body',
	'NumMedia',
	'NumSegments',
	'MessageType',
	'MessageStatus',
	'SmsStatus',
	'ErrorCode',
	'ErrorMessage',
	'EventType',
	'RawDlrDoneDate',
	'Latitude',
	'Longitude',
	'Address',
	'Label',
	'ButtonText',
	'ButtonPayload',
	'ProfileName',
	'WaId',
	'Forwarded',
	'FrequentlyForwarded',
	'OriginalRepliedMessageSid',
	'OriginalRepliedMessageSender',
	'ReferralNumMedia',
	'ReferralBody',
	'ReferralMediaUrl',
	'ReferralMediaUrl0',
	'ReferralMediaContentType',
	'ReferralCtwaClid',
	'ReferralX',
	'Referral',
	'MediaUrl0',
	'MediaUrl1',
	'MediaUrl2',
	'MediaUrl10',
	'MediaUrl01',
	'MediaUrl',
	'MediaUrl-1',
	'MediaContentType0',
	'MediaContentType1',
	'ChannelPrefix',
	'FromCity',
	'ToCountry',
	'__proto__',
	'constructor',
	'toString',
	'hasOwnProperty',
];

const value = fc.oneof(
	fc.string({ maxLength: 12 }),
	fc.string({ unit: 'binary', maxLength: 8 }),
	fc.constantFrom(
		'',
		'0',
		'1',
		'2',
		'-1',
		'1e3',
		'0x10',
		'true',
		'false',
		'NaN',
		'Infinity',
		'2302141259',
		'99.5',
		'whatsapp:+14155238886',
		'messenger:123',
		':',
		'delivered',
		'received',
		'undelivered',
		'TEXT',
		'VEDIO',
		'image/webp',
		'audio/ogg',
		'63016',
		' 5 ',
	),
);
const paramValue = fc.oneof(
	{ weight: 5, arbitrary: value },
	{ weight: 1, arbitrary: fc.array(value, { maxLength: 3 }) },
);
const params: fc.Arbitrary<TwilioParams> = fc.dictionary(
	fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 10 })),
	paramValue,
	{ maxKeys: 14 },
);

/**
 * Strings, finite numbers, booleans, null, arrays and plain objects of them: what n8n items hold.
 */
function isJsonValue(x: unknown): boolean {
	if (x === null || typeof x === 'string' || typeof x === 'boolean') return true;
	if (typeof x === 'number') return Number.isFinite(x);
	if (Array.isArray(x)) return x.every(isJsonValue);
	if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype)
		return Object.values(x).every(isJsonValue);
	return false;
}

function isNumberOrNull(x: unknown): boolean {
	return x === null || (typeof x === 'number' && Number.isFinite(x));
}

describe('property: parseTwilioWebhook and classifyTwilioEvent on arbitrary string maps', () => {
	it('classify never throws and answers one of its kinds', () => {
		fc.assert(
			fc.property(params, (p) => {
				expect([undefined, 'message.received', 'message.status']).toContain(classifyTwilioEvent(p));
			}),
			{ numRuns: NUM_RUNS },
		);
	});

	it('parse never throws, keeps raw exactly, and types its numbers', () => {
		fc.assert(
			fc.property(params, (p) => {
				const before = JSON.stringify(p);
				const item = parseTwilioWebhook(p);
				// raw round-trips every key and value, in order; the input itself is untouched.
				expect(JSON.stringify(p)).toBe(before);
				expect(JSON.stringify(item.raw)).toBe(before);
				expect(Object.keys(item.raw)).toEqual(Object.keys(p));
				expect(item.event).toBe(classifyTwilioEvent(p) ?? 'unknown');
				// media: no more than the MediaUrl keys sent, each with a URL and a canonical index.
				const mediaUrlKeys = Object.keys(p).filter((k) => k.startsWith('MediaUrl')).length;
				expect(item.media.length).toBeLessThanOrEqual(mediaUrlKeys);
				expect(item.media).toEqual(mediaOf(p));
				expect(item.numMedia).toBe(item.media.length);
				for (const m of item.media) {
					expect(typeof m.url).toBe('string');
					expect(m.url).not.toBe('');
					expect(Number.isInteger(m.index)).toBe(true);
				}
				// numbers are numbers (finite) or null; booleans are booleans.
				expect(isNumberOrNull(item.numSegments)).toBe(true);
				expect(isNumberOrNull(item.errorCode)).toBe(true);
				if (item.location) {
					expect(isNumberOrNull(item.location.latitude)).toBe(true);
					expect(isNumberOrNull(item.location.longitude)).toBe(true);
				}
				if (item.referral) {
					expect(isNumberOrNull(item.referral.numMedia)).toBe(true);
					expect(item.referral.numMedia).toBeGreaterThanOrEqual(item.referral.media.length);
				}
				for (const flag of [
					item.forwarded,
					item.frequentlyForwarded,
					item.isFinal,
					item.isFailed,
				]) {
					expect(typeof flag).toBe('boolean');
				}
				expect(item.warnings.every((w) => typeof w === 'string')).toBe(true);
				expect(isJsonValue(item)).toBe(true);
			}),
			{ numRuns: NUM_RUNS },
		);
	});

	it('mediaOf never throws and returns what is present, in index order', () => {
		fc.assert(
			fc.property(params, (p) => {
				const media = mediaOf(p);
				const indexes = media.map((m) => m.index);
				expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
				expect(new Set(indexes).size).toBe(indexes.length);
			}),
			{ numRuns: NUM_RUNS },
		);
	});
});
