/**
 * What the gateway remembers between requests: quota use, the pacing queue and the attempt log.
 * Pure: every function returns a new state and never changes its input, so a state can be shared
 * between workflow static data and the in-process copy without aliasing surprises.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** Per-message quota entries kept restorable; older use is folded into hourly totals. */
export const LEDGER_MAX_ENTRIES = 1000;
export const LOG_MAX_ENTRIES = 100;
const LOG_TEXT_MAX_CHARS = 500;

/** [accepted at (ms), units, message id] */
type LedgerEntry = [number, number, string];
/** [start of the hour (ms), units] */
type FoldedHour = [number, number];

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
	/** Grows by one on every change, so the newest of two copies can be told apart. */
	revision: number;
	ledger: LedgerEntry[];
	folded: FoldedHour[];
	/** Earliest send time (ms) handed to the last accepted message. */
	lastSlot: number;
	log: AttemptLogEntry[];
}

export function emptyState(): GatewayState {
	return { revision: 0, ledger: [], folded: [], lastSlot: 0, log: [] };
}

/** Reads a state from static data, tolerating anything malformed (it is user-editable JSON). */
export function toState(value: unknown): GatewayState {
	if (typeof value !== 'object' || value === null) return emptyState();
	const raw = value as Partial<GatewayState>;
	return {
		revision: Number.isFinite(raw.revision) ? Number(raw.revision) : 0,
		ledger: Array.isArray(raw.ledger) ? raw.ledger.filter((entry) => Array.isArray(entry) && entry.length === 3) : [],
		folded: Array.isArray(raw.folded) ? raw.folded.filter((entry) => Array.isArray(entry) && entry.length === 2) : [],
		lastSlot: Number.isFinite(raw.lastSlot) ? Number(raw.lastSlot) : 0,
		log: Array.isArray(raw.log) ? raw.log.slice(-LOG_MAX_ENTRIES) : [],
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
	};
}

export function unitsUsed(state: GatewayState, now: number): number {
	const live = withoutExpired(state, now);
	return live.ledger.reduce((sum, [, units]) => sum + units, 0) + live.folded.reduce((sum, [, units]) => sum + units, 0);
}

/** When the oldest use in the window expires, i.e. when units start to come back. */
function nextRelease(state: GatewayState, now: number): number | undefined {
	const live = withoutExpired(state, now);
	const times = [...live.ledger.map(([at]) => at + DAY_MS), ...live.folded.map(([hour]) => hour + HOUR_MS + DAY_MS)];
	return times.length ? Math.min(...times) : undefined;
}

export type QuotaDecision = { ok: true; state: GatewayState; left: number } | { ok: false; message: string };

/** Spends `units` of a rolling 24-hour `budget`, or says why it cannot. */
export function spendQuota(state: GatewayState, now: number, budget: number, units: number, messageId: string): QuotaDecision {
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
	let ledger: LedgerEntry[] = [...live.ledger, [now, units, messageId]];
	let folded = live.folded;
	if (ledger.length > LEDGER_MAX_ENTRIES) {
		const overflow = ledger.slice(0, ledger.length - LEDGER_MAX_ENTRIES);
		ledger = ledger.slice(-LEDGER_MAX_ENTRIES);
		folded = fold(folded, overflow);
	}
	return { ok: true, state: { ...live, ledger, folded }, left: left - units };
}

function fold(folded: FoldedHour[], entries: LedgerEntry[]): FoldedHour[] {
	const byHour = new Map<number, number>(folded);
	for (const [at, units] of entries) {
		const hour = at - (at % HOUR_MS);
		byHour.set(hour, (byHour.get(hour) ?? 0) + units);
	}
	return [...byHour.entries()].sort(([a], [b]) => a - b);
}

export type RestoreDecision = { ok: true; state: GatewayState; units: number } | { ok: false };

/** Gives back the units an accepted message spent, once; for sends that failed downstream. */
export function restoreQuota(state: GatewayState, now: number, messageId: string): RestoreDecision {
	const live = withoutExpired(state, now);
	const index = live.ledger.findIndex(([, , id]) => id === messageId);
	if (index < 0) return { ok: false };
	return {
		ok: true,
		units: live.ledger[index][1],
		state: { ...live, ledger: [...live.ledger.slice(0, index), ...live.ledger.slice(index + 1)] },
	};
}

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
export function nextSlot(state: GatewayState, now: number, pacing: Pacing, random: number): { state: GatewayState; slot: number } {
	const low = Math.max(0, Math.min(pacing.minMs, pacing.maxMs));
	const high = Math.max(low, pacing.minMs, pacing.maxMs);
	const gap = Math.round(low + (high - low) * random);
	const slot = Math.max(now, state.lastSlot + gap);
	return { state: { ...state, lastSlot: slot }, slot };
}

// ---- attempt log -------------------------------------------------------------------------------

export function appendLog(state: GatewayState, entry: AttemptLogEntry): GatewayState {
	const logged = entry.text === undefined || entry.text.length <= LOG_TEXT_MAX_CHARS ? entry : { ...entry, text: `${entry.text.slice(0, LOG_TEXT_MAX_CHARS)}...` };
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
