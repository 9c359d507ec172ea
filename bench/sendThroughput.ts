/**
 * Send throughput: WhatsApp messages per second through the Send node (in-process, n8n-core's real
 * ExecuteContext) against the Twilio mock (its own process) answering every request after 50 ms, at
 * the node's default concurrency against concurrency 1; then the same batch with the mock refusing
 * 20% of creates with 429. Every run is checked against the mock's record: each item's message
 * created exactly once.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../nodes/TwilioWhatsApp/actions/message/send.operation';
import { TwilioWhatsApp } from '../nodes/TwilioWhatsApp/TwilioWhatsApp.node';
import { executeNode, jsonItems } from '../test/helpers/inprocess';
import { DEFAULT_ACCOUNT, MOCK_NUMBERS } from '../test/mock-twilio';
import { startMockProcess, type MockProcess } from './mockProcess';
import type { BenchFigure } from './stats';
import { fmt } from './stats';

const LATENCY_MS = 50;
const ITEMS = 1000;
/**
 * Concurrency 1 sends one message per round trip, so fewer items give its rate as well in a fifth
 * of the time; half of them run just before the batch and half just after, so that a drift of the
 * machine's load does not favour either side.
 */
const BASELINE_ITEMS = Number(process.env.BENCH_SEND_BASELINE_ITEMS) || 200;

const nodeType = new TwilioWhatsApp();

function batch(run: string, count: number): INodeExecutionData[] {
	return jsonItems(
		...Array.from({ length: count }, (_, i) => ({
			to: `+1415${String(2_000_000 + i)}`,
			body: `${run} message ${i}: your order shipped`,
		})),
	);
}

function parameters(concurrency: number | undefined): INodeParameters {
	return {
		resource: 'message',
		operation: 'send',
		channel: 'whatsapp',
		sender: 'phoneNumber',
		from: MOCK_NUMBERS.whatsapp,
		to: '={{ $json.to }}',
		content: 'text',
		body: '={{ $json.body }}',
		// Without the option the node uses its default, which is what this figure is about.
		options: concurrency === undefined ? {} : { concurrency },
	};
}

interface SendRun {
	items: number;
	seconds: number;
	perSecond: number;
	/** CPU of this process (the node, n8n-core, the HTTP client) per message created. */
	cpuMsPerMessage: number;
	created: number;
	lost: number;
	duplicated: number;
	failedItems: number;
	rateLimited: number;
	error?: string;
}

/** Sends `count` items and checks every one was created exactly once, with its own To and Body. */
async function sendRun(
	mock: MockProcess,
	run: string,
	count: number,
	concurrency: number | undefined,
): Promise<SendRun> {
	const items = batch(run, count);
	const first = await mock.counts();
	const start = process.hrtime.bigint();
	const cpuStart = process.cpuUsage();
	let output: INodeExecutionData[] = [];
	let error: string | undefined;
	try {
		const result = await executeNode(
			{
				nodeType,
				parameters: parameters(concurrency),
				credentials: {
					twilioMessagingApi: {
						accountSid: DEFAULT_ACCOUNT.accountSid,
						authType: 'authToken',
						authToken: DEFAULT_ACCOUNT.authToken,
						baseUrl: mock.url,
					},
				},
			},
			items,
		);
		output = result.output?.[0] ?? [];
	} catch (caught) {
		error = (caught as Error).message;
	}
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	const cpu = process.cpuUsage(cpuStart);
	const created = await mock.messages(first.messages);
	const timesSent = new Map<string, number>();
	for (const message of created) {
		const key = `${message.params.To}|${message.params.Body}`;
		timesSent.set(key, (timesSent.get(key) ?? 0) + 1);
	}
	const expected = new Set(items.map((item) => `whatsapp:${item.json.to}|${item.json.body}`));
	const lost = [...expected].filter((key) => !timesSent.has(key)).length;
	// A second create of an item's message, or a message no item asked for.
	const duplicated = [...timesSent].reduce(
		(sum, [key, n]) => sum + (expected.has(key) ? n - 1 : n),
		0,
	);
	const sids = new Set(created.map((m) => m.sid));
	const failedItems =
		output.filter(
			(item, i) =>
				(item.json as IDataObject).error !== undefined ||
				!sids.has(String(item.json.messageSid)) ||
				(item.pairedItem as { item: number }).item !== i,
		).length +
		(count - output.length);
	const rateLimited = (await mock.createStatuses(first.requests)).filter(
		(status) => status === 429,
	).length;
	const cpuMsPerMessage = (cpu.user + cpu.system) / 1000 / created.length;
	return {
		items: count,
		seconds,
		perSecond: created.length / seconds,
		cpuMsPerMessage,
		created: created.length,
		lost,
		duplicated,
		failedItems,
		rateLimited,
		error,
	};
}

function describe(run: SendRun): string {
	return `${run.items} items in ${fmt(run.seconds, 1)} s = ${fmt(run.perSecond, 1)} msg/s, ${fmt(run.cpuMsPerMessage)} CPU ms/msg; created ${run.created}, lost ${run.lost}, duplicated ${run.duplicated}, items without their message ${run.failedItems}${run.rateLimited ? `, ${run.rateLimited} creates refused with 429` : ''}${run.error ? `; node error: ${run.error}` : ''}`;
}

/** Two runs as one. */
function combine(a: SendRun, b: SendRun): SendRun {
	const created = a.created + b.created;
	const seconds = a.seconds + b.seconds;
	return {
		items: a.items + b.items,
		seconds,
		perSecond: created / seconds,
		cpuMsPerMessage: (a.cpuMsPerMessage * a.created + b.cpuMsPerMessage * b.created) / created,
		created,
		lost: a.lost + b.lost,
		duplicated: a.duplicated + b.duplicated,
		failedItems: a.failedItems + b.failedItems,
		rateLimited: a.rateLimited + b.rateLimited,
		error: a.error ?? b.error,
	};
}

const exact = (run: SendRun) =>
	run.created === run.items &&
	run.lost === 0 &&
	run.duplicated === 0 &&
	run.failedItems === 0 &&
	!run.error;

export async function benchSendThroughput(): Promise<BenchFigure[]> {
	const mock = await startMockProcess(LATENCY_MS);
	try {
		// Warm the node, the helper and the mock's connection handling.
		await sendRun(mock, 'warm-up', 20, undefined);
		const before = await sendRun(mock, 'concurrency-1-before', BASELINE_ITEMS / 2, 1);
		const parallel = await sendRun(mock, 'default', ITEMS, undefined);
		const after = await sendRun(mock, 'concurrency-1-after', BASELINE_ITEMS / 2, 1);
		const serial = combine(before, after);
		console.log(
			`  concurrency 1: ${describe(serial)}\n  default (${DEFAULT_CONCURRENCY}): ${describe(parallel)}`,
		);
		await mock.setFault({ kind: '429', ratio: 0.2, on: 'create' });
		const limited = await sendRun(mock, 'rate-limited', ITEMS, undefined);
		await mock.clearFaults();
		console.log(`  default, 20% 429: ${describe(limited)}`);
		const ratio = parallel.perSecond / serial.perSecond;
		return [
			{
				figure: `Send throughput (${ITEMS} WhatsApp messages, mock latency ${LATENCY_MS} ms)`,
				value: `${fmt(parallel.perSecond, 1)} msg/s at the default concurrency (${DEFAULT_CONCURRENCY})`,
				baseline: `concurrency 1: ${fmt(serial.perSecond, 1)} msg/s (${BASELINE_ITEMS} items, half before and half after)`,
				ratio: `${fmt(ratio, 1)}×`,
				target: '≥ 10×; 0 lost, 0 duplicated',
				met: ratio >= 10 && exact(parallel) && exact(serial),
				notes:
					`default: ${describe(parallel)}. Concurrency 1: ${describe(serial)}. ` +
					`At the default concurrency the rate is bounded by this process's CPU (${fmt(parallel.cpuMsPerMessage)} ms a message, mostly n8n-core: a new HTTP agent and TCP connection per request, expression evaluation) and by what the shared machine leaves it; the mock's 50 ms allow ${DEFAULT_CONCURRENCY}× in theory.`,
			},
			{
				figure: `Send under rate limit (${ITEMS} messages, 20% of creates answered 429)`,
				value: `${limited.created} created, ${limited.lost} lost, ${limited.duplicated} duplicated, ${fmt(limited.perSecond, 1)} msg/s`,
				baseline: '—',
				ratio: `${fmt(limited.perSecond / parallel.perSecond)}× the rate without 429s`,
				target: 'all 1,000 sent exactly once',
				met: exact(limited),
				notes: describe(limited),
			},
		];
	} finally {
		await mock.close();
	}
}

if (require.main === module) {
	benchSendThroughput().then(
		(figures) => console.log(JSON.stringify(figures, null, 2)),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
