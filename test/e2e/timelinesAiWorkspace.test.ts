/**
 * The TimelinesAI workspace features of the trigger on a real n8n (seed 002, "Configuración y
 * Acciones de Webhook", "Utilización de Crédito o Cuota", "Envío de Archivos"): the Webhook
 * Enabled switch, generating a new URL by changing the secret, Basic auth on top, the quota budget
 * with units given back, and the 2 MB direct-download check against a local file server.
 * Settings are changed the way a user does it: save the workflow with new node parameters, then
 * publish it again.
 */
import { readFileSync } from 'fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';

import {
	errorBody,
	executionIds,
	GatewayCaller,
	liveVersionId,
	MESSAGE_ID,
	republishTrigger,
	runFor,
	successBody,
	triggerWorkflow,
	type Answer,
	type TriggerParameters,
} from './fixtures/timelinesai/gateway';
import { getN8n, REPO_ROOT } from './harness';

// Publishing retries a failing trigger with back-off for about 15 s before it reports the failure.
jest.setTimeout(60_000);

const n8n = getN8n();

const TWO_MB = 2 * 1024 * 1024;
const NOT_FOUND = errorBody(404, 'Webhook not found');
const message = (text: string) => ({ action: 'send', phone: '+14151231234', text });

function expectAnswer(answer: Answer, status: number, body: unknown): void {
	expect({ status: answer.status, body: answer.json ?? answer.text }).toEqual({ status, body });
}

function messageIdOf(answer: Answer): string {
	const id =
		(answer.json as { data?: { message_id?: string } } | undefined)?.data?.message_id ?? '';
	expect(id).toMatch(MESSAGE_ID);
	expectAnswer(answer, 200, successBody(id));
	return id;
}

/** One trigger workflow, imported and published for a describe block. */
function useWorkflow(
	name: string,
	ids: { nodeId: string; webhookId: string },
	parameters: TriggerParameters,
) {
	const state = {
		id: '',
		caller: new GatewayCaller(n8n, ids.webhookId, String(parameters.urlSecret)),
	};
	beforeAll(async () => {
		state.id = (await n8n.importWorkflow(triggerWorkflow(name, ids, parameters))).id;
		await n8n.activate(state.id);
	});
	afterAll(async () => {
		if (state.id) await n8n.deactivate(state.id);
	});
	return state;
}

async function expectNoNewExecution(
	workflowId: string,
	send: () => Promise<Answer>,
): Promise<Answer> {
	const before = await executionIds(n8n, workflowId);
	const answer = await send();
	expect(await executionIds(n8n, workflowId)).toEqual(before);
	return answer;
}

describe('Webhook Enabled switch and Generate new URL', () => {
	const OLD_SECRET = 'e2e-Switch-Old-4Hn8Rq2Vx6';
	const NEW_SECRET = 'e2e-Switch-New-9Tb3Kw7Mz1';
	const wf = useWorkflow(
		'timelinesai e2e: switch and rotation',
		{
			nodeId: 'f1cfe88d-8a3b-417a-af4b-0bf45a041657',
			webhookId: '80cddb0c-6a60-4ced-90a5-1f8867d2d1f3',
		},
		{ urlSecret: OLD_SECRET },
	);
	let accepted = 0;

	async function expectAcceptedNow(caller: GatewayCaller, text: string): Promise<void> {
		const id = messageIdOf(await caller.send(message(text)));
		accepted += 1;
		const run = await runFor(n8n, wf.id, accepted, id);
		expect(run.item.text).toBe(text);
	}

	async function republish(
		change: (parameters: TriggerParameters) => TriggerParameters,
	): Promise<void> {
		const saved = await republishTrigger(n8n, wf.id, change);
		expect(await liveVersionId(n8n, wf.id)).toBe(saved.versionId);
	}

	it('switched off, answers 404 "Webhook not found" with no execution, while the workflow stays active', async () => {
		await expectAcceptedNow(wf.caller, 'before switching off');

		await republish((parameters) => ({ ...parameters, webhookEnabled: false }));

		const answer = await expectNoNewExecution(
			wf.id,
			async () => await wf.caller.send(message('while switched off')),
		);
		expectAnswer(answer, 404, NOT_FOUND);
		expect((await n8n.getWorkflow(wf.id)).active).toBe(true);
		const publication = await n8n.rest<{ status: string }>(
			'GET',
			`/workflows/${wf.id}/publication-status`,
		);
		expect(publication.status).toBe('published');
	});

	it('switched off, still serves the log, which says why the request was turned away', async () => {
		const answer = await wf.caller.log();

		expect(answer.status).toBe(200);
		const attempts = (
			answer.json as { data: { attempts: Array<{ status: number; message: string }> } }
		).data.attempts;
		expect(attempts.at(-1)).toMatchObject({
			status: 404,
			accepted: false,
			message: 'Webhook not found: Webhook Enabled is off',
		});
	});

	it('switched on again, accepts messages at the same URL', async () => {
		await republish((parameters) => ({ ...parameters, webhookEnabled: true }));

		await expectAcceptedNow(wf.caller, 'after switching on');
	});

	it('with a new secret published, the old URL answers 404 at once and the new URL works', async () => {
		await republish((parameters) => ({ ...parameters, urlSecret: NEW_SECRET }));

		const oldUrl = await expectNoNewExecution(
			wf.id,
			async () => await wf.caller.send(message('to the old URL')),
		);
		expectAnswer(oldUrl, 404, NOT_FOUND);
		expectAnswer(await wf.caller.log(), 404, NOT_FOUND);

		const rotated = new GatewayCaller(n8n, wf.caller.webhookId, NEW_SECRET);
		await expectAcceptedNow(rotated, 'to the new URL');
		const log = await rotated.log();
		expect(log.status).toBe(200);
		expect(log.text).not.toContain(OLD_SECRET);
		expect(log.text).not.toContain(NEW_SECRET);
	});

	it('refuses to publish a URL Secret too short to protect the webhook', async () => {
		const weak = await n8n.importWorkflow(
			triggerWorkflow(
				'timelinesai e2e: weak secret',
				{
					nodeId: '82bfe515-36ea-4938-a53e-1f572837cf05',
					webhookId: 'd5e77d8c-40e0-430e-8d43-1e556ff23d53',
				},
				{ urlSecret: 'short-secret' },
			),
		);

		try {
			await expect(n8n.activate(weak.id)).rejects.toThrow(
				'The URL Secret must be at least 16 characters',
			);
			const answer = await new GatewayCaller(
				n8n,
				'd5e77d8c-40e0-430e-8d43-1e556ff23d53',
				'short-secret',
			).send(message('to a weak secret'));
			expect(answer.status).toBe(404);
		} finally {
			await n8n.deactivate(weak.id);
		}
	});
});

describe('Basic auth on top of the URL secret', () => {
	const SECRET = 'e2e-Basic-Auth-2Fp7Ys5Qc8';
	const USER = { user: 'crm-caller', password: 'Crm-Caller-Passw0rd' };
	const state = { id: '' };
	const caller = new GatewayCaller(n8n, '297c31f8-c8d4-4d25-b248-30e7d6224f72', SECRET);
	const basic = (user: string, password: string) => ({
		authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
	});

	beforeAll(async () => {
		const credential = await n8n.createCredential(
			'TimelinesAI e2e webhook user',
			'twilioWebhookUserApi',
			USER,
		);
		const workflow = triggerWorkflow(
			'timelinesai e2e: basic auth',
			{ nodeId: '60602d59-3958-4c24-bdef-3eb0a2590048', webhookId: caller.webhookId },
			{ urlSecret: SECRET, authentication: 'basicAuth' },
		);
		const [node] = workflow.nodes;
		state.id = (
			await n8n.importWorkflow({
				...workflow,
				nodes: [
					{
						...node,
						credentials: { twilioWebhookUserApi: { id: credential.id, name: credential.name } },
					},
				],
			})
		).id;
		await n8n.activate(state.id);
	});

	afterAll(async () => {
		if (state.id) await n8n.deactivate(state.id);
	});

	it('answers 401 with a Basic challenge without credentials, and 401 to a wrong password, starting no execution', async () => {
		const missing = await expectNoNewExecution(
			state.id,
			async () => await caller.send(message('no credentials')),
		);
		expectAnswer(
			missing,
			401,
			errorBody(
				401,
				'Authorization required: send the webhook user and password with HTTP Basic auth',
			),
		);
		expect(missing.headers.get('www-authenticate')).toBe(
			'Basic realm="n8n webhook", charset="UTF-8"',
		);

		const wrong = await expectNoNewExecution(
			state.id,
			async () =>
				await caller.send(message('wrong password'), {
					headers: basic(USER.user, 'Wrong-Passw0rd'),
				}),
		);
		expectAnswer(wrong, 401, errorBody(401, 'Authorization failed: wrong user or password'));
	});

	it('checks the secret before the credentials: a wrong secret is 404 even with the right user', async () => {
		expectAnswer(
			await caller.send(message('wrong secret'), {
				secret: 'e2e-Basic-Auth-wrong-secret',
				headers: basic(USER.user, USER.password),
			}),
			404,
			NOT_FOUND,
		);
	});

	it('accepts the request with the right user and password', async () => {
		const id = messageIdOf(
			await caller.send(message('with credentials'), { headers: basic(USER.user, USER.password) }),
		);

		const run = await runFor(n8n, state.id, 1, id);
		expect(run.item.text).toBe('with credentials');
	});

	it('protects the log the same way', async () => {
		expect((await caller.log()).status).toBe(401);
		const answer = await caller.send(undefined, {
			method: 'GET',
			route: '/log',
			headers: basic(USER.user, USER.password),
		});
		expect(answer.status).toBe(200);
	});
});

describe('Quota budget: 3 units per 24 hours', () => {
	const wf = useWorkflow(
		'timelinesai e2e: quota',
		{
			nodeId: 'd87ee32d-7f77-4eee-9262-993434764f61',
			webhookId: '2c2554f2-4b61-4979-bc32-fb187f5ccf1b',
		},
		{ urlSecret: 'e2e-Quota-Budget-8Gd4Nv1Xs3', quotaBudget: 3 },
	);
	const withFile = (text: string) => ({
		...message(text),
		file_url: 'https://timelines.ai/logo.png',
		file_name: 'logo.png',
	});
	const OVER_BUDGET =
		/^Quota exceeded: this message needs 1 unit and 0 of the 3 units per 24 hours are left; units free up from (\S+)$/;
	let firstSentAt = 0;
	let firstAnsweredAt = 0;
	let twoUnitMessage = '';

	it('accepts 1 + 2 units and says so on the items', async () => {
		firstSentAt = Date.now();
		const first = messageIdOf(await wf.caller.send(message('one unit')));
		firstAnsweredAt = Date.now();
		twoUnitMessage = messageIdOf(await wf.caller.send(withFile('two units')));

		expect((await runFor(n8n, wf.id, 2, first)).item.quotaUnits).toBe(1);
		expect((await runFor(n8n, wf.id, 2, twoUnitMessage)).item.quotaUnits).toBe(2);
	});

	it('answers 429 in the TimelinesAI shape once the budget is spent, saying when units free up, and starts no execution', async () => {
		const answer = await expectNoNewExecution(
			wf.id,
			async () => await wf.caller.send(message('over budget')),
		);

		expect(answer.status).toBe(429);
		expect(answer.json).toEqual(
			errorBody(429, expect.stringMatching(OVER_BUDGET) as unknown as string),
		);
		const freeFrom = Date.parse(
			OVER_BUDGET.exec((answer.json as { message: string }).message)?.[1] ?? '',
		);
		const day = 24 * 60 * 60 * 1000;
		expect(freeFrom).toBeGreaterThanOrEqual(firstSentAt + day);
		expect(freeFrom).toBeLessThanOrEqual(firstAnsweredAt + day);
	});

	it('gives the units of a failed send back once, through the restore URL', async () => {
		expectAnswer(await wf.caller.restore(twoUnitMessage), 200, {
			status: 'success',
			data: { message_id: twoUnitMessage, restored_units: 2, units_left: 2 },
		});

		expectAnswer(
			await wf.caller.restore(twoUnitMessage),
			404,
			errorBody(
				404,
				`No quota use of message "${twoUnitMessage}" in the last 24 hours: it was already given back, is older, or was not accepted here`,
			),
		);
	});

	it('accepts 2 more units after the restore, and then is over budget again', async () => {
		const id = messageIdOf(await wf.caller.send(withFile('after the restore')));
		expect((await runFor(n8n, wf.id, 3, id)).item.quotaUnits).toBe(2);

		expect((await wf.caller.send(message('over budget again'))).status).toBe(429);
	});

	it('answers 400 to a restore without a message id of this shape, and 415 to a non-JSON restore', async () => {
		expectAnswer(
			await wf.caller.send({ message_id: 'SM0123' }, { route: '/quota/restore' }),
			400,
			errorBody(
				400,
				'"message_id" must be the id this webhook answered with, like "wa_backend:3EB09FCC85FE99662E46"',
			),
		);
		expectAnswer(
			await wf.caller.send('message_id=x', {
				route: '/quota/restore',
				headers: { 'content-type': 'text/plain' },
			}),
			415,
			errorBody(415, 'Content-Type must be "application/json"; got "text/plain"'),
		);
	});

	it('logs the over-budget attempts with their units', async () => {
		const attempts = (
			(await wf.caller.log()).json as { data: { attempts: Array<Record<string, unknown>> } }
		).data.attempts;

		expect(attempts.filter((attempt) => attempt.status === 429)).toEqual([
			expect.objectContaining({
				accepted: false,
				quotaUnits: 1,
				recipientType: 'phone',
				messageId: null,
			}),
			expect.objectContaining({
				accepted: false,
				quotaUnits: 1,
				recipientType: 'phone',
				messageId: null,
			}),
		]);
	});

	it('without a budget, has nothing to give back', async () => {
		const unlimited = new GatewayCaller(
			n8n,
			'617ce9ac-5be6-4a0d-8d4f-c29d244028e3',
			'e2e-No-Budget-3Zr6Lp9Wa2',
		);
		const workflow = await n8n.importWorkflow(
			triggerWorkflow(
				'timelinesai e2e: no budget',
				{ nodeId: 'd6cd647c-9647-4cb7-9ca3-e6fa6fd38f2e', webhookId: unlimited.webhookId },
				{ urlSecret: unlimited.secret },
			),
		);
		await n8n.activate(workflow.id);
		try {
			const id = messageIdOf(await unlimited.send(message('unlimited')));
			expectAnswer(
				await unlimited.restore(id),
				400,
				errorBody(400, 'No Quota Budget is set on this node, so there are no units to give back'),
			);
		} finally {
			await n8n.deactivate(workflow.id);
		}
	});
});

describe('The 2 MB direct-download check, against a local file server', () => {
	// A 1x1 transparent PNG, the smallest real image file.
	const PNG = Buffer.from(
		'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
		'base64',
	);
	const SHARE_PAGE = readFileSync(join(REPO_ROOT, 'test/fixtures/timelinesai/share-page.html'));
	const wf = useWorkflow(
		'timelinesai e2e: file check',
		{
			nodeId: 'f6fc2076-5c3f-49d4-84a7-b9fdbfa1a156',
			webhookId: '8e6b2e5e-e877-42dd-bbe5-bc070225c1e5',
		},
		{
			urlSecret: 'e2e-File-Check-5Jm2Qh8Tb4',
			// The local server stands in for a public file host, so private targets are allowed here.
			options: {
				checkFileUrl: true,
				downloadFile: true,
				binaryPropertyName: 'attachment',
				allowPrivateFileUrls: true,
			},
		},
	);
	const downloads: string[] = [];
	let server: Server;
	let base = '';
	let accepted = 0;

	/** Serves `size` zero bytes in 64 KB chunks, without Content-Length when `chunked`. */
	function serveBytes(res: ServerResponse, size: number, chunked: boolean): void {
		res.writeHead(200, {
			'content-type': 'application/octet-stream',
			...(chunked ? {} : { 'content-length': String(size) }),
		});
		res.on('error', () => undefined);
		const chunk = Buffer.alloc(64 * 1024);
		let left = size;
		const pump = () => {
			while (left > 0) {
				const part = chunk.subarray(0, Math.min(chunk.length, left));
				left -= part.length;
				if (!res.write(part)) return void res.once('drain', pump);
			}
			res.end();
		};
		pump();
	}

	const routes: Record<string, (res: ServerResponse) => void> = {
		'/files/logo.png': (res) =>
			res
				.writeHead(200, { 'content-type': 'image/png', 'content-length': String(PNG.length) })
				.end(PNG),
		'/share/logo.png': (res) =>
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(SHARE_PAGE),
		// File hosts often send their share pages with a generic type; the bytes still show HTML.
		'/share/generic': (res) =>
			res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(SHARE_PAGE),
		'/files/exactly-2mb.bin': (res) => serveBytes(res, TWO_MB, false),
		'/files/over-2mb.bin': (res) => serveBytes(res, TWO_MB + 1, false),
		'/files/over-2mb-chunked.bin': (res) => serveBytes(res, 3 * 1024 * 1024, true),
	};

	beforeAll(async () => {
		server = createServer((req: IncomingMessage, res: ServerResponse) => {
			downloads.push(`${req.method} ${req.url}`);
			const route = routes[req.url ?? ''];
			if (route) route(res);
			else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
		});
		await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((done) => server.close(done));
	});

	const withFile = (path: string, name: string, text = 'see attachment') => ({
		...message(text),
		file_url: `${base}${path}`,
		file_name: name,
	});

	it('accepts a small direct file and puts it on the item as binary', async () => {
		const id = messageIdOf(await wf.caller.send(withFile('/files/logo.png', 'logo.png')));
		accepted += 1;

		expect(downloads).toContain('GET /files/logo.png');
		const run = await runFor(n8n, wf.id, accepted, id);
		expect(run.item.file).toEqual({
			url: `${base}/files/logo.png`,
			name: 'logo.png',
			contentType: 'image/png',
			size: PNG.length,
		});
		expect(run.item.quotaUnits).toBe(2);
		expect(run.binary?.attachment).toMatchObject({
			mimeType: 'image/png',
			fileName: 'logo.png',
			fileExtension: 'png',
		});
	});

	it('accepts a file of exactly 2 MB', async () => {
		const id = messageIdOf(
			await wf.caller.send(withFile('/files/exactly-2mb.bin', 'exactly-2mb.bin', '')),
		);
		accepted += 1;

		const run = await runFor(n8n, wf.id, accepted, id);
		expect(run.item.file).toMatchObject({ contentType: 'application/octet-stream', size: TWO_MB });
		expect(run.item.quotaUnits).toBe(1);
		expect(run.binary?.attachment).toMatchObject({ fileName: 'exactly-2mb.bin' });
	});

	const NOT_A_FILE =
		'it answers with a web page (HTML), not the file: use a direct download link, which starts downloading at once in a private browser window';
	it.each([
		['a file-hosting share page (text/html)', '/share/logo.png', NOT_A_FILE],
		['a share page sent as application/octet-stream', '/share/generic', NOT_A_FILE],
		[
			'a file declared over 2 MB',
			'/files/over-2mb.bin',
			`the file is ${TWO_MB + 1} bytes; attachments may be at most 2 MB (${TWO_MB} bytes)`,
		],
		[
			'a file over 2 MB without Content-Length',
			'/files/over-2mb-chunked.bin',
			`the file is larger than 2 MB (${TWO_MB} bytes), the attachment limit`,
		],
		[
			'a link that answers 404',
			'/files/gone.pdf',
			'the server answered HTTP 404 instead of the file',
		],
	])('answers 400 to %s, saying why, with no execution', async (_label, path, reason) => {
		const answer = await expectNoNewExecution(
			wf.id,
			async () => await wf.caller.send(withFile(path, 'logo.png')),
		);

		expectAnswer(answer, 400, errorBody(400, `"file_url" cannot be sent: ${reason}`));
		expect(downloads).toContain(`GET ${path}`);
	});
});
