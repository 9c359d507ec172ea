/**
 * Gateway throughput: TimelinesAI-style "send message" requests accepted per second by the
 * TimelinesAI-compatible trigger, against n8n's own Webhook node receiving the same JSON, on the
 * same n8n (trigger → NoOp each) and in the same interleaved rounds as the trigger figures, whose
 * pass-through community trigger shows what any community trigger pays in n8n 2.x.
 */
import type { RunResult } from './n8nDriver';
import { medians, roundRatios } from './n8nDriver';
import type { BenchFigure } from './stats';
import { fmt } from './stats';
import { describeRuns, runTable } from './triggerThroughput';
import type { Session } from './webhookSessions';
import { webhookSessions } from './webhookSessions';

function figure(session: Session): BenchFigure {
	const { results } = session;
	const accepted = (r: RunResult) => r.acceptedPerSec;
	const ours = medians(results, 'timelinesai');
	const webhook = medians(results, 'webhookJson');
	const vsWebhook = roundRatios(results, 'timelinesai', 'webhookJson', accepted);
	const vsPassthrough = roundRatios(results, 'timelinesai', 'passthrough', accepted);
	const cpuVsWebhook = roundRatios(results, 'webhookJson', 'timelinesai', (r) => r.cpuMsPerExec);
	const line = (m: typeof ours) =>
		`${fmt(m.acceptedPerSec, 1)} req/s accepted (${fmt(m.execsPerSec, 1)} exec/s completed), p50 ${fmt(m.latencyP50, 0)} ms, p99 ${fmt(m.latencyP99, 0)} ms, ${fmt(m.cpuMsPerExec, 1)} n8n CPU ms/exec`;
	return {
		figure: `Gateway throughput, ${session.engine.name}`,
		value: line(ours),
		baseline: `Webhook node, same JSON: ${line(webhook)}`,
		ratio: `${fmt(vsWebhook.median)}× Webhook node [${fmt(vsWebhook.min)}–${fmt(vsWebhook.max)}]; ${fmt(vsPassthrough.median)}× the pass-through community trigger; CPU: Webhook node/ours ${fmt(cpuVsWebhook.median)}`,
		target: '≥ 0.95× Webhook node',
		met: vsWebhook.median >= 0.95 && ours.lost === 0 && ours.failed === 0,
		notes:
			`${describeRuns(session)}; ratio of 2xx/s. Answered 2xx without a finished execution: ours ${ours.lost}, Webhook node ${webhook.lost}; ` +
			`failed executions: ours ${ours.failed}; non-2xx or socket errors: ours ${ours.non2xx}, Webhook node ${webhook.non2xx}.`,
		details: [
			`### Gateway throughput, ${session.engine.name}`,
			'',
			...runTable(session, ['webhookJson', 'timelinesai']),
		],
	};
}

export async function benchGatewayThroughput(): Promise<BenchFigure[]> {
	return (await webhookSessions()).map(figure);
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
