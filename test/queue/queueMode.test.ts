/**
 * The Twilio trigger in n8n's queue mode under load (issue 8): an n8n main process, a webhook processor and
 * two workers on PostgreSQL and Redis (started by scripts/test-queue.sh; run with `npm run test:queue`).
 *
 * 1,000 signed inbound WhatsApp messages go to the webhook processor over 50 concurrent connections.
 * 50 of them are delivered a second time with the same `I-Twilio-Idempotency-Token`, as Twilio retries,
 * each after its first delivery was answered, while other first deliveries are still arriving. When half
 * of the first deliveries have been answered, one worker is killed with SIGKILL (the machine dies).
 *
 * What n8n 2.41 promises when a worker dies, read from its source (scaling.service.ts, workflow-runner.ts)
 * and what this test holds it to: an execution is created in PostgreSQL and its job queued in Redis before
 * the webhook is answered, so a queued job that no worker had taken yet survives any worker's death and
 * runs on another worker. A job the dead worker had taken is NOT run again: n8n sets Bull's
 * `maxStalledCount` to 0, so once the job's lock expires (QUEUE_WORKER_LOCK_DURATION, 60 s by default;
 * checked every QUEUE_WORKER_STALLED_INTERVAL, 30 s) Bull fails it as stalled, and the process that queued
 * it marks the execution `error` (MaxStalledCountError); had that process died too, the main's queue
 * recovery would mark it `crashed`. So the kill may cost at most as many executions as the killed worker
 * was running (its concurrency, 10), each of them ends in a final failed status, visible in the executions
 * list, and none runs twice. The lock and stall timings are n8n's defaults.
 */
import { randomBytes } from 'crypto';
import { readFileSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { setTimeout as delay } from 'timers/promises';

import { EMPTY_TWIML } from '../../nodes/TwilioWhatsAppTrigger/twiml';
import { N8nClient, nodeOutput, type Execution } from '../e2e/harness/client';
import { REPO_ROOT } from '../e2e/harness/n8nProcess';
import { DEFAULT_ACCOUNT } from '../mock-twilio';
import { backendsFromEnv, executionStatuses, failedJobs, queuedJobs, STALLED, type FailedJob, type QueueBackends } from './backends';
import { startQueueCluster, stopAll, type QueueCluster } from './cluster';
import { runLoad, whatsAppDeliveries, type Delivery, type Outcome } from './load';

const MESSAGES = 1000;
const CONCURRENCY = 50;
/** Every 20th delivery is retried: 50 retries. */
const RETRIED = new Set(Array.from({ length: MESSAGES / 20 }, (_, i) => i * 20 + 7));
const KILL_AFTER_ANSWERED = MESSAGES / 2;
/** n8n's default worker concurrency (`n8n worker --concurrency`), the most a dead worker can have been running. */
const WORKER_CONCURRENCY = 10;

// Bounds on the waiting, not expectations: each only stops a run that would otherwise hang.
const LOAD_BOUND_MS = 6 * 60_000;
const DRAIN_BOUND_MS = 4 * 60_000;
const DRAIN_POLL_MS = 2_000;
/** The queue counts as drained when nothing is queued or running and the executions stayed the same over this many polls. */
const STABLE_POLLS = 3;

const TRIGGER = 'Twilio Trigger';
const AFTER = 'No Operation';
const WEBHOOK_ID = '5f0b6f0e-8a7c-4d1e-9b3a-0c2d4e6f8a10';
const IN_PROGRESS = ['new', 'running', 'waiting', 'unknown'];

// Shapes from Twilio's console: Auth Token 32 hex digits.
const AUTH_TOKEN = randomBytes(16).toString('hex');

function workflowExport(credential: { id: string; name: string }) {
	return {
		name: 'queue mode: Twilio Trigger → No Operation',
		nodes: [
			{
				id: '0b8e3d4c-1f2a-4e5b-8c7d-9e0f1a2b3c40',
				name: TRIGGER,
				type: 'n8n-nodes-twilio-whatsapp.twilioWhatsAppTrigger',
				typeVersion: 2,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: { events: 'messages', respond: 'emptyTwiml', verifySignature: true, options: {} },
				credentials: { twilioMessagingApi: credential },
			},
			{
				id: '0b8e3d4c-1f2a-4e5b-8c7d-9e0f1a2b3c41',
				name: AFTER,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { [TRIGGER]: { main: [[{ node: AFTER, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** What a worker's log says it did: `Worker started/finished execution <id> (job <n>)` (job-processor.ts). */
function workerActivity(log: string): { started: Set<string>; finished: Set<string> } {
	const ids = (verb: string) => new Set([...log.matchAll(new RegExp(`Worker ${verb} execution (\\d+)`, 'g'))].map((match) => match[1]));
	return { started: ids('started'), finished: ids('finished') };
}

const sidOf = (execution: Execution) => String(nodeOutput(execution, TRIGGER)[0]?.messageSid);

async function mapPool<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const runner = async () => {
		for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]);
	};
	await Promise.all(Array.from({ length: concurrency }, runner));
	return results;
}

interface Run {
	deliveries: Delivery[];
	outcomes: Outcome[];
	killedWorkerLog: string;
	survivorLog: string;
	/** What the surviving worker logged after the kill. */
	survivorLogAfterKill: string;
	failedJobs: FailedJob[];
	drained: boolean;
	left: { inProgress: number; waiting: number; active: number };
	executions: Execution[];
	timings: Record<string, number>;
}

describe('the Twilio trigger in n8n queue mode: main, webhook processor, two workers', () => {
	let backends: QueueBackends;
	let cluster: QueueCluster | undefined;
	let run: Run;

	beforeAll(async () => {
		const t0 = Date.now();
		backends = backendsFromEnv();
		cluster = await startQueueCluster(backends, { workers: 2 });
		const tStarted = Date.now();
		const { main, webhook, workers } = cluster;
		const n8n = new N8nClient({ baseUrl: main.baseUrl, logFile: main.logFile });
		await n8n.setupOwner();
		const credential = await n8n.createCredential('Twilio (queue test)', 'twilioMessagingApi', {
			accountSid: DEFAULT_ACCOUNT.accountSid,
			authType: 'authToken',
			authToken: AUTH_TOKEN,
		});
		const workflow = await n8n.importWorkflow(workflowExport(credential));
		await n8n.activate(workflow.id);
		const url = `${webhook.baseUrl}/webhook/${WEBHOOK_ID}/twilio`;

		// The webhook processor finds the webhook main registered: an unsigned request is refused by the
		// trigger itself (403), not by n8n (404), and starts nothing.
		const probeDeadline = Date.now() + 30_000;
		let probe = 0;
		while (Date.now() < probeDeadline) {
			probe = (await fetch(url, { method: 'POST', body: new URLSearchParams({ Body: 'unsigned' }) })).status;
			if (probe !== 404) break;
			await delay(500);
		}
		if (probe !== 403) throw new Error(`the webhook processor answered an unsigned request with ${probe}, not the trigger's 403`);

		const killed = workers[1];
		const survivorLog = workers[0].logFile;
		let survivorLogOffset = 0;
		const deliveries = whatsAppDeliveries(MESSAGES, DEFAULT_ACCOUNT.accountSid);
		const tLoad = Date.now();
		const outcomes = await runLoad({
			url,
			authToken: AUTH_TOKEN,
			deliveries,
			retried: RETRIED,
			concurrency: CONCURRENCY,
			retryLag: CONCURRENCY / 2,
			deadline: Date.now() + LOAD_BOUND_MS,
			midRun: {
				afterAnswered: KILL_AFTER_ANSWERED,
				action: () => {
					// The whole process group: the worker and its task runner, as when the machine dies.
					process.kill(-killed.pid, 'SIGKILL');
					survivorLogOffset = statSync(survivorLog).size;
				},
			},
		});
		const tLoaded = Date.now();

		// Bounded wait until nothing is queued or running and the executions stopped changing.
		const drainDeadline = Date.now() + DRAIN_BOUND_MS;
		let statuses: Array<{ id: string; status: string }> = [];
		let left = { inProgress: -1, waiting: -1, active: -1 };
		let stable = 0;
		let previous = '';
		while (Date.now() < drainDeadline && stable < STABLE_POLLS) {
			await delay(DRAIN_POLL_MS);
			statuses = executionStatuses(backends.postgres, workflow.id);
			left = { inProgress: statuses.filter((e) => IN_PROGRESS.includes(e.status)).length, ...queuedJobs(backends.redis) };
			const fingerprint = statuses.map((e) => `${e.id}:${e.status}`).join(',');
			const idle = left.inProgress === 0 && left.waiting === 0 && left.active === 0;
			stable = idle && fingerprint === previous ? stable + 1 : 0;
			previous = fingerprint;
		}
		const tDrained = Date.now();

		const executions = await mapPool(statuses, 8, async ({ id }) => await n8n.getExecution(id));
		const tRead = Date.now();
		const fullSurvivorLog = readFileSync(survivorLog, 'utf8');
		run = {
			deliveries,
			outcomes,
			killedWorkerLog: readFileSync(killed.logFile, 'utf8'),
			survivorLog: fullSurvivorLog,
			survivorLogAfterKill: fullSurvivorLog.slice(survivorLogOffset),
			failedJobs: failedJobs(backends.redis),
			drained: stable >= STABLE_POLLS,
			left,
			executions,
			timings: {
				startClusterS: (tStarted - t0) / 1000,
				loadS: (tLoaded - tLoad) / 1000,
				drainS: (tDrained - tLoaded) / 1000,
				readExecutionsS: (tRead - tDrained) / 1000,
			},
		};
		const byStatus: Record<string, number> = {};
		for (const e of executions) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
		const killedActivity = workerActivity(run.killedWorkerLog);
		const survivorActivity = workerActivity(run.survivorLog);
		const ranOn = (id: string) =>
			[killedActivity.started.has(id) ? 'killed worker' : '', survivorActivity.started.has(id) ? 'surviving worker' : ''].filter(Boolean).join('+') || 'no worker logged it';
		const bySid = new Map<string, string[]>();
		for (const e of executions) {
			const sid = e.data.resultData.runData[TRIGGER] ? sidOf(e) : `(no trigger data: ${e.id})`;
			bySid.set(sid, [...(bySid.get(sid) ?? []), `${e.id} ${e.status} ${e.mode} on ${ranOn(e.id)}`]);
		}
		const summary = {
			sent: outcomes.length,
			answered: Object.fromEntries(['first', 'retry'].map((a) => [a, outcomes.filter((o) => o.attempt === a && o.status === 200).length])),
			executions: executions.length,
			byStatus,
			left,
			failedJobs: run.failedJobs,
			notSucceeded: executions.filter((e) => e.status !== 'success').map((e) => ({
				id: e.id,
				status: e.status,
				ranOn: ranOn(e.id),
				error: e.data.resultData.error?.message,
				triggerDataKept: Boolean(e.data.resultData.runData[TRIGGER]),
			})),
			executedMoreThanOnce: Object.fromEntries([...bySid].filter(([, runs]) => runs.length > 1)),
			timings: run.timings,
		};
		writeFileSync(join(REPO_ROOT, '.e2e', 'queue-summary.json'), JSON.stringify(summary, null, 2));
		console.log(`queue-mode run: ${JSON.stringify(summary)}`);
	}, 13 * 60_000);

	afterAll(async () => {
		if (cluster) await stopAll(cluster.all());
	}, 2 * 60_000);

	const firstDeliveries = () => run.outcomes.filter((o) => o.attempt === 'first');
	const retries = () => run.outcomes.filter((o) => o.attempt === 'retry');
	const successes = () => run.executions.filter((e) => e.status === 'success');

	it('acknowledged every delivery and every retry with empty TwiML, as Twilio needs to stop retrying', () => {
		const unexpected = (outcomes: Outcome[]) =>
			outcomes.filter((o) => o.status !== 200 || o.body !== EMPTY_TWIML || !o.contentType.startsWith('text/xml')).map((o) => `#${o.index}: ${o.status} ${o.error ?? o.body.slice(0, 80)}`);
		expect(firstDeliveries()).toHaveLength(MESSAGES);
		expect(new Set(firstDeliveries().map((o) => o.index)).size).toBe(MESSAGES);
		expect(unexpected(firstDeliveries())).toEqual([]);
		expect(retries().map((o) => o.index).sort((a, b) => a - b)).toEqual([...RETRIED].sort((a, b) => a - b));
		expect(unexpected(retries())).toEqual([]);
		// Each retry went out after its first delivery had been answered.
		for (const retry of retries()) {
			const first = firstDeliveries().find((o) => o.index === retry.index) as Outcome;
			expect(retry.sentAt).toBeGreaterThanOrEqual(first.answeredAt);
		}
	});

	it('drained the queue: nothing left waiting, active or unfinished', () => {
		expect(run.left).toEqual({ inProgress: 0, waiting: 0, active: 0 });
		expect(run.drained).toBe(true);
	});

	it("started exactly one execution per message: Twilio's retries started none", () => {
		const retriedSids = new Set([...RETRIED].map((index) => run.deliveries[index].messageSid));
		const runs = new Map<string, string[]>();
		for (const execution of successes()) runs.set(sidOf(execution), [...(runs.get(sidOf(execution)) ?? []), execution.id]);
		const twice = [...runs]
			.filter(([, ids]) => ids.length > 1)
			.map(([sid, ids]) => `${sid}${retriedSids.has(sid) ? ' (retried)' : ''}: executions ${ids.join(', ')}`);
		expect(twice).toEqual([]);
		expect(run.executions).toHaveLength(MESSAGES);
	});

	it('ran every succeeded execution on its own message, whole, through both nodes', () => {
		const bySid = new Map(run.deliveries.map((d) => [d.messageSid, d]));
		expect(successes().length).toBeGreaterThan(0);
		for (const execution of successes()) {
			const [item, ...more] = nodeOutput(execution, TRIGGER);
			expect(more).toEqual([]);
			const delivery = bySid.get(String(item.messageSid));
			if (!delivery) throw new Error(`execution ${execution.id} carries unknown MessageSid ${String(item.messageSid)}`);
			const { params } = delivery;
			expect(item).toMatchObject({
				event: 'message.received',
				channel: 'whatsapp',
				messageSid: params.MessageSid,
				accountSid: params.AccountSid,
				body: params.Body,
				profileName: params.ProfileName,
				waId: params.WaId,
				raw: params,
			});
			expect(nodeOutput(execution, AFTER)).toEqual([item]);
		}
	});

	it('lost to the worker kill only what n8n does not keep: jobs the killed worker had taken', () => {
		const killed = workerActivity(run.killedWorkerLog);
		const survivor = workerActivity(run.survivorLog);
		// The kill came mid-run: the killed worker had been working, and the other one went on after it.
		expect(killed.started.size).toBeGreaterThan(0);
		expect(workerActivity(run.survivorLogAfterKill).started.size).toBeGreaterThan(0);

		const stalled = new Set(run.failedJobs.filter((job) => job.failedReason === STALLED).map((job) => job.executionId));
		const failed = run.executions.filter((e) => e.status !== 'success');
		expect(failed.length).toBeLessThanOrEqual(WORKER_CONCURRENCY);
		for (const execution of failed) {
			// Failed for good, visibly, because the worker holding its job stopped renewing the job's lock.
			expect({ id: execution.id, status: execution.status, stalled: stalled.has(execution.id), survivorRanIt: survivor.started.has(execution.id) }).toEqual({
				id: execution.id,
				status: expect.stringMatching(/^(error|crashed)$/),
				stalled: true,
				survivorRanIt: false,
			});
		}

		// Every message is accounted for: in a succeeded execution, or in one of those failed ones.
		const succeededSids = new Set(successes().map(sidOf));
		const missing = run.deliveries.filter((d) => !succeededSids.has(d.messageSid));
		expect(missing).toHaveLength(failed.length);
		expect(succeededSids.size + failed.length).toBe(MESSAGES);
	});
});
