/**
 * Cold load: time and RSS to require every node and credential file in dist/ in a fresh Node
 * process, against a fresh process that requires n8n-workflow alone (which every n8n already has
 * loaded).
 */
import { execFileSync } from 'child_process';
import { join } from 'path';

import { REPO_ROOT as ROOT } from '../test/e2e/harness/n8nProcess';

import type { BenchFigure } from './stats';
import { fmt, summarize } from './stats';

function childScript(files: string[]): string {
	return `
const start = process.hrtime.bigint();
const rss0 = process.memoryUsage().rss;
require('n8n-workflow');
const afterBase = process.hrtime.bigint();
const rss1 = process.memoryUsage().rss;
for (const f of ${JSON.stringify(files)}) require(f);
const end = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ baseMs: Number(afterBase - start) / 1e6, oursMs: Number(end - afterBase) / 1e6, baseRss: rss1 - rss0, oursRss: process.memoryUsage().rss - rss1 }));`;
}

export function benchColdLoad(runs = 15): BenchFigure {
	const pkg = require(join(ROOT, 'package.json'));
	const files: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((f: string) =>
		join(ROOT, f),
	);
	const results = [];
	for (let i = 0; i < runs; i++) {
		const out = execFileSync(process.execPath, ['-e', childScript(files)], {
			cwd: ROOT,
			encoding: 'utf8',
		});
		results.push(
			JSON.parse(out) as { baseMs: number; oursMs: number; baseRss: number; oursRss: number },
		);
	}
	const ms = summarize(results.map((r) => r.oursMs));
	const rssMb = summarize(results.map((r) => r.oursRss / 1024 / 1024));
	const baseMs = summarize(results.map((r) => r.baseMs));
	const baseRssMb = summarize(results.map((r) => r.baseRss / 1024 / 1024));
	return {
		figure: `Cold load (require ${files.length} node and credential files)`,
		value: `+${fmt(ms.median)} ms, +${fmt(rssMb.median, 1)} MB RSS over the baseline (median of ${runs} fresh processes)`,
		baseline: `require('n8n-workflow') alone: ${fmt(baseMs.median)} ms, ${fmt(baseRssMb.median, 1)} MB`,
		ratio: `${fmt((baseMs.median + ms.median) / baseMs.median)}× time, ${fmt((baseRssMb.median + rssMb.median) / baseRssMb.median)}× RSS`,
		target: '≤ 30 ms and ≤ 10 MB over the baseline',
		met: ms.median <= 30 && rssMb.median <= 10,
	};
}

if (require.main === module) console.log(JSON.stringify(benchColdLoad(), null, 2));
