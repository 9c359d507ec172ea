import { createHash } from 'crypto';

import { RecentPerTrigger } from '../shared/recentPerTrigger';

/**
 * Remembers the `I-Twilio-Idempotency-Token` of recent deliveries so that Twilio's retry of a request
 * n8n already took does not start a second execution.
 *
 * Where it lives and how far that reaches: n8n 2.41 offers its database-backed deduplication
 * (`checkProcessedAndRecord`, the ProcessedData table) only to `execute()` contexts, not to webhooks,
 * so the log is kept in the workflow's static data. n8n reads static data from the database for every
 * webhook request and writes it back when the answer goes out, in whichever process (main or webhook
 * processor) took the request, so a retry handled by another process still finds the token. That write
 * happens only when the node answers by itself, before n8n sets up the execution (answers.ts), so the
 * log is kept only in the modes that answer at once. It is a read-modify-write of the whole static data
 * without a lock: two requests handled at the same moment can each save a log that lacks the other's
 * token, and a retry that arrives while the first attempt is still in the node is not recognised.
 *
 * How long a token is kept: Twilio retries a webhook only when its connection fails or times out, by
 * default once (connection override `rc`, at most 5), and all attempts together end within the total time
 * `tt`, 15 000 ms by default and at most (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides).
 * So every retry starts within 15 s of the first attempt; the 5-minute window leaves room for requests that
 * wait in a busy n8n or in a queue-mode setup's webhook processors, and for clocks that differ between
 * processes. A shorter window saves nothing under load, where the size cap is what bounds the log: it
 * bounds what n8n reads and writes with every request, and 1,000 tokens keep every retry recognisable up
 * to about 65 accepted requests a second (1,000 in 15 s).
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
 * The stored log: one string, `<base>:<entry>,<entry>,…`, oldest first, where `<base>` is epoch seconds in
 * base 36 and each entry a token digest followed by when it was first seen, in seconds after `<base>`,
 * base 36 (about 13 bytes an entry; 1,000 tokens take 13 KB). n8n loads the workflow's static data from
 * its database and parses it for every request, and this trigger writes it back after every accepted
 * one, so its size is paid per request. A single string is also one value for n8n's
 * change-tracking proxy over static data, where an object of up to 1,000 keys cost milliseconds.
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

/**
 * The logs this process stored lately, per trigger (workflow, node and mode), merged into every log it
 * stores next. n8n reads static data when a request arrives and writes it back when the node has
 * answered, without a lock, so each of several concurrent requests writes back a log that lacks the
 * tokens the others recorded meanwhile (seen in the queue-mode test: 34 of 1,010 tokens left after a
 * burst over 50 connections). Merging this process's own recent tokens back in keeps every token it
 * took, so a retry that reaches this process is recognised, and its next write repairs what another
 * process's write dropped. Bounded like the stored log, and to the most recently used triggers.
 */
const recentLogs = new RecentPerTrigger<{ entries: Entry[]; written: DeliveryLog }>();

/**
 * Both logs' tokens, each at its first sighting, oldest first. Under concurrent requests the stored log
 * is mostly an earlier write of this process, holding nothing this process does not know: then `ours`
 * is the result as it is, without a sort.
 */
function merge(ours: Entry[], stored: Entry[]): Entry[] {
	const firstSeen = new Map<string, number>(ours);
	let changed = false;
	for (const [digest, seenAt] of stored) {
		const known = firstSeen.get(digest);
		if (known === undefined || seenAt < known) {
			firstSeen.set(digest, seenAt);
			changed = true;
		}
	}
	return changed ? [...firstSeen].sort(([, x], [, y]) => x - y) : ours;
}

/** recordDelivery over the stored log together with what this process recorded for the same trigger. */
export function recordDeliveryInProcess(
	trigger: string,
	stored: unknown,
	token: string,
	nowMs: number,
	limits: DeliveryLogLimits = DEFAULT_DELIVERY_LOG_LIMITS,
): { duplicate: boolean; log: DeliveryLog } {
	const recent = recentLogs.get(trigger);
	// Usually the stored log is the one this process wrote last: nothing to read or merge then.
	const entries =
		recent && recent.written === stored
			? recent.entries
			: merge(recent?.entries ?? [], parseLog(stored));
	const result = record(entries, token, nowMs, limits);
	const log = formatLog(result.entries);
	recentLogs.set(trigger, { entries: result.entries, written: log });
	return { duplicate: result.duplicate, log };
}
