/**
 * Runs the benchmarks the arguments name (bench/cli.ts), each as a ratio against a baseline
 * measured in the same run, and writes bench/results.md after a run of all of them. Not part of
 * `npm test`: timings never decide whether tests pass.
 */
import { execFileSync } from 'child_process';
import { cpus, totalmem } from 'os';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { REPO_ROOT as ROOT } from '../test/e2e/harness/n8nProcess';

import { type BenchName, parseBenchArgs, resultsTarget, usage } from './cli';
import { benchColdLoad } from './coldLoad';
import { benchGatewayThroughput } from './gatewayThroughput';
import { benchParseVerify } from './parseVerify';
import { benchSendThroughput } from './sendThroughput';
import type { BenchFigure } from './stats';
import { benchTriggerThroughput } from './triggerThroughput';
import { benchWebhookInProcess } from './webhookInProcess';

const BENCHES: Record<BenchName, () => Promise<BenchFigure[]> | BenchFigure[]> = {
	'parse-verify': () => [benchParseVerify()],
	'cold-load': () => [benchColdLoad()],
	'webhook-in-process': async () => [await benchWebhookInProcess()],
	'send-throughput': benchSendThroughput,
	'trigger-throughput': () => benchTriggerThroughput(),
	'gateway-throughput': () => benchGatewayThroughput(),
};

/**
 * Everything after this line in results.md is written by hand (before/after notes, Performance) and
 * kept across runs.
 */
const KEEP_MARKER = '<!-- Generated above; written by hand below, kept by `npm run bench`. -->';

async function main() {
	const command = parseBenchArgs(process.argv.slice(2));
	if (command.kind === 'help') {
		console.log(usage());
		return;
	}
	if (command.kind === 'error') {
		console.error(`bench: ${command.message}\n\n${usage()}`);
		process.exitCode = 2;
		return;
	}
	// The benchmarks load the built package (dist/), as n8n does.
	execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	const figures: BenchFigure[] = [];
	for (const name of command.names) {
		console.log(`bench: ${name}…`);
		try {
			const results = await BENCHES[name]();
			for (const r of results)
				console.log(
					`  ${r.figure}: ${r.value} | baseline ${r.baseline} | ${r.ratio} | target ${r.target}: ${r.met === undefined ? 'no target' : r.met ? 'met' : 'MISSED'}`,
				);
			figures.push(...results);
		} catch (error) {
			console.log(`  ${name} failed: ${(error as Error).stack}`);
			figures.push({
				figure: name,
				value: 'failed',
				baseline: '',
				ratio: '',
				target: '',
				met: false,
				notes: String((error as Error).message),
			});
		}
	}
	const pkg = require(join(ROOT, 'package.json'));
	const lines = [
		'# Benchmark results',
		'',
		`- Date: ${new Date().toISOString()}`,
		`- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, shared (figures vary ±15% between runs)`,
		`- n8n: ${pkg.config.n8nVersion}, Node ${process.version} (benchmark process)`,
		'- Expression engine: each webhook figure names the setting its n8n ran with',
		'',
		'| figure | value | baseline (same run) | ratio | target | met |',
		'| --- | --- | --- | --- | --- | --- |',
		...figures.map(
			(f) =>
				`| ${f.figure} | ${f.value} | ${f.baseline} | ${f.ratio} | ${f.target} | ${f.met === undefined ? '—' : f.met ? 'yes' : 'no'} |`,
		),
		'',
		...figures.filter((f) => f.notes).map((f) => `- ${f.figure}: ${f.notes}`),
		...(figures.some((f) => f.details) ? ['', '## Details of this run', ''] : []),
		...figures.flatMap((f) => (f.details ? [...f.details, ''] : [])),
		'',
		KEEP_MARKER,
	];
	const recorded = join(ROOT, 'bench', 'results.md');
	const out = resultsTarget(command, figures.length, recorded, process.env.BENCH_RESULTS);
	if (!out) {
		if (figures.length === 0) process.exitCode = 1;
		console.log(
			`bench: ${figures.length === 0 ? 'measured nothing' : 'ran some of the benchmarks'}; ${recorded} left as it was`,
		);
		return;
	}
	const previous = safeRead(out);
	const kept = previous.includes(KEEP_MARKER)
		? previous.slice(previous.indexOf(KEEP_MARKER) + KEEP_MARKER.length).replace(/^\n+/, '')
		: '';
	writeFileSync(out, lines.join('\n') + '\n' + (kept ? `\n${kept}` : ''));
	console.log(`bench: wrote ${out}`);
}

function safeRead(path: string): string {
	try {
		return require('fs').readFileSync(path, 'utf8');
	} catch {
		return '';
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
