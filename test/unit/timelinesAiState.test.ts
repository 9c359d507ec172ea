import fc from 'fast-check';

import {
	appendLog,
	DAY_MS,
	emptyState,
	LEDGER_MAX_ENTRIES,
	LOG_MAX_ENTRIES,
	logToCsv,
	nextSlot,
	restoreQuota,
	spendQuota,
	toState,
	unitsUsed,
	type AttemptLogEntry,
	type GatewayState,
} from '../../nodes/TimelinesAiTrigger/gatewayState';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const id = (n: number) => `wa_backend:${n.toString(16).toUpperCase().padStart(20, '0')}`;

function spend(state: GatewayState, now: number, budget: number, units: number, messageId: string): GatewayState {
	const result = spendQuota(state, now, budget, units, messageId);
	if (!result.ok) throw new Error(result.message);
	return result.state;
}

describe('quota budget (rolling 24 hours)', () => {
	it('spends units until the budget is used up, then says how many are left and when units return', () => {
		let state = spend(emptyState(), T0, 3, 2, id(1));
		const full = spendQuota(state, T0 + 1000, 3, 2, id(2));
		expect(full).toEqual({
			ok: false,
			message: `Quota exceeded: this message needs 2 units and 1 of the 3 units per 24 hours is left; units free up from ${new Date(T0 + DAY_MS).toISOString()}`,
		});
		state = spend(state, T0 + 1000, 3, 1, id(3));
		expect(unitsUsed(state, T0 + 2000)).toBe(3);
	});

	it('does not change the state it was given', () => {
		const before = emptyState();
		spendQuota(before, T0, 5, 1, id(1));
		expect(before).toEqual(emptyState());
	});

	it('frees units 24 hours after they were spent', () => {
		const state = spend(emptyState(), T0, 1, 1, id(1));
		expect(spendQuota(state, T0 + DAY_MS - 1, 1, 1, id(2)).ok).toBe(false);
		expect(spendQuota(state, T0 + DAY_MS, 1, 1, id(2)).ok).toBe(true);
	});

	it('gives a message\'s units back once', () => {
		let state = spend(emptyState(), T0, 4, 2, id(1));
		state = spend(state, T0, 4, 1, id(2));
		const restored = restoreQuota(state, T0 + 5, id(1));
		if (!restored.ok) throw new Error('expected the units back');
		expect(restored.units).toBe(2);
		expect(unitsUsed(restored.state, T0 + 5)).toBe(1);
		expect(restoreQuota(restored.state, T0 + 6, id(1))).toEqual({ ok: false });
		expect(restoreQuota(state, T0 + DAY_MS + 1, id(2))).toEqual({ ok: false });
	});

	it('stays bounded under heavy use and still counts every unit', () => {
		let state = emptyState();
		const total = LEDGER_MAX_ENTRIES + 500;
		for (let n = 0; n < total; n++) state = spend(state, T0 + n * 1000, 10_000, 1, id(n));
		expect(state.ledger).toHaveLength(LEDGER_MAX_ENTRIES);
		expect(state.folded.length).toBeLessThanOrEqual(25);
		expect(unitsUsed(state, T0 + total * 1000)).toBe(total);
		// The oldest messages were folded into hourly totals and can no longer be given back one by one.
		expect(restoreQuota(state, T0 + total * 1000, id(0))).toEqual({ ok: false });
		expect(restoreQuota(state, T0 + total * 1000, id(total - 1)).ok).toBe(true);
	});

	it('keeps counting a folded hour until all of it has left the window', () => {
		let state = emptyState();
		for (let n = 0; n <= LEDGER_MAX_ENTRIES; n++) state = spend(state, T0 + n, 10_000, 1, id(n));
		expect(state.folded).toEqual([[T0, 1]]);
		expect(unitsUsed(state, T0 + DAY_MS + 30 * 60 * 1000)).toBe(1);
		expect(unitsUsed(state, T0 + DAY_MS + 60 * 60 * 1000)).toBe(0);
	});
});

describe('pacing', () => {
	const pacing = { minMs: 1500, maxMs: 2500 };

	it('gives the first message now and queues the next one a random gap later', () => {
		const first = nextSlot(emptyState(), T0, pacing, 0.5);
		expect(first.slot).toBe(T0);
		const second = nextSlot(first.state, T0 + 100, pacing, 0);
		expect(second.slot).toBe(T0 + 1500);
		const third = nextSlot(second.state, T0 + 200, pacing, 0.999999);
		expect(third.slot).toBe(T0 + 1500 + 2500);
	});

	it('needs no wait once the queue has drained', () => {
		const first = nextSlot(emptyState(), T0, pacing, 0.5);
		expect(nextSlot(first.state, T0 + 60_000, pacing, 0.5).slot).toBe(T0 + 60_000);
	});

	it('never sends before arrival and keeps every gap within [min, max] while queued', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), { minLength: 1, maxLength: 50 }), (arrivals) => {
				let state = emptyState();
				let now = T0;
				let previous: number | undefined;
				for (const [delay, random] of arrivals) {
					now += delay;
					const paced = nextSlot(state, now, pacing, random);
					expect(paced.slot).toBeGreaterThanOrEqual(now);
					if (previous !== undefined) {
						expect(paced.slot - previous).toBeGreaterThanOrEqual(pacing.minMs);
						if (paced.slot > now) expect(paced.slot - previous).toBeLessThanOrEqual(pacing.maxMs);
					}
					previous = paced.slot;
					state = paced.state;
				}
			}),
		);
	});

	it('tolerates min and max given the wrong way round', () => {
		const first = nextSlot(emptyState(), T0, { minMs: 3000, maxMs: 1000 }, 0);
		expect(nextSlot(first.state, T0, { minMs: 3000, maxMs: 1000 }, 0).slot).toBe(T0 + 1000);
	});
});

describe('attempt log', () => {
	const entry = (n: number, extra: Partial<AttemptLogEntry> = {}): AttemptLogEntry => ({
		time: new Date(T0 + n).toISOString(),
		accepted: true,
		status: 200,
		message: 'Accepted',
		recipientType: 'phone',
		messageId: id(n),
		quotaUnits: 1,
		...extra,
	});

	it(`keeps the last ${LOG_MAX_ENTRIES} attempts, newest last`, () => {
		let state = emptyState();
		for (let n = 0; n < LOG_MAX_ENTRIES + 20; n++) state = appendLog(state, entry(n));
		expect(state.log).toHaveLength(LOG_MAX_ENTRIES);
		expect(state.log[0].messageId).toBe(id(20));
		expect(state.log[LOG_MAX_ENTRIES - 1].messageId).toBe(id(LOG_MAX_ENTRIES + 19));
	});

	it('shortens logged text to 500 characters', () => {
		const state = appendLog(emptyState(), entry(1, { text: 'y'.repeat(2000) }));
		expect(state.log[0].text).toBe(`${'y'.repeat(500)}...`);
	});

	it('exports CSV with quoting, empty cells for missing values and formulas defused', () => {
		const csv = logToCsv([
			entry(1, { text: 'line one\nline "two", end' }),
			entry(2, { accepted: false, status: 400, message: '=HYPERLINK("http://evil")', recipientType: null, messageId: null, quotaUnits: null }),
		]);
		expect(csv).toBe(
			'time,accepted,status,message,recipient_type,message_id,quota_units,text\r\n' +
				`${new Date(T0 + 1).toISOString()},true,200,Accepted,phone,${id(1)},1,"line one\nline ""two"", end"\r\n` +
				`${new Date(T0 + 2).toISOString()},false,400,"'=HYPERLINK(""http://evil"")",,,,\r\n`,
		);
	});
});

describe('reading stored state', () => {
	it('starts empty from nothing or from malformed data', () => {
		expect(toState(undefined)).toEqual(emptyState());
		expect(toState({ revision: 'x', ledger: 'nope', folded: [[1]], lastSlot: null, log: {} })).toEqual(emptyState());
	});

	it('keeps well-formed data', () => {
		const state = appendLog(spend(emptyState(), T0, 5, 1, id(1)), { time: 't', accepted: true, status: 200, message: 'Accepted', recipientType: 'phone', messageId: id(1), quotaUnits: 1 });
		expect(toState(JSON.parse(JSON.stringify({ ...state, revision: 7 })))).toEqual({ ...state, revision: 7 });
	});
});
