import { createHash } from 'crypto';

import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { RecentPerTrigger, triggerKey } from '../shared/recentPerTrigger';

/**
 * Recognises Twilio's repeat of a delivery (same `I-Twilio-Idempotency-Token`), so that it does not
 * run the workflow a second time. Checked in execute(), never in webhook(): only a token recorded
 * by an execution n8n has stored may stop another. Tokens live in this process's memory (5 minutes)
 * and, for executions that run in another process than the one that received their request (queue
 * mode), in n8n's deduplication table (the last 1,000), as docs/n8n-behaviour.md, "Duplicate
 * deliveries", explains; Twilio sends every retry within 15 s of the first attempt.
 */

export interface DeliveryLogLimits {
	/** How long a token is remembered. */
	windowMs: number;
	/** At most this many tokens are kept; the oldest go first. */
	maxEntries: number;
}

export const DEFAULT_DELIVERY_LOG_LIMITS: DeliveryLogLimits = {
	windowMs: 5 * 60_000,
	maxEntries: 1000,
};

/**
 * The log this process keeps in memory per trigger: one string, `<base>:<entry>,<entry>,…`, oldest
 * first, where `<base>` is epoch seconds in base 36 and each entry a token digest followed by when
 * it was first seen, in seconds after `<base>`, base 36 (about 13 bytes an entry; 1,000 tokens take
 * 13 KB).
 */
export type DeliveryLog = string;

/** Token digest and epoch seconds when first seen. */
type Entry = [digest: string, seenAt: number];

const DIGEST_LENGTH = 10;

// 60 bits of SHA-256: among 1,000 stored tokens a new one matches by chance once in 10^15 requests.
function digestOf(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('base64url').slice(0, DIGEST_LENGTH);
}

/** Reads a stored log; anything else (an older format, junk) reads as empty. */
function parseLog(value: unknown): Entry[] {
	if (typeof value !== 'string') return [];
	const colon = value.indexOf(':');
	const base = Number.parseInt(value.slice(0, colon), 36);
	if (colon < 1 || !Number.isFinite(base)) return [];
	const entries: Entry[] = [];
	for (const part of value.slice(colon + 1).split(',')) {
		const offset = Number.parseInt(part.slice(DIGEST_LENGTH), 36);
		if (part.length > DIGEST_LENGTH && Number.isFinite(offset))
			entries.push([part.slice(0, DIGEST_LENGTH), base + offset]);
	}
	return entries;
}

function formatLog(entries: Entry[]): DeliveryLog {
	if (entries.length === 0) return '';
	let base = entries[0][1];
	for (const [, seenAt] of entries) if (seenAt < base) base = seenAt;
	return `${base.toString(36)}:${entries.map(([digest, seenAt]) => digest + (seenAt - base).toString(36)).join(',')}`;
}

function record(
	entries: Entry[],
	token: string,
	nowMs: number,
	limits: DeliveryLogLimits,
): { duplicate: boolean; entries: Entry[] } {
	const now = Math.floor(nowMs / 1000);
	const oldest = now - Math.ceil(limits.windowMs / 1000);
	const digest = digestOf(token);
	const kept = entries.filter(([, seenAt]) => seenAt > oldest && seenAt <= now + 60);
	const duplicate = kept.some(([key]) => key === digest);
	if (!duplicate) kept.push([digest, now]);
	return { duplicate, entries: kept.slice(-limits.maxEntries) };
}

/**
 * Whether this token was seen within the window, and the log to store afterwards (expired entries
 * dropped, the token recorded, trimmed to the cap). Pure.
 */
export function recordDelivery(
	stored: unknown,
	token: string,
	nowMs: number,
	limits: DeliveryLogLimits = DEFAULT_DELIVERY_LOG_LIMITS,
): { duplicate: boolean; log: DeliveryLog } {
	const { duplicate, entries } = record(parseLog(stored), token, nowMs, limits);
	return { duplicate, log: formatLog(entries) };
}

const recentLogs = new RecentPerTrigger<DeliveryLog>();

/** Digests of the tokens this process's webhook() accepted, per trigger, with when (ms). */
const receivedHere = new RecentPerTrigger<Map<string, number>>();

/**
 * Notes that this process received the delivery. Its execution then runs here too only outside
 * queue mode, where this one process receives and runs every delivery of the trigger, so that its
 * memory knows every earlier one and n8n's table need not be read and written.
 */
export function noteReceivedHere(
	context: IWebhookFunctions,
	token: string,
	nowMs: number = Date.now(),
	limits: DeliveryLogLimits = DEFAULT_DELIVERY_LOG_LIMITS,
): void {
	const trigger = triggerKey(context);
	const tokens = receivedHere.get(trigger) ?? new Map<string, number>();
	receivedHere.set(trigger, tokens);
	const digest = digestOf(token);
	tokens.delete(digest);
	tokens.set(digest, nowMs);
	for (const [oldest, seenAt] of tokens) {
		if (tokens.size <= limits.maxEntries && nowMs - seenAt < limits.windowMs) break;
		tokens.delete(oldest);
	}
}

function wasReceivedHere(trigger: string, token: string, nowMs: number): boolean {
	const seenAt = receivedHere.get(trigger)?.get(digestOf(token));
	return seenAt !== undefined && nowMs - seenAt < DEFAULT_DELIVERY_LOG_LIMITS.windowMs;
}

/** Reads and records `token` in n8n's deduplication table; true when it was there already. */
async function recordedBefore(context: IExecuteFunctions, token: string): Promise<boolean> {
	const options = { mode: 'entries' as const, maxEntries: DEFAULT_DELIVERY_LOG_LIMITS.maxEntries };
	try {
		const { processed } = await context.helpers.checkProcessedAndRecord([token], 'node', options);
		return processed.length > 0;
	} catch {
		// The node's first row, inserted by two executions at once, fails for one of them: read it
		// again.
		try {
			const { processed } = await context.helpers.checkProcessedAndRecord([token], 'node', options);
			return processed.length > 0;
		} catch (error) {
			// Running the workflow twice is better than losing the message.
			context.logger.warn(
				`Twilio trigger: could not check the delivery against earlier ones, so it runs: ${(error as Error).message}`,
			);
			return false;
		}
	}
}

/**
 * Whether an execution took this delivery before (in this process, or as n8n's deduplication table
 * says when another process received the request); records it otherwise. Call from the execution
 * the request started.
 */
export async function isRepeatedDelivery(
	context: IExecuteFunctions,
	token: string,
	nowMs: number = Date.now(),
): Promise<boolean> {
	const trigger = triggerKey(context);
	// Recorded before the first await, so two executions of one delivery in this process cannot both
	// pass.
	const { duplicate, log } = recordDelivery(recentLogs.get(trigger), token, nowMs);
	recentLogs.set(trigger, log);
	if (duplicate) return true;
	if (wasReceivedHere(trigger, token, nowMs)) return false;
	return await recordedBefore(context, token);
}
