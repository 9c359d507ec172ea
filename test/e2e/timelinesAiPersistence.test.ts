/**
 * What a real n8n 2.41 keeps of the TimelinesAI trigger's state (the quota budget per
 * rolling 24 hours kept in workflow static data, the log of the last 100 attempts): in the default
 * "Immediately" mode and in "When Last Node Finishes" every accepted request is saved in the
 * workflow's static data by the execution it started, when that ends, read back through n8n's REST
 * API, and is still counted and listed by a second n8n process started on the same database after
 * the first one stopped (stateStore.ts has the reasons, from n8n's source).
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { setTimeout as delay } from 'timers/promises';

import {
	errorBody,
	GatewayCaller,
	MESSAGE_ID,
	runFor,
	successBody,
	TRIGGER_NAME,
	triggerWorkflow,
	type Answer,
} from './fixtures/timelinesai/gateway';
import { getN8n, N8nClient, OWNER, startN8n, type N8nInstance } from './harness';

jest.setTimeout(60_000);

const STATE_KEY = `node:${TRIGGER_NAME}`;
const message = (text: string) => ({ action: 'send', phone: '+14151231234', text });
// One quota unit for the text, one for the file (seed 002, "Utilización de Crédito o Cuota").
const withFile = (text: string) => ({
	...message(text),
	file_url: 'https://timelines.ai/logo.png',
	file_name: 'logo.png',
});

interface StoredState {
	ledger: Array<[number, number, string]>;
	lastSlot: number;
	log: Array<{
		accepted: boolean;
		status: number;
		messageId: string | null;
		quotaUnits: number | null;
	}>;
}

/** The gateway state in the workflow's static data, as n8n has it in its database. */
async function storedState(
	client: N8nClient,
	workflowId: string,
): Promise<StoredState | undefined> {
	const workflow = await client.rest<{
		staticData?: Record<string, { timelinesAiGateway?: StoredState }> | null;
	}>('GET', `/workflows/${workflowId}`);
	return workflow.staticData?.[STATE_KEY]?.timelinesAiGateway;
}

function acceptedId(answer: Answer): string {
	const id =
		(answer.json as { data?: { message_id?: string } } | undefined)?.data?.message_id ?? '';
	expect(id).toMatch(MESSAGE_ID);
	expect({ status: answer.status, body: answer.json }).toEqual({
		status: 200,
		body: successBody(id),
	});
	expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
	return id;
}

async function attemptsOf(
	caller: GatewayCaller,
): Promise<Array<{ status: number; messageId: string | null }>> {
	const answer = await caller.log();
	expect(answer.status).toBe(200);
	return (
		answer.json as { data: { attempts: Array<{ status: number; messageId: string | null }> } }
	).data.attempts.map(({ status, messageId }) => ({ status, messageId }));
}

describe('"Immediately": accepted requests are saved in the workflow\'s static data', () => {
	const n8n = getN8n();
	const caller = new GatewayCaller(
		n8n,
		'a3f1d5c2-6b7e-4f08-9d1a-2c3b4e5f6a70',
		'e2e-Persist-Static-6Rw2Kd8Ny3',
	);
	let workflowId = '';

	beforeAll(async () => {
		const workflow = triggerWorkflow(
			'timelinesai e2e: persistence',
			{ nodeId: 'b6e2a4d1-3c5f-4a7b-8e9d-0f1a2b3c4d5e', webhookId: caller.webhookId },
			{ urlSecret: caller.secret, quotaBudget: 10 },
		);
		workflowId = (await n8n.importWorkflow(workflow)).id;
		await n8n.activate(workflowId);
	});

	afterAll(async () => {
		if (workflowId) await n8n.deactivate(workflowId);
	});

	it("holds every accepted request's units, the pacing queue's end and every attempt, with nothing read through the node", async () => {
		// A rejection first: n8n saves its change in any mode, so it must not be what carries the
		// accepted ones.
		expect((await caller.send({ action: 'nope' })).status).toBe(400);
		const ids = [
			acceptedId(await caller.send(message('first'))),
			acceptedId(await caller.send(withFile('second'))),
			acceptedId(await caller.send(message('third'))),
		];
		const slots: number[] = [];
		for (const id of ids)
			slots.push(
				Date.parse((await runFor(n8n, workflowId, ids.length, id)).item.notBefore as string),
			);

		// Each execution saved the state when it ended, so it is in the database now.
		const state = await storedState(n8n, workflowId);
		expect(state?.ledger.map(([, units, id]) => [id, units])).toEqual([
			[ids[0], 1],
			[ids[1], 2],
			[ids[2], 1],
		]);
		expect(state?.lastSlot).toBe(Math.max(...slots));
		expect(
			state?.log.map(({ status, messageId, quotaUnits }) => [status, messageId, quotaUnits]),
		).toEqual([
			[400, null, null],
			[200, ids[0], 1],
			[200, ids[1], 2],
			[200, ids[2], 1],
		]);
	});
});

describe('"When Last Node Finishes": the execution saves the accepted request when it ends', () => {
	const n8n = getN8n();
	const caller = new GatewayCaller(
		n8n,
		'c7d3e5f2-4a6b-4c8d-9e0f-1a2b3c4d5e6f',
		'e2e-Persist-LastNode-3Hs9Fq5Vm1',
	);
	let workflowId = '';

	beforeAll(async () => {
		const workflow = triggerWorkflow(
			'timelinesai e2e: persistence, last node',
			{ nodeId: 'd8e4f6a3-5b7c-4d9e-8f1a-2b3c4d5e6f70', webhookId: caller.webhookId },
			{ urlSecret: caller.secret, responseMode: 'lastNode' },
		);
		workflowId = (await n8n.importWorkflow(workflow)).id;
		await n8n.activate(workflowId);
	});

	afterAll(async () => {
		if (workflowId) await n8n.deactivate(workflowId);
	});

	it('has it in the database once the execution is done, before any other request', async () => {
		const answer = await caller.send(message('answered by the workflow'));
		expect(answer.status).toBe(200);
		const id = (answer.json as { messageId?: string }).messageId ?? '';
		expect(id).toMatch(MESSAGE_ID);
		await runFor(n8n, workflowId, 1, id);
		expect((await storedState(n8n, workflowId))?.log.map((entry) => entry.messageId)).toEqual([id]);
		expect(await attemptsOf(caller)).toEqual([{ status: 200, messageId: id }]);
	});
});

describe('after a restart of n8n on the same database', () => {
	// Each instance has its own user folder (deleted when it stops); the database and the encryption
	// key are shared.
	const databaseFolder = mkdtempSync(join(tmpdir(), 'timelinesai-restart-'));
	const env = {
		DB_SQLITE_DATABASE: join(databaseFolder, 'database.sqlite'),
		N8N_ENCRYPTION_KEY: 'e2e-timelinesai-restart-key-5Tq8',
	};
	const ids = {
		nodeId: 'e9f5a7b4-6c8d-4e0f-9a2b-3c4d5e6f7a81',
		webhookId: 'f0a6b8c5-7d9e-4f1a-8b3c-4d5e6f7a8b92',
	};
	const SECRET = 'e2e-Persist-Restart-8Lp4Gx2Zc7';
	let running: N8nInstance | undefined;
	let workflowId = '';
	const before: {
		accepted: string[];
		attempts: Array<{ status: number; messageId: string | null }>;
	} = { accepted: [], attempts: [] };

	async function start(name: string): Promise<{ client: N8nClient; caller: GatewayCaller }> {
		running = await startN8n({ env, name });
		const client = new N8nClient({ baseUrl: running.baseUrl, logFile: running.logFile });
		return { client, caller: new GatewayCaller(client, ids.webhookId, SECRET) };
	}

	afterAll(async () => {
		await running?.stop();
		rmSync(databaseFolder, { recursive: true, force: true });
	});

	it('first n8n: accepts 3 of the 4 units per 24 hours and logs the attempts', async () => {
		const { client, caller } = await start('timelinesai-restart-1');
		await client.setupOwner();
		workflowId = (
			await client.importWorkflow(
				triggerWorkflow('timelinesai e2e: restart', ids, { urlSecret: SECRET, quotaBudget: 4 }),
			)
		).id;
		await client.activate(workflowId);

		before.accepted.push(acceptedId(await caller.send(message('before the restart'))));
		expect((await caller.send({ action: 'send', text: 'no recipient' })).status).toBe(400);
		before.accepted.push(
			acceptedId(await caller.send(withFile('with a file, before the restart'))),
		);
		await client.waitForExecutions(workflowId, 2);
		before.attempts = [
			{ status: 200, messageId: before.accepted[0] },
			{ status: 400, messageId: null },
			{ status: 200, messageId: before.accepted[1] },
		];

		await running?.stop();
		running = undefined;
	}, 180_000);

	it('second n8n: still counts those units, lists those attempts and gives their units back', async () => {
		expect(before.accepted).toHaveLength(2);
		const { client, caller } = await start('timelinesai-restart-2');
		await client.login(OWNER.email, OWNER.password);
		await waitUntilPublished(client, workflowId);

		expect(await attemptsOf(caller)).toEqual(before.attempts);
		const over = await caller.send(withFile('two units, one left'));
		expect({ status: over.status, body: over.json }).toEqual({
			status: 429,
			body: errorBody(
				429,
				expect.stringMatching(
					/^Quota exceeded: this message needs 2 units and 1 of the 4 units per 24 hours is left; units free up from /,
				) as unknown as string,
			),
		});
		const last = acceptedId(await caller.send(message('the last unit')));
		expect((await caller.send(message('none left'))).status).toBe(429);
		const restored = await caller.restore(before.accepted[1]);
		expect({ status: restored.status, body: restored.json }).toEqual({
			status: 200,
			body: {
				status: 'success',
				data: { message_id: before.accepted[1], restored_units: 2, units_left: 2 },
			},
		});

		expect((await attemptsOf(caller)).map((attempt) => attempt.status)).toEqual([
			200, 400, 200, 429, 200, 429,
		]);
		expect((await storedState(client, workflowId))?.ledger.map(([, , id]) => id)).toEqual([
			before.accepted[0],
			last,
		]);
	}, 180_000);
});

/** n8n activates published workflows in the background after it reports ready. */
async function waitUntilPublished(client: N8nClient, workflowId: string): Promise<void> {
	for (;;) {
		const { status } = await client.rest<{ status: string }>(
			'GET',
			`/workflows/${workflowId}/publication-status`,
		);
		if (status === 'published') return;
		if (status === 'failed' || status === 'partial')
			throw new Error(`workflow ${workflowId} came back "${status}" after the restart`);
		await delay(250);
	}
}
