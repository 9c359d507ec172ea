/**
 * Several webhook processors (run with `npm run test:queue -- test/queue/scaleOut.test.ts`): an n8n
 * main process, two webhook processors behind one public URL (N8N_WEBHOOK_URL, as a load balancer
 * gives them) and a worker, on PostgreSQL and Redis.
 *
 * 1. Twilio's retry of a delivery reaching the other webhook processor: right after the first
 *    answer arrived (the answer lost on its way back, the retry immediate: the worst case), and
 *    after the first execution finished (Twilio retries after its 15-second timeout).
 * 2. The same delivery reaching both webhook processors at the same time.
 * 3. Download Media (Twilio trigger) and the 2 MB file check (TimelinesAI trigger) make binary data
 *    in the webhook processor; the worker reads it, with the binary data mode n8n 2.41 picks for
 *    queue mode (`database`: BinaryDataConfig sets it when EXECUTIONS_MODE=queue and
 *    N8N_DEFAULT_BINARY_DATA_MODE is unset). A second cluster runs the same with `filesystem`, each
 *    process on its own disk.
 * 4. A webhook processor is killed (SIGKILL, its process group) in the middle of a burst sent
 *    round-robin to both; the client retries, against the survivor, every request that got no
 *    answer, as Twilio retries a delivery whose connection failed. Every message is then counted in
 *    PostgreSQL.
 */
import { createHash } from 'crypto';
import { writeFileSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';
import { setTimeout as delay } from 'timers/promises';

import { EMPTY_TWIML } from '../../nodes/TwilioWhatsAppTrigger/twiml';
import { N8nClient, nodeOutput, type Execution } from '../e2e/harness/client';
import { REPO_ROOT } from '../e2e/harness/n8nProcess';
import { DEFAULT_ACCOUNT } from '../mock-twilio';
import {
	backendsFromEnv,
	executionStatuses,
	queuedJobs,
	withFreshStores,
	type QueueBackends,
} from './backends';
import { startQueueCluster, stopAll, type QueueCluster } from './cluster';
import { deliver, whatsAppDeliveries, type Delivery, type Outcome, type Target } from './load';

const TRIGGER = 'Twilio Trigger';
const TIMELINES = 'TimelinesAI-Compatible Trigger';
const AFTER = 'No Operation';
const READ_FILE = 'Extract from File';
const IN_PROGRESS = ['new', 'running', 'waiting', 'unknown'];

const IDS = {
	messages: '6a1c0e2f-3b4d-4e5f-8a9b-0c1d2e3f4a50',
	media: '6a1c0e2f-3b4d-4e5f-8a9b-0c1d2e3f4a51',
	timelines: '6a1c0e2f-3b4d-4e5f-8a9b-0c1d2e3f4a52',
};
const TIMELINES_SECRET = 'queue-File-Check-7Qm3Zr5Tb8';

const RETRIED_AT_ONCE = 10;
const RETRIED_AFTER_RUN = 10;
const AT_THE_SAME_TIME = 10;
const BURST = 300;
const BURST_CONCURRENCY = 20;
const KILL_AFTER_ANSWERED = 100;
const KILL_WITH_IN_FLIGHT = 1;

// Bounds on the waiting, not expectations: each only stops a run that would otherwise hang.
const PHASE_BOUND_MS = 5 * 60_000;
const DRAIN_BOUND_MS = 4 * 60_000;
const POLL_MS = 1_000;

/** A JPEG-looking file and a 1x1 PNG, as in the end-to-end tests. */
const PHOTO = Buffer.concat([
	Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
	Buffer.from('JFIF queue photo '.repeat(300)),
	Buffer.from([0xff, 0xd9]),
]);
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);
const MEDIA_SID = 'ME0a1b2c3d4e5f60718293a4b5c6d7e8f9';

function node(name: string, type: string, typeVersion: number, parameters: object, x: number) {
	return {
		id: createHash('md5')
			.update(`${type}${name}${x}`)
			.digest('hex')
			.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
	};
}

/** Reads the binary property on the worker and puts its bytes, base64, into `data`. */
const readFile = (binaryPropertyName: string) =>
	node(
		READ_FILE,
		'n8n-nodes-base.extractFromFile',
		1.1,
		{ operation: 'binaryToPropery', binaryPropertyName, destinationKey: 'data', options: {} },
		220,
	);

function twilioWorkflow(
	name: string,
	webhookId: string,
	credential: { id: string; name: string },
	options: object,
	next: ReturnType<typeof node>,
) {
	const trigger = {
		...node(
			TRIGGER,
			'n8n-nodes-twilio-whatsapp.twilioWhatsAppTrigger',
			2,
			{ events: 'messages', respond: 'emptyTwiml', verifySignature: true, options },
			0,
		),
		webhookId,
		credentials: { twilioMessagingApi: credential },
	};
	return {
		name,
		nodes: [trigger, next],
		connections: { [TRIGGER]: { main: [[{ node: next.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function timelinesWorkflow() {
	const trigger = {
		...node(
			TIMELINES,
			'n8n-nodes-twilio-whatsapp.timelinesAiTrigger',
			2,
			{
				urlSecret: TIMELINES_SECRET,
				// The local file host stands in for a public one.
				options: {
					checkFileUrl: true,
					downloadFile: true,
					binaryPropertyName: 'attachment',
					allowPrivateFileUrls: true,
				},
			},
			0,
		),
		webhookId: IDS.timelines,
	};
	const next = readFile('attachment');
	return {
		name: 'queue mode: TimelinesAI file check → Extract from File',
		nodes: [trigger, next],
		connections: { [TIMELINES]: { main: [[{ node: READ_FILE, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Twilio's media host (redirecting nowhere) and a direct-download file host, in this process. */
async function startFileHosts(): Promise<{ origin: string; close: () => Promise<void> }> {
	const server: Server = createServer((req, res) => {
		if (req.url?.endsWith(`/Media/${MEDIA_SID}`))
			res
				.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(PHOTO.length) })
				.end(PHOTO);
		else if (req.url === '/files/logo.png')
			res
				.writeHead(200, { 'content-type': 'image/png', 'content-length': String(PNG.length) })
				.end(PNG);
		else res.writeHead(404).end();
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	return {
		origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise((done) => server.close(done));
		},
	};
}

interface Deployment {
	cluster: QueueCluster;
	n8n: N8nClient;
	backends: QueueBackends;
	workflows: { messages: string; media: string; timelines: string };
	files: { origin: string; close: () => Promise<void> };
	/** The URL Twilio is given and signs: N8N_WEBHOOK_URL + the trigger's path. */
	publicUrl: (webhookId: string) => string;
	/** The same path on one webhook processor. */
	urlAt: (processor: number, webhookId: string) => string;
}

async function deploy(options: {
	webhooks: number;
	env?: Record<string, string>;
	/**
	 * A fresh database of this name and an emptied Redis: the script's database belongs to the other
	 * queue-mode test file's deployment and its encryption key.
	 */
	database: string;
}) {
	const backends = withFreshStores(backendsFromEnv(), options.database);
	const files = await startFileHosts();
	const cluster = await startQueueCluster(backends, {
		workers: 1,
		webhooks: options.webhooks,
		env: options.env,
	});
	try {
		const n8n = new N8nClient({ baseUrl: cluster.main.baseUrl, logFile: cluster.main.logFile });
		await n8n.setupOwner();
		// The credential's API Base URL is what lets the trigger fetch media from the local host.
		const credential = await n8n.createCredential('Twilio (queue test)', 'twilioMessagingApi', {
			accountSid: DEFAULT_ACCOUNT.accountSid,
			authType: 'authToken',
			authToken: DEFAULT_ACCOUNT.authToken,
			baseUrl: files.origin,
		});
		const imports = [
			twilioWorkflow(
				'queue mode: Twilio Trigger → No Operation',
				IDS.messages,
				credential,
				{},
				node(AFTER, 'n8n-nodes-base.noOp', 1, {}, 220),
			),
			twilioWorkflow(
				'queue mode: Download Media → Extract from File',
				IDS.media,
				credential,
				{ downloadMedia: true },
				readFile('media0'),
			),
			timelinesWorkflow(),
		];
		const [messages, media, timelines] = await Promise.all(
			imports.map(async (workflow) => (await n8n.importWorkflow(workflow)).id),
		);
		for (const id of [messages, media, timelines]) await n8n.activate(id);
		const urlAt = (processor: number, webhookId: string) =>
			`${cluster.webhooks[processor].baseUrl}/webhook/${webhookId}/${webhookId === IDS.timelines ? 'timelinesai' : 'twilio'}`;
		const deployment: Deployment = {
			cluster,
			n8n,
			backends,
			workflows: { messages, media, timelines },
			files,
			publicUrl: (webhookId) => urlAt(0, webhookId),
			urlAt,
		};
		// Every webhook processor finds the webhooks main registered: an unsigned request is refused by
		// the trigger itself (403), not by n8n (404).
		for (let processor = 0; processor < cluster.webhooks.length; processor++) {
			const deadline = Date.now() + 30_000;
			let status = 0;
			while (Date.now() < deadline) {
				status = (
					await fetch(urlAt(processor, IDS.messages), {
						method: 'POST',
						body: new URLSearchParams({ Body: 'unsigned' }),
					})
				).status;
				if (status !== 404) break;
				await delay(500);
			}
			if (status !== 403)
				throw new Error(
					`webhook processor ${processor + 1} answered an unsigned request ${status}`,
				);
		}
		return deployment;
	} catch (error) {
		await stopAll(cluster.all());
		await files.close();
		throw error;
	}
}

async function tearDown(deployment: Deployment | undefined): Promise<void> {
	if (!deployment) return;
	await stopAll(deployment.cluster.all());
	await deployment.files.close();
}

interface Drain {
	drained: boolean;
	/**
	 * Executions left in status "new": stored by a processor that was killed before it queued them
	 * (and before it answered, so Twilio retried their messages). No process will ever run them.
	 */
	leftNew: number;
	/** Executions not finished when the wait ended, with their status (for a failure's message). */
	unfinished: string[];
}

/**
 * Waits (bounded) until nothing of the workflow is queued or running and its executions stay the
 * same for three polls in a row.
 */
async function waitForDrain(backends: QueueBackends, workflowId: string): Promise<Drain> {
	const deadline = Date.now() + DRAIN_BOUND_MS;
	let stable = 0;
	let previous = '';
	let leftNew = -1;
	let unfinished: string[] = [];
	while (Date.now() < deadline && stable < 3) {
		await delay(POLL_MS);
		const statuses = executionStatuses(backends.postgres, workflowId);
		const queue = queuedJobs(backends.redis);
		const fingerprint = statuses.map((e) => `${e.id}:${e.status}`).join(',');
		const idle =
			queue.waiting === 0 &&
			queue.active === 0 &&
			!statuses.some((e) => e.status !== 'new' && IN_PROGRESS.includes(e.status));
		stable = idle && fingerprint === previous ? stable + 1 : 0;
		previous = fingerprint;
		leftNew = statuses.filter((e) => e.status === 'new').length;
		unfinished = statuses
			.filter((e) => IN_PROGRESS.includes(e.status))
			.map((e) => `${e.id}:${e.status}`);
	}
	return { drained: stable >= 3, leftNew, unfinished };
}

/** Waits (bounded) until the workflow has more than `count` finished executions. */
async function waitForFinished(backends: QueueBackends, workflowId: string, count: number) {
	const deadline = Date.now() + PHASE_BOUND_MS;
	while (Date.now() < deadline) {
		const finished = executionStatuses(backends.postgres, workflowId).filter(
			(e) => !IN_PROGRESS.includes(e.status),
		);
		if (finished.length > count) return;
		await delay(POLL_MS / 4);
	}
}

async function executionsOf(n8n: N8nClient, backends: QueueBackends, workflowId: string) {
	const ids = executionStatuses(backends.postgres, workflowId).map((e) => e.id);
	const executions: Execution[] = [];
	for (let i = 0; i < ids.length; i += 8)
		executions.push(
			...(await Promise.all(ids.slice(i, i + 8).map(async (id) => await n8n.getExecution(id)))),
		);
	return executions;
}

/** MessageSid → ids of the executions that carry it. */
function executionsBySid(
	executions: Execution[],
): Map<string, Array<{ id: string; status: string }>> {
	const bySid = new Map<string, Array<{ id: string; status: string }>>();
	for (const execution of executions) {
		const sid = execution.data.resultData.runData[TRIGGER]
			? String(nodeOutput(execution, TRIGGER)[0]?.messageSid)
			: `(no trigger data in ${execution.id})`;
		bySid.set(sid, [...(bySid.get(sid) ?? []), { id: execution.id, status: execution.status }]);
	}
	return bySid;
}

const deadline = () => Date.now() + PHASE_BOUND_MS;

function itemOf(execution: Execution, nodeName: string) {
	const [item] = nodeOutput(execution, nodeName);
	return item;
}

/** A media message as Twilio delivers it, its one image on the credential's API host. */
function mediaDelivery(origin: string): Delivery {
	const [delivery] = whatsAppDeliveries(1, DEFAULT_ACCOUNT.accountSid, 900_000);
	const params = {
		...delivery.params,
		NumMedia: '1',
		MediaContentType0: 'image/jpeg',
		MediaUrl0: `${origin}/2010-04-01/Accounts/${DEFAULT_ACCOUNT.accountSid}/Messages/${delivery.messageSid}/Media/${MEDIA_SID}`,
	};
	return { ...delivery, params };
}

async function sendTimelinesFile(deployment: Deployment) {
	const url = new URL(deployment.publicUrl(IDS.timelines));
	url.searchParams.set('secret', TIMELINES_SECRET);
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			action: 'send',
			phone: '+14151231234',
			text: 'see attachment',
			file_url: `${deployment.files.origin}/files/logo.png`,
			file_name: 'logo.png',
		}),
	});
	return { status: response.status, body: await response.text() };
}

/**
 * Sends the media message and the TimelinesAI file, and returns both workflows' executions once
 * finished.
 */
async function binaryRound(deployment: Deployment) {
	const { backends, workflows, n8n } = deployment;
	const media = mediaDelivery(deployment.files.origin);
	const mediaAnswer = await deliver(
		{
			url: deployment.publicUrl(IDS.media),
			authToken: DEFAULT_ACCOUNT.authToken,
			deadline: deadline(),
		},
		media,
		'first',
	);
	const timelinesAnswer = await sendTimelinesFile(deployment);
	await waitForFinished(backends, workflows.media, 0);
	await waitForFinished(backends, workflows.timelines, 0);
	await waitForDrain(backends, workflows.timelines);
	return {
		mediaAnswer,
		timelinesAnswer,
		media: await executionsOf(n8n, backends, workflows.media),
		timelines: await executionsOf(n8n, backends, workflows.timelines),
	};
}

function nodeError(execution: Execution, nodeName: string): string | undefined {
	return execution.data.resultData.runData[nodeName]?.[0]?.error?.message;
}

describe('two webhook processors behind one URL, one worker (binary data mode: n8n’s queue-mode default)', () => {
	let deployment: Deployment | undefined;
	const outcomes: Record<string, Outcome[]> = {};
	let sequential: { atOnce: Delivery[]; afterRun: Delivery[] };
	let together: Delivery[];
	let burst: Delivery[];
	let bySid: ReturnType<typeof executionsBySid>;
	let binary: Awaited<ReturnType<typeof binaryRound>>;
	/** Per burst message, each try and the processor (0 or 1) it went to. */
	let burstAnswers: Map<number, Array<Outcome & { processor: number }>>;
	let drain: Drain;

	beforeAll(async () => {
		deployment = await deploy({ webhooks: 2, database: 'n8n_scale_out' });
		const { backends, workflows, n8n } = deployment;
		const signedUrl = deployment.publicUrl(IDS.messages);
		const at = (processor: number): Target => ({
			url: deployment!.urlAt(processor, IDS.messages),
			signedUrl,
			authToken: DEFAULT_ACCOUNT.authToken,
			deadline: deadline(),
		});
		const finished = () =>
			executionStatuses(backends.postgres, workflows.messages).filter(
				(e) => !IN_PROGRESS.includes(e.status),
			).length;

		// 1. The retry reaches the other processor: at once after the answer, or after the run.
		const all = whatsAppDeliveries(
			RETRIED_AT_ONCE + RETRIED_AFTER_RUN + AT_THE_SAME_TIME + BURST,
			DEFAULT_ACCOUNT.accountSid,
		);
		sequential = {
			atOnce: all.slice(0, RETRIED_AT_ONCE),
			afterRun: all.slice(RETRIED_AT_ONCE, RETRIED_AT_ONCE + RETRIED_AFTER_RUN),
		};
		together = all.slice(RETRIED_AT_ONCE + RETRIED_AFTER_RUN, -BURST);
		burst = all.slice(-BURST);
		outcomes.sequential = [];
		for (const delivery of sequential.atOnce) {
			outcomes.sequential.push(await deliver(at(0), delivery, 'first'));
			outcomes.sequential.push(await deliver(at(1), delivery, 'retry'));
		}
		for (const delivery of sequential.afterRun) {
			const before = finished();
			outcomes.sequential.push(await deliver(at(0), delivery, 'first'));
			await waitForFinished(backends, workflows.messages, before);
			outcomes.sequential.push(await deliver(at(1), delivery, 'retry'));
		}
		// 2. The same delivery at both processors at the same time.
		outcomes.together = (
			await Promise.all(
				together.map(
					async (delivery) =>
						await Promise.all([
							deliver(at(0), delivery, 'first'),
							deliver(at(1), delivery, 'retry'),
						]),
				),
			)
		).flat();
		// 3. Binary data made on a webhook processor, read on the worker.
		binary = await binaryRound(deployment);

		// 4. The burst, round-robin, with processor 2 killed mid-way; no answer → retry at processor 1.
		// The kill waits until processor 2 holds requests it has not answered: which processor is
		// faster varies from machine to machine, and a kill between two requests would test nothing.
		burstAnswers = new Map();
		const inFlight = [0, 0];
		let answered = 0;
		let killed = false;
		let next = 0;
		const runner = async () => {
			while (next < burst.length) {
				const index = next++;
				const delivery = burst[index];
				const tries: Array<Outcome & { processor: number }> = [];
				let processor = killed ? 0 : index % 2;
				while (Date.now() < at(0).deadline) {
					inFlight[processor] += 1;
					const outcome = await deliver(at(processor), delivery, tries.length ? 'retry' : 'first');
					inFlight[processor] -= 1;
					tries.push({ ...outcome, processor });
					if (outcome.status !== 0) break;
					processor = 0;
				}
				burstAnswers.set(index, tries);
				answered += 1;
			}
		};
		const killer = async () => {
			while (!killed && next < burst.length) {
				if (answered >= KILL_AFTER_ANSWERED && inFlight[1] >= KILL_WITH_IN_FLIGHT) {
					killed = true;
					process.kill(-deployment!.cluster.webhooks[1].pid, 'SIGKILL');
				}
				await delay(1);
			}
		};
		await Promise.all([killer(), ...Array.from({ length: BURST_CONCURRENCY }, runner)]);
		expect(killed).toBe(true);
		drain = await waitForDrain(backends, workflows.messages);
		bySid = executionsBySid(await executionsOf(n8n, backends, workflows.messages));
		writeSummary();
	}, 25 * 60_000);

	afterAll(async () => await tearDown(deployment), 2 * 60_000);

	function writeSummary(): void {
		const count = (deliveries: Delivery[]) =>
			deliveries.map(
				(d) => bySid.get(d.messageSid)?.filter((e) => e.status === 'success').length ?? 0,
			);
		const histogram = (counts: number[]) => {
			const h: Record<string, number> = {};
			for (const c of counts) h[c] = (h[c] ?? 0) + 1;
			return h;
		};
		const burstTries = [...burstAnswers.values()];
		const summary = {
			succeededExecutionsPerMessage: {
				retriedAtOnceOnTheOtherProcessor: histogram(count(sequential.atOnce)),
				retriedAfterTheRunOnTheOtherProcessor: histogram(count(sequential.afterRun)),
				atBothProcessorsAtOnce: histogram(count(together)),
				burstWithAProcessorKilled: histogram(count(burst)),
			},
			burst: {
				requestsWithoutAnswer: burstTries.flat().filter((o) => o.status === 0).length,
				messagesRetried: burstTries.filter((t) => t.length > 1).length,
				answers: histogram(burstTries.map((t) => t[t.length - 1].status)),
				notSucceeded: burst
					.filter((d) => count([d])[0] !== 1)
					.map((d) => ({
						index: d.index,
						tries: burstAnswers
							.get(burst.indexOf(d))
							?.map((o) => `processor ${o.processor + 1}: ${o.status || o.error}`),
						executions: bySid.get(d.messageSid) ?? [],
					})),
				drain,
			},
		};
		writeFileSync(
			join(REPO_ROOT, '.e2e', 'queue-scale-out-summary.json'),
			JSON.stringify(summary, null, 2),
		);
		console.log(`scale-out run: ${JSON.stringify(summary)}`);
	}

	const succeeded = (delivery: Delivery) =>
		bySid.get(delivery.messageSid)?.filter((e) => e.status === 'success').length ?? 0;

	it('answered every delivery and every retry at either processor with empty TwiML', () => {
		for (const outcome of [...outcomes.sequential, ...outcomes.together])
			expect({ status: outcome.status, body: outcome.body }).toEqual({
				status: 200,
				body: EMPTY_TWIML,
			});
	});

	it('a retry that reaches the other processor after the first execution finished starts no execution', () => {
		expect(sequential.afterRun.map(succeeded)).toEqual(sequential.afterRun.map(() => 1));
	});

	it('a retry that reaches the other processor as soon as the first answer arrived: one or two executions, never none (best effort)', () => {
		// The first processor saves its duplicate log only after its answer is out; a retry that
		// another processor reads the log for in that moment is not recognised.
		for (const count of sequential.atOnce.map(succeeded)) expect([1, 2]).toContain(count);
	});

	it('the same delivery at both processors at the same time: one or two executions, never none', () => {
		const counts = together.map(succeeded);
		for (const count of counts) expect([1, 2]).toContain(count);
	});

	it.each([
		['Download Media', 'media', PHOTO],
		['TimelinesAI file check', 'timelines', PNG],
	] as const)(
		'%s: the worker reads the file the webhook processor stored, byte for byte',
		(_feature, kind, file) => {
			const answer = kind === 'media' ? binary.mediaAnswer.status : binary.timelinesAnswer.status;
			expect(answer).toBe(200);
			expect(binary[kind]).toHaveLength(1);
			const [execution] = binary[kind];
			expect({ status: execution.status, error: nodeError(execution, READ_FILE) }).toEqual({
				status: 'success',
				error: undefined,
			});
			expect(itemOf(execution, READ_FILE).data).toBe(file.toString('base64'));
		},
	);

	it('a processor killed mid-burst, every unanswered request retried at the other: every request answered 200 in the end', () => {
		expect(drain).toMatchObject({ drained: true });
		// Only the killed processor can leave an execution unqueued, and only for a request it had not
		// answered: each of those was retried at the other processor.
		const unanswered = [...burstAnswers.values()].flat().filter((o) => o.status === 0).length;
		expect(drain.leftNew).toBeLessThanOrEqual(unanswered);
		const last = [...burstAnswers.values()].map((tries) => tries[tries.length - 1].status);
		expect(last).toEqual(burst.map(() => 200));
		// The kill happened while requests were in flight to the killed processor.
		expect([...burstAnswers.values()].some((tries) => tries.length > 1)).toBe(true);
	});

	it('a processor killed mid-burst: no message ran twice', () => {
		expect(burst.filter((d) => succeeded(d) > 1).map((d) => d.index)).toEqual([]);
	});

	it('a processor killed mid-burst: every message is in exactly one succeeded execution', () => {
		// Each processor answers only once n8n has stored the execution, so a request the killed one
		// had answered 200 is stored, and one it had not answered was retried at the other processor.
		const notExactlyOnce = burst
			.map((delivery, index) => ({ delivery, tries: burstAnswers.get(index) ?? [] }))
			.filter(({ delivery }) => succeeded(delivery) !== 1)
			.map(({ delivery, tries }) => ({
				index: delivery.index,
				executions: bySid.get(delivery.messageSid) ?? [],
				answers: tries.map((o) => `processor ${o.processor + 1}: ${o.status || o.error}`),
			}));
		expect(notExactlyOnce).toEqual([]);
	});
});

describe('binary data mode filesystem, each process on its own disk (webhook processor, worker)', () => {
	let deployment: Deployment | undefined;
	let binary: Awaited<ReturnType<typeof binaryRound>>;

	beforeAll(async () => {
		deployment = await deploy({
			webhooks: 1,
			database: 'n8n_filesystem_mode',
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
		});
		binary = await binaryRound(deployment);
		console.log(
			`filesystem mode: ${JSON.stringify({
				media: binary.media.map((e) => [e.status, nodeError(e, READ_FILE)]),
				timelines: binary.timelines.map((e) => [e.status, nodeError(e, READ_FILE)]),
			})}`,
		);
	}, 12 * 60_000);

	afterAll(async () => await tearDown(deployment), 2 * 60_000);

	it('the webhook processor still answers and stores the executions', () => {
		expect(binary.mediaAnswer.status).toBe(200);
		expect(binary.timelinesAnswer.status).toBe(200);
		expect(binary.media).toHaveLength(1);
		expect(binary.timelines).toHaveLength(1);
	});

	it('the worker cannot read the file the webhook processor stored on its own disk: the execution fails', () => {
		for (const execution of [...binary.media, ...binary.timelines]) {
			expect(execution.status).toBe('error');
			// n8n's binary data manager looks for the file on the worker's own disk.
			expect(nodeError(execution, READ_FILE)).toBe('File not found');
		}
	});
});
