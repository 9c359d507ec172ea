/**
 * Both triggers answer an accepted request only once n8n has stored its execution, on a real n8n
 * 2.41 (SQLite, one process), proven from n8n's own database rather than its REST API:
 *
 * - A burst of 300 signed Twilio deliveries over 10 connections, and one of 300 valid TimelinesAI
 *   send requests: the moment the last answer arrives, n8n's execution table holds at least one
 *   execution per 200 answer (each accepted request starts exactly one).
 * - n8n killed with SIGKILL at a random moment of a burst mixing both triggers, then restarted on
 *   the same database: every request that had been answered 200 has an execution holding its
 *   message.
 *
 * The database is read with the sqlite3 module of the cached n8n install, run by n8n's own Node
 * (the module is built for it), in one long-lived process so that a count takes a query, not a
 * start-up.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import { randomInt } from 'crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createInterface } from 'readline';

import { DEFAULT_ACCOUNT } from '../mock-twilio';
import { deliver, whatsAppDeliveries, type Delivery, type Outcome } from '../queue/load';
import { successBody, triggerWorkflow } from './fixtures/timelinesai/gateway';
import {
	ensureN8nInstall,
	N8nClient,
	OWNER,
	REPO_ROOT,
	startN8n,
	type N8nInstance,
} from './harness';

jest.setTimeout(15 * 60_000);

const BURST = 300;
const CONNECTIONS = 10;
const AUTH_TOKEN = 'e2e-durability-auth-token-7Hq2Wm4Zx9';
const TWILIO_IDS = {
	nodeId: '5d1e9a3c-7b2f-4c8e-9a1d-2e3f4a5b6c71',
	webhookId: '6e2fab4d-8c3a-4d9f-8b2e-3f4a5b6c7d82',
};
const TIMELINES_IDS = {
	nodeId: '7f3a0c5e-9d4b-4e1a-9c3f-4a5b6c7d8e93',
	webhookId: '8a4b1d6f-ae5c-4f2b-8d4a-5b6c7d8e9fa4',
};
const SECRET = 'e2e-Durability-Secret-3Kd8Pz6Rt1';

/**
 * Reads n8n's SQLite database while n8n runs: one query per line in, one JSON answer per line out.
 */
class ExecutionTable {
	private readonly child: ChildProcessWithoutNullStreams;
	private readonly waiting: Array<(line: string) => void> = [];

	constructor(databaseFile: string) {
		const install = ensureN8nInstall();
		const sqlite3 = join(install.dir, 'node_modules', 'sqlite3');
		const script = `
			const sqlite3 = require(${JSON.stringify(sqlite3)});
			const db = new sqlite3.Database(${JSON.stringify(databaseFile)}, sqlite3.OPEN_READONLY);
			db.configure('busyTimeout', 30000);
			require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
				const { sql, params } = JSON.parse(line);
				db.all(sql, params, (error, rows) =>
					process.stdout.write(JSON.stringify(error ? { error: error.message } : { rows }) + '\\n'));
			});`;
		this.child = spawn(install.node, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
		createInterface({ input: this.child.stdout }).on('line', (line) =>
			this.waiting.shift()?.(line),
		);
	}

	async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
		const line = await new Promise<string>((resolve) => {
			this.waiting.push(resolve);
			this.child.stdin.write(`${JSON.stringify({ sql, params })}\n`);
		});
		const answer = JSON.parse(line) as { rows?: T[]; error?: string };
		if (answer.error !== undefined) throw new Error(`sqlite: ${answer.error}`);
		return answer.rows ?? [];
	}

	async count(workflowId: string): Promise<number> {
		const [row] = await this.query<{ n: number }>(
			'SELECT COUNT(*) AS n FROM execution_entity WHERE workflowId = ?',
			[workflowId],
		);
		return row.n;
	}

	/**
	 * The stored run data of every execution of the workflow (n8n's flatted text, searched as text).
	 */
	async runData(workflowId: string): Promise<string[]> {
		const rows = await this.query<{ data: string }>(
			'SELECT d.data AS data FROM execution_data d JOIN execution_entity e ON e.id = d.executionId WHERE e.workflowId = ?',
			[workflowId],
		);
		return rows.map((row) => row.data);
	}

	close(): void {
		this.child.kill();
	}
}

function twilioWorkflow() {
	return {
		name: 'durability: Twilio trigger → No Operation',
		nodes: [
			{
				id: TWILIO_IDS.nodeId,
				name: 'Twilio Trigger',
				type: 'n8n-nodes-twilio-whatsapp.twilioWhatsAppTrigger',
				typeVersion: 2,
				position: [0, 0],
				webhookId: TWILIO_IDS.webhookId,
				parameters: {
					events: 'messages',
					respond: 'emptyTwiml',
					verifySignature: true,
					options: {},
				},
				credentials: { twilioMessagingApi: { id: '', name: '' } },
			},
			{
				id: '9b5c2e7a-bf6d-4a3c-9e5b-6c7d8e9fa0b5',
				name: 'Done',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { 'Twilio Trigger': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** A request to either trigger, and whether (and with what) it was answered. */
interface Sent {
	kind: 'twilio' | 'timelines';
	/**
	 * What identifies its message in the stored run data: Twilio's MessageSid, the TimelinesAI
	 * message_id.
	 */
	key: () => string | undefined;
	outcome?: Outcome & { messageId?: string };
}

interface Deployment {
	n8n: N8nInstance;
	client: N8nClient;
	twilioUrl: string;
	timelinesUrl: string;
	workflowIds: { twilio: string; timelines: string };
}

const databaseFolder = mkdtempSync(join(tmpdir(), 'n8n-durability-'));
const databaseFile = join(databaseFolder, 'database.sqlite');
const env = {
	DB_SQLITE_DATABASE: databaseFile,
	N8N_ENCRYPTION_KEY: 'e2e-durability-key-9Vb3Lx5Qw2',
	// Less log to write under load; the secrets audit reads the shared instance's log, not this one.
	N8N_LOG_LEVEL: 'warn',
};
let running: N8nInstance | undefined;
let table: ExecutionTable;
let deployed = { twilio: '', timelines: '' };

async function start(name: string, setUp: boolean): Promise<Deployment> {
	const n8n = await startN8n({ env, name });
	running = n8n;
	const client = new N8nClient({ baseUrl: n8n.baseUrl, logFile: n8n.logFile });
	let workflowIds = deployed;
	if (setUp) {
		await client.setupOwner();
		const credential = await client.createCredential('Twilio (durability)', 'twilioMessagingApi', {
			accountSid: DEFAULT_ACCOUNT.accountSid,
			authType: 'authToken',
			authToken: AUTH_TOKEN,
		});
		const twilio = twilioWorkflow();
		twilio.nodes[0].credentials = { twilioMessagingApi: credential };
		const twilioId = (await client.importWorkflow(twilio)).id;
		const timelinesId = (
			await client.importWorkflow(
				triggerWorkflow('durability: TimelinesAI trigger', TIMELINES_IDS, { urlSecret: SECRET }),
			)
		).id;
		await client.activate(twilioId);
		await client.activate(timelinesId);
		workflowIds = { twilio: twilioId, timelines: timelinesId };
		deployed = workflowIds;
	} else {
		await client.login(OWNER.email, OWNER.password);
	}
	return {
		n8n,
		client,
		workflowIds,
		twilioUrl: `${n8n.baseUrl}/webhook/${TWILIO_IDS.webhookId}/twilio`,
		timelinesUrl: `${n8n.baseUrl}/webhook/${TIMELINES_IDS.webhookId}/timelinesai?secret=${SECRET}`,
	};
}

async function sendTimelines(
	url: string,
	index: number,
	deadline: number,
): Promise<Outcome & { messageId?: string }> {
	const sentAt = Date.now();
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'send', phone: '+14151231234', text: `durability ${index}` }),
			signal: AbortSignal.timeout(Math.max(1, deadline - sentAt)),
		});
		const body = await response.text();
		let messageId: string | undefined;
		try {
			messageId = (JSON.parse(body) as { data?: { message_id?: string } }).data?.message_id;
		} catch {
			messageId = undefined;
		}
		return {
			index,
			attempt: 'first',
			status: response.status,
			body,
			contentType: response.headers.get('content-type') ?? '',
			sentAt,
			answeredAt: Date.now(),
			messageId,
		};
	} catch (error) {
		return {
			index,
			attempt: 'first',
			status: 0,
			body: '',
			contentType: '',
			error: (error as Error).message,
			sentAt,
			answeredAt: Date.now(),
		};
	}
}

/**
 * Sends the requests over `CONNECTIONS` connections; `onAnswer` runs after each answer (with how
 * many have arrived) and may stop the run by returning true (after which nothing more is sent).
 */
async function burst(
	deployment: Deployment,
	requests: Array<{ kind: Sent['kind']; delivery: Delivery }>,
	onAnswer: (answered: number) => boolean | Promise<boolean> = () => false,
): Promise<Sent[]> {
	const deadline = Date.now() + 10 * 60_000;
	const sent: Sent[] = [];
	let next = 0;
	let answered = 0;
	let stopped = false;
	const runner = async () => {
		while (!stopped && next < requests.length) {
			const { kind, delivery } = requests[next++];
			const entry: Sent =
				kind === 'twilio'
					? { kind, key: () => delivery.messageSid }
					: { kind, key: () => entry.outcome?.messageId };
			sent.push(entry);
			entry.outcome =
				kind === 'twilio'
					? await deliver(
							{ url: deployment.twilioUrl, authToken: AUTH_TOKEN, deadline },
							delivery,
							'first',
						)
					: await sendTimelines(deployment.timelinesUrl, delivery.index, deadline);
			answered++;
			if (await onAnswer(answered)) stopped = true;
		}
	};
	await Promise.all(Array.from({ length: CONNECTIONS }, runner));
	return sent;
}

const answered200 = (sent: Sent[]) => sent.filter((s) => s.outcome?.status === 200);

/** Numbers for the report, in .e2e/durability-summary.json; not assertions. */
const summary: Record<string, unknown> = {};

afterAll(async () => {
	mkdirSync(join(REPO_ROOT, '.e2e'), { recursive: true });
	writeFileSync(
		join(REPO_ROOT, '.e2e', 'durability-summary.json'),
		JSON.stringify(summary, null, 2),
	);
	table?.close();
	await running?.stop();
	rmSync(databaseFolder, { recursive: true, force: true });
});

describe('n8n has stored the execution when a trigger answers 200 (real n8n 2.41, SQLite)', () => {
	let deployment: Deployment;

	beforeAll(async () => {
		deployment = await start('durability-1', true);
		table = new ExecutionTable(databaseFile);
	});

	it.each([['twilio'], ['timelines']] as const)(
		'%s: at the last of 300 answers over 10 connections, the execution table holds one execution per 200 answer',
		async (kind) => {
			const workflowId = deployment.workflowIds[kind];
			const before = await table.count(workflowId);
			const deliveries = whatsAppDeliveries(BURST, DEFAULT_ACCOUNT.accountSid);
			let storedAtLastAnswer = -1;
			const sent = await burst(
				deployment,
				deliveries.map((delivery) => ({ kind, delivery })),
				async (answered) => {
					if (answered === BURST) storedAtLastAnswer = (await table.count(workflowId)) - before;
					return false;
				},
			);
			const ok = answered200(sent);
			expect(ok).toHaveLength(BURST);
			for (const { outcome } of ok) {
				if (kind === 'twilio')
					expect(outcome?.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
				else expect(JSON.parse(outcome?.body ?? '')).toEqual(successBody(outcome?.messageId ?? ''));
			}
			summary[`burst ${kind}`] = { answered200: ok.length, storedAtLastAnswer };
			// Every accepted request starts exactly one execution; fewer rows would mean a 200 without
			// one.
			expect(storedAtLastAnswer).toBeGreaterThanOrEqual(ok.length);
		},
	);

	it.each([1, 2])(
		'kill -9 at a random moment of a burst to both triggers (round %i): after a restart, every request answered 200 has an execution',
		async (round) => {
			const deliveries = whatsAppDeliveries(BURST, DEFAULT_ACCOUNT.accountSid, round * 10_000);
			const killAfter = randomInt(20, BURST - 50);
			const n8nPid = deployment.n8n.pid;
			const sent = await burst(
				deployment,
				deliveries.map((delivery, i) => ({ kind: i % 2 ? 'timelines' : 'twilio', delivery })),
				(answered) => {
					if (answered !== killAfter) return false;
					// The whole process group, as when the machine dies: no graceful shutdown.
					process.kill(-n8nPid, 'SIGKILL');
					return true;
				},
			);
			const ok = answered200(sent);
			expect(ok.length).toBeGreaterThanOrEqual(killAfter - CONNECTIONS);

			summary[`kill round ${round}`] = {
				killedAfterAnswers: killAfter,
				answered200: ok.length,
				byTrigger: { twilio: ok.filter((s) => s.kind === 'twilio').length },
			};
			deployment = await start(`durability-restart-${round}`, false);
			const stored = [
				...(await table.runData(deployment.workflowIds.twilio)),
				...(await table.runData(deployment.workflowIds.timelines)),
			].join('\n');
			const missing = ok
				.map((s) => `${s.kind} ${s.key() ?? '(no id in the answer)'}`)
				.filter((label) => !stored.includes(label.split(' ')[1]));
			expect({ answered200: ok.length, missing }).toEqual({ answered200: ok.length, missing: [] });
		},
	);
});
