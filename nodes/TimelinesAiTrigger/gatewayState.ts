/**
 * What the gateway remembers between requests: quota use, the pacing queue and the attempt log.
 * Pure: every function returns a new state and never changes its input, so a state can be shared
 * between workflow static data and the in-process copy without aliasing surprises.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** Per-message quota entries kept restorable; older use is folded into hourly totals. */
export const LEDGER_MAX_ENTRIES = 1000;
/** Given-back message ids remembered, so that merging an older copy does not count them again. */
export const RESTORED_MAX_ENTRIES = 1000;
export const LOG_MAX_ENTRIES = 100;
const LOG_TEXT_MAX_CHARS = 500;

/** [accepted at (ms), units, message id] */
type LedgerEntry = [number, number, string];
/** [start of the hour (ms), units] */
type FoldedHour = [number, number];
/** [accepted at (ms), message id] of a message whose units were given back */
type RestoredEntry = [number, string];

export interface AttemptLogEntry {
	time: string;
	accepted: boolean;
	status: number;
	message: string;
	recipientType: string | null;
	messageId: string | null;
	quotaUnits: number | null;
	/** Only when the user opted in to logging message text. */
	text?: string;
}

export interface GatewayState {
	/** Quota use still restorable one by one, oldest first. */
	ledger: LedgerEntry[];
	folded: FoldedHour[];
	/** Accepted-at time of the newest message folded into `folded` (0: none). */
	foldedThrough: number;
	/** Given back, oldest first; kept until the message would have left the window anyway. */
	restored: RestoredEntry[];
	/** Earliest send time (ms) handed to the last accepted message. */
	lastSlot: number;
	log: AttemptLogEntry[];
}

export function emptyState(): GatewayState {
	return { ledger: [], folded: [], foldedThrough: 0, restored: [], lastSlot: 0, log: [] };
}

const finite = (value: unknown): number =>
	typeof value === 'number' && Number.isFinite(value) ? value : 0;
const tuples = <T>(value: unknown, length: number): T[] =>
	Array.isArray(value)
		? (value.filter((entry) => Array.isArray(entry) && entry.length === length) as T[])
		: [];

/** Reads a state from static data, tolerating anything malformed (it is user-editable JSON). */
export function toState(value: unknown): GatewayState {
	if (typeof value !== 'object' || value === null) return emptyState();
	const raw = value as Record<keyof GatewayState, unknown>;
	return {
		ledger: tuples<LedgerEntry>(raw.ledger, 3),
		folded: tuples<FoldedHour>(raw.folded, 2),
		foldedThrough: finite(raw.foldedThrough),
		restored: tuples<RestoredEntry>(raw.restored, 2),
		lastSlot: finite(raw.lastSlot),
		log: Array.isArray(raw.log) ? (raw.log.slice(-LOG_MAX_ENTRIES) as AttemptLogEntry[]) : [],
	};
}

// ---- quota -------------------------------------------------------------------------------------

function withoutExpired(state: GatewayState, now: number): GatewayState {
	const since = now - DAY_MS;
	return {
		...state,
		ledger: state.ledger.filter(([at]) => at > since),
		// An hour counts until all of it has left the window, so the budget is never overrun.
		folded: state.folded.filter(([hour]) => hour + HOUR_MS > since),
		restored: state.restored.filter(([at]) => at > since),
	};
}

export function unitsUsed(state: GatewayState, now: number): number {
	const live = withoutExpired(state, now);
	return (
		live.ledger.reduce((sum, [, units]) => sum + units, 0) +
		live.folded.reduce((sum, [, units]) => sum + units, 0)
	);
}

/** When the oldest use in the window expires, i.e. when units start to come back. */
function nextRelease(state: GatewayState, now: number): number | undefined {
	const live = withoutExpired(state, now);
	const times = [
		...live.ledger.map(([at]) => at + DAY_MS),
		...live.folded.map(([hour]) => hour + HOUR_MS + DAY_MS),
	];
	return times.length ? Math.min(...times) : undefined;
}

export type QuotaDecision =
	| { ok: true; state: GatewayState; left: number }
	| { ok: false; message: string };

/** Spends `units` of a rolling 24-hour `budget`, or says why it cannot. */
export function spendQuota(
	state: GatewayState,
	now: number,
	budget: number,
	units: number,
	messageId: string,
): QuotaDecision {
	const live = withoutExpired(state, now);
	const used = unitsUsed(live, now);
	const left = Math.max(0, budget - used);
	if (units > left) {
		const release = nextRelease(live, now);
		return {
			ok: false,
			message: `Quota exceeded: this message needs ${units} unit${units === 1 ? '' : 's'} and ${left} of the ${budget} units per 24 hours ${left === 1 ? 'is' : 'are'} left${release === undefined ? '' : `; units free up from ${new Date(release).toISOString()}`}`,
		};
	}
	return {
		ok: true,
		state: foldOverflow({ ...live, ledger: [...live.ledger, [now, units, messageId]] }),
		left: left - units,
	};
}

/** Moves the oldest ledger entries beyond LEDGER_MAX_ENTRIES into hourly totals. */
function foldOverflow(state: GatewayState): GatewayState {
	const excess = state.ledger.length - LEDGER_MAX_ENTRIES;
	if (excess <= 0) return state;
	const overflow = state.ledger.slice(0, excess);
	const byHour = new Map<number, number>(state.folded);
	for (const [at, units] of overflow) {
		const hour = at - (at % HOUR_MS);
		byHour.set(hour, (byHour.get(hour) ?? 0) + units);
	}
	return {
		...state,
		ledger: state.ledger.slice(excess),
		folded: [...byHour.entries()].sort(([a], [b]) => a - b),
		foldedThrough: Math.max(state.foldedThrough, ...overflow.map(([at]) => at)),
	};
}

export type RestoreDecision = { ok: true; state: GatewayState; units: number } | { ok: false };

/** Gives back the units an accepted message spent, once; for sends that failed downstream. */
export function restoreQuota(state: GatewayState, now: number, messageId: string): RestoreDecision {
	const live = withoutExpired(state, now);
	const index = live.ledger.findIndex(([, , id]) => id === messageId);
	if (index < 0) return { ok: false };
	const [at, units] = live.ledger[index];
	return {
		ok: true,
		units,
		state: {
			...live,
			ledger: [...live.ledger.slice(0, index), ...live.ledger.slice(index + 1)],
			restored: byTime([...live.restored, [at, messageId]]).slice(-RESTORED_MAX_ENTRIES),
		},
	};
}

const byTime = <T extends [number, ...unknown[]]>(entries: T[]): T[] =>
	[...entries].sort(([a], [b]) => a - b);

// ---- pacing ------------------------------------------------------------------------------------

export interface Pacing {
	minMs: number;
	maxMs: number;
}

/**
 * The earliest send time for the next accepted message: a random gap after the previous one's
 * slot (TimelinesAI waits "about 2 seconds" between two messages and queues faster requests), or
 * now when the queue is empty. `random` is in [0, 1).
 */
export function nextSlot(
	state: GatewayState,
	now: number,
	pacing: Pacing,
	random: number,
): { state: GatewayState; slot: number } {
	const low = Math.max(0, Math.min(pacing.minMs, pacing.maxMs));
	const high = Math.max(low, pacing.minMs, pacing.maxMs);
	const gap = Math.round(low + (high - low) * random);
	const slot = Math.max(now, state.lastSlot + gap);
	return { state: { ...state, lastSlot: slot }, slot };
}

// ---- attempt log -------------------------------------------------------------------------------

export function appendLog(state: GatewayState, entry: AttemptLogEntry): GatewayState {
	const logged =
		entry.text === undefined || entry.text.length <= LOG_TEXT_MAX_CHARS
			? entry
			: { ...entry, text: `${entry.text.slice(0, LOG_TEXT_MAX_CHARS)}...` };
	return { ...state, log: [...state.log, logged].slice(-LOG_MAX_ENTRIES) };
}

const CSV_COLUMNS: Array<[string, (entry: AttemptLogEntry) => unknown]> = [
	['time', (entry) => entry.time],
	['accepted', (entry) => entry.accepted],
	['status', (entry) => entry.status],
	['message', (entry) => entry.message],
	['recipient_type', (entry) => entry.recipientType],
	['message_id', (entry) => entry.messageId],
	['quota_units', (entry) => entry.quotaUnits],
	['text', (entry) => entry.text],
];

function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	let text = String(value);
	// Callers control messages and text; a leading = + - @ would run as a formula in a spreadsheet.
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function logToCsv(log: AttemptLogEntry[]): string {
	const header = CSV_COLUMNS.map(([name]) => name).join(',');
	const rows = log.map((entry) => CSV_COLUMNS.map(([, read]) => csvCell(read(entry))).join(','));
	return `${[header, ...rows].join('\r\n')}\r\n`;
}

// ---- merging two copies ------------------------------------------------------------------------

/**
 * One state holding what either copy holds, for a copy kept in memory and the one in static data.
 *
 * Exact when one copy grew out of the other (the in-process copy and what this process saved
 * earlier, or the other way round): the result is the newer copy. Copies changed apart (two
 * processes answering at the same time) are joined: quota use and given-back units by message id,
 * the pacing queue by its later end, log entries by content. What such a join cannot tell apart:
 * messages the other copy accepted at or before the last one this copy folded into hourly totals
 * are taken as already counted, and two log entries equal in every field are taken as one.
 */
export function mergeStates(mine: GatewayState, other: GatewayState, now: number): GatewayState {
	const foldedThrough = Math.max(mine.foldedThrough, other.foldedThrough);
	const restored = byTime(unionBy([...mine.restored, ...other.restored], ([, id]) => id)).slice(
		-RESTORED_MAX_ENTRIES,
	);
	const given = new Set(restored.map(([, id]) => id));
	// A copy that folded less keeps as single entries what the other already counts in `folded`.
	const counted = (copy: GatewayState) =>
		copy.ledger.filter(
			([at, , id]) =>
				!given.has(id) && (copy.foldedThrough === foldedThrough || at > foldedThrough),
		);
	const ledger = byTime(unionBy([...counted(mine), ...counted(other)], ([, , id]) => id));
	const hours = new Map<number, number>(mine.folded);
	for (const [hour, units] of other.folded) hours.set(hour, Math.max(units, hours.get(hour) ?? 0));
	const merged: GatewayState = {
		ledger,
		folded: byTime([...hours.entries()]),
		foldedThrough,
		restored,
		lastSlot: Math.max(mine.lastSlot, other.lastSlot),
		log: mergeLogs(mine.log, other.log),
	};
	return withoutExpired(foldOverflow(merged), now);
}

function unionBy<T>(entries: T[], key: (entry: T) => string): T[] {
	const seen = new Map<string, T>();
	for (const entry of entries) if (!seen.has(key(entry))) seen.set(key(entry), entry);
	return [...seen.values()];
}

/**
 * `mine`, with the entries only `other` has. When `other` grew out of `mine` (it starts with
 * `mine`'s last entries), they are its new ones, in the order they were logged; otherwise they
 * are put in place by time. Cut to the last LOG_MAX_ENTRIES.
 */
function mergeLogs(mine: AttemptLogEntry[], other: AttemptLogEntry[]): AttemptLogEntry[] {
	const mineKeys = mine.map((entry) => JSON.stringify(entry));
	const otherKeys = other.map((entry) => JSON.stringify(entry));
	const unmatched = new Map<string, number>();
	for (const key of mineKeys) unmatched.set(key, (unmatched.get(key) ?? 0) + 1);
	const extra: AttemptLogEntry[] = [];
	// Newest first: what both copies have is matched before the older entries only one has kept.
	for (let index = other.length - 1; index >= 0; index--) {
		const count = unmatched.get(otherKeys[index]) ?? 0;
		if (count > 0) unmatched.set(otherKeys[index], count - 1);
		else extra.unshift(other[index]);
	}
	if (extra.length === 0) return mine;
	const grown = grownPart(mineKeys, otherKeys);
	if (grown !== undefined) return [...mine, ...other.slice(-grown)].slice(-LOG_MAX_ENTRIES);
	// Stable: entries of the same millisecond keep the order they were logged in.
	return [...extra, ...mine]
		.sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
		.slice(-LOG_MAX_ENTRIES);
}

/**
 * How many entries `other` has after the longest run of `mine`'s last entries it starts with;
 * undefined without one.
 */
function grownPart(mine: string[], other: string[]): number | undefined {
	if (other.length === 0) return undefined;
	for (let start = Math.max(0, mine.length - other.length); start < mine.length; start++) {
		if (mine[start] !== other[0]) continue;
		const overlap = mine.length - start;
		let same = true;
		for (let i = 1; same && i < overlap; i++) same = mine[start + i] === other[i];
		if (same) return other.length - overlap;
	}
	return undefined;
}
