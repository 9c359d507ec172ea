/**
 * The TimelinesAI-compatible trigger's webhook method, run in-process through n8n-core's own
 * WebhookContext and HookContext, with a small stand-in for what n8n 2.41 does around it
 * (packages/cli/src/webhooks: route by method and path, resolve the webhook description, load
 * static data per request, save it only when the answer comes before the execution is set up,
 * answer from `webhookResponse` in "onReceived" mode, start an execution only when `workflowData`
 * is returned, run the trigger's execute() in it over a copy of the stored static data and save
 * that at its end if the execution changed it). A second n8n process (or one after a restart) is
 * the node's code loaded once more, with its own memory, sharing the stored static data. The real
 * n8n is exercised by the end-to-end tests.
 */
import { mkdtempSync, readFileSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

import {
	createRunExecutionData,
	NodeHelpers,
	resolveWebhookDescriptionField,
	webhookDescriptionIsNativelyResolvable,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INodeExecutionData,
	type INodeParameters,
	type INodeTypes,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { MAX_REMEMBERED_TRIGGERS } from '../../nodes/shared/recentPerTrigger';
import { TimelinesAiTrigger } from '../../nodes/TimelinesAiTrigger/TimelinesAiTrigger.node';
import {
	contactJid,
	example1AccountPhone,
	example2ChatWithFile,
} from '../fixtures/timelinesai/requests';

// n8n-core's InstanceSettings writes a settings file into the n8n user folder when first used.
process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'timelinesai-trigger-test-'));
// n8n's egress filter allows this name through (N8N_SSRF_ALLOWED_HOSTNAMES), as an operator may for
// an internal file host.
process.env.N8N_SSRF_ALLOWED_HOSTNAMES = 'localhost';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ExecuteContext, HookContext, WebhookContext } =
	require('n8n-core') as typeof import('n8n-core');

const SECRET = 'k7Q2x9mP4vR8tW1zN6bJ';
const WEBHOOK_ID = '0f5b2c1e-7d3a-4e8f-9a6b-1c2d3e4f5a6b';
const WEBHOOK_USER = { user: 'crm', password: 'S3cret-pass' };
const MESSAGE_ID = /^wa_backend:[0-9A-F]{20}$/;

const mainNodeType = new TimelinesAiTrigger();
const nodeTypes: INodeTypes = {
	getByName: () => mainNodeType,
	getByNameAndVersion: () => mainNodeType,
	getKnownTypes: () => ({}),
};
const descriptions = mainNodeType.description.webhooks as IWebhookDescription[];

interface Call {
	method: string;
	path?: 'timelinesai' | 'timelinesai/log' | 'timelinesai/quota/restore';
	query?: Record<string, string>;
	headers?: Record<string, string>;
	/** Sent as JSON unless `raw` is given. */
	body?: unknown;
	raw?: string;
}

interface Answer {
	status: number;
	headers: Record<string, string>;
	/** Parsed JSON when the answer is JSON. */
	body: unknown;
	text: string;
	/** What n8n would start an execution with; undefined when no execution starts. */
	items?: INodeExecutionData[];
	/** True when n8n, not the node, answers later (last node / Respond to Webhook modes). */
	answeredByWorkflow: boolean;
	/** True when the node wrote the answer itself. */
	writtenByNode: boolean;
}

/**
 * The node's code as another n8n process (or the same one after a restart) has it: with its own
 * memory.
 */
function nodeInAnotherProcess(): TimelinesAiTrigger {
	// n8n-workflow stays shared, so that the stand-in resolves the new copy's webhook descriptions.
	const workflowPackage = jest.requireActual<typeof import('n8n-workflow')>('n8n-workflow');
	let loaded: typeof import('../../nodes/TimelinesAiTrigger/TimelinesAiTrigger.node') | undefined;
	jest.isolateModules(() => {
		jest.doMock('n8n-workflow', () => workflowPackage);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		loaded = require('../../nodes/TimelinesAiTrigger/TimelinesAiTrigger.node') as typeof loaded;
	});
	if (!loaded) throw new Error('the node did not load');
	return new loaded.TimelinesAiTrigger();
}

let nodeCounter = 0;

/**
 * One gateway node in one workflow, run by one n8n process, with n8n's static data kept as n8n
 * keeps it: as JSON.
 */
class Gateway {
	constructor(
		public parameters: INodeParameters,
		private readonly nodeType: TimelinesAiTrigger = mainNodeType,
		/** The workflow's static data as n8n stores it in the database. */
		readonly database = { staticData: '{}' },
		readonly nodeId = `node-${++nodeCounter}`,
	) {}

	/** The Webhook User credential as n8n's database holds it now (a test may edit it). */
	webhookUser = { id: '1', data: { ...WEBHOOK_USER } };

	get storedStaticData(): string {
		return this.database.staticData;
	}

	/**
	 * The same node in the same workflow, served by another n8n process, or by this one after a
	 * restart.
	 */
	inAnotherProcess(): Gateway {
		return new Gateway(this.parameters, nodeInAnotherProcess(), this.database, this.nodeId);
	}

	private workflow(): Workflow {
		const node = {
			id: this.nodeId,
			name: 'Gateway',
			type: 'n8n-nodes-twilio-whatsapp.timelinesAiTrigger',
			typeVersion: 2,
			position: [0, 0] as [number, number],
			parameters: structuredClone(this.parameters),
			webhookId: WEBHOOK_ID,
			credentials: { twilioWebhookUserApi: { id: this.webhookUser.id, name: 'CRM user' } },
		};
		return new Workflow({
			id: 'wf-1',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: JSON.parse(this.database.staticData) as IDataObject,
		});
	}

	private additionalData(request: object, response: object): IWorkflowExecuteAdditionalData {
		return {
			httpRequest: request,
			httpResponse: response,
			credentialsHelper: {
				getDecrypted: async () => ({ ...this.webhookUser.data }),
				isCredentialUsableByNode: () => true,
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/** Runs the node as n8n would for this request; `beforeSave` lets a test interleave requests. */
	async call(call: Call, beforeSave?: () => Promise<void>): Promise<Answer> {
		const path = call.path ?? 'timelinesai';
		const description = descriptions.find(
			(d) => d.path === path && String(d.httpMethod).split(',').includes(call.method),
		);
		if (!description)
			throw new Error(
				`n8n has no webhook for ${call.method} ${path} (it would answer its own 404)`,
			);

		const raw = call.raw ?? (call.body === undefined ? '' : JSON.stringify(call.body));
		const headers: Record<string, string> = { 'content-type': 'application/json', ...call.headers };
		for (const name of Object.keys(headers)) if (headers[name] === '') delete headers[name];
		const request = {
			method: call.method,
			headers,
			query: { secret: SECRET, ...call.query },
			params: {},
			body: raw ? (JSON.parse(raw) as unknown) : {},
			rawBody: Buffer.from(raw),
		};
		let written: { status: number; headers: Record<string, string>; text: string } | undefined;
		const setHeaders: Record<string, string> = {};
		const response = {
			setHeader(name: string, value: string) {
				setHeaders[name.toLowerCase()] = value;
			},
			writeHead(status: number, writtenHeaders: Record<string, string>) {
				written = { status, headers: writtenHeaders, text: '' };
			},
			end(text: string) {
				if (written) written.text = text;
			},
		};

		const loaded = JSON.parse(this.database.staticData) as IDataObject;
		const workflow = this.workflow();
		const node = workflow.nodes.Gateway;
		const additionalData = this.additionalData(request, response);
		const webhookData: IWebhookData = {
			httpMethod: call.method as IWebhookData['httpMethod'],
			node: node.name,
			path: NodeHelpers.getNodeWebhookPath(workflow.id, node, path, false, false),
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
		};
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			webhookData,
			[],
			null,
		);
		const result: IWebhookResponseData = await this.nodeType.webhook.call(context);
		if (beforeSave) await beforeSave();
		// n8n saves from the callback that delivers the answer, and setting up an execution first
		// clears the "changed" flag: only an answer that comes before the execution (or without one)
		// saves.
		const answeredFirst = result.noWebhookResponse === true || result.workflowData === undefined;
		if (answeredFirst && (workflow.staticData as { __dataChanged?: boolean }).__dataChanged)
			this.database.staticData = JSON.stringify(workflow.staticData);
		if (result.workflowData) await this.runExecution(workflow, loaded, result.workflowData[0]);

		const items = result.workflowData?.[0];
		if (result.noWebhookResponse) {
			if (!written) throw new Error('noWebhookResponse without writing a response');
			return {
				...written,
				body: parse(written),
				items,
				answeredByWorkflow: false,
				writtenByNode: true,
			};
		}
		if (written) throw new Error('the node wrote a response without returning noWebhookResponse');
		const responseMode = resolved(node.parameters, description, 'responseMode') ?? 'onReceived';
		if (responseMode !== 'onReceived')
			return {
				status: 0,
				headers: {},
				body: undefined,
				text: '',
				items,
				answeredByWorkflow: true,
				writtenByNode: false,
			};
		// n8n answers "onReceived" with the evaluated responseData when it is set, else with
		// webhookResponse.
		const responseData = resolved(node.parameters, description, 'responseData');
		const body: unknown = responseData ? responseData : result.webhookResponse;
		return {
			status: 200,
			headers: setHeaders,
			body,
			text: JSON.stringify(body),
			items,
			answeredByWorkflow: false,
			writtenByNode: false,
		};
	}

	/**
	 * The execution the request started, as n8n 2.41 runs it in the process that took the request:
	 * over a copy of the static data loaded when the request arrived, without the request's change
	 * (measured on the real n8n), the trigger's execute() on the items, and the static data saved at
	 * the end if the execution changed them.
	 */
	private async runExecution(
		webhookWorkflow: Workflow,
		loaded: IDataObject,
		items: INodeExecutionData[],
	): Promise<void> {
		const workflow = new Workflow({
			id: webhookWorkflow.id,
			nodes: Object.values(webhookWorkflow.nodes),
			connections: {},
			active: true,
			nodeTypes,
			staticData: loaded,
		});
		const node = workflow.nodes.Gateway;
		const context = new ExecuteContext(
			workflow,
			node,
			{
				...this.additionalData({}, {}),
				executionId: 'execution-1',
				webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
				formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
			},
			'webhook',
			createRunExecutionData({ resultData: { runData: {} } }),
			0,
			items,
			{ main: [items] },
			{ node, data: { main: [items] }, source: null },
			[],
		);
		const output = await this.nodeType.execute.call(context);
		expect(output).toEqual([items]);
		if ((workflow.staticData as { __dataChanged?: boolean }).__dataChanged)
			this.database.staticData = JSON.stringify(workflow.staticData);
	}

	send(body: unknown, extra: Partial<Call> = {}): Promise<Answer> {
		return this.call({ method: 'POST', body, ...extra });
	}

	activate(): Promise<boolean> {
		const workflow = this.workflow();
		const node = workflow.nodes.Gateway;
		const additionalData = this.additionalData({}, {});
		const webhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: '',
			webhookDescription: descriptions[0],
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
		} as IWebhookData;
		const context = new HookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			'activate',
			webhookData,
		);
		return this.nodeType.webhookMethods.default.create.call(context);
	}
}

function parse(written: { headers: Record<string, string>; text: string }): unknown {
	return written.headers['content-type']?.startsWith('application/json')
		? JSON.parse(written.text)
		: written.text;
}

/** A webhook description field resolved the way n8n does it without the expression engine. */
function resolved(
	parameters: INodeParameters,
	description: IWebhookDescription,
	field: string,
): unknown {
	const resolution = resolveWebhookDescriptionField({ parameters }, description, field);
	if (resolution.resolved) return resolution.value;
	const value = description[field];
	if (typeof value === 'string' && value.startsWith('='))
		throw new Error(`${field} would need the expression engine`);
	return value;
}

function gateway(parameters: INodeParameters = {}): Gateway {
	return new Gateway({ urlSecret: SECRET, ...parameters });
}

function expectRejected(answer: Answer, status: number, message: string) {
	expect({ status: answer.status, body: answer.body }).toEqual({
		status,
		body: { status, data: {}, message },
	});
	expect(answer.items).toBeUndefined();
}

function onlyItem(answer: Answer): IDataObject {
	expect(answer.items).toHaveLength(1);
	const [item] = answer.items as INodeExecutionData[];
	expect(item.pairedItem).toEqual({ item: 0 });
	return item.json;
}

async function log(target: Gateway, query: Record<string, string> = {}): Promise<Answer> {
	return await target.call({
		method: 'GET',
		path: 'timelinesai/log',
		query,
		body: undefined,
		headers: { 'content-type': '' },
	});
}

async function attempts(target: Gateway): Promise<IDataObject[]> {
	return ((await log(target)).body as { data: { attempts: IDataObject[] } }).data.attempts;
}

describe('how n8n routes and answers this node', () => {
	it("registers static paths under the node's webhook id", () => {
		const node = { name: 'Gateway', webhookId: WEBHOOK_ID } as Parameters<
			typeof NodeHelpers.getNodeWebhookPath
		>[1];
		expect(
			descriptions.map((d) => [
				d.httpMethod,
				NodeHelpers.getNodeWebhookPath(
					'wf-1',
					node,
					d.path,
					d.isFullPath,
					d.restartWebhook as boolean,
				),
			]),
		).toEqual([
			['POST', `${WEBHOOK_ID}/timelinesai`],
			['GET,PUT,PATCH,DELETE', `${WEBHOOK_ID}/timelinesai`],
			['GET', `${WEBHOOK_ID}/timelinesai/log`],
			['POST', `${WEBHOOK_ID}/timelinesai/quota/restore`],
		]);
	});

	it('needs no expression engine for any webhook description field', () => {
		for (const description of descriptions)
			expect(webhookDescriptionIsNativelyResolvable(description)).toBe(true);
	});

	it.each([
		['onReceived', ''],
		['lastNode', 'firstEntryJson'],
		['responseNode', ''],
	])('resolves response mode %s natively, with responseData %j', (mode, responseData) => {
		const parameters = new Workflow({
			nodes: [
				{
					id: 'n',
					name: 'G',
					type: 't',
					typeVersion: 2,
					position: [0, 0],
					parameters: { urlSecret: SECRET, responseMode: mode },
				},
			],
			connections: {},
			active: false,
			nodeTypes,
		}).nodes.G.parameters;
		expect(resolveWebhookDescriptionField({ parameters }, descriptions[0], 'responseMode')).toEqual(
			{ resolved: true, value: mode },
		);
		expect(resolveWebhookDescriptionField({ parameters }, descriptions[0], 'responseData')).toEqual(
			{ resolved: true, value: responseData },
		);
	});
});

describe('accepted requests', () => {
	it('answers at once with a TimelinesAI success body and starts an execution with the item', async () => {
		const answer = await gateway().send(example1AccountPhone);
		const item = onlyItem(answer);
		expect(answer.status).toBe(200);
		// Sent by n8n once it has stored the execution; the execution saves the gateway state
		// (stateStore.ts).
		expect(answer.writtenByNode).toBe(false);
		expect(answer.answeredByWorkflow).toBe(false);
		expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
		expect(answer.text).toBe(
			JSON.stringify({ status: 'success', data: { message_id: item.messageId } }),
		);
		expect(item.messageId).toMatch(MESSAGE_ID);
		expect(item).toMatchObject({
			action: 'send',
			text: 'lorem ipsum',
			file: null,
			recipient: { type: 'phone', value: '+14151231234', phone: '+14151231234' },
			whatsappAccountPhone: '+15105566777',
			whatsappAccountPhoneIgnored: false,
			quotaUnits: 1,
			body: example1AccountPhone,
		});
		expect(Date.parse(item.notBefore as string)).toBeGreaterThanOrEqual(
			Date.parse(item.receivedAt as string),
		);
	});

	it('leaves the answer to the workflow in "When Last Node Finishes" mode', async () => {
		const answer = await gateway({ responseMode: 'lastNode' }).send(example1AccountPhone);
		expect(answer.answeredByWorkflow).toBe(true);
		expect(onlyItem(answer).messageId).toMatch(MESSAGE_ID);
	});

	it('spaces the earliest send times of consecutive messages', async () => {
		const target = gateway();
		const first = onlyItem(await target.send(example1AccountPhone));
		const second = onlyItem(await target.send({ action: 'send', jid: contactJid, text: 'second' }));
		const gap = Date.parse(second.notBefore as string) - Date.parse(first.notBefore as string);
		expect(gap).toBeGreaterThanOrEqual(1500);
		expect(gap).toBeLessThanOrEqual(2500);
	});

	it('keeps a burst consistent although each request starts from the same stored static data', async () => {
		const target = gateway({ quotaBudget: 4 });
		// Every request reads the stored static data before any of them saves, as concurrent requests
		// do in n8n.
		let arrived = 0;
		let release: () => void = () => undefined;
		const barrier = new Promise<void>((resolve) => (release = resolve));
		const beforeSave = async () => {
			if (++arrived === 5) release();
			await barrier;
		};
		const pending = [1, 2, 3, 4, 5].map(
			async (n) =>
				await target.call(
					{ method: 'POST', body: { action: 'send', phone: '+14151231234', text: `burst ${n}` } },
					beforeSave,
				),
		);
		const results = await Promise.all(pending);
		const acceptedItems = results.filter((answer) => answer.items).map(onlyItem);
		expect(acceptedItems).toHaveLength(4);
		expectRejected(
			results.find((answer) => !answer.items) as Answer,
			429,
			expect.stringMatching(
				/^Quota exceeded: this message needs 1 unit and 0 of the 4 units per 24 hours are left/,
			),
		);
		const slots = acceptedItems
			.map((item) => Date.parse(item.notBefore as string))
			.sort((a, b) => a - b);
		for (let n = 1; n < slots.length; n++)
			expect(slots[n] - slots[n - 1]).toBeGreaterThanOrEqual(1500);
	});
});

describe('rejected requests start no execution and get TimelinesAI error bodies', () => {
	it('a missing or wrong URL secret → 404 "Webhook not found"', async () => {
		const target = gateway();
		expectRejected(
			await target.send(example1AccountPhone, { query: { secret: 'wrong-secret-value-123' } }),
			404,
			'Webhook not found',
		);
		expectRejected(
			await target.call({ method: 'POST', body: example1AccountPhone, query: { secret: '' } }),
			404,
			'Webhook not found',
		);
		const [first] = await attempts(target);
		expect(first).toMatchObject({
			accepted: false,
			status: 404,
			message: "Webhook not found: the URL's ?secret= is missing or is not the current URL Secret",
		});
		expect(JSON.stringify(await attempts(target))).not.toContain('wrong-secret-value-123');
	});

	it('a new URL Secret makes the old URL answer 404 at once', async () => {
		const target = gateway();
		expect((await target.send(example1AccountPhone)).status).toBe(200);
		const oldSecret = SECRET;
		target.parameters = { ...target.parameters, urlSecret: 'a-brand-new-secret-0042' };
		expectRejected(
			await target.send(example1AccountPhone, { query: { secret: oldSecret } }),
			404,
			'Webhook not found',
		);
		expect(
			(await target.send(example1AccountPhone, { query: { secret: 'a-brand-new-secret-0042' } }))
				.status,
		).toBe(200);
	});

	it('a URL Secret too short to protect anything → every request 404, and activation refuses it', async () => {
		const target = gateway({ urlSecret: 'short' });
		expectRejected(
			await target.send(example1AccountPhone, { query: { secret: 'short' } }),
			404,
			'Webhook not found',
		);
		await expect(target.activate()).rejects.toThrow(
			'The URL Secret must be at least 16 characters',
		);
		await expect(gateway().activate()).resolves.toBe(true);
	});

	it('Webhook Enabled off → 404 "Webhook not found"; the log stays readable', async () => {
		const target = gateway({ webhookEnabled: false });
		expectRejected(await target.send(example1AccountPhone), 404, 'Webhook not found');
		expect(await attempts(target)).toEqual([
			expect.objectContaining({
				status: 404,
				message: 'Webhook not found: Webhook Enabled is off',
				recipientType: 'phone',
			}),
		]);
	});

	it.each(['GET', 'PUT', 'PATCH', 'DELETE'])(
		'%s on the send URL → 405 with Allow: POST',
		async (method) => {
			const answer = await gateway().call({
				method,
				body: undefined,
				headers: { 'content-type': '' },
			});
			expectRejected(answer, 405, `Method ${method} is not allowed: send the message with POST`);
			expect(answer.headers.allow).toBe('POST');
		},
	);

	it('a form-encoded body → 415', async () => {
		expectRejected(
			await gateway().send(example1AccountPhone, {
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
			}),
			415,
			'Content-Type must be "application/json"; got "application/x-www-form-urlencoded"',
		);
	});

	it('a body over Max Body Size → 413', async () => {
		const body = { ...example1AccountPhone, text: 'x'.repeat(2000) };
		const size = Buffer.byteLength(JSON.stringify(body));
		expectRejected(
			await gateway({ options: { maxBodyKb: 1 } }).send(body),
			413,
			`The request body is ${size} bytes; this webhook accepts at most 1024 bytes`,
		);
	});

	it('a bad field → 400 naming it, and the attempt is logged without the text', async () => {
		const target = gateway();
		expectRejected(
			await target.send({
				action: 'send',
				text: 'secret plans',
				phone: '+14151231234',
				chat_name: 'Sales',
			}),
			400,
			'Several recipients given ("phone", "chat_name"): give exactly one of "chat_id", "jid", "phone" or "chat_name"',
		);
		expectRejected(
			await target.send({
				action: 'send',
				text: 'x',
				phone: '+1415',
				file_url: 'https://a.example/f.pdf',
			}),
			400,
			'"file_name" is required when "file_url" is given: the name the attachment gets, like "invoice.pdf"',
		);
		const logged = await attempts(target);
		expect(logged[0]).toEqual({
			time: expect.any(String),
			accepted: false,
			status: 400,
			message: expect.stringContaining('Several recipients'),
			recipientType: 'phone,chat_name',
			messageId: null,
			quotaUnits: null,
		});
		expect(JSON.stringify(logged)).not.toContain('secret plans');
	});
});

describe('Basic auth on top of the URL secret', () => {
	const basic = (user: string, password: string) =>
		`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

	it('asks for credentials with 401 and WWW-Authenticate, refuses wrong ones, accepts the right ones', async () => {
		const target = gateway({ authentication: 'basicAuth' });
		const missing = await target.send(example1AccountPhone);
		expectRejected(
			missing,
			401,
			'Authorization required: send the webhook user and password with HTTP Basic auth',
		);
		expect(missing.headers['www-authenticate']).toBe('Basic realm="n8n webhook", charset="UTF-8"');
		expectRejected(
			await target.send(example1AccountPhone, { headers: { authorization: basic('crm', 'nope') } }),
			401,
			'Authorization failed: wrong user or password',
		);
		expect(
			(
				await target.send(example1AccountPhone, {
					headers: { authorization: basic(WEBHOOK_USER.user, WEBHOOK_USER.password) },
				})
			).status,
		).toBe(200);
		expect(
			JSON.stringify(
				await target.call({
					method: 'GET',
					path: 'timelinesai/log',
					headers: {
						'content-type': '',
						authorization: basic(WEBHOOK_USER.user, WEBHOOK_USER.password),
					},
				}),
			),
		).not.toContain(WEBHOOK_USER.password);
	});

	describe('the credential is read once a minute, not per request', () => {
		let now = Date.UTC(2026, 0, 1);
		beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
		afterEach(() => jest.restoreAllMocks());
		const sendAs = (target: Gateway, password: string) =>
			target.send(example1AccountPhone, {
				headers: { authorization: basic(WEBHOOK_USER.user, password) },
			});

		it('picks up a new password at once after a failure, once the cached copy is a few seconds old', async () => {
			const target = gateway({ authentication: 'basicAuth' });
			target.webhookUser = { id: 'cache-rotation', data: { ...WEBHOOK_USER } };
			expect((await sendAs(target, WEBHOOK_USER.password)).status).toBe(200);
			target.webhookUser.data.password = 'N3w-pass-word';
			// The old password stays accepted while cached …
			now += 1_000;
			expect((await sendAs(target, WEBHOOK_USER.password)).status).toBe(200);
			// … a new one right away is refused, so wrong passwords cannot force a read each …
			expectRejected(
				await sendAs(target, 'N3w-pass-word'),
				401,
				'Authorization failed: wrong user or password',
			);
			now += 11_000;
			// … and accepted once the copy is old enough to re-read, which replaces the old one.
			expect((await sendAs(target, 'N3w-pass-word')).status).toBe(200);
			now += 1_000;
			expectRejected(
				await sendAs(target, WEBHOOK_USER.password),
				401,
				'Authorization failed: wrong user or password',
			);
		});

		it('stops accepting a replaced password after a minute without any failure', async () => {
			const target = gateway({ authentication: 'basicAuth' });
			target.webhookUser = { id: 'cache-expiry', data: { ...WEBHOOK_USER } };
			expect((await sendAs(target, WEBHOOK_USER.password)).status).toBe(200);
			target.webhookUser.data.password = 'N3w-pass-word';
			now += 61_000;
			expectRejected(
				await sendAs(target, WEBHOOK_USER.password),
				401,
				'Authorization failed: wrong user or password',
			);
		});
	});

	it('protects the log URL the same way', async () => {
		expectRejected(
			await log(gateway({ authentication: 'basicAuth' })),
			401,
			'Authorization required: send the webhook user and password with HTTP Basic auth',
		);
	});

	it('tests the Webhook User credential locally', async () => {
		const test = mainNodeType.methods.credentialTest.twilioWebhookUserApiTest;
		const run = (data: ICredentialDataDecryptedObject) =>
			test.call({} as never, { id: '1', name: 'u', type: 'twilioWebhookUserApi', data });
		await expect(run({ user: 'crm', password: 'pw' })).resolves.toEqual({
			status: 'OK',
			message: 'The webhook user and password can be used for HTTP Basic auth',
		});
		await expect(run({ user: 'a:b', password: '' })).resolves.toEqual({
			status: 'Error',
			message:
				'The webhook user cannot contain a colon (":"), because Basic auth separates user and password with one. The password is empty.',
		});
	});
});

describe('quota budget', () => {
	const restore = (target: Gateway, body: unknown) =>
		target.call({ method: 'POST', path: 'timelinesai/quota/restore', body });

	it('answers 429 over budget, and takes units back for a failed send', async () => {
		const target = gateway({ quotaBudget: 3 });
		const first = onlyItem(await target.send(example2ChatWithFile));
		expect(first.quotaUnits).toBe(2);
		const over = await target.send(example2ChatWithFile);
		expectRejected(
			over,
			429,
			expect.stringMatching(
				/^Quota exceeded: this message needs 2 units and 1 of the 3 units per 24 hours is left; units free up from /,
			),
		);

		const restored = await restore(target, { message_id: first.messageId });
		expect(restored.status).toBe(200);
		expect(restored.body).toEqual({
			status: 'success',
			data: { message_id: first.messageId, restored_units: 2, units_left: 3 },
		});
		expect((await target.send(example2ChatWithFile)).status).toBe(200);
		expectRejected(
			await restore(target, { message_id: first.messageId }),
			404,
			`No quota use of message "${first.messageId}" in the last 24 hours: it was already given back, is older, or was not accepted here`,
		);
		expect((await attempts(target)).map((entry) => entry.status)).toEqual([200, 429, 200]);
	});

	it('rejects restore requests it cannot act on', async () => {
		expectRejected(
			await restore(gateway({ quotaBudget: 3 }), { message_id: 'SM123' }),
			400,
			'"message_id" must be the id this webhook answered with, like "wa_backend:3EB09FCC85FE99662E46"',
		);
		expectRejected(
			await restore(gateway(), { message_id: 'wa_backend:3EB09FCC85FE99662E46' }),
			400,
			'No Quota Budget is set on this node, so there are no units to give back',
		);
		expectRejected(
			await restore(gateway({ quotaBudget: 3 }), { message_id: 'wa_backend:3EB09FCC85FE99662E46' }),
			404,
			expect.stringContaining('No quota use of message'),
		);
	});
});

describe('what n8n keeps of the gateway state', () => {
	const text = (n: number) => ({ action: 'send', phone: '+14151231234', text: `message ${n}` });
	const stored = (target: Gateway) => JSON.parse(target.storedStaticData) as IDataObject;
	const slotOf = (answer: Answer) => Date.parse(onlyItem(answer).notBefore as string);

	it('"Immediately": after a restart, the budget still counts, the pacing queue goes on and the log lists every accepted request', async () => {
		const before = gateway({ quotaBudget: 4 });
		const accepted = [await before.send(text(1)), await before.send(example2ChatWithFile)];
		const lastSlot = slotOf(accepted[1]);

		const after = before.inAnotherProcess();
		const third = await after.send(text(3));
		expect(slotOf(third)).toBeGreaterThanOrEqual(lastSlot + 1500);
		expectRejected(
			await after.send(text(4)),
			429,
			expect.stringMatching(/^Quota exceeded: this message needs 1 unit and 0 of the 4 units/),
		);
		const logged = await attempts(after);
		expect(logged.map((entry) => [entry.status, entry.messageId])).toEqual([
			[200, onlyItem(accepted[0]).messageId],
			[200, onlyItem(accepted[1]).messageId],
			[200, onlyItem(third).messageId],
			[429, null],
		]);
	});

	it('"Immediately": a burst that each request starts from the same stored copy is saved whole', async () => {
		const target = gateway({ quotaBudget: 10 });
		let arrived = 0;
		let release: () => void = () => undefined;
		const barrier = new Promise<void>((resolve) => (release = resolve));
		const beforeSave = async () => {
			if (++arrived === 3) release();
			await barrier;
		};
		const burst = await Promise.all(
			[1, 2, 3].map(async (n) => await target.call({ method: 'POST', body: text(n) }, beforeSave)),
		);
		const ids = burst.map((answer) => onlyItem(answer).messageId);

		const after = target.inAnotherProcess();
		expect((await attempts(after)).map((entry) => entry.messageId)).toEqual(ids);
		expect(
			(
				await after.call({
					method: 'POST',
					path: 'timelinesai/quota/restore',
					body: { message_id: ids[0] },
				})
			).body,
		).toEqual({
			status: 'success',
			data: { message_id: ids[0], restored_units: 1, units_left: 8 },
		});
	});

	it.each(['onReceived', 'lastNode'])(
		'"%s": the execution an accepted request started saves it when it ends',
		async (responseMode) => {
			const target = gateway({ responseMode, quotaBudget: 2 });
			await target.activate();
			const storedAtActivation = target.storedStaticData;
			const first = onlyItem(await target.send(text(1)));
			expect(target.storedStaticData).not.toBe(storedAtActivation);
			const after = target.inAnotherProcess();
			expect((await attempts(after)).map((entry) => entry.messageId)).toEqual([first.messageId]);
		},
	);

	it.each(['responseNode'])(
		'"%s": n8n saves accepted requests only with the next request that starts no execution',
		async (responseMode) => {
			const target = gateway({ responseMode, quotaBudget: 2 });
			await target.activate();
			const storedAtActivation = target.storedStaticData;
			const first = onlyItem(await target.send(text(1)));
			expect(target.storedStaticData).toBe(storedAtActivation);
			// A restart now would lose it:
			expect(await attempts(target.inAnotherProcess())).toEqual([]);

			// In the same process the copy in memory has it, and a log download hands it to n8n to save.
			expect((await attempts(target)).map((entry) => entry.messageId)).toEqual([first.messageId]);
			expect(target.storedStaticData).not.toBe(storedAtActivation);
			const after = target.inAnotherProcess();
			expect((await attempts(after)).map((entry) => entry.messageId)).toEqual([first.messageId]);
			onlyItem(await after.send(text(2)));
			await attempts(after);
			expectRejected(
				await target.send(text(3)),
				429,
				expect.stringMatching(/^Quota exceeded: this message needs 1 unit and 0 of the 2 units/),
			);
		},
	);

	it('the copy in memory never hides what another process saved since', async () => {
		const one = gateway({ quotaBudget: 3 });
		const two = one.inAnotherProcess();
		const first = await one.send(text(1));
		const second = await two.send(text(2));
		expect(slotOf(second)).toBeGreaterThanOrEqual(slotOf(first) + 1500);
		const third = await one.send(text(3));
		expect(slotOf(third)).toBeGreaterThanOrEqual(slotOf(second) + 1500);
		expectRejected(
			await two.send(text(4)),
			429,
			expect.stringMatching(/0 of the 3 units per 24 hours are left/),
		);
		expect((await attempts(one)).map((entry) => entry.status)).toEqual([200, 200, 200, 429]);
	});

	it('two processes answering at the same moment can overrun the budget, and the save one of them lost comes back with its next request', async () => {
		const one = gateway({ quotaBudget: 1 });
		const two = one.inAnotherProcess();
		// Both load the stored copy before either saves; two saves last, over what one saved.
		let oneSaved: () => void = () => undefined;
		const oneHasSaved = new Promise<void>((resolve) => (oneSaved = resolve));
		let bothLoaded: () => void = () => undefined;
		const loaded = new Promise<void>((resolve) => (bothLoaded = resolve));
		let arrived = 0;
		const arrive = () => ++arrived === 2 && bothLoaded();
		const [a, b] = await Promise.all([
			one
				.call({ method: 'POST', body: text(1) }, async () => {
					arrive();
					await loaded;
				})
				.then((answer) => (oneSaved(), answer)),
			two.call({ method: 'POST', body: text(2) }, async () => {
				arrive();
				await oneHasSaved;
			}),
		]);
		expect([a.status, b.status]).toEqual([200, 200]);
		const ids = [onlyItem(a).messageId, onlyItem(b).messageId];
		expect((stored(one)['node:Gateway'] as IDataObject).timelinesAiGateway).toMatchObject({
			ledger: [[expect.any(Number), 1, ids[1]]],
		});

		// The next request to the first process merges its copy back in: both units count again.
		expectRejected(
			await one.send(text(3)),
			429,
			expect.stringMatching(/^Quota exceeded: this message needs 1 unit and 0 of the 1 units/),
		);
		const third = one.inAnotherProcess();
		expect((await attempts(third)).map((entry) => entry.messageId)).toEqual(
			expect.arrayContaining(ids),
		);
		expect(
			await third.call({
				method: 'POST',
				path: 'timelinesai/quota/restore',
				body: { message_id: ids[0] },
			}),
		).toMatchObject({ status: 200 });
		expect(
			await third.call({
				method: 'POST',
				path: 'timelinesai/quota/restore',
				body: { message_id: ids[1] },
			}),
		).toMatchObject({ status: 200 });
	});

	it(`keeps copies in memory for at most ${MAX_REMEMBERED_TRIGGERS} nodes, dropping the least recently used`, async () => {
		const oldest = gateway({ responseMode: 'responseNode' });
		onlyItem(await oldest.send(text(1)));
		expect(await attempts(oldest)).toHaveLength(1);
		onlyItem(await oldest.send(text(2)));
		for (let n = 0; n < MAX_REMEMBERED_TRIGGERS; n++)
			onlyItem(await gateway({ responseMode: 'responseNode' }).send(text(n)));
		// The first message was saved with the log download; the second lived only in the dropped copy.
		expect((await attempts(oldest)).map((entry) => entry.status)).toEqual([200]);
	});
});

describe('attempt log download', () => {
	it('gives the attempts as JSON, and as CSV with format=csv', async () => {
		const target = gateway({ options: { logMessageText: true } });
		const accepted = onlyItem(
			await target.send({ action: 'send', chat_name: 'Ops', text: 'hello\r\nthere' }),
		);
		await target.send({ action: 'nope' });
		const json = await log(target);
		expect(json.status).toBe(200);
		expect(json.body).toEqual({
			status: 'success',
			data: {
				attempts: [
					{
						time: accepted.receivedAt,
						accepted: true,
						status: 200,
						message: 'Accepted',
						recipientType: 'chat_name',
						messageId: accepted.messageId,
						quotaUnits: 1,
						text: 'hello\nthere',
					},
					{
						time: expect.any(String),
						accepted: false,
						status: 400,
						message: '"action" must be "send", the only action TimelinesAI supports; got "nope"',
						recipientType: null,
						messageId: null,
						quotaUnits: null,
					},
				],
			},
		});
		const csv = await log(target, { format: 'csv' });
		expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
		expect(csv.headers['content-disposition']).toBe(
			'attachment; filename="timelinesai-webhook-log.csv"',
		);
		expect(csv.text.split('\r\n')[0]).toBe(
			'time,accepted,status,message,recipient_type,message_id,quota_units,text',
		);
		expect(csv.text).toContain(
			`,true,200,Accepted,chat_name,${accepted.messageId as string},1,"hello\nthere"`,
		);
		expect(csv.text).not.toContain(SECRET);
	});

	it('rejects an unknown format and a wrong secret', async () => {
		expectRejected(
			await log(gateway(), { format: 'xml' }),
			400,
			'"format" must be "json" or "csv"; got "xml"',
		);
		expectRejected(
			await log(gateway(), { secret: 'not-the-secret-at-all' }),
			404,
			'Webhook not found',
		);
	});
});

describe('file URL check', () => {
	const logo = readFileSync(join(__dirname, '../../nodes/TimelinesAiTrigger/timelinesAi.svg'));
	const sharePage = readFileSync(join(__dirname, '../fixtures/timelinesai/share-page.html'));
	const big = Buffer.alloc(2 * 1024 * 1024 + 10, 7);
	let server: Server;
	let base: string;
	const port = () => (server.address() as AddressInfo).port;
	// The local server stands in for a public file host; private targets are allowed for it.
	const allowed = { checkFileUrl: true, allowPrivateFileUrls: true };

	beforeAll(async () => {
		server = createServer((request, response) => {
			switch (request.url) {
				case '/logo.svg':
					response
						.writeHead(200, { 'content-type': 'image/svg+xml', 'content-length': logo.length })
						.end(logo);
					break;
				case '/share':
					response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(sharePage);
					break;
				case '/share-as-download':
					response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(sharePage);
					break;
				case '/big':
					response
						.writeHead(200, { 'content-type': 'application/pdf', 'content-length': big.length })
						.end(big);
					break;
				case '/big-chunked':
					response.writeHead(200, { 'content-type': 'application/pdf' });
					response.write(big.subarray(0, 1024 * 1024));
					response.end(big.subarray(1024 * 1024));
					break;
				case '/moved':
					response.writeHead(302, { location: '/logo.svg' }).end();
					break;
				case '/to-loopback':
					response.writeHead(302, { location: `http://127.0.0.1:${port()}/logo.svg` }).end();
					break;
				case '/to-metadata':
					response.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
					break;
				default:
					response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
			}
		});
		// Both address families, so that "localhost" reaches it whichever one it resolves to.
		await new Promise<void>((resolve) => server.listen(0, resolve));
		base = `http://127.0.0.1:${port()}`;
	});

	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	const withFile = (path: string) => ({
		action: 'send',
		phone: '+14151231234',
		text: 'see attached',
		file_url: `${base}${path}`,
		file_name: 'logo.svg',
	});

	it('accepts a direct download and notes its type and size', async () => {
		for (const path of ['/logo.svg', '/moved']) {
			const item = onlyItem(await gateway({ options: allowed }).send(withFile(path)));
			expect(item.file).toEqual({
				url: `${base}${path}`,
				name: 'logo.svg',
				contentType: 'image/svg+xml',
				size: logo.length,
			});
		}
	});

	it.each([
		[
			'/share',
			'it answers with a web page (HTML), not the file: use a direct download link, which starts downloading at once in a private browser window',
		],
		[
			'/share-as-download',
			'it answers with a web page (HTML), not the file: use a direct download link, which starts downloading at once in a private browser window',
		],
		[
			'/big',
			`the file is ${2 * 1024 * 1024 + 10} bytes; attachments may be at most 2 MB (2097152 bytes)`,
		],
		['/big-chunked', 'the file is larger than 2 MB (2097152 bytes), the attachment limit'],
		['/gone', 'the server answered HTTP 404 instead of the file'],
	])('rejects %s with 400 saying why', async (path, reason) => {
		expectRejected(
			await gateway({ options: allowed }).send(withFile(path)),
			400,
			`"file_url" cannot be sent: ${reason}`,
		);
	});

	it('does not download when the check is off', async () => {
		expect(onlyItem(await gateway().send(withFile('/share'))).file).toEqual({
			url: `${base}/share`,
			name: 'logo.svg',
		});
	});

	it('puts the downloaded file on the item as binary data', async () => {
		const answer = await gateway({
			options: { downloadFile: true, binaryPropertyName: 'attachment', allowPrivateFileUrls: true },
		}).send(withFile('/logo.svg'));
		const [item] = answer.items as INodeExecutionData[];
		expect(item.binary?.attachment).toMatchObject({
			fileName: 'logo.svg',
			mimeType: 'image/svg+xml',
			data: logo.toString('base64'),
		});
	});

	describe('targets the caller chooses (SSRF)', () => {
		const blocked = 'The request was blocked because it resolves to a restricted IP address';
		const send = (fileUrl: string, options: INodeParameters = { checkFileUrl: true }) =>
			gateway({ options }).send({ ...withFile('/logo.svg'), file_url: fileUrl });

		it.each([
			'http://127.0.0.1:9/logo.svg',
			'http://169.254.169.254/latest/meta-data/',
			'http://10.0.0.8/logo.svg',
			'http://192.168.1.1/logo.svg',
			'http://[::1]:9/logo.svg',
			'http://[::ffff:127.0.0.1]:9/logo.svg',
		])('refuses %s with 400 before any request, by default', async (fileUrl) => {
			expectRejected(
				await send(fileUrl),
				400,
				`"file_url" cannot be sent: it was not downloaded (${blocked})`,
			);
		});

		it('refuses a redirect into a private address, checked hop by hop', async () => {
			const viaName = `http://localhost:${port()}`;
			expect(onlyItem(await send(`${viaName}/logo.svg`)).file).toMatchObject({ size: logo.length });
			for (const [path, target] of [
				['/to-loopback', 'http://127.0.0.1:' + String(port())],
				['/to-metadata', 'http://169.254.169.254'],
			])
				expectRejected(
					await send(`${viaName}${path}`),
					400,
					`"file_url" cannot be sent: its redirect to ${target} was not downloaded (${blocked})`,
				);
		});

		it('downloads from a private address when the node allows it', async () => {
			expect(onlyItem(await send(`${base}/to-loopback`, allowed)).file).toMatchObject({
				size: logo.length,
			});
		});
	});
});
