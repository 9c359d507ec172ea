/**
 * Pure parts of the Twilio WhatsApp/SMS node: addresses, the Create Message form, status callback URLs,
 * output mapping, the concurrency pool, pacing, the send-and-wait status rules, and the description helpers.
 * Twilio formats come from https://www.twilio.com/docs/messaging/api/message-resource.
 */
import { DateTime } from 'luxon';
import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	alphabetical,
	messageProperties,
	retryOption,
	showOnlyFor,
	twilioMessageOptions,
} from '../../nodes/TwilioWhatsApp/actions/common.descriptions';
import {
	filterAddress,
	recipientAddress,
	senderAddress,
} from '../../nodes/TwilioWhatsApp/helpers/addresses';
import {
	callbackStatus,
	deliveryOutput,
	resumesOn,
	waitDeadline,
	waitKey,
} from '../../nodes/TwilioWhatsApp/helpers/delivery';
import type { MessageParameters } from '../../nodes/TwilioWhatsApp/helpers/formFields';
import {
	bodyLength,
	buildMessageForm,
	contentVariablesJson,
} from '../../nodes/TwilioWhatsApp/helpers/formFields';
import { isoDate, messageOutput } from '../../nodes/TwilioWhatsApp/helpers/messageOutput';
import { createPacer, pacingProblem } from '../../nodes/TwilioWhatsApp/helpers/pacing';
import { mapWithConcurrency } from '../../nodes/TwilioWhatsApp/helpers/pool';
import { statusCallbackUrl } from '../../nodes/TwilioWhatsApp/helpers/statusCallback';

class Problem extends Error {
	constructor(
		message: string,
		readonly description?: string,
	) {
		super(message);
	}
}
const fail = (message: string, description?: string): never => {
	throw new Problem(message, description);
};

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

describe('addresses', () => {
	it('prefixes WhatsApp numbers and accepts an existing prefix', () => {
		expect(recipientAddress('whatsapp', '+1 (415) 555-0123', fail)).toBe('whatsapp:+14155550123');
		expect(recipientAddress('whatsapp', 'whatsapp:+14155550123', fail)).toBe(
			'whatsapp:+14155550123',
		);
		expect(senderAddress('whatsapp', '+14155238886', fail)).toBe('whatsapp:+14155238886');
	});

	it('keeps SMS numbers plain and lets short codes and sender IDs through', () => {
		expect(recipientAddress('sms', '+14155550123', fail)).toBe('+14155550123');
		// The international prefix 00 is the same as "+".
		expect(recipientAddress('sms', '0049 151 1234567', fail)).toBe('+491511234567');
		expect(senderAddress('sms', '12345', fail)).toBe('12345');
		expect(senderAddress('sms', 'ACME', fail)).toBe('ACME');
	});

	it('rejects non-E.164 numbers, naming the value', () => {
		expect(() => recipientAddress('sms', '0151 1234567', fail)).toThrow(
			'"0151 1234567" is not in E.164 format',
		);
		expect(() => recipientAddress('whatsapp', '+0123', fail)).toThrow('not in E.164');
		expect(() => recipientAddress('sms', '', fail)).toThrow('empty');
		expect(() => senderAddress('whatsapp', 'ACME', fail)).toThrow('WhatsApp "From" number "ACME"');
	});

	it('rejects a whatsapp: prefix on the SMS channel', () => {
		expect(() => recipientAddress('sms', 'whatsapp:+14155550123', fail)).toThrow(
			'whatsapp: prefix but the channel is SMS',
		);
	});

	it('normalises list filters without forcing a channel', () => {
		expect(filterAddress(' whatsapp:+1 415 555 0123 ')).toBe('whatsapp:+14155550123');
		expect(filterAddress('12345')).toBe('12345');
	});
});

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

describe('statusCallbackUrl', () => {
	it('appends correlation values as query parameters', () => {
		const url = statusCallbackUrl(
			'https://n8n.example.com/webhook/abc/twilio?x=1',
			[
				{ name: 'executionId', value: '42' },
				{ name: 'record id', value: 'a&b' },
			],
			fail,
		);
		expect(url).toBe(
			'https://n8n.example.com/webhook/abc/twilio?x=1&executionId=42&record+id=a%26b',
		);
		expect(new URL(url).searchParams.get('record id')).toBe('a&b');
	});

	it('keeps a URL without correlation values exactly as written', () => {
		expect(statusCallbackUrl(' https://n8n.example.com/webhook/abc/twilio ', [], fail)).toBe(
			'https://n8n.example.com/webhook/abc/twilio',
		);
	});

	it('rejects what Twilio would reject', () => {
		expect(() => statusCallbackUrl('not a url', [], fail)).toThrow('is not a URL');
		expect(() => statusCallbackUrl('ftp://example.com/x', [], fail)).toThrow('http or https');
		expect(() => statusCallbackUrl('https://my_host.example.com/x', [], fail)).toThrow(
			'underscore',
		);
		expect(() => statusCallbackUrl('', [{ name: 'a', value: 'b' }], fail)).toThrow(
			'need a Status Callback URL',
		);
	});
});

describe('messageOutput', () => {
	// A Message resource as in Twilio's "Create a Message resource" response example.
	const resource = {
		account_sid: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
		api_version: '2010-04-01',
		body: 'Hi there',
		date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
		date_sent: 'Thu, 24 Aug 2023 05:01:45 +0000',
		date_updated: 'Thu, 24 Aug 2023 05:01:45 +0000',
		direction: 'outbound-api',
		error_code: null,
		error_message: null,
		from: '+14155552345',
		num_media: '0',
		num_segments: '1',
		price: '-0.00750',
		price_unit: 'USD',
		messaging_service_sid: 'MGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
		sid: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
		status: 'queued',
		to: '+14155552345',
	};

	it('gives typed fields and ISO dates, and keeps the resource', () => {
		const output = messageOutput(resource);
		expect(output).toMatchObject({
			messageSid: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
			channel: 'sms',
			from: { address: '+14155552345', number: '+14155552345', channel: 'sms', city: null },
			status: 'queued',
			isFinal: false,
			isFailed: false,
			numSegments: 1,
			numMedia: 0,
			price: -0.0075,
			priceUnit: 'USD',
			errorCode: null,
			dateCreated: '2023-08-24T05:01:45.000Z',
		});
		expect(output.raw).toBe(resource);
	});

	it('reads error codes and leaves unknown prices null', () => {
		const output = messageOutput({
			...resource,
			price: null,
			error_code: 30003,
			error_message: 'Unreachable destination handset',
		});
		expect(output.price).toBeNull();
		expect(output.errorCode).toBe(30003);
		expect(output.errorMeaning).toMatch(/Unreachable/);
		expect(isoDate('not a date')).toBeNull();
	});
});

describe('mapWithConcurrency', () => {
	it('keeps index order and never runs more than the limit at once', async () => {
		let running = 0;
		let peak = 0;
		const results = await mapWithConcurrency(20, 4, async (index) => {
			running++;
			peak = Math.max(peak, running);
			// Later indices finish first, so order can only come from the pool.
			await new Promise((resolve) => setImmediate(resolve));
			for (let i = 0; i < 20 - index; i++) await Promise.resolve();
			running--;
			return index * 10;
		});
		expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
		expect(peak).toBe(4);
	});

	it('starts nothing after a failure and throws it', async () => {
		const started: number[] = [];
		await expect(
			mapWithConcurrency(10, 2, async (index) => {
				started.push(index);
				if (index === 1) throw new Error('item 1 failed');
				await new Promise((resolve) => setImmediate(resolve));
				return index;
			}),
		).rejects.toThrow('item 1 failed');
		// Item 0 was already running and finishes; items 2–9 never start.
		expect(started).toEqual([0, 1]);
	});
});

describe('pacing', () => {
	function fakeClock() {
		let now = 1_000;
		const sleeps: number[] = [];
		return {
			sleeps,
			clock: {
				now: () => now,
				sleep: async (ms: number) => {
					sleeps.push(ms);
					now += ms;
				},
			},
		};
	}

	it('spaces starts by a fixed delay, the first one immediately', async () => {
		const { clock, sleeps } = fakeClock();
		const pace = createPacer({ mode: 'fixed', delayMs: 2000 }, clock)!;
		await pace();
		await pace();
		await pace();
		expect(sleeps).toEqual([2000, 2000]);
	});

	it('reserves successive slots for callers that arrive together (concurrency above 1)', async () => {
		const { clock, sleeps } = fakeClock();
		const pace = createPacer(
			{ mode: 'fixed', delayMs: 500 },
			{ now: clock.now, sleep: async (ms) => void sleeps.push(ms) },
		)!;
		await Promise.all([pace(), pace(), pace()]);
		expect(sleeps).toEqual([500, 1000]);
	});

	it('draws random delays between min and max', async () => {
		const { clock, sleeps } = fakeClock();
		const draws = [0, 1, 0.5];
		const pace = createPacer(
			{ mode: 'random', minMs: 1500, maxMs: 2500 },
			clock,
			() => draws.shift()!,
		)!;
		for (let i = 0; i < 4; i++) await pace();
		expect(sleeps).toEqual([1500, 2500, 2000]);
	});

	it('has no pacer for none and rejects bad ranges', () => {
		expect(createPacer({ mode: 'none' })).toBeUndefined();
		expect(pacingProblem({ mode: 'random', minMs: 3000, maxMs: 1000 })).toMatch(
			'larger than the maximum',
		);
		expect(pacingProblem({ mode: 'fixed', delayMs: -1 })).toMatch('from 0');
		expect(pacingProblem({ mode: 'fixed', delayMs: 2000 })).toBeUndefined();
	});
});

describe('send-and-wait rules', () => {
	it('resumes on the target status or anything later, and always on failure', () => {
		expect(resumesOn('sent', 'delivered')).toBe(false);
		expect(resumesOn('delivered', 'delivered')).toBe(true);
		expect(resumesOn('read', 'delivered')).toBe(true);
		expect(resumesOn('delivered', 'read')).toBe(false);
		expect(resumesOn('sent', 'sent')).toBe(true);
		for (const status of ['undelivered', 'failed', 'canceled'])
			expect(resumesOn(status, 'read')).toBe(true);
		for (const status of ['accepted', 'queued', 'sending', 'scheduled'])
			expect(resumesOn(status, 'sent')).toBe(false);
	});

	it('derives a stable, URL-safe round key', () => {
		expect(waitKey('Loop|0|3')).toBe(waitKey('Loop|0|3'));
		expect(waitKey('Loop|0|3')).not.toBe(waitKey('Loop|0|4'));
		expect(waitKey('x')).toMatch(/^[A-Za-z0-9_-]{16}$/);
	});

	it('computes the deadline', () => {
		expect(waitDeadline(2, 'hours', 0)?.getTime()).toBe(7_200_000);
		expect(waitDeadline(0, 'hours', 0)).toBeUndefined();
	});

	it('turns the final callback into the output item', () => {
		// Status callback parameters as Twilio documents them (seed 000: MessageStatus, SmsStatus, ErrorCode).
		const params = {
			MessageSid: 'SM' + '1'.repeat(32),
			SmsSid: 'SM' + '1'.repeat(32),
			MessageStatus: 'undelivered',
			SmsStatus: 'undelivered',
			ErrorCode: '63016',
			To: 'whatsapp:+14155550123',
			From: 'whatsapp:+14155238886',
			AccountSid: 'AC' + '2'.repeat(32),
			ApiVersion: '2010-04-01',
		};
		expect(callbackStatus({ SmsStatus: 'sent' })).toBe('sent');
		const output = deliveryOutput(params, new Date('2030-01-01T00:00:00Z'));
		expect(output).toMatchObject({
			messageSid: params.MessageSid,
			status: 'undelivered',
			isFinal: true,
			isFailed: true,
			errorCode: 63016,
			to: { address: 'whatsapp:+14155550123', number: '+14155550123', channel: 'whatsapp' },
			statusReported: true,
			statusCallbackReceived: true,
			receivedAt: '2030-01-01T00:00:00.000Z',
			raw: params,
		});
		expect(output.errorHint).toMatch(/template/i);
	});
});

describe('description helpers', () => {
	// Both replace n8n-workflow functions that cost milliseconds while n8n loads the node (bench/coldLoad.ts);
	// the description they build must stay exactly what n8n's own functions build.
	it("showOnlyFor builds what updateDisplayOptions builds, keeping each property's own conditions", () => {
		const properties: INodeProperties[] = [
			...messageProperties,
			...twilioMessageOptions,
			retryOption,
		];
		for (const operation of ['send', 'sendAndWait', 'getMany']) {
			const ours = showOnlyFor('message', operation, properties);
			expect(ours).toEqual(
				updateDisplayOptions(
					{ show: { resource: ['message'], operation: [operation] } },
					properties,
				),
			);
			expect(ours.find((p) => p.name === 'mediaUrls')?.displayOptions?.show).toEqual({
				content: ['text'],
				channel: ['whatsapp', 'mms'],
				resource: ['message'],
				operation: [operation],
			});
		}
	});

	it('alphabetical orders options as localeCompare does, without changing the input', () => {
		const options = [retryOption, ...twilioMessageOptions];
		const before = options.map((o) => o.name);
		const expected = [...options]
			.sort((a, b) => a.displayName.localeCompare(b.displayName))
			.map((o) => o.name);
		expect(alphabetical(options).map((o) => o.name)).toEqual(expected);
		expect(options.map((o) => o.name)).toEqual(before);
	});
});
