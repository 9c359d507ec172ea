/**
 * helpers/formFields.ts: the Create Message form. Twilio formats come from
 * https://www.twilio.com/docs/messaging/api/message-resource.
 */
import { DateTime } from 'luxon';

import type { MessageParameters } from '../../nodes/TwilioWhatsApp/helpers/formFields';
import {
	bodyLength,
	buildMessageForm,
	contentVariablesJson,
} from '../../nodes/TwilioWhatsApp/helpers/formFields';

import { fail } from '../helpers/fail';

const SERVICE = 'MG' + 'a'.repeat(32);
const NOW = DateTime.fromISO('2030-01-10T12:00:00Z', { zone: 'utc' });
const context = { now: NOW, zone: 'Europe/Berlin' };

function params(overrides: Partial<MessageParameters> = {}): MessageParameters {
	return {
		channel: 'whatsapp',
		sender: 'phoneNumber',
		from: '+14155238886',
		messagingServiceSid: '',
		to: '+14155550123',
		content: 'text',
		body: 'Hello',
		mediaUrls: [],
		contentSid: '',
		contentVariables: undefined,
		statusCallback: '',
		options: {},
		...overrides,
	};
}

describe('buildMessageForm', () => {
	it('builds a WhatsApp text message with repeated media URLs', () => {
		const form = buildMessageForm(
			params({ mediaUrls: ['https://example.com/a.jpg', ' https://example.com/b.pdf '] }),
			context,
			fail,
		);
		expect(form).toEqual({
			To: 'whatsapp:+14155550123',
			From: 'whatsapp:+14155238886',
			Body: 'Hello',
			MediaUrl: ['https://example.com/a.jpg', 'https://example.com/b.pdf'],
			StatusCallback: undefined,
		});
	});

	it('sends MMS with SendAsMms and drops media for SMS', () => {
		expect(
			buildMessageForm(
				params({ channel: 'mms', mediaUrls: ['https://example.com/a.jpg'] }),
				context,
				fail,
			),
		).toMatchObject({
			SendAsMms: true,
			MediaUrl: ['https://example.com/a.jpg'],
		});
		const sms = buildMessageForm(
			params({ channel: 'sms', from: '+15017122661', mediaUrls: ['https://example.com/a.jpg'] }),
			context,
			fail,
		);
		expect(sms.MediaUrl).toBeUndefined();
		expect(sms.To).toBe('+14155550123');
	});

	it('maps every Twilio option to its form field', () => {
		const form = buildMessageForm(
			params({
				sender: 'messagingService',
				messagingServiceSid: SERVICE,
				from: '',
				channel: 'sms',
				statusCallback: 'https://n8n.example.com/webhook/abc/twilio?recordId=7',
				options: {
					validityPeriod: 600,
					sendAt: '2030-01-11T09:30:00Z',
					shortenUrls: true,
					sendAsMms: false,
					maxPrice: 0.05,
					attempt: 2,
					smartEncoded: true,
					persistentActions: ['geo:37.787890,-122.391664|375 Beale St', ' '],
					provideFeedback: true,
					applicationSid: 'AP' + 'b'.repeat(32),
					riskCheck: 'disable',
					messageIntent: 'otp',
					contentRetention: 'discard',
					addressRetention: 'obfuscate',
					fallbackFrom: '+15017122661',
				},
			}),
			context,
			fail,
		);
		expect(form).toEqual({
			To: '+14155550123',
			MessagingServiceSid: SERVICE,
			From: undefined,
			Body: 'Hello',
			MediaUrl: undefined,
			StatusCallback: 'https://n8n.example.com/webhook/abc/twilio?recordId=7',
			ValidityPeriod: 600,
			ScheduleType: 'fixed',
			SendAt: '2030-01-11T09:30:00Z',
			ShortenUrls: true,
			SendAsMms: false,
			MaxPrice: 0.05,
			Attempt: 2,
			SmartEncoded: true,
			PersistentAction: ['geo:37.787890,-122.391664|375 Beale St'],
			ProvideFeedback: true,
			ApplicationSid: 'AP' + 'b'.repeat(32),
			RiskCheck: 'disable',
			MessageIntent: 'otp',
			ContentRetention: 'discard',
			AddressRetention: 'obfuscate',
			FallbackFrom: '+15017122661',
		});
	});

	it('sends a content template with its variables as a JSON object of strings', () => {
		const form = buildMessageForm(
			params({
				content: 'template',
				body: 'ignored',
				contentSid: 'HX' + 'c'.repeat(32),
				contentVariables: '{"1": "Anna", "2": 12}',
			}),
			context,
			fail,
		);
		expect(form).toMatchObject({
			ContentSid: 'HX' + 'c'.repeat(32),
			ContentVariables: '{"1":"Anna","2":"12"}',
		});
		expect(form.Body).toBeUndefined();
	});

	it('checks ContentVariables before calling Twilio', () => {
		expect(() => contentVariablesJson('{"1": "Anna"', fail)).toThrow(
			'"Content Variables" is not valid JSON',
		);
		expect(() => contentVariablesJson('["Anna"]', fail)).toThrow('must be a JSON object');
		expect(() => contentVariablesJson('{"1": {"x": 1}}', fail)).toThrow(
			'value of "1" must be text',
		);
		expect(contentVariablesJson({ 1: 'Anna' }, fail)).toBe('{"1":"Anna"}');
		expect(contentVariablesJson('{}', fail)).toBeUndefined();
	});

	it('counts the body in UTF-16 code units and rejects more than 1,600', () => {
		expect(bodyLength('😀')).toBe(2);
		expect(() => buildMessageForm(params({ body: 'a'.repeat(1600) }), context, fail)).not.toThrow();
		expect(() => buildMessageForm(params({ body: 'a'.repeat(1601) }), context, fail)).toThrow(
			'1601 characters; Twilio accepts at most 1600',
		);
		expect(() => buildMessageForm(params({ body: '😀'.repeat(801) }), context, fail)).toThrow(
			'1602 characters',
		);
	});

	it('needs a body, media or a template', () => {
		expect(() => buildMessageForm(params({ body: '  ' }), context, fail)).toThrow('no body');
		expect(
			buildMessageForm(
				params({ body: '', mediaUrls: ['https://example.com/a.jpg'] }),
				context,
				fail,
			).MediaUrl,
		).toEqual(['https://example.com/a.jpg']);
	});

	it('checks media URLs', () => {
		expect(() =>
			buildMessageForm(params({ mediaUrls: ['ftp://example.com/a.jpg'] }), context, fail),
		).toThrow('not a public http(s) URL');
		const eleven = Array.from({ length: 11 }, (_, i) => `https://example.com/${i}.jpg`);
		expect(() => buildMessageForm(params({ mediaUrls: eleven }), context, fail)).toThrow(
			'at most 10 media URLs',
		);
	});

	it('enforces the scheduling window and the Messaging Service', () => {
		const viaService = { sender: 'messagingService' as const, messagingServiceSid: SERVICE };
		expect(() =>
			buildMessageForm(
				params({ ...viaService, options: { sendAt: '2030-01-10T12:10:00Z' } }),
				context,
				fail,
			),
		).toThrow('outside the window');
		expect(() =>
			buildMessageForm(
				params({ ...viaService, options: { sendAt: '2030-02-15T12:00:00Z' } }),
				context,
				fail,
			),
		).toThrow('outside the window');
		expect(() =>
			buildMessageForm(params({ options: { sendAt: '2030-01-11T12:00:00Z' } }), context, fail),
		).toThrow('Scheduling needs a Messaging Service');
		expect(() =>
			buildMessageForm(params({ ...viaService, options: { sendAt: 'tomorrow' } }), context, fail),
		).toThrow('is not a date and time');
		// Without an offset, the workflow's time zone applies (Berlin is UTC+1 in January).
		expect(
			buildMessageForm(
				params({ ...viaService, options: { sendAt: '2030-01-11T09:30:00' } }),
				context,
				fail,
			).SendAt,
		).toBe('2030-01-11T08:30:00Z');
	});

	it('checks the other documented limits', () => {
		expect(() =>
			buildMessageForm(params({ options: { validityPeriod: 36001 } }), context, fail),
		).toThrow('from 1 to 36000');
		expect(() =>
			buildMessageForm(params({ options: { shortenUrls: true } }), context, fail),
		).toThrow('"Shorten URLs" needs a Messaging Service');
		expect(() => buildMessageForm(params({ options: { attempt: 0 } }), context, fail)).toThrow(
			'"Attempt"',
		);
		expect(() =>
			buildMessageForm(
				params({ sender: 'messagingService', messagingServiceSid: 'MG123' }),
				context,
				fail,
			),
		).toThrow('"Messaging Service SID" "MG123"');
		expect(() =>
			buildMessageForm(params({ content: 'template', contentSid: 'HX1' }), context, fail),
		).toThrow('"Content Template SID" "HX1"');
	});
});
