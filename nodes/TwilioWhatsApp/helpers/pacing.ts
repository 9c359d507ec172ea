import { sleep } from 'n8n-workflow';

/**
 * Pacing spaces the START times of consecutive messages: the first starts at once, each next one at
 * least the delay after the previous start. With concurrency above 1 several messages can still be
 * in flight, but they never start closer together than the delay (this is how TimelinesAI spaces
 * its sends, about 2 s).
 */
export type PacingSettings =
	| { mode: 'none' }
	| { mode: 'fixed'; delayMs: number }
	| { mode: 'random'; minMs: number; maxMs: number };

export const MAX_PACING_MS = 600_000;

export interface Clock {
	now: () => number;
	sleep: (ms: number) => Promise<void>;
}

const realClock: Clock = { now: () => Date.now(), sleep };

/** A problem with the settings, or undefined when they are usable. */
export function pacingProblem(settings: PacingSettings): string | undefined {
	const inRange = (ms: number) => Number.isFinite(ms) && ms >= 0 && ms <= MAX_PACING_MS;
	if (settings.mode === 'fixed' && !inRange(settings.delayMs))
		return `The pacing delay must be from 0 to ${MAX_PACING_MS} ms; got ${settings.delayMs}`;
	if (settings.mode === 'random') {
		if (!inRange(settings.minMs) || !inRange(settings.maxMs))
			return `The pacing delays must be from 0 to ${MAX_PACING_MS} ms; got ${settings.minMs}–${settings.maxMs}`;
		if (settings.minMs > settings.maxMs)
			return `The minimum pacing delay (${settings.minMs} ms) is larger than the maximum (${settings.maxMs} ms)`;
	}
	return undefined;
}

function delayOf(settings: PacingSettings, random: () => number): number {
	if (settings.mode === 'fixed') return settings.delayMs;
	if (settings.mode === 'random')
		return Math.round(settings.minMs + random() * (settings.maxMs - settings.minMs));
	return 0;
}

/** Returns a function to await before each message starts, or undefined when there is no pacing. */
export function createPacer(
	settings: PacingSettings,
	clock: Clock = realClock,
	random: () => number = Math.random,
): (() => Promise<void>) | undefined {
	if (settings.mode === 'none') return undefined;
	let nextStart = Number.NEGATIVE_INFINITY;
	return async () => {
		const now = clock.now();
		// The slot is reserved before sleeping, so callers that arrive together get successive slots.
		const start = Math.max(now, nextStart);
		nextStart = start + delayOf(settings, random);
		if (start > now) await clock.sleep(start - now);
	};
}
