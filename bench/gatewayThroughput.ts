/**
 * Gateway throughput: TimelinesAI-style "send message" requests accepted per second by the
 * TimelinesAI-compatible trigger, against n8n's own Webhook node receiving the same JSON on the same
 * n8n (trigger → NoOp each), with the pass-through community trigger alongside to separate what any
 * community trigger pays in n8n 2.x from what the node itself costs. Both expression engines.
 */
import { randomUUID } from 'crypto';

import type { BenchRequest, DriveOptions, RunResult, Target } from './n8nDriver';
import { addTargets, driveOptionsFromEnv, medians, roundRatios, runRounds, startBenchN8n } from './n8nDriver';
import type { BenchFigure } from './stats';
import { fmt } from './stats';
import { ENGINES, webhookNodeTarget } from './triggerThroughput';

const URL_SECRET = '9f86d081884c7d659a2feaa0c55ad015';

/** A TimelinesAI inbound-webhook "send" request (seed 002): one recipient by phone, a text. */
function timelinesAiRequests(): (i: number) => BenchRequest {
	return (i) => ({
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ action: 'send', phone: '+14151231234', text: `Your order #${i} is ready for pick-up` }),
	});
}

function timelinesAiTarget(): Target {
	const webhookId = randomUUID();
	return {
		key: 'timelinesai',
		label: 'TimelinesAI-Compatible Trigger',
		trigger: {
			name: 'TimelinesAI Trigger',
			type: 'n8n-nodes-twilio-whatsapp.timelinesAiTrigger',
			typeVersion: 2,
			webhookId,
			parameters: { webhookEnabled: true, urlSecret: URL_SECRET, authentication: 'none', responseMode: 'onReceived', quotaBudget: 0 },
		},
		path: `/webhook/${webhookId}/timelinesai?secret=${URL_SECRET}`,
		request: timelinesAiRequests(),
	};
}

function passthroughJsonTarget(): Target {
	const webhookId = randomUUID();
	return {
		key: 'passthrough',
		label: 'pass-through community trigger',
		trigger: { name: 'Passthrough Trigger', type: 'n8n-nodes-bench-passthrough.passthroughTrigger', typeVersion: 1, webhookId, parameters: {} },
		path: `/webhook/${webhookId}/in`,
		request: timelinesAiRequests(),
	};
}

function runTable(results: RunResult[], labels: Record<string, string>): string[] {
	return [
		'| round | target | 2xx/s accepted | exec/s completed | p50 ms | p99 ms | succeeded / 2xx | non-2xx + errors |',
		'| --- | --- | --- | --- | --- | --- | --- | --- |',
		...results.map(
			(r) =>
				`| ${r.round + 1} | ${labels[r.target]} | ${fmt(r.acceptedPerSec, 1)} | ${fmt(r.execsPerSec, 1)} | ${r.latencyP50} | ${r.latencyP99} | ${r.succeeded} / ${r.responses2xx} | ${r.non2xx + r.errors} |`,
		),
	];
}

async function benchEngine(engine: (typeof ENGINES)[number], options: DriveOptions): Promise<BenchFigure> {
	const bench = await startBenchN8n(`bench-gateway-${engine.env.N8N_EXPRESSION_ENGINE ?? 'default'}`, engine.env);
	try {
		const targets = [webhookNodeTarget(bench.n8n.baseUrl, 'webhook', "n8n's Webhook node", () => timelinesAiRequests()), passthroughJsonTarget(), timelinesAiTarget()];
		await addTargets(bench, targets);
		console.log(`  ${engine.name}: n8n at ${bench.n8n.baseUrl}`);
		const results = await runRounds(bench, targets, options);
		const accepted = (r: RunResult) => r.acceptedPerSec;
		const ours = medians(results, 'timelinesai');
		const webhook = medians(results, 'webhook');
		const passthrough = medians(results, 'passthrough');
		const vsWebhook = roundRatios(results, 'timelinesai', 'webhook', accepted);
		const vsPassthrough = roundRatios(results, 'timelinesai', 'passthrough', accepted);
		const line = (m: typeof ours) => `${fmt(m.acceptedPerSec, 1)} req/s accepted (${fmt(m.execsPerSec, 1)} exec/s), p50 ${fmt(m.latencyP50, 0)} ms, p99 ${fmt(m.latencyP99, 0)} ms`;
		return {
			figure: `Gateway throughput, ${engine.name}`,
			value: line(ours),
			baseline: `Webhook node: ${line(webhook)}; pass-through: ${line(passthrough)}`,
			ratio: `${fmt(vsWebhook.median)}× Webhook node [rounds ${fmt(vsWebhook.min)}–${fmt(vsWebhook.max)}]; ${fmt(vsPassthrough.median)}× pass-through`,
			target: '≥ 0.95× Webhook node',
			met: vsWebhook.median >= 0.95 && ours.lost === 0,
			notes:
				`${options.rounds} interleaved rounds of ${options.durationSeconds} s, ${options.connections} connections; ratio of 2xx/s per round, median. ` +
				`Accepted but not completed successfully: ours ${ours.lost}, Webhook node ${webhook.lost}, pass-through ${passthrough.lost}.`,
			details: [`### Gateway throughput runs, ${engine.name}`, '', ...runTable(results, Object.fromEntries(targets.map((t) => [t.key, t.label])))],
		};
	} finally {
		await bench.n8n.stop();
	}
}

export async function benchGatewayThroughput(options: DriveOptions = driveOptionsFromEnv()): Promise<BenchFigure[]> {
	const figures: BenchFigure[] = [];
	for (const engine of ENGINES) figures.push(await benchEngine(engine, options));
	return figures;
}

if (require.main === module) {
	benchGatewayThroughput().then(
		(figures) => console.log(JSON.stringify(figures, null, 2)),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
