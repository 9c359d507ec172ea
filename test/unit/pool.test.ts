/** helpers/pool.ts: the concurrency pool. */
import { mapWithConcurrency } from '../../nodes/TwilioWhatsApp/helpers/pool';

describe('mapWithConcurrency', () => {
	it('keeps index order and never runs more than the limit at once', async () => {
		let running = 0;
		let peak = 0;
		const results = await mapWithConcurrency(20, 4, async (index) => {
			running++;
			peak = Math.max(peak, running);
			// Later indices finish first, so order can only come from the pool.
			await new Promise((resolve) => setImmediate(resolve));
			for (let i = 0; i < 20 - index; i++) await Promise.resolve();
			running--;
			return index * 10;
		});
		expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
		expect(peak).toBe(4);
	});

	it('starts nothing after a failure and throws it', async () => {
		const started: number[] = [];
		await expect(
			mapWithConcurrency(10, 2, async (index) => {
				started.push(index);
				if (index === 1) throw new Error('item 1 failed');
				await new Promise((resolve) => setImmediate(resolve));
				return index;
			}),
		).rejects.toThrow('item 1 failed');
		// Item 0 was already running and finishes; items 2–9 never start.
		expect(started).toEqual([0, 1]);
	});
});
