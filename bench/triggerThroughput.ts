/**
 * Trigger throughput: signed WhatsApp inbound webhooks into an active workflow (trigger → NoOp) on
 * a real n8n, against (a) n8n's own Webhook node and (b) the minimal pass-through community trigger
 * in bench/n8n-nodes-bench-passthrough receiving the same requests, on the same n8n, interleaved;
 * once per expression-engine setting (see webhookSessions.ts). (c), the pass-through with a
 * credential attached, shows how much of the gap to (b) n8n charges for the credential alone.
 */
import type { RunResult } from './n8nDriver';
import { medians, roundRatios } from './n8nDriver';
import type { BenchFigure } from './stats';
import { fmt } from './stats';
import type { Session } from './webhookSessions';
import { TYPING_ANSWER_MS, webhookSessions } from './webhookSessions';

export function runTable(session: Session, keys: string[]): string[] {
	const rows = session.results.filter((r) => keys.includes(r.target));
	const row = (r: RunResult) =>
		`| ${r.round + 1} | ${session.labels[r.target]} | ${fmt(r.execsPerSec, 1)} | ${fmt(r.acceptedPerSec, 1)} | ${r.latencyP50} | ${r.latencyP99} | ${fmt(r.cpuMsPerExec, 1)} | ${r.succeeded} / ${r.responses2xx} | ${r.non2xx + r.errors} | ${fmt(r.drainSeconds, 1)} |`;
	return [
		'| round | target | exec/s completed | 2xx/s | p50 ms | p99 ms | n8n CPU ms/exec | succeeded / 2xx | non-2xx + errors | drain s |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
		...rows.map(row),
	];
}

export const describeRuns = (session: Session) =>
	`${session.options.rounds} interleaved rounds of ${session.options.durationSeconds} s, ${session.options.connections} connections; medians over rounds, ratios taken per round (same background load), then their median [min–max]`;

function figure(session: Session): BenchFigure {
	const { results } = session;
	const a = medians(results, 'webhook');
	const b = medians(results, 'passthrough');
	const c = medians(results, 'passthroughCred');
	const ours = medians(results, 'twilio');
	const vsB = roundRatios(results, 'twilio', 'passthrough');
	const vsC = roundRatios(results, 'twilio', 'passthroughCred');
	const cVsB = roundRatios(results, 'passthroughCred', 'passthrough');
	const vsA = roundRatios(results, 'twilio', 'webhook');
	const bVsA = roundRatios(results, 'passthrough', 'webhook');
	// Inverted, so that like the rate ratio above 1 means cheaper than the baseline.
	const cpuVsB = roundRatios(results, 'passthrough', 'twilio', (r) => r.cpuMsPerExec);
	const line = (m: typeof ours) =>
		`${fmt(m.execsPerSec, 1)} exec/s, p50 ${fmt(m.latencyP50, 0)} ms, p99 ${fmt(m.latencyP99, 0)} ms, ${fmt(m.cpuMsPerExec, 1)} n8n CPU ms/exec`;
	return {
		figure: `Trigger throughput, ${session.engine.name}`,
		value: line(ours),
		baseline: `(b) pass-through: ${line(b)}; (c) pass-through with a credential: ${line(c)}; (a) Webhook node: ${line(a)}`,
		ratio:
			`${fmt(vsB.median)}× (b) [${fmt(vsB.min)}–${fmt(vsB.max)}]; ${fmt(vsC.median)}× (c) [${fmt(vsC.min)}–${fmt(vsC.max)}]; ` +
			`(c) is ${fmt(cVsB.median)}× (b) [${fmt(cVsB.min)}–${fmt(cVsB.max)}]; ${fmt(vsA.median)}× (a); (b) is ${fmt(bVsA.median)}× (a); ` +
			`CPU: (b)/ours ${fmt(cpuVsB.median)} [${fmt(cpuVsB.min)}–${fmt(cpuVsB.max)}]`,
		target: '≥ 0.95× (b) in every round',
		met: vsB.min >= 0.95 && ours.lost === 0 && ours.failed === 0,
		notes:
			`${describeRuns(session)}. Answered 2xx without a finished execution: ours ${ours.lost}, (b) ${b.lost}, (c) ${c.lost}, (a) ${a.lost}; ` +
			`failed executions: ours ${ours.failed}, (b) ${b.failed}, (c) ${c.failed}, (a) ${a.failed}; non-2xx or socket errors: ours ${ours.non2xx}, (b) ${b.non2xx}, (c) ${c.non2xx}, (a) ${a.non2xx}.`,
		details: [
			`### Trigger throughput, ${session.engine.name}`,
			'',
			...runTable(session, [
				'webhook',
				'passthrough',
				'passthroughCred',
				'twilio',
				'twilioNoLog',
				'twilioNoCred',
				'passthroughSelf',
			]),
		],
	};
}

const sumOf = (results: RunResult[], key: string) =>
	results.filter((r) => r.target === key).reduce((sum, r) => sum + r.finished, 0);

/**
 * The trigger with Show Typing Indicator on Inbound Messages against itself without it, same
 * rounds.
 */
function typingFigure(session: Session): BenchFigure {
	const { results } = session;
	const plain = medians(results, 'twilio');
	const typing = medians(results, 'twilioTyping');
	const vsPlain = roundRatios(results, 'twilioTyping', 'twilio');
	const vsB = roundRatios(results, 'twilioTyping', 'passthrough');
	const plainVsB = roundRatios(results, 'twilio', 'passthrough');
	const line = (m: typeof plain) =>
		`${fmt(m.execsPerSec, 1)} exec/s, p50 ${fmt(m.latencyP50, 0)} ms, p99 ${fmt(m.latencyP99, 0)} ms`;
	return {
		figure: `Trigger throughput with the typing indicator on (Twilio answers it after ${TYPING_ANSWER_MS} ms), ${session.engine.name}`,
		value: line(typing),
		baseline: `the same trigger without the option: ${line(plain)}`,
		ratio: `${fmt(vsPlain.median)}× without [${fmt(vsPlain.min)}–${fmt(vsPlain.max)}]; vs (b) ${fmt(vsB.median)}× with, ${fmt(plainVsB.median)}× without`,
		target: "within the noise of the trigger's ratio to (b)",
		// Within the noise: the best round with the option reaches the worst round without it.
		met: vsB.max >= plainVsB.min && typing.lost === 0 && typing.failed === 0,
		notes: `${describeRuns(session)}. Typing indicators Twilio accepted (warm-up included): ${session.typingIndicators}, for ${sumOf(results, 'twilioTyping')} executions measured. Answered 2xx without a finished execution: ${typing.lost}; failed executions: ${typing.failed}; non-2xx or socket errors: ${typing.non2xx}.`,
		details: [
			`### Trigger throughput with the typing indicator on, ${session.engine.name}`,
			'',
			...runTable(session, ['twilio', 'twilioTyping', 'passthrough']),
		],
	};
}

export async function benchTriggerThroughput(): Promise<BenchFigure[]> {
	return (await webhookSessions()).flatMap((session) => [figure(session), typingFigure(session)]);
}

if (require.main === module) {
	benchTriggerThroughput().then(
		(figures) => console.log(JSON.stringify(figures, null, 2)),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
