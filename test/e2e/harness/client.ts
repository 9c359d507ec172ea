import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { setTimeout as delay } from 'timers/promises';

import { parseFlatted } from './flatted';

/**
 * The n8n owner the harness creates; the password meets n8n's rules (8+ chars, a digit, an
 * upper-case letter).
 */
export const OWNER = {
	email: 'owner@e2e.test',
	firstName: 'E2e',
	lastName: 'Owner',
	password: 'E2e-Owner-Passw0rd',
};

/**
 * n8n's `n8n-auth` cookie is bound to the `browser-id` header sent at login; both go with every
 * request.
 */
export interface Session {
	cookie: string;
	browserId: string;
}

export interface Credential {
	id: string;
	name: string;
	type: string;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface Workflow {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export type ExecutionStatus =
	| 'new'
	| 'running'
	| 'success'
	| 'error'
	| 'canceled'
	| 'crashed'
	| 'waiting'
	| 'unknown';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: ExecutionStatus;
	mode: string;
	startedAt: string | null;
	stoppedAt: string | null;
	[key: string]: unknown;
}

export interface NodeRun {
	data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
	error?: { message?: string; description?: string; [key: string]: unknown };
	[key: string]: unknown;
}

/** An execution with its data decoded from n8n's `flatted` format. */
export interface Execution extends ExecutionSummary {
	data: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: { message?: string; [key: string]: unknown };
			lastNodeExecuted?: string;
		};
		[key: string]: unknown;
	};
}

export interface ClientOptions {
	baseUrl: string;
	session?: Session;
	/** n8n's log file, for readLog(). */
	logFile?: string;
}

export class N8nApiError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		readonly status: number,
		readonly body: unknown,
	) {
		const detail = (body as { message?: string } | undefined)?.message ?? JSON.stringify(body);
		super(`n8n ${method} ${path} answered ${status}: ${detail}`);
	}
}

const POLL_INTERVAL_MS = 250;
const ACTIVATION_TIMEOUT_MS = 60_000;

/**
 * A client for n8n's internal REST API (`/rest/...`), the one the editor uses, plus webhook
 * helpers.
 */
export class N8nClient {
	readonly baseUrl: string;

	readonly logFile?: string;

	private session?: Session;

	constructor(options: ClientOptions) {
		this.baseUrl = options.baseUrl.replace(/\/+$/, '');
		this.session = options.session;
		this.logFile = options.logFile;
	}

	/** Creates the owner account of a fresh n8n and logs in as it. */
	async setupOwner(owner = OWNER): Promise<Session> {
		await this.rest('POST', '/owner/setup', owner);
		return await this.login(owner.email, owner.password);
	}

	async login(email: string, password: string): Promise<Session> {
		const browserId = randomUUID();
		const response = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': browserId },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
		if (!response.ok)
			throw new N8nApiError('POST', '/rest/login', response.status, await readBody(response));
		const cookie = response.headers
			.getSetCookie()
			.map((header) => header.split(';')[0])
			.find((pair) => pair.startsWith('n8n-auth='));
		if (!cookie) throw new Error('n8n answered the login without an n8n-auth cookie');
		this.session = { cookie, browserId };
		return this.session;
	}

	/** Calls `/rest<path>` as the logged-in user and returns the `data` of n8n's answer. */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}/rest${path}`, {
			method,
			headers: {
				...this.authHeaders(),
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const parsed = await readBody(response);
		if (!response.ok) throw new N8nApiError(method, `/rest${path}`, response.status, parsed);
		return (
			parsed !== null && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed
		) as T;
	}

	/** Credential types as the editor sees them (`GET /types/credentials.json`). */
	async credentialTypes(): Promise<
		Array<{ name: string; displayName: string; [key: string]: unknown }>
	> {
		return await this.getTypes('credentials');
	}

	/** Node types as the editor sees them (`GET /types/nodes.json`); names are `<package>.<node>`. */
	async nodeTypes(): Promise<
		Array<{ name: string; displayName: string; version: number | number[]; [key: string]: unknown }>
	> {
		return await this.getTypes('nodes');
	}

	async createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<Credential> {
		const created = await this.rest<Credential>('POST', '/credentials', { name, type, data });
		return { id: created.id, name: created.name, type: created.type };
	}

	/**
	 * Runs the credential type's test as the editor's "Test" button does
	 * (`POST /rest/credentials/test`). n8n tests only stored credentials; `data` defaults to what is
	 * stored (n8n fills redacted secrets in).
	 */
	async testCredential(
		credential: Credential,
		data?: Record<string, unknown>,
	): Promise<CredentialTestResult> {
		const stored =
			data ??
			(
				await this.rest<{ data: Record<string, unknown> }>(
					'GET',
					`/credentials/${credential.id}?includeData=true`,
				)
			).data;
		return await this.rest<CredentialTestResult>('POST', '/credentials/test', {
			credentials: {
				id: credential.id,
				name: credential.name,
				type: credential.type,
				data: stored,
			},
		});
	}

	/**
	 * Saves a workflow (an exported workflow JSON) as a new, inactive workflow; n8n assigns the id.
	 */
	async importWorkflow(workflow: {
		name: string;
		nodes: unknown[];
		connections: unknown;
		[key: string]: unknown;
	}): Promise<Workflow> {
		const { id: _id, versionId: _versionId, active: _active, ...rest } = workflow;
		return await this.rest<Workflow>('POST', '/workflows', {
			settings: {},
			...rest,
			active: false,
		});
	}

	async getWorkflow(id: string): Promise<Workflow> {
		return await this.rest<Workflow>('GET', `/workflows/${id}`);
	}

	/**
	 * Publishes (activates) the workflow's current version and waits until n8n has registered its
	 * triggers. n8n 2.x activates asynchronously; a trigger that fails to start is reported with
	 * n8n's message.
	 */
	async activate(id: string): Promise<void> {
		const { versionId } = await this.getWorkflow(id);
		await this.rest('POST', `/workflows/${id}/activate`, { versionId });
		const status = await this.waitForPublication(
			id,
			(s) => s !== 'in_progress' && s !== 'not_published',
		);
		if (status.status !== 'published') {
			const reasons = status.triggers
				.filter((trigger) => trigger.status === 'failed')
				.map((trigger) => `${trigger.nodeId}: ${trigger.errorMessage}`);
			throw new Error(
				`activating workflow ${id} ended "${status.status}": ${reasons.join('; ') || 'no reason given'}`,
			);
		}
	}

	async deactivate(id: string): Promise<void> {
		await this.rest('POST', `/workflows/${id}/deactivate`, {});
		await this.waitForPublication(id, (s) => s === 'not_published');
	}

	/**
	 * A workflow's executions, newest first (all of them, or those with one of the given statuses).
	 */
	async listExecutions(
		workflowId: string,
		filter: { status?: ExecutionStatus[] } = {},
	): Promise<ExecutionSummary[]> {
		const query = encodeURIComponent(JSON.stringify({ workflowId, ...filter }));
		const all: ExecutionSummary[] = [];
		let cursor: string | null = null;
		do {
			const page: ExecutionPage = await this.rest(
				'GET',
				`/executions?filter=${query}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
			);
			all.push(...page.results);
			cursor = page.nextCursor;
		} while (cursor);
		return all;
	}

	/** One execution with its run data decoded. */
	async getExecution(id: string): Promise<Execution> {
		const raw = await this.rest<ExecutionSummary & { data: string }>('GET', `/executions/${id}`);
		return { ...raw, data: parseFlatted(raw.data) as Execution['data'] };
	}

	/**
	 * Waits until the workflow has at least `count` finished executions (success, error, canceled or
	 * crashed) and returns them decoded, oldest first. Throws after `timeoutMs` saying what there
	 * was.
	 */
	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 30_000,
	): Promise<Execution[]> {
		const deadline = Date.now() + timeoutMs;
		let finished = await this.listExecutions(workflowId, { status: FINISHED });
		while (finished.length < count) {
			if (Date.now() > deadline) {
				const all = (await this.listExecutions(workflowId))
					.map((e) => `${e.id}:${e.status}`)
					.join(', ');
				throw new Error(
					`workflow ${workflowId}: ${finished.length} of ${count} executions finished within ${timeoutMs} ms (all: ${all || 'none'})`,
				);
			}
			await delay(POLL_INTERVAL_MS);
			finished = await this.listExecutions(workflowId, { status: FINISHED });
		}
		const oldestFirst = [...finished].sort((a, b) => Number(a.id) - Number(b.id));
		return await Promise.all(oldestFirst.map(async (e) => await this.getExecution(e.id)));
	}

	/**
	 * The production URL of a webhook path: `webhookUrl('<webhookId>/<path>')`, or
	 * `webhookUrl('<path>')` for full paths.
	 */
	webhookUrl(path: string): string {
		return `${this.baseUrl}/webhook/${path.replace(/^\/+/, '')}`;
	}

	/**
	 * POSTs to a production webhook. A string body is sent as is, URLSearchParams as a form (as
	 * Twilio does), anything else as JSON. Returns fetch's Response.
	 */
	async post(
		path: string,
		body: string | URLSearchParams | object,
		headers: Record<string, string> = {},
	): Promise<Response> {
		const isJson = typeof body !== 'string' && !(body instanceof URLSearchParams);
		return await fetch(this.webhookUrl(path), {
			method: 'POST',
			headers: { ...(isJson ? { 'content-type': 'application/json' } : {}), ...headers },
			body: isJson ? JSON.stringify(body) : body,
		});
	}

	/** Everything n8n has logged so far (for checks such as "no secret appears in the log"). */
	readLog(): string {
		if (!this.logFile) throw new Error('this client was created without a log file');
		return readFileSync(this.logFile, 'utf8');
	}

	private authHeaders(): Record<string, string> {
		return this.session
			? { cookie: this.session.cookie, 'browser-id': this.session.browserId }
			: {};
	}

	private async getTypes<T>(kind: 'nodes' | 'credentials'): Promise<T> {
		const response = await fetch(`${this.baseUrl}/types/${kind}.json`, {
			headers: this.authHeaders(),
		});
		const parsed = await readBody(response);
		if (!response.ok) throw new N8nApiError('GET', `/types/${kind}.json`, response.status, parsed);
		return parsed as T;
	}

	private async waitForPublication(
		id: string,
		done: (status: PublicationStatus['status']) => boolean,
	): Promise<PublicationStatus> {
		const deadline = Date.now() + ACTIVATION_TIMEOUT_MS;
		for (;;) {
			const status = await this.rest<PublicationStatus>(
				'GET',
				`/workflows/${id}/publication-status`,
			);
			if (done(status.status)) return status;
			if (Date.now() > deadline)
				throw new Error(
					`workflow ${id}: publication still "${status.status}" after ${ACTIVATION_TIMEOUT_MS} ms`,
				);
			await delay(POLL_INTERVAL_MS);
		}
	}
}

const FINISHED: ExecutionStatus[] = ['success', 'error', 'canceled', 'crashed'];

/** A page of `GET /rest/executions`; n8n 2.x pages with an opaque cursor, at most 100 a page. */
interface ExecutionPage {
	results: ExecutionSummary[];
	nextCursor: string | null;
}

/** `GET /rest/workflows/:id/publication-status` (n8n 2.x). */
interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

/** The `json` of the items a node emitted on one output (default: first output, first run). */
export function nodeOutput(
	execution: Execution,
	nodeName: string,
	{ output = 0, run = 0 }: { output?: number; run?: number } = {},
): Array<Record<string, unknown>> {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs) {
		const ran = Object.keys(execution.data.resultData.runData).join(', ') || 'none';
		throw new Error(`node "${nodeName}" did not run in execution ${execution.id} (ran: ${ran})`);
	}
	const nodeRun = runs[run];
	if (!nodeRun)
		throw new Error(`node "${nodeName}" has no run ${run} in execution ${execution.id}`);
	if (nodeRun.error)
		throw new Error(
			`node "${nodeName}" failed in execution ${execution.id}: ${nodeRun.error.message}`,
		);
	return (nodeRun.data?.main?.[output] ?? []).map((item) => item.json);
}

async function readBody(response: Response): Promise<unknown> {
	const text = await response.text();
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}
