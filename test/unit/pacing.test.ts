/** helpers/pacing.ts: the pacing settings and the pacer. */
import { createPacer, pacingProblem } from '../../nodes/TwilioWhatsApp/helpers/pacing';

describe('pacing', () => {
	function fakeClock() {
		let now = 1_000;
		const sleeps: number[] = [];
		return {
			sleeps,
			clock: {
				now: () => now,
				sleep: async (ms: number) => {
					sleeps.push(ms);
					now += ms;
				},
			},
		};
	}

	it('spaces starts by a fixed delay, the first one immediately', async () => {
		const { clock, sleeps } = fakeClock();
		const pace = createPacer({ mode: 'fixed', delayMs: 2000 }, clock)!;
		await pace();
		await pace();
		await pace();
		expect(sleeps).toEqual([2000, 2000]);
	});

	it('reserves successive slots for callers that arrive together (concurrency above 1)', async () => {
		const { clock, sleeps } = fakeClock();
		const pace = createPacer(
			{ mode: 'fixed', delayMs: 500 },
			{ now: clock.now, sleep: async (ms) => void sleeps.push(ms) },
		)!;
		await Promise.all([pace(), pace(), pace()]);
		expect(sleeps).toEqual([500, 1000]);
	});

	it('draws random delays between min and max', async () => {
		const { clock, sleeps } = fakeClock();
		const draws = [0, 1, 0.5];
		const pace = createPacer(
			{ mode: 'random', minMs: 1500, maxMs: 2500 },
			clock,
			() => draws.shift()!,
		)!;
		for (let i = 0; i < 4; i++) await pace();
		expect(sleeps).toEqual([1500, 2500, 2000]);
	});

	it('has no pacer for none and rejects bad ranges', () => {
		expect(createPacer({ mode: 'none' })).toBeUndefined();
		expect(pacingProblem({ mode: 'random', minMs: 3000, maxMs: 1000 })).toMatch(
			'larger than the maximum',
		);
		expect(pacingProblem({ mode: 'fixed', delayMs: -1 })).toMatch('from 0');
		expect(pacingProblem({ mode: 'fixed', delayMs: 2000 })).toBeUndefined();
	});
});
