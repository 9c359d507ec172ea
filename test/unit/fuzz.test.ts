/**
 * Property-based tests of the entry points that take input from outside: at least 10,000 generated
 * cases each. They may only ever answer with their own clear errors, never throw anything
 * else, and where a value is serialised and read back, the round trip must hold.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';

import { encodeForm } from '../../nodes/shared/transport';
import { isAuthorized, parseBasicAuthorization } from '../../nodes/shared/basicAuth';
import { toE164 } from '../../nodes/shared/e164';
import { validateSendRequest } from '../../nodes/TimelinesAiTrigger/contract';
import type { MessageParameters } from '../../nodes/TwilioWhatsApp/helpers/formFields';
import { buildMessageForm } from '../../nodes/TwilioWhatsApp/helpers/formFields';

const RUNS = 10_000;
const TIMEOUT_MS = 120_000;

/** Any JSON value, with the keys TimelinesAI's contract cares about appearing often. */
const contractKey = fc.constantFrom(
	'action',
	'text',
	'file_url',
	'file_name',
	'chat_id',
	'jid',
	'phone',
	'chat_name',
	'whatsapp account phone',
	'whatsapp_account_phone',
);
const contractValue = fc.oneof(
	fc.constantFrom(
		'send',
		'',
		' ',
		'+14151231234',
		'0044 20 7946 0958',
		'77234',
		'14151231234@s.whatsapp.net',
		'https://example.com/a.png',
		'a.png',
		null,
		true,
		0,
		77234,
	),
	fc.string(),
	fc.string({ unit: 'binary' }),
	fc.double(),
	fc.jsonValue({ maxDepth: 2 }),
);
const contractBody = fc.oneof(
	fc.dictionary(contractKey, contractValue, { maxKeys: 8 }),
	fc.jsonValue({ maxDepth: 3 }),
	fc.constant(undefined),
);

describe('TimelinesAI request validation', () => {
	it(
		'answers every body with either an accepted request or a 4xx rejection with a message',
		() => {
			fc.assert(
				fc.property(
					contractBody,
					fc.constantFrom(
						'application/json',
						'application/json; charset=utf-8',
						'text/plain',
						undefined,
					),
					fc.nat(200_000),
					(body, contentType, bytes) => {
						const result = validateSendRequest(body, contentType, {
							bodyBytes: bytes,
							maxBodyBytes: 65_536,
						});
						if (result.ok) {
							// An accepted request names exactly one recipient and says how many quota units it
							// costs.
							expect(['chat_id', 'jid', 'phone', 'chat_name']).toContain(
								result.request.recipient.type,
							);
							expect(result.request.text.includes('\r\n')).toBe(false);
							return;
						}
						expect(result.status).toBeGreaterThanOrEqual(400);
						expect(result.status).toBeLessThan(500);
						expect(result.message.length).toBeGreaterThan(10);
					},
				),
				{ numRuns: RUNS },
			);
		},
		TIMEOUT_MS,
	);
});

const sendParameters = fc.record<MessageParameters>({
	channel: fc.constantFrom('whatsapp', 'sms', 'mms'),
	sender: fc.constantFrom('phoneNumber', 'messagingService'),
	from: fc.oneof(fc.constantFrom('+14155238886', 'whatsapp:+14155238886', 'ACME', ''), fc.string()),
	messagingServiceSid: fc.oneof(fc.constant('MG' + 'a'.repeat(32)), fc.string()),
	to: fc.oneof(
		fc.constantFrom('+14155550123', 'whatsapp:+14155550123', '0151 1234567', ''),
		fc.string(),
	),
	content: fc.constantFrom('text', 'template'),
	body: fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 2000 })),
	mediaUrls: fc.array(fc.oneof(fc.webUrl(), fc.string()), { maxLength: 12 }),
	contentSid: fc.oneof(fc.constant('HX' + 'b'.repeat(32)), fc.string()),
	contentVariables: fc.oneof(
		fc.jsonValue({ maxDepth: 2 }),
		fc.string(),
		fc.constant('{"1":"Ana"}'),
	),
	statusCallback: fc.oneof(fc.constant(''), fc.webUrl()),
	options: fc.record(
		{
			validityPeriod: fc.integer({ min: -10, max: 40_000 }),
			sendAt: fc.oneof(
				fc.string(),
				fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
			),
			shortenUrls: fc.boolean(),
			attempt: fc.integer({ min: -1, max: 100 }),
		},
		{ requiredKeys: [] },
	),
});

describe('Send node form building', () => {
	it(
		'builds a form or fails through `fail` with a message, and never lets an invalid To through',
		() => {
			class Rejected extends Error {}
			const fail = (message: string): never => {
				throw new Rejected(message);
			};
			const context = { now: DateTime.fromISO('2026-11-23T10:00:00Z'), zone: 'UTC' };
			fc.assert(
				fc.property(sendParameters, (parameters) => {
					try {
						const form = buildMessageForm(parameters, context, fail);
						const to = String(form.To);
						expect(toE164(to.replace(/^whatsapp:/, ''))).toBe(to.replace(/^whatsapp:/, ''));
						if (typeof form.Body === 'string') expect(form.Body.length).toBeLessThanOrEqual(1600);
					} catch (error) {
						if (!(error instanceof Rejected)) throw error;
						expect(error.message.length).toBeGreaterThan(5);
					}
				}),
				{ numRuns: RUNS },
			);
		},
		TIMEOUT_MS,
	);
});

describe('form encoding', () => {
	it(
		'round-trips through URLSearchParams, repeated keys in order',
		() => {
			const fields = fc.dictionary(
				fc.string({ minLength: 1 }).filter((k) => k !== '__proto__'),
				fc.oneof(
					fc.string({ unit: 'binary', minLength: 1 }),
					fc.array(fc.string({ unit: 'binary', minLength: 1 }), { minLength: 1, maxLength: 4 }),
				),
			);
			fc.assert(
				fc.property(fields, (input) => {
					const decoded = new URLSearchParams(encodeForm(input));
					for (const [key, value] of Object.entries(input)) {
						// Lone surrogates cannot be UTF-8 encoded; URLSearchParams replaces them, as any form
						// encoder must.
						const wellFormed = (text: string) => Buffer.from(text, 'utf8').toString('utf8');
						const expected = (Array.isArray(value) ? value : [value]).map(wellFormed);
						expect(decoded.getAll(wellFormed(key))).toEqual(expected);
					}
				}),
				{ numRuns: RUNS },
			);
		},
		TIMEOUT_MS,
	);
});

describe('Basic auth', () => {
	it(
		'parses what it is sent and accepts only the exact user and password',
		() => {
			const user = fc.string().filter((u) => !u.includes(':'));
			fc.assert(
				fc.property(
					user,
					fc.string(),
					user,
					fc.string(),
					fc.string(),
					(u, p, otherUser, otherPassword, garbage) => {
						const header = `Basic ${Buffer.from(`${u}:${p}`, 'utf8').toString('base64')}`;
						expect(parseBasicAuthorization(header)).toEqual({ user: u, password: p });
						expect(isAuthorized(header, { user: u, password: p })).toBe(true);
						expect(isAuthorized(header, { user: otherUser, password: otherPassword })).toBe(
							u === otherUser && p === otherPassword,
						);
						// Arbitrary header text never throws and never authorizes a different password.
						expect(() => parseBasicAuthorization(garbage)).not.toThrow();
						expect(isAuthorized(garbage, { user: u, password: `${p}!` })).toBe(false);
					},
				),
				{ numRuns: RUNS },
			);
		},
		TIMEOUT_MS,
	);
});
