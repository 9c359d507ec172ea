/** TwilioWhatsAppTrigger/idempotency.ts: the tokens a process remembers. */
import { RecentTokens } from '../../nodes/TwilioWhatsAppTrigger/idempotency';

describe('recent delivery tokens', () => {
	const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
	const limits = { windowMs: 5 * 60_000, maxEntries: 3 };

	it('recognises a token seen within the window, not a new one', () => {
		const tokens = new RecentTokens(limits);
		expect(tokens.add('token-a', T0)).toBe(false);
		expect(tokens.has('token-a', T0 + 14_000)).toBe(true);
		expect(tokens.add('token-a', T0 + 14_000)).toBe(true);
		expect(tokens.has('token-b', T0 + 14_000)).toBe(false);
		expect(tokens.add('token-b', T0 + 14_000)).toBe(false);
	});

	it('forgets tokens after the window', () => {
		const tokens = new RecentTokens(limits);
		tokens.add('token-a', T0);
		expect(tokens.has('token-a', T0 + 5 * 60_000 + 1000)).toBe(false);
		expect(tokens.add('token-a', T0 + 5 * 60_000 + 1000)).toBe(false);
		// Seen anew: the window starts again.
		expect(tokens.has('token-a', T0 + 9 * 60_000)).toBe(true);
	});

	it('keeps at most the newest entries', () => {
		const tokens = new RecentTokens(limits);
		for (const token of ['a', 'b', 'c', 'd']) tokens.add(token, T0);
		expect(tokens.size).toBe(3);
		expect(tokens.has('a', T0)).toBe(false);
		expect(tokens.has('b', T0)).toBe(true);
		expect(tokens.has('d', T0)).toBe(true);
	});

	it("by default recognises a retry within Twilio's 15 s limit, and later ones, and forgets the token after five minutes", () => {
		const tokens = new RecentTokens();
		tokens.add('token-a', T0);
		expect(tokens.add('token-a', T0 + 15_000)).toBe(true);
		expect(tokens.add('token-a', T0 + 299_000)).toBe(true);
		expect(tokens.add('token-a', T0 + 301_000)).toBe(false);
	});

	it('measures the window from the first sighting, which a repeat does not move', () => {
		const tokens = new RecentTokens(limits);
		tokens.add('later', T0 + 200_000);
		expect(tokens.add('later', T0 + 260_000)).toBe(true);
		expect(tokens.has('later', T0 + 499_000)).toBe(true);
		expect(tokens.has('later', T0 + 501_000)).toBe(false);
	});

	it('drops expired tokens as new ones arrive, so memory follows the traffic of the last window', () => {
		const tokens = new RecentTokens({ windowMs: 5 * 60_000, maxEntries: 1000 });
		for (let i = 0; i < 100; i++) tokens.add(`early-${i}`, T0 + i * 100);
		expect(tokens.size).toBe(100);
		tokens.add('latest', T0 + 330_000);
		expect(tokens.size).toBe(1);
	});

	it('holds 1,000 tokens at the default cap, the newest ones', () => {
		const tokens = new RecentTokens();
		for (let i = 0; i < 1200; i++) tokens.add(`SM${i}-token`, T0 + i * 40);
		expect(tokens.size).toBe(1000);
		expect(tokens.has('SM1199-token', T0 + 48_000)).toBe(true);
		expect(tokens.has('SM200-token', T0 + 48_000)).toBe(true);
		expect(tokens.has('SM199-token', T0 + 48_000)).toBe(false);
	});
});
