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

export interface RecentTokenLimits {
	/** How long a token is remembered after it was first seen. */
	windowMs: number;
	/** At most this many tokens are kept; the oldest go first. */
	maxEntries: number;
}

export const DEFAULT_RECENT_TOKEN_LIMITS: RecentTokenLimits = {
	windowMs: 5 * 60_000,
	maxEntries: 1000,
};

// 60 bits of SHA-256: among 1,000 kept tokens a new one matches by chance once in 10^15 requests,
// and a digest takes a fraction of a token's memory.
function digestOf(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('base64url').slice(0, 10);
}

/** Delivery tokens seen within a window, oldest first, capped; a lookup costs one hash. */
export class RecentTokens {
	/** Token digest → when it was first seen (ms), in the order first seen. */
	private readonly firstSeen = new Map<string, number>();

	constructor(private readonly limits: RecentTokenLimits = DEFAULT_RECENT_TOKEN_LIMITS) {}

	get size(): number {
		return this.firstSeen.size;
	}

	/** Whether `token` was first seen less than the window before `nowMs`. */
	has(token: string, nowMs: number): boolean {
		const seenAt = this.firstSeen.get(digestOf(token));
		return seenAt !== undefined && nowMs - seenAt < this.limits.windowMs;
	}

	/** Records `token` as seen at `nowMs`; true when it was seen within the window already. */
	add(token: string, nowMs: number): boolean {
		const digest = digestOf(token);
		const seenAt = this.firstSeen.get(digest);
		if (seenAt !== undefined && nowMs - seenAt < this.limits.windowMs) return true;
		this.firstSeen.delete(digest);
		this.firstSeen.set(digest, nowMs);
		for (const [oldest, oldestSeenAt] of this.firstSeen) {
			const full = this.firstSeen.size > this.limits.maxEntries;
			if (!full && nowMs - oldestSeenAt < this.limits.windowMs) break;
			this.firstSeen.delete(oldest);
		}
		return false;
	}
}

/** Tokens whose execution ran in this process, per trigger. */
const executedHere = new RecentPerTrigger<RecentTokens>();

/** Tokens this process's webhook() accepted, per trigger. */
const receivedHere = new RecentPerTrigger<RecentTokens>();

function tokensOf(perTrigger: RecentPerTrigger<RecentTokens>, trigger: string): RecentTokens {
	let tokens = perTrigger.get(trigger);
	if (!tokens) {
		tokens = new RecentTokens();
		perTrigger.set(trigger, tokens);
	}
	return tokens;
}

/**
 * Notes that this process received the delivery. Its execution then runs here too only outside
 * queue mode, where this one process receives and runs every delivery of the trigger, so that its
 * memory knows every earlier one and n8n's table need not be read and written.
 */
export function noteReceivedHere(
	context: IWebhookFunctions,
	token: string,
	nowMs: number = Date.now(),
): void {
	tokensOf(receivedHere, triggerKey(context)).add(token, nowMs);
}

/** Reads and records `token` in n8n's deduplication table; true when it was there already. */
async function recordedBefore(context: IExecuteFunctions, token: string): Promise<boolean> {
	const options = { mode: 'entries' as const, maxEntries: DEFAULT_RECENT_TOKEN_LIMITS.maxEntries };
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
	if (tokensOf(executedHere, trigger).add(token, nowMs)) return true;
	if (receivedHere.get(trigger)?.has(token, nowMs)) return false;
	return await recordedBefore(context, token);
}
