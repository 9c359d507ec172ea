/** Small statistics and reporting helpers shared by the benchmarks. */
export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index];
}

export function summarize(samples: number[]) {
	const sorted = [...samples].sort((a, b) => a - b);
	return {
		median: percentile(sorted, 50),
		p99: percentile(sorted, 99),
		min: sorted[0],
		max: sorted[sorted.length - 1],
		n: sorted.length,
	};
}

export interface BenchFigure {
	figure: string;
	value: string;
	baseline: string;
	ratio: string;
	target: string;
	met: boolean | undefined;
	notes?: string;
	/** Markdown lines for the details section of results.md (per-run tables). */
	details?: string[];
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
