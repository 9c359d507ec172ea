import fc from 'fast-check';

import {
	appendLog,
	DAY_MS,
	emptyState,
	LEDGER_MAX_ENTRIES,
	LOG_MAX_ENTRIES,
	logToCsv,
	mergeStates,
	nextSlot,
	restoreQuota,
	RESTORED_MAX_ENTRIES,
	spendQuota,
	toState,
	unitsUsed,
	type AttemptLogEntry,
	type GatewayState,
} from '../../nodes/TimelinesAiTrigger/gatewayState';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const id = (n: number) => `wa_backend:${n.toString(16).toUpperCase().padStart(20, '0')}`;

function spend(
	state: GatewayState,
	now: number,
	budget: number,
	units: number,
	messageId: string,
): GatewayState {
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

	it("gives a message's units back once", () => {
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
		// The oldest messages were folded into hourly totals and can no longer be given back one by
		// one.
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
			fc.property(
				fc.array(
					fc.tuple(
						fc.integer({ min: 0, max: 5000 }),
						fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
					),
					{ minLength: 1, maxLength: 50 },
				),
				(arrivals) => {
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
				},
			),
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
			entry(2, {
				accepted: false,
				status: 400,
				message: '=HYPERLINK("http://evil")',
				recipientType: null,
				messageId: null,
				quotaUnits: null,
			}),
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
		expect(
			toState({
				ledger: 'nope',
				folded: [[1]],
				foldedThrough: 'x',
				restored: {},
				lastSlot: null,
				log: {},
			}),
		).toEqual(emptyState());
	});

	it('keeps well-formed data', () => {
		const state = appendLog(spend(emptyState(), T0, 5, 1, id(1)), {
			time: 't',
			accepted: true,
			status: 200,
			message: 'Accepted',
			recipientType: 'phone',
			messageId: id(1),
			quotaUnits: 1,
		});
		expect(toState(JSON.parse(JSON.stringify(state)))).toEqual(state);
	});
});

describe('merging the copy in memory with the one in static data', () => {
	type Op =
		| { kind: 'spend'; units: number }
		| { kind: 'restore'; pick: number }
		| { kind: 'reject' };
	const op: fc.Arbitrary<Op> = fc.oneof(
		fc.record({ kind: fc.constant('spend' as const), units: fc.integer({ min: 1, max: 2 }) }),
		fc.record({ kind: fc.constant('restore' as const), pick: fc.nat() }),
		fc.record({ kind: fc.constant('reject' as const) }),
	);
	const pacing = { minMs: 1500, maxMs: 2500 };

	/**
	 * Applies what the gateway does for each request; `step` ms apart (0 gives requests in the same
	 * millisecond).
	 */
	function apply(
		start: { state: GatewayState; now: number; n: number },
		ops: Op[],
		step: (n: number) => number,
		prefix = 'a',
	) {
		let { state, now, n } = start;
		for (const next of ops) {
			now += step(n);
			n += 1;
			const time = new Date(now).toISOString();
			if (next.kind === 'spend') {
				const messageId = `${prefix}${n}`;
				state = nextSlot(
					spend(state, now, 1_000_000, next.units, messageId),
					now,
					pacing,
					0.5,
				).state;
				state = appendLog(state, {
					time,
					accepted: true,
					status: 200,
					message: 'Accepted',
					recipientType: 'phone',
					messageId,
					quotaUnits: next.units,
				});
			} else if (next.kind === 'restore' && state.ledger.length > 0) {
				const restored = restoreQuota(state, now, state.ledger[next.pick % state.ledger.length][2]);
				if (restored.ok) state = restored.state;
			} else {
				state = appendLog(state, {
					time,
					accepted: false,
					status: 400,
					message: 'Bad request',
					recipientType: null,
					messageId: null,
					quotaUnits: null,
				});
			}
		}
		return { state, now, n };
	}
	const begin = { state: emptyState(), now: T0, n: 0 };
	const history = fc.tuple(fc.array(op, { maxLength: 130 }), fc.array(op, { maxLength: 130 }));

	it('gives the newer copy when one grew out of the other, whichever is in memory', () => {
		fc.assert(
			fc.property(
				history,
				fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1 }),
				([early, late], gaps) => {
					const step = (n: number) => gaps[n % gaps.length];
					const older = apply(begin, early, step);
					const newer = apply(older, late, step);
					expect(mergeStates(newer.state, older.state, newer.now)).toEqual(newer.state);
					expect(mergeStates(older.state, newer.state, newer.now)).toEqual(newer.state);
					expect(mergeStates(newer.state, newer.state, newer.now)).toEqual(newer.state);
				},
			),
		);
	});

	it('joins copies two processes changed apart: every unit, the later pacing end and every attempt', () => {
		fc.assert(
			fc.property(
				fc.array(op, { maxLength: 40 }),
				fc.array(op, { maxLength: 30 }),
				fc.array(op, { maxLength: 30 }),
				(shared, mineOps, otherOps) => {
					const common = apply(begin, shared, () => 5);
					const mine = apply(common, mineOps, () => 3, 'm').state;
					const other = apply(common, otherOps, () => 4, 'o').state;
					const now = T0 + 1_000_000;
					const merged = mergeStates(mine, other, now);
					// Every message either copy holds counts once, unless either gave it back.
					const givenBack = new Set(
						[...mine.restored, ...other.restored].map(([, messageId]) => messageId),
					);
					const held = new Map(
						[...mine.ledger, ...other.ledger].map(([, units, messageId]) => [messageId, units]),
					);
					const expectedUnits = [...held]
						.filter(([messageId]) => !givenBack.has(messageId))
						.reduce((sum, [, units]) => sum + units, 0);
					expect(unitsUsed(merged, now)).toBe(expectedUnits);
					expect(merged.lastSlot).toBe(Math.max(mine.lastSlot, other.lastSlot));
					// Every attempt of either, the newest LOG_MAX_ENTRIES of them, in time order.
					const attempts = new Set(
						[...mine.log, ...other.log].map((entry) => JSON.stringify(entry)),
					);
					const kept = merged.log.map((entry) => JSON.stringify(entry));
					expect(kept).toHaveLength(Math.min(attempts.size, LOG_MAX_ENTRIES));
					for (const entry of kept) expect(attempts.has(entry)).toBe(true);
					const times = merged.log.map((entry) => entry.time);
					expect(times).toEqual([...times].sort());
					if (attempts.size > LOG_MAX_ENTRIES) {
						const newest = [...attempts]
							.map((entry) => (JSON.parse(entry) as AttemptLogEntry).time)
							.sort();
						expect(times[0] >= newest[newest.length - LOG_MAX_ENTRIES]).toBe(true);
					}
				},
			),
		);
	});

	it('does not bring back units a newer copy gave back', () => {
		const older = spend(spend(emptyState(), T0, 10, 2, id(1)), T0 + 1, 10, 1, id(2));
		const restored = restoreQuota(older, T0 + 2, id(1));
		if (!restored.ok) throw new Error('expected the units back');
		for (const merged of [
			mergeStates(older, restored.state, T0 + 3),
			mergeStates(restored.state, older, T0 + 3),
		]) {
			expect(unitsUsed(merged, T0 + 3)).toBe(1);
			expect(restoreQuota(merged, T0 + 3, id(1))).toEqual({ ok: false });
		}
	});

	it('counts a folded message once, whichever copy still holds it one by one', () => {
		let older = emptyState();
		for (let n = 0; n < LEDGER_MAX_ENTRIES - 50; n++)
			older = spend(older, T0 + n, 10_000, 1, id(n));
		let newer = older;
		for (let n = LEDGER_MAX_ENTRIES - 50; n < LEDGER_MAX_ENTRIES + 150; n++)
			newer = spend(newer, T0 + n, 10_000, 1, id(n));
		expect(newer.foldedThrough).toBe(T0 + 149);
		const now = T0 + LEDGER_MAX_ENTRIES + 150;
		expect(mergeStates(older, newer, now)).toEqual(newer);
		expect(mergeStates(newer, older, now)).toEqual(newer);
		expect(unitsUsed(mergeStates(older, newer, now), now)).toBe(LEDGER_MAX_ENTRIES + 150);
	});

	it(`remembers at most ${RESTORED_MAX_ENTRIES} given-back messages`, () => {
		let state = emptyState();
		for (let n = 0; n < RESTORED_MAX_ENTRIES + 20; n++) {
			const restored = restoreQuota(spend(state, T0 + n, 10, 1, id(n)), T0 + n, id(n));
			if (!restored.ok) throw new Error('expected the units back');
			state = restored.state;
		}
		expect(state.restored).toHaveLength(RESTORED_MAX_ENTRIES);
		expect(state.restored[0]).toEqual([T0 + 20, id(20)]);
	});

	it('drops what has left the 24-hour window', () => {
		const state = spend(emptyState(), T0, 10, 1, id(1));
		expect(mergeStates(state, emptyState(), T0 + DAY_MS).ledger).toEqual([]);
	});
});
