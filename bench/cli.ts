/**
 * `npm run bench [-- names…]`: what the arguments ask for, and whether a run may replace
 * bench/results.md. Pure, so it is tested without measuring anything.
 */

export const BENCH_NAMES = [
	'parse-verify',
	'cold-load',
	'webhook-in-process',
	'send-throughput',
	'trigger-throughput',
	'gateway-throughput',
] as const;

export type BenchName = (typeof BENCH_NAMES)[number];

export type BenchCommand =
	| { kind: 'help' }
	| { kind: 'error'; message: string }
	| { kind: 'run'; names: BenchName[]; all: boolean };

export function usage(): string {
	return [
		'usage: npm run bench [-- <name>…]',
		'',
		'Runs the named benchmarks (all of them without a name), each as a ratio against a baseline',
		'measured in the same run. Only a run of all of them rewrites bench/results.md; a run of some',
		'prints its figures (set BENCH_RESULTS=<file> to write them to that file instead).',
		'',
		'names:',
		...BENCH_NAMES.map((name) => `  ${name}`),
	].join('\n');
}

export function parseBenchArgs(args: string[]): BenchCommand {
	if (args.some((arg) => arg === '--help' || arg === '-h')) return { kind: 'help' };
	const unknown = args.filter((arg) => !(BENCH_NAMES as readonly string[]).includes(arg));
	if (unknown.length > 0) {
		return {
			kind: 'error',
			message: `unknown benchmark${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; valid names: ${BENCH_NAMES.join(', ')}`,
		};
	}
	const names = BENCH_NAMES.filter((name) => args.length === 0 || args.includes(name));
	return { kind: 'run', names, all: names.length === BENCH_NAMES.length };
}

/**
 * Where a finished run writes its table: nowhere when it measured nothing, the recorded results
 * only after a run of every benchmark, or the file BENCH_RESULTS names.
 */
export function resultsTarget(
	command: { all: boolean },
	figureCount: number,
	recordedResults: string,
	requestedFile: string | undefined,
): string | undefined {
	if (figureCount === 0) return undefined;
	if (requestedFile) return requestedFile;
	return command.all ? recordedResults : undefined;
}
