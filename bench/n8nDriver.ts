/**
 * Drives webhook workflows on one real n8n (started by the e2e harness) with autocannon and counts
 * what n8n actually completed. Each target is one active workflow (trigger → NoOp); rounds
 * interleave the targets (see runRounds) so that background load on the shared machine hits all of
 * them alike.
 */
import autocannon from 'autocannon';
import { mkdirSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { setTimeout as delay } from 'timers/promises';

import { N8nClient, REPO_ROOT, startN8n, type N8nInstance } from '../test/e2e/harness';
import { summarize } from './stats';

export const PASSTHROUGH_PACKAGE = join(REPO_ROOT, 'bench', 'n8n-nodes-bench-passthrough');

/** One request as autocannon sends it. */
export interface BenchRequest {
	headers: Record<string, string>;
	body: string;
}

export interface Target {
	key: string;
	label: string;
	/**
	 * The trigger node; `credentials` names the credential types it uses (created by startBenchN8n).
	 */
	trigger: {
		name: string;
		type: string;
		typeVersion: number;
		webhookId: string;
		parameters: Record<string, unknown>;
		credentials?: Record<string, string>;
	};
	/** Path and query below the n8n base URL. */
	path: string;
	/** The i-th request of a run; called once per request, so it must be cheap (pre-compute). */
	request: (i: number) => BenchRequest;
}

export interface RunResult {
	target: string;
	round: number;
	responses2xx: number;
	non2xx: number;
	errors: number;
	/** Executions that reached a final status, and of those, successes. */
	finished: number;
	succeeded: number;
	/** Successful executions per second, from the first request to the last execution's stoppedAt. */
	execsPerSec: number;
	/** 2xx responses per second over autocannon's duration. */
	acceptedPerSec: number;
	latencyP50: number;
	latencyP99: number;
	/** Seconds from the end of the load to the last execution's stop. */
	drainSeconds: number;
	/**
	 * CPU time of the n8n process (all its threads: isolates, SQLite) per successful execution, from
	 * the start of the load until every execution finished. Unlike rates, it hardly moves with the
	 * load that other processes put on the machine.
	 */
	cpuMsPerExec: number;
}

export interface DriveOptions {
	durationSeconds: number;
	rounds: number;
	connections: number;
	warmupSeconds: number;
}

export function driveOptionsFromEnv(): DriveOptions {
	const number = (name: string, fallback: number) => {
		const value = Number(process.env[name]);
		return Number.isFinite(value) && value > 0 ? value : fallback;
	};
	return {
		durationSeconds: number('BENCH_DURATION_S', 5),
		rounds: number('BENCH_ROUNDS', 4),
		connections: number('BENCH_CONNECTIONS', 10),
		warmupSeconds: number('BENCH_WARMUP_S', 2),
	};
}

export interface BenchN8n {
	n8n: N8nInstance;
	client: N8nClient;
	credentialIds: Record<string, { id: string; name: string }>;
	/** Workflow id per target key. */
	workflows: Map<string, string>;
}

/**
 * Starts n8n with this package and the pass-through baseline and creates the credentials the
 * targets will name (as `{type: data}`). `BENCH_CPU_PROF=<dir>` makes n8n write a CPU profile there
 * when it stops. Tries twice: the package is copied from dist/ at start, which a parallel
 * `npm run build` in the same clone may be rewriting at that moment (n8n then lacks the node or
 * credential types).
 */
export async function startBenchN8n(
	name: string,
	env: Record<string, string>,
	credentials: Record<string, Record<string, unknown>> = {},
): Promise<BenchN8n> {
	try {
		return await startOnce(name, env, credentials);
	} catch (error) {
		console.log(
			`  n8n start failed (${(error as Error).message.split('\n')[0]}); trying once more in 10 s`,
		);
		await delay(10_000);
		return await startOnce(name, env, credentials);
	}
}

async function startOnce(
	name: string,
	env: Record<string, string>,
	credentials: Record<string, Record<string, unknown>>,
): Promise<BenchN8n> {
	const profileDir = process.env.BENCH_CPU_PROF;
	if (profileDir) mkdirSync(profileDir, { recursive: true });
	const n8n = await startN8n({
		name,
		extraPackages: [PASSTHROUGH_PACKAGE],
		env: {
			// The harness logs at debug level for its secret checks; a benchmark measures n8n as
			// deployed.
			N8N_LOG_LEVEL: 'warn',
			...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(profileDir)}` } : {}),
			...env,
		},
	});
	try {
		const client = new N8nClient({ baseUrl: n8n.baseUrl, logFile: n8n.logFile });
		await client.setupOwner();
		const credentialIds: BenchN8n['credentialIds'] = {};
		for (const [type, data] of Object.entries(credentials)) {
			const created = await client.createCredential(`bench ${type}`, type, data);
			credentialIds[type] = { id: created.id, name: created.name };
		}
		return { n8n, client, credentialIds, workflows: new Map() };
	} catch (error) {
		await n8n.stop();
		throw error;
	}
}

/** One active workflow per target: its trigger → NoOp. */
export async function addTargets(bench: BenchN8n, targets: Target[]): Promise<void> {
	for (const target of targets) {
		const { credentials: types, ...trigger } = target.trigger;
		// n8n wants the stored credential's id and name.
		const credentials = types
			? Object.fromEntries(Object.keys(types).map((type) => [type, bench.credentialIds[type]]))
			: undefined;
		const workflow = await bench.client.importWorkflow({
			name: `bench ${target.key}`,
			nodes: [
				{ ...trigger, position: [0, 0], ...(credentials ? { credentials } : {}) },
				{
					name: 'NoOp',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [200, 0],
					parameters: {},
				},
			],
			connections: { [trigger.name]: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
		});
		await bench.client.activate(workflow.id);
		bench.workflows.set(target.key, workflow.id);
	}
}

/** Counts requests across runs, so that every request of a target differs from all earlier ones. */
let sent = 0;

async function load(
	url: string,
	target: Target,
	connections: number,
	durationSeconds: number,
): Promise<autocannon.Result> {
	return await autocannon({
		url,
		connections,
		duration: durationSeconds,
		// Each request is built fresh (distinct ids, signatures, idempotency tokens), as from real
		// senders.
		requests: [
			{
				method: 'POST',
				setupRequest: (request: autocannon.Request) => {
					const { headers, body } = target.request(sent++);
					return { ...request, method: 'POST', headers, body };
				},
			},
		],
	});
}

interface ExecutionRow {
	id: string;
	status: string;
	stoppedAt: string | null;
}

function executionQuery(
	workflowId: string,
	since: Date,
	limit: number,
	cursor?: string | null,
): string {
	const filter = encodeURIComponent(
		JSON.stringify({ workflowId, startedAfter: since.toISOString() }),
	);
	return `/executions?filter=${filter}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
}

/**
 * Finished executions of a workflow started at or after `since`, all pages (n8n pages by at most
 * 100).
 */
async function executionsSince(
	client: N8nClient,
	workflowId: string,
	since: Date,
): Promise<ExecutionRow[]> {
	const rows: ExecutionRow[] = [];
	let cursor: string | null = null;
	do {
		const page: { results: ExecutionRow[]; nextCursor: string | null } = await client.rest(
			'GET',
			executionQuery(workflowId, since, 100, cursor),
		);
		rows.push(...page.results);
		cursor = page.nextCursor;
	} while (cursor);
	return rows.filter(
		(row) => row.stoppedAt !== null && row.status !== 'new' && row.status !== 'running',
	);
}

/**
 * User + system CPU seconds used so far by the live processes of a Linux process group, all threads
 * (/proc/<pid>/stat fields 5, 14, 15): n8n leads no group of its own under the harness's supervisor
 * shell, and its task runner is a second process.
 */
function groupCpuSeconds(pgid: number): number {
	let ticks = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // Ended meanwhile.
		}
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
	}
	return ticks / CLOCK_TICKS;
}

// sysconf(_SC_CLK_TCK), which is 100 on every Linux architecture Node runs on.
const CLOCK_TICKS = 100;

/**
 * Waits until n8n has finished as many executions as it accepted requests (or nothing moves for
 * 15 s) and returns them, with n8n's CPU time when they were all done. Polls n8n's cheap count
 * while it drains, so as not to load it with listings.
 */
async function waitForDrain(
	bench: BenchN8n,
	workflowId: string,
	since: Date,
	expected: number,
): Promise<{ rows: ExecutionRow[]; cpu: number }> {
	const { client } = bench;
	const count = async () =>
		(await client.rest<{ count: number }>('GET', executionQuery(workflowId, since, 1))).count;
	let last = -1;
	let movedAt = Date.now();
	for (;;) {
		const now = await count();
		if (now !== last) {
			last = now;
			movedAt = Date.now();
		}
		const stalled = Date.now() - movedAt > 15_000;
		if (now >= expected || stalled) {
			const cpu = groupCpuSeconds(bench.n8n.pid);
			const rows = await executionsSince(client, workflowId, since);
			if (rows.length >= expected || stalled) return { rows, cpu };
		}
		await delay(500);
	}
}

/** Runs one target for `durationSeconds` and counts what n8n completed. */
export async function runOnce(
	bench: BenchN8n,
	target: Target,
	round: number,
	options: DriveOptions,
): Promise<RunResult> {
	const workflowId = bench.workflows.get(target.key)!;
	const since = new Date(Date.now() - 1000);
	const cpuBefore = groupCpuSeconds(bench.n8n.pid);
	const result = await load(
		`${bench.n8n.baseUrl}${target.path}`,
		target,
		options.connections,
		options.durationSeconds,
	);
	const responses2xx = result['2xx'];
	const { rows, cpu } = await waitForDrain(bench, workflowId, since, responses2xx);
	const succeeded = rows.filter((row) => row.status === 'success').length;
	const lastStop = Math.max(...rows.map((row) => Date.parse(row.stoppedAt!)));
	const start = result.start.getTime();
	const finish = result.finish.getTime();
	const span = Math.max(finish, Number.isFinite(lastStop) ? lastStop : finish) - start;
	return {
		target: target.key,
		round,
		responses2xx,
		non2xx: result.non2xx,
		errors: result.errors,
		finished: rows.length,
		succeeded,
		execsPerSec: succeeded / (span / 1000),
		acceptedPerSec: responses2xx / ((finish - start) / 1000),
		latencyP50: result.latency.p50,
		latencyP99: result.latency.p99,
		drainSeconds: Number.isFinite(lastStop) ? Math.max(0, (lastStop - finish) / 1000) : 0,
		cpuMsPerExec: ((cpu - cpuBefore) * 1000) / succeeded,
	};
}

/**
 * One request per target, which must be answered 2xx (a clear error for a misconfigured target; the
 * first request also loads the node and its credentials), then a short unrecorded load, so that
 * caches and the JIT are warm before the first round.
 */
export async function warmUp(
	bench: BenchN8n,
	targets: Target[],
	options: DriveOptions,
): Promise<void> {
	for (const target of targets) {
		const { headers, body } = target.request(sent++);
		const response = await fetch(`${bench.n8n.baseUrl}${target.path}`, {
			method: 'POST',
			headers,
			body,
		});
		if (!response.ok)
			throw new Error(
				`${target.label}: the first request was answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
			);
		const result = await load(
			`${bench.n8n.baseUrl}${target.path}`,
			target,
			options.connections,
			options.warmupSeconds,
		);
		await waitForDrain(
			bench,
			bench.workflows.get(target.key)!,
			new Date(result.start.getTime() - 1000),
			result['2xx'],
		);
	}
}

/**
 * `rounds` rounds over all targets, every other round in reverse order (A B C, C B A, …): targets
 * listed next to each other run next to each other in time, and a drift in the machine's background
 * load favours neither of them.
 */
export async function runRounds(
	bench: BenchN8n,
	targets: Target[],
	options: DriveOptions,
	log = console.log,
): Promise<RunResult[]> {
	await warmUp(bench, targets, options);
	const results: RunResult[] = [];
	for (let round = 0; round < options.rounds; round++) {
		const order = round % 2 === 0 ? targets : [...targets].reverse();
		for (const target of order) {
			const run = await runOnce(bench, target, round, options);
			log(
				`    round ${round + 1} ${target.key}: ${run.execsPerSec.toFixed(1)} exec/s, ${run.acceptedPerSec.toFixed(1)} 2xx/s, ` +
					`p50 ${run.latencyP50} ms, p99 ${run.latencyP99} ms, ${run.cpuMsPerExec.toFixed(1)} CPU ms/exec, ${run.succeeded}/${run.responses2xx} succeeded, ` +
					`non-2xx ${run.non2xx}, errors ${run.errors}, drain ${run.drainSeconds.toFixed(1)} s`,
			);
			results.push(run);
		}
	}
	return results;
}

/** Medians over the rounds of one target. */
export function medians(results: RunResult[], key: string) {
	const runs = results.filter((r) => r.target === key);
	const median = (pick: (r: RunResult) => number) => summarize(runs.map(pick)).median;
	return {
		execsPerSec: median((r) => r.execsPerSec),
		acceptedPerSec: median((r) => r.acceptedPerSec),
		latencyP50: median((r) => r.latencyP50),
		latencyP99: median((r) => r.latencyP99),
		cpuMsPerExec: median((r) => r.cpuMsPerExec),
		// Requests n8n answered 2xx without an execution that finished (successfully or not).
		lost: runs.reduce((sum, r) => sum + Math.max(0, r.responses2xx - r.finished), 0),
		failed: runs.reduce((sum, r) => sum + (r.finished - r.succeeded), 0),
		non2xx: runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
	};
}

/** The per-round ratio a/b (same round, so same background load), summarized over rounds. */
export function roundRatios(
	results: RunResult[],
	a: string,
	b: string,
	pick: (r: RunResult) => number = (r) => r.execsPerSec,
) {
	const rounds = [...new Set(results.map((r) => r.round))];
	const ratios = rounds.flatMap((round) => {
		const ra = results.find((r) => r.round === round && r.target === a);
		const rb = results.find((r) => r.round === round && r.target === b);
		// Either may be missing in a narrowed diagnostic run (BENCH_ONLY): no ratio then (n/a in the
		// figure).
		return ra && rb ? [pick(ra) / pick(rb)] : [];
	});
	return summarize(ratios);
}
