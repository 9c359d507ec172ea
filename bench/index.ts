/**
 * Runs every benchmark, each as a ratio against a baseline measured in the same run, and writes
 * bench/results.md. Not part of `npm test`: timings never decide whether tests pass.
 */
import { cpus, totalmem } from 'os';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { REPO_ROOT as ROOT } from '../test/e2e/harness/n8nProcess';

import { benchColdLoad } from './coldLoad';
import { benchGatewayThroughput } from './gatewayThroughput';
import { benchParseVerify } from './parseVerify';
import { benchSendThroughput } from './sendThroughput';
import type { BenchFigure } from './stats';
import { benchTriggerThroughput } from './triggerThroughput';
import { benchWebhookInProcess } from './webhookInProcess';

type Bench = { name: string; run: () => Promise<BenchFigure[]> | BenchFigure[] };

const BENCHES: Bench[] = [
	{ name: 'parse-verify', run: () => [benchParseVerify()] },
	{ name: 'cold-load', run: () => [benchColdLoad()] },
	{ name: 'webhook-in-process', run: async () => [await benchWebhookInProcess()] },
	{ name: 'send-throughput', run: benchSendThroughput },
	{ name: 'trigger-throughput', run: () => benchTriggerThroughput() },
	{ name: 'gateway-throughput', run: () => benchGatewayThroughput() },
];

/** Everything after this line in results.md is written by hand (before/after notes, Performance) and kept across runs. */
const KEEP_MARKER = '<!-- Generated above; written by hand below, kept by `npm run bench`. -->';

async function main() {
	const only = process.argv.slice(2);
	const figures: BenchFigure[] = [];
	for (const bench of BENCHES.filter((b) => only.length === 0 || only.includes(b.name))) {
		console.log(`bench: ${bench.name}…`);
		try {
			const results = await bench.run();
			for (const r of results)
				console.log(
					`  ${r.figure}: ${r.value} | baseline ${r.baseline} | ${r.ratio} | target ${r.target}: ${r.met === undefined ? 'no target' : r.met ? 'met' : 'MISSED'}`,
				);
			figures.push(...results);
		} catch (error) {
			console.log(`  ${bench.name} failed: ${(error as Error).stack}`);
			figures.push({
				figure: bench.name,
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
	const out = process.env.BENCH_RESULTS ?? join(ROOT, 'bench', 'results.md');
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
