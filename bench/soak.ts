/**
 * Soak (not a test; `npm run bench:soak`): steady signed traffic for SOAK_MINUTES (default 30) into
 * two n8n processes side by side, each receiving the same two request streams at the same steady
 * rate:
 *
 * - "ours": the Twilio Trigger (all events; inbound messages and status callbacks mixed, every 10th
 *   request a duplicate delivery with an earlier request's I-Twilio-Idempotency-Token) and the
 *   TimelinesAI-compatible trigger (quota budget set, attempt log on);
 * - "baseline": the pass-through community trigger (bench/n8n-nodes-bench-passthrough) twice, once
 *   per stream, with the very same requests.
 *
 * Every SOAK_SAMPLE_SECONDS (default 60) it samples, per process: RSS and V8 heap of the n8n
 * process (process.memoryUsage() through the inspector, after no forced GC), RSS of its process
 * group (task runner included), each workflow's static data size, and for ours the per-process
 * memories of the package (the RecentPerTrigger instances found by prototype, the credential cache
 * found by its keys). At the end: executions by status per workflow, answers by status, memory
 * growth of both processes.
 */
import { createHmac, randomUUID } from 'crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { setTimeout as delay } from 'timers/promises';

import { freePorts, REPO_ROOT } from '../test/e2e/harness/n8nProcess';
import { DEFAULT_ACCOUNT, MOCK_NUMBERS } from '../test/mock-twilio';
import type { BenchN8n, BenchRequest, Target } from './n8nDriver';
import { addTargets, startBenchN8n } from './n8nDriver';
import { fmt } from './stats';
import {
	passthroughTarget,
	timelinesAiRequests,
	timelinesAiTarget,
	TWILIO_CREDENTIALS,
	twilioTriggerTarget,
	whatsAppInbound,
} from './webhookTargets';

const number = (name: string, fallback: number) => {
	const value = Number(process.env[name]);
	return Number.isFinite(value) && value > 0 ? value : fallback;
};

const OPTIONS = {
	minutes: number('SOAK_MINUTES', 30),
	/** Requests per second into each workflow (four workflows, two per process). */
	rate: number('SOAK_RATE', 1),
	sampleSeconds: number('SOAK_SAMPLE_SECONDS', 60),
	/** Requests still unanswered beyond this are not waited for (counted as not sent). */
	maxInFlight: 50,
	/** Every n-th Twilio request repeats the delivery sent 5 requests earlier (Twilio's retry). */
	duplicateEvery: 10,
	/** The TimelinesAI trigger's quota budget: high enough that steady traffic never exhausts it. */
	quotaBudget: 10_000_000,
};

const STATUSES = ['sent', 'delivered', 'read'] as const;

function signature(url: string, params: Record<string, string>): string {
	const data = Object.keys(params)
		.sort()
		.reduce((acc, key) => acc + key + params[key], url);
	return createHmac('sha1', DEFAULT_ACCOUNT.authToken).update(data, 'utf8').digest('base64');
}

/**
 * A WhatsApp status callback (Twilio's outbound message status callback parameters, WhatsApp
 * channel).
 */
function whatsAppStatus(n: number): Record<string, string> {
	const sid = `SM${(0x8000_0000 + n).toString(16).padStart(32, '0')}`;
	const status = STATUSES[n % STATUSES.length];
	return {
		AccountSid: DEFAULT_ACCOUNT.accountSid,
		ApiVersion: '2010-04-01',
		From: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
		To: 'whatsapp:+14017122661',
		MessageSid: sid,
		SmsSid: sid,
		MessageStatus: status,
		SmsStatus: status,
		ChannelInstallSid: 'XE00000000000000000000000000000000',
		ChannelPrefix: 'whatsapp',
		ChannelToAddress: '+14017122661',
		...(status === 'read' ? { EventType: 'READ' } : {}),
	};
}

/** The i-th Twilio request: inbound and status callbacks alternating, every n-th a duplicate. */
function twilioRequest(
	url: string,
	nonce: string,
	i: number,
): BenchRequest & { duplicate: boolean } {
	const duplicate = i % OPTIONS.duplicateEvery === OPTIONS.duplicateEvery - 1 && i >= 5;
	const k = duplicate ? i - 5 : i;
	const params = k % 2 === 0 ? whatsAppInbound(k) : whatsAppStatus(k);
	return {
		duplicate,
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			'x-twilio-signature': signature(url, params),
			'i-twilio-idempotency-token': `${nonce}-${k}`,
			'user-agent': 'TwilioProxy/1.1',
		},
		body: new URLSearchParams(params).toString(),
	};
}

interface Stream {
	key: string;
	label: string;
	process: 'ours' | 'baseline';
	path: string;
	workflowId?: string;
	request: (i: number) => BenchRequest & { duplicate?: boolean };
	answers: Record<string, number>;
	duplicatesSent: number;
	notSent: number;
	inFlight: number;
}

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
class Inspector {
	private next = 1;
	private readonly pending = new Map<
		number,
		(message: { result?: unknown; error?: unknown }) => void
	>();

	private constructor(private readonly socket: WebSocket) {
		socket.addEventListener('message', (event) => {
			const message = JSON.parse(String(event.data)) as {
				id?: number;
				result?: unknown;
				error?: unknown;
			};
			if (message.id !== undefined) this.pending.get(message.id)?.(message);
		});
	}

	static async connect(port: number): Promise<Inspector> {
		const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
			webSocketDebuggerUrl: string;
		}>;
		const socket = new WebSocket(target.webSocketDebuggerUrl);
		await new Promise((resolve, reject) => {
			socket.addEventListener('open', resolve, { once: true });
			socket.addEventListener('error', reject, { once: true });
		});
		return new Inspector(socket);
	}

	async send<T>(method: string, params: object): Promise<T> {
		const id = this.next++;
		const answer = await new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
			this.pending.set(id, resolve);
			this.socket.send(JSON.stringify({ id, method, params }));
		});
		this.pending.delete(id);
		if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
		return answer.result as T;
	}

	async value<T>(expression: string): Promise<T> {
		const { result, exceptionDetails } = await this.send<{
			result: { value?: T };
			exceptionDetails?: unknown;
		}>('Runtime.evaluate', { expression, returnByValue: true });
		if (exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(exceptionDetails)}`);
		return result.value as T;
	}

	/**
	 * Calls `fn` (source text) on the module-level variable `variable` of the package's dist file
	 * `relative`, reached through the closure scope of one of the module's exported functions (n8n
	 * loads community nodes with require, so the module is in require's cache). Undefined when not
	 * found.
	 */
	async onModuleVariable<T>(
		relative: string,
		variable: string,
		fn: string,
	): Promise<T | undefined> {
		const exported = await this.send<{ result: { objectId?: string } }>('Runtime.evaluate', {
			expression: `(() => { const cache = process.getBuiltinModule('module')._cache; const key = Object.keys(cache).find((k) => k.endsWith('/n8n-nodes-twilio-whatsapp/dist/${relative}')); const exports = key && cache[key].exports; return exports && Object.values(exports).find((v) => typeof v === 'function'); })()`,
			objectGroup: 'soak',
		});
		if (!exported.result.objectId) return undefined;
		try {
			const scopes = await this.internal(exported.result.objectId, '[[Scopes]]');
			if (!scopes) return undefined;
			for (const scope of await this.properties(scopes)) {
				if (!scope.value?.objectId) continue;
				const found = (await this.properties(scope.value.objectId)).find(
					(p) => p.name === variable,
				);
				if (!found?.value?.objectId) continue;
				const { result } = await this.send<{ result: { value?: T } }>('Runtime.callFunctionOn', {
					objectId: found.value.objectId,
					functionDeclaration: fn,
					returnByValue: true,
				});
				return result.value;
			}
			return undefined;
		} finally {
			await this.send('Runtime.releaseObjectGroup', { objectGroup: 'soak' });
		}
	}

	private async properties(objectId: string) {
		const { result } = await this.send<{
			result: Array<{ name: string; value?: { objectId?: string } }>;
		}>('Runtime.getProperties', { objectId, ownProperties: true });
		return result;
	}

	private async internal(objectId: string, name: string): Promise<string | undefined> {
		const { internalProperties } = await this.send<{
			internalProperties?: Array<{ name: string; value?: { objectId?: string } }>;
		}>('Runtime.getProperties', { objectId, ownProperties: true });
		return internalProperties?.find((p) => p.name === name)?.value?.objectId;
	}

	close(): void {
		this.socket.close();
	}
}

/** The package's per-process memories: module-level variables, by file and name. */
const MEMORIES = [
	{
		label: 'Twilio tokens executed here',
		file: 'nodes/TwilioWhatsAppTrigger/idempotency.js',
		variable: 'executedHere',
	},
	{
		label: 'Twilio tokens received here',
		file: 'nodes/TwilioWhatsAppTrigger/idempotency.js',
		variable: 'receivedHere',
	},
	{
		label: 'TimelinesAI state copy',
		file: 'nodes/TimelinesAiTrigger/stateStore.js',
		variable: 'copies',
	},
	{
		label: 'credential cache',
		file: 'nodes/shared/credentialCache.js',
		variable: 'cache',
	},
];

/** Entries and, except for credentials (secrets stay in the process), the values' JSON size. */
const MEASURE = `function () {
	const map = this instanceof Map ? this : this.entries;
	const values = [...map.values()].map((v) =>
		v instanceof Map ? [...v] : v && v.firstSeen instanceof Map ? [...v.firstSeen] : v,
	);
	const secret = values.some((v) => v && typeof v === 'object' && 'credentials' in v);
	return { entries: map.size, jsonBytes: secret ? undefined : JSON.stringify(values).length };
}`;

type MemorySizes = Record<string, { entries: number; jsonBytes?: number } | 'not found'>;

async function memorySizes(inspector: Inspector): Promise<MemorySizes> {
	const sizes: MemorySizes = {};
	for (const memory of MEMORIES)
		sizes[memory.label] =
			(await inspector.onModuleVariable<{ entries: number; jsonBytes?: number }>(
				memory.file,
				memory.variable,
				MEASURE,
			)) ?? 'not found';
	return sizes;
}

/** RSS of every process in the group led by `pgid` (n8n and its task runner), from /proc. */
function groupRssBytes(pgid: number): number {
	let pages = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === pgid) pages += Number(fields[21]);
		} catch {
			continue;
		}
	}
	return pages * 4096;
}

interface Sample {
	minute: number;
	process: 'ours' | 'baseline';
	rss: number;
	heapUsed: number;
	groupRss: number;
	staticDataBytes: Record<string, number>;
	/** Executions of the process's workflows not finished yet (new or running). */
	unfinished: number;
	memories?: MemorySizes;
}

interface Proc {
	name: 'ours' | 'baseline';
	bench: BenchN8n;
	inspector: Inspector;
}

async function startProcess(
	name: 'ours' | 'baseline',
): Promise<{ bench: BenchN8n; inspector: Inspector }> {
	const [inspectPort] = await freePorts(1);
	const bench = await startBenchN8n(
		`soak-${name}`,
		{
			NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
			// n8n's 5-second database health ping times out on a loaded machine and then answers every
			// request 503 "Database is not ready!" until the next ping passes; the same for both
			// processes.
			DB_PING_TIMEOUT_MS: '30000',
		},
		name === 'ours' ? TWILIO_CREDENTIALS : {},
	);
	return { bench, inspector: await Inspector.connect(inspectPort) };
}

async function staticDataBytes(bench: BenchN8n, workflowId: string): Promise<number> {
	const workflow = await bench.client.rest<{ staticData?: unknown }>(
		'GET',
		`/workflows/${workflowId}`,
	);
	return workflow.staticData ? JSON.stringify(workflow.staticData).length : 0;
}

async function sample(proc: Proc, streams: Stream[], minute: number): Promise<Sample> {
	const memory = await proc.inspector.value<{ rss: number; heapUsed: number }>(
		'(() => { const m = process.memoryUsage(); return { rss: m.rss, heapUsed: m.heapUsed }; })()',
	);
	const staticData: Record<string, number> = {};
	let unfinished = 0;
	for (const stream of streams.filter((s) => s.process === proc.name)) {
		staticData[stream.key] = await staticDataBytes(proc.bench, stream.workflowId!);
		unfinished += await unfinishedExecutions(proc.bench, stream.workflowId!);
	}
	return {
		minute,
		process: proc.name,
		rss: memory.rss,
		heapUsed: memory.heapUsed,
		groupRss: groupRssBytes(proc.bench.n8n.pid),
		staticDataBytes: staticData,
		unfinished,
		...(proc.name === 'ours' ? { memories: await memorySizes(proc.inspector) } : {}),
	};
}

async function executionCount(
	bench: BenchN8n,
	workflowId: string,
	statuses: string[],
): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: statuses }));
	return (await bench.client.rest<{ count: number }>('GET', `/executions?filter=${filter}&limit=1`))
		.count;
}

const unfinishedExecutions = async (bench: BenchN8n, workflowId: string) =>
	await executionCount(bench, workflowId, ['new', 'running']);

async function executionCounts(
	bench: BenchN8n,
	workflowId: string,
): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const status of ['success', 'error', 'crashed', 'new', 'running'])
		counts[status] = await executionCount(bench, workflowId, [status]);
	return counts;
}

function send(proc: Proc, stream: Stream, i: number): void {
	if (stream.inFlight >= OPTIONS.maxInFlight) {
		stream.notSent += 1;
		return;
	}
	const { headers, body, duplicate } = stream.request(i);
	if (duplicate) stream.duplicatesSent += 1;
	stream.inFlight += 1;
	fetch(`${proc.bench.n8n.baseUrl}${stream.path}`, { method: 'POST', headers, body })
		.then(
			async (response) => {
				await response.arrayBuffer();
				return String(response.status);
			},
			(error: Error) => `error: ${error.message}`,
		)
		.then((outcome) => {
			stream.answers[outcome] = (stream.answers[outcome] ?? 0) + 1;
			stream.inFlight -= 1;
		});
}

const mb = (bytes: number) => fmt(bytes / 2 ** 20, 1);

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
	const n = points.length;
	if (n < 2) return NaN;
	const mx = points.reduce((s, [x]) => s + x, 0) / n;
	const my = points.reduce((s, [, y]) => s + y, 0) / n;
	const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
	const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
	return num / den;
}

function report(
	streams: Stream[],
	samples: Sample[],
	counts: Record<string, Record<string, number>>,
	startedAt: Date,
): string[] {
	const lines = [
		`### Soak: ${OPTIONS.minutes} min, ${OPTIONS.rate} requests/s into each of 4 workflows (${startedAt.toISOString()})`,
		'',
		'| workflow | process | requests | duplicates | answers | executions (success / error / other) | success rate |',
		'| --- | --- | --- | --- | --- | --- | --- |',
	];
	for (const stream of streams) {
		const c = counts[stream.key];
		const finished = c.success + c.error + c.crashed;
		const sent = Object.values(stream.answers).reduce((a, b) => a + b, 0);
		lines.push(
			`| ${stream.label} | ${stream.process} | ${sent} (+${stream.notSent} not sent) | ${stream.duplicatesSent} | ${Object.entries(
				stream.answers,
			)
				.map(([status, n]) => `${status}: ${n}`)
				.join(
					', ',
				)} | ${c.success} / ${c.error} / ${c.crashed + c.new + c.running} | ${fmt((100 * c.success) / Math.max(1, finished), 2)}% |`,
		);
	}
	lines.push(
		'',
		'| minute | ours RSS MB | ours heap MB | ours group RSS MB | ours unfinished executions | baseline RSS MB | baseline heap MB | baseline group RSS MB | baseline unfinished executions | static data bytes (ours) | static data bytes (baseline) | per-process memories (ours): entries (JSON bytes) |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
	);
	const minutes = [...new Set(samples.map((s) => s.minute))];
	for (const minute of minutes) {
		const ours = samples.find((s) => s.minute === minute && s.process === 'ours');
		const base = samples.find((s) => s.minute === minute && s.process === 'baseline');
		if (!ours || !base) continue;
		const caches = Object.entries(ours.memories ?? {})
			.map(([label, size]) =>
				size === 'not found'
					? `${label}: not found`
					: `${label}: ${size.entries}${size.jsonBytes === undefined ? '' : ` (${size.jsonBytes} B)`}`,
			)
			.join('; ');
		const data = (s: Sample) =>
			Object.entries(s.staticDataBytes)
				.map(([k, v]) => `${k} ${v}`)
				.join(', ');
		lines.push(
			`| ${minute} | ${mb(ours.rss)} | ${mb(ours.heapUsed)} | ${mb(ours.groupRss)} | ${ours.unfinished} | ${mb(base.rss)} | ${mb(base.heapUsed)} | ${mb(base.groupRss)} | ${base.unfinished} | ${data(ours)} | ${data(base)} | ${caches} |`,
		);
	}
	// Growth after the first sample (start-up and first loads excluded): slope in MB per minute.
	const growth = (proc: 'ours' | 'baseline', pick: (s: Sample) => number) =>
		slope(
			samples
				.filter((s) => s.process === proc && s.minute >= 1)
				.map((s) => [s.minute, pick(s) / 2 ** 20] as [number, number]),
		);
	const rows: Array<[string, (s: Sample) => number]> = [
		['RSS', (s) => s.rss],
		['heap used', (s) => s.heapUsed],
		['group RSS', (s) => s.groupRss],
	];
	lines.push('');
	for (const [name, pick] of rows) {
		const ours = growth('ours', pick);
		const base = growth('baseline', pick);
		lines.push(
			`- ${name} growth from minute 1 on (least-squares slope): ours ${fmt(ours, 2)} MB/min, baseline ${fmt(base, 2)} MB/min`,
		);
	}
	const rate = (keys: string[]) => {
		const success = keys.reduce((s, k) => s + counts[k].success, 0);
		const all = keys.reduce(
			(s, k) => s + counts[k].success + counts[k].error + counts[k].crashed,
			0,
		);
		return success / Math.max(1, all);
	};
	const oursRate = rate(streams.filter((s) => s.process === 'ours').map((s) => s.key));
	const baseRate = rate(streams.filter((s) => s.process === 'baseline').map((s) => s.key));
	lines.push(
		`- Execution success rate: ours ${fmt(100 * oursRate, 2)}%, baseline ${fmt(100 * baseRate, 2)}%, ratio ${fmt(oursRate / baseRate, 4)}`,
	);
	return lines;
}

async function main() {
	const startedAt = new Date();
	const procs: Proc[] = [];
	try {
		for (const name of ['ours', 'baseline'] as const)
			procs.push({ name, ...(await startProcess(name)) });
		const [ours, baseline] = procs;
		const nonce = randomUUID();
		const twilio = twilioTriggerTarget(
			'twilio',
			'Twilio Trigger (inbound + status callbacks, 1 in 10 duplicate)',
			ours.bench.n8n.baseUrl,
		);
		twilio.request = (i) => twilioRequest(`${ours.bench.n8n.baseUrl}${twilio.path}`, nonce, i);
		const timelines = timelinesAiTarget(
			'timelines',
			`TimelinesAI trigger (quota budget ${OPTIONS.quotaBudget}, attempt log with texts)`,
		);
		timelines.trigger.parameters = {
			...timelines.trigger.parameters,
			quotaBudget: OPTIONS.quotaBudget,
			options: { logMessageText: true },
		};
		const passthroughTwilio = passthroughTarget(
			'passthroughTwilio',
			'pass-through, the same Twilio requests',
			(url) => (i) => twilioRequest(url, nonce, i),
			baseline.bench.n8n.baseUrl,
		);
		const passthroughTimelines = passthroughTarget(
			'passthroughTimelines',
			'pass-through, the same TimelinesAI requests',
			() => timelinesAiRequests(),
			baseline.bench.n8n.baseUrl,
		);
		await addTargets(ours.bench, [twilio, timelines]);
		await addTargets(baseline.bench, [passthroughTwilio, passthroughTimelines]);
		const stream = (target: Target, proc: Proc): Stream => ({
			key: target.key,
			label: target.label,
			process: proc.name,
			path: target.path,
			request: target.request,
			workflowId: proc.bench.workflows.get(target.key),
			answers: {},
			duplicatesSent: 0,
			notSent: 0,
			inFlight: 0,
		});
		const streams = [
			stream(twilio, ours),
			stream(passthroughTwilio, baseline),
			stream(timelines, ours),
			stream(passthroughTimelines, baseline),
		];

		console.log(
			`soak: ${OPTIONS.minutes} min at ${OPTIONS.rate}/s per workflow; ours ${ours.bench.n8n.baseUrl}, baseline ${baseline.bench.n8n.baseUrl}`,
		);
		const samples: Sample[] = [];
		const takeSamples = async (minute: number) => {
			for (const proc of procs) {
				let s: Sample;
				try {
					s = await sample(proc, streams, minute);
				} catch (error) {
					console.log(`  minute ${minute} ${proc.name}: no sample (${(error as Error).message})`);
					continue;
				}
				samples.push(s);
				console.log(
					`  minute ${minute} ${proc.name}: RSS ${mb(s.rss)} MB, heap ${mb(s.heapUsed)} MB, group RSS ${mb(s.groupRss)} MB, unfinished ${s.unfinished}, static data ${JSON.stringify(s.staticDataBytes)}${s.memories ? `, memories ${JSON.stringify(s.memories)}` : ''}`,
				);
			}
		};
		await takeSamples(0);
		const start = Date.now();
		const end = start + OPTIONS.minutes * 60_000;
		const intervalMs = 1000 / OPTIONS.rate;
		// Sampling runs beside the traffic, so that a slow sample never pauses the steady rate.
		const sampleMs = OPTIONS.sampleSeconds * 1000;
		const sampler = (async () => {
			for (let at = start + sampleMs; at < end; at += sampleMs) {
				await delay(Math.max(0, at - Date.now()));
				await takeSamples(Number(((at - start) / 60_000).toFixed(1)));
			}
		})();
		for (let i = 0; Date.now() < end; i++) {
			for (const stream of streams) send(stream.process === 'ours' ? ours : baseline, stream, i);
			await delay(Math.max(0, start + (i + 1) * intervalMs - Date.now()));
		}
		await sampler;
		// Let the answers and executions finish (bounded), then one last sample and the counts.
		const drainUntil = Date.now() + 300_000;
		while (Date.now() < drainUntil && streams.some((s) => s.inFlight > 0)) await delay(500);
		for (const stream of streams) {
			const bench = stream.process === 'ours' ? ours.bench : baseline.bench;
			while (Date.now() < drainUntil && (await unfinishedExecutions(bench, stream.workflowId!)) > 0)
				await delay(2_000);
		}
		await takeSamples(Number(((Date.now() - start) / 60_000).toFixed(1)));
		const counts: Record<string, Record<string, number>> = {};
		for (const stream of streams)
			counts[stream.key] = await executionCounts(
				stream.process === 'ours' ? ours.bench : baseline.bench,
				stream.workflowId!,
			);
		const lines = report(streams, samples, counts, startedAt);
		const outDir = join(REPO_ROOT, 'bench', 'out');
		mkdirSync(outDir, { recursive: true });
		writeFileSync(join(outDir, 'soak.md'), lines.join('\n') + '\n');
		writeFileSync(join(outDir, 'soak.json'), JSON.stringify({ OPTIONS, samples, counts }, null, 2));
		console.log(lines.join('\n'));
		console.log(`soak: wrote ${join(outDir, 'soak.md')}`);
	} finally {
		for (const proc of procs) {
			proc.inspector.close();
			await proc.bench.n8n.stop();
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
