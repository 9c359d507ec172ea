/**
 * A small bounded-concurrency pool (p-limit would do, but it must not become a runtime dependency).
 *
 * Runs `task(0)` … `task(count - 1)` with at most `concurrency` running at once and returns the
 * results in index order, whatever order they finish in. `beforeEach` runs before each task starts
 * (pacing); tasks start in index order. After the first failure no further task starts; the running
 * ones are awaited (a request already on its way cannot be taken back), then the first failure is
 * thrown.
 */
export async function mapWithConcurrency<T>(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<T>,
	beforeEach?: () => Promise<void>,
): Promise<T[]> {
	const results = new Array<T>(count);
	let next = 0;
	let failure: { error: unknown } | undefined;

	const worker = async () => {
		while (failure === undefined && next < count) {
			const index = next++;
			try {
				if (beforeEach) await beforeEach();
				if (failure !== undefined) return;
				results[index] = await task(index);
			} catch (error) {
				failure ??= { error };
			}
		}
	};

	const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
	await Promise.all(Array.from({ length: workers }, worker));
	if (failure !== undefined) throw failure.error;
	return results;
}
