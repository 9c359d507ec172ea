/** TwilioWhatsAppTrigger/idempotency.ts: the duplicate-delivery log. */
import { recordDelivery } from '../../nodes/TwilioWhatsAppTrigger/idempotency';

describe('duplicate-delivery log', () => {
	const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
	const limits = { windowMs: 5 * 60_000, maxEntries: 3 };

	it('recognises a token seen within the window, not a new one', () => {
		const first = recordDelivery(undefined, 'token-a', T0, limits);
		expect(first.duplicate).toBe(false);
		expect(recordDelivery(first.log, 'token-a', T0 + 14_000, limits).duplicate).toBe(true);
		expect(recordDelivery(first.log, 'token-b', T0 + 14_000, limits).duplicate).toBe(false);
	});

	it('forgets tokens after the window', () => {
		const { log } = recordDelivery({}, 'token-a', T0, limits);
		expect(recordDelivery(log, 'token-a', T0 + 5 * 60_000 + 1000, limits).duplicate).toBe(false);
	});

	it('keeps at most the newest entries', () => {
		let log: unknown = undefined;
		for (const token of ['a', 'b', 'c', 'd']) log = recordDelivery(log, token, T0, limits).log;
		expect(String(log).split(',')).toHaveLength(3);
		expect(recordDelivery(log, 'a', T0, limits).duplicate).toBe(false);
		expect(recordDelivery(log, 'd', T0, limits).duplicate).toBe(true);
	});

	it('stores digests, not the tokens, and survives a JSON round trip as static data does', () => {
		const { log } = recordDelivery({}, 'I-Twilio-token-1234567890', T0);
		expect(JSON.stringify(log)).not.toContain('1234567890');
		expect(
			recordDelivery(JSON.parse(JSON.stringify(log)), 'I-Twilio-token-1234567890', T0 + 1000)
				.duplicate,
		).toBe(true);
	});

	it('reads whatever else static data holds under its key as an empty log, and does not modify its input', () => {
		const stored = { junk: 'x', tOld: 1, also: null } as Record<string, unknown>;
		const before = JSON.stringify(stored);
		expect(recordDelivery(stored, 'a', T0).duplicate).toBe(false);
		expect(recordDelivery('not a log, at all', 'a', T0).duplicate).toBe(false);
		expect(recordDelivery(12, 'a', T0).duplicate).toBe(false);
		expect(JSON.stringify(stored)).toBe(before);
	});

	it("by default recognises a retry within Twilio's 15 s limit, and later ones, and forgets the token after five minutes", () => {
		const { log } = recordDelivery(undefined, 'token-a', T0);
		expect(recordDelivery(log, 'token-a', T0 + 15_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'token-a', T0 + 299_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'token-a', T0 + 301_000).duplicate).toBe(false);
	});

	it("keeps each token's time when older entries expire and the stored base moves", () => {
		let log: unknown = recordDelivery(undefined, 'early', T0).log;
		log = recordDelivery(log, 'later', T0 + 200_000).log;
		// 'early' expires here, so the log is re-based on 'later'.
		log = recordDelivery(log, 'latest', T0 + 330_000).log;
		expect(recordDelivery(log, 'early', T0 + 330_000).duplicate).toBe(false);
		expect(recordDelivery(log, 'later', T0 + 499_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'later', T0 + 501_000).duplicate).toBe(false);
	});

	it('stores about 13 bytes a token at the default cap of 1,000', () => {
		let log: unknown = undefined;
		for (let i = 0; i < 1200; i++) log = recordDelivery(log, `SM${i}-token`, T0 + i * 40).log;
		expect(String(log).split(',')).toHaveLength(1000);
		expect(String(log).length).toBeLessThanOrEqual(13 * 1000 + 10);
		expect(recordDelivery(log, 'SM1199-token', T0 + 48_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'SM200-token', T0 + 48_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'SM199-token', T0 + 48_000).duplicate).toBe(false);
	});

	it('stores one string value, whatever the number of tokens', () => {
		let log: unknown = undefined;
		for (let i = 0; i < 50; i++) log = recordDelivery(log, `token-${i}`, T0 + i * 1000).log;
		expect(typeof log).toBe('string');
		expect(recordDelivery(log, 'token-7', T0 + 60_000).duplicate).toBe(true);
	});
});
