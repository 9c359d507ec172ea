/**
 * `npm run bench`'s argument handling and results-file rule (bench/cli.ts), without measuring
 * anything: a wrong name is an error that lists the valid ones, --help prints the usage, and only a
 * run of every benchmark replaces the recorded bench/results.md.
 */
import { BENCH_NAMES, parseBenchArgs, resultsTarget, usage } from '../../bench/cli';

describe('npm run bench arguments', () => {
	it('runs every benchmark without arguments', () => {
		expect(parseBenchArgs([])).toEqual({ kind: 'run', names: [...BENCH_NAMES], all: true });
	});

	it('runs the named benchmarks in their usual order', () => {
		expect(parseBenchArgs(['send-throughput', 'parse-verify'])).toEqual({
			kind: 'run',
			names: ['parse-verify', 'send-throughput'],
			all: false,
		});
	});

	it.each([['--help'], ['-h'], ['parse-verify', '--help']])(
		'prints the usage for %s',
		(...args) => {
			expect(parseBenchArgs(args)).toEqual({ kind: 'help' });
		},
	);

	it('refuses an unknown name and lists the valid ones', () => {
		const command = parseBenchArgs(['parse-verify', 'cold-lod']);
		expect(command).toEqual({ kind: 'error', message: expect.stringContaining('cold-lod') });
		for (const name of BENCH_NAMES) {
			expect((command as { message: string }).message).toContain(name);
		}
	});

	it('refuses an unknown option instead of running everything', () => {
		expect(parseBenchArgs(['--all'])).toMatchObject({ kind: 'error' });
	});

	it('names every benchmark in the usage', () => {
		for (const name of BENCH_NAMES) expect(usage()).toMatch(new RegExp(`^  ${name}$`, 'm'));
	});
});

describe('where a bench run writes its table', () => {
	const recorded = '/repo/bench/results.md';

	it('replaces the recorded results after a run of every benchmark', () => {
		expect(resultsTarget({ all: true }, 9, recorded, undefined)).toBe(recorded);
	});

	it('leaves the recorded results alone after a run of some', () => {
		expect(resultsTarget({ all: false }, 1, recorded, undefined)).toBeUndefined();
	});

	it('writes nowhere when nothing was measured, even when a file was asked for', () => {
		expect(resultsTarget({ all: true }, 0, recorded, undefined)).toBeUndefined();
		expect(resultsTarget({ all: false }, 0, recorded, '/tmp/one.md')).toBeUndefined();
	});

	it('writes to the file BENCH_RESULTS names', () => {
		expect(resultsTarget({ all: false }, 2, recorded, '/tmp/one.md')).toBe('/tmp/one.md');
	});
});
