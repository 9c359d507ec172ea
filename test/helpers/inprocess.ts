/**
 * Runs this package's nodes inside the test process with n8n's own execution contexts
 * (n8n-core's ExecuteContext and WebhookContext over an n8n-workflow Workflow), so parameters,
 * credentials, expressions and `this.helpers.httpRequest*` behave as in n8n, with real HTTP.
 *
 * The credentials helper below stands in for n8n's database-backed one; its `authenticate`
 * resolves a credential's generic `authenticate` block exactly as n8n's CredentialsHelper does.
 */
import { EventEmitter } from 'events';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	ISourceData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, ICredentialsHelper, isExpression, Workflow } from 'n8n-workflow';
import {
	ExecuteContext,
	ExecutionLifecycleHooks,
	HookContext,
	LoadOptionsContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';

import { TwilioMessagingApi } from '../../credentials/TwilioMessagingApi.credentials';
import { TwilioWebhookUserApi } from '../../credentials/TwilioWebhookUserApi.credentials';

const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	twilioMessagingApi: new TwilioMessagingApi(),
	twilioWebhookUserApi: new TwilioWebhookUserApi(),
};

export type CredentialsData = Record<string, ICredentialDataDecryptedObject>;

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: CredentialsData) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = CREDENTIAL_TYPES[typeName] ?? {};
		if (!authenticate || typeof authenticate !== 'object' || !workflow || !node)
			return requestOptions;
		const resolve = (value: unknown) =>
			isExpression(value)
				? String(
						workflow.expression.getSimpleParameterValue(
							node,
							value as string,
							'internal',
							{ $credentials: credentials },
							undefined,
							'',
						) ?? '',
					)
				: value;
		const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [outerKey, inner] of Object.entries(authenticate.properties)) {
			target[outerKey] ??= {};
			for (const [key, value] of Object.entries(inner as IDataObject))
				target[outerKey][String(resolve(key))] = resolve(value);
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used in tests');
	}

	async getDecrypted(
		_additionalData: unknown,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const found = this.data[type];
		if (!found) throw new Error(`No test credentials of type ${type}`);
		// Defaults first, as n8n applies them to stored credential data.
		const defaults = Object.fromEntries(
			(CREDENTIAL_TYPES[type]?.properties ?? []).map((p) => [p.name, p.default]),
		);
		return { ...defaults, ...found } as ICredentialDataDecryptedObject;
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return CREDENTIAL_TYPES[type]?.properties ?? [];
	}
}

export interface NodeSetup {
	nodeType: INodeType;
	parameters: INodeParameters;
	credentials?: CredentialsData;
	/** Static data of the workflow; pass the same object to later calls to keep it between them. */
	staticData?: IDataObject;
	continueOnFail?: boolean;
	typeVersion?: number;
	webhookId?: string;
	baseUrl?: string;
	nodeName?: string;
	/**
	 * Credential ids per type (default `<type>-id`); n8n keys credentials by id, so a new id is a new
	 * credential.
	 */
	credentialIds?: Record<string, string>;
	/**
	 * Where the node's input came from (what `$prevNode` reads); defaults to run 0 of a node named
	 * Start.
	 */
	source?: ISourceData;
	/**
	 * The execution's data; pass the same object to a later call to run the node again in the same
	 * execution, as n8n's Retry On Fail does (same execution data, same run index).
	 */
	runExecutionData?: IRunExecutionData;
	/**
	 * The node's run index in the execution (0 unless given); a loop's next round is the next index.
	 */
	runIndex?: number;
}

const DEFAULT_SOURCE: ISourceData = { previousNode: 'Start' };

const NODE_PACKAGE = 'n8n-nodes-twilio-whatsapp';

function buildWorkflow(setup: NodeSetup) {
	const { nodeType } = setup;
	const typeName = `${NODE_PACKAGE}.${nodeType.description.name}`;
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const node: INode = {
		id: 'node-under-test',
		name: setup.nodeName ?? nodeType.description.defaults.name ?? 'Node',
		type: typeName,
		typeVersion:
			setup.typeVersion ??
			(Array.isArray(nodeType.description.version)
				? Math.max(...nodeType.description.version)
				: nodeType.description.version),
		position: [0, 0],
		parameters: setup.parameters,
		webhookId: setup.webhookId ?? 'test-webhook-id',
		continueOnFail: setup.continueOnFail,
		onError: setup.continueOnFail ? 'continueRegularOutput' : undefined,
		credentials: Object.fromEntries(
			Object.keys(setup.credentials ?? {}).map((type) => [
				type,
				{ id: setup.credentialIds?.[type] ?? `${type}-id`, name: `Test ${type}` },
			]),
		),
	};
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'In-process test workflow',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: setup.staticData,
	});
	const baseUrl = setup.baseUrl ?? 'http://localhost:5678';
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(setup.credentials ?? {}),
		currentNodeExecutionIndex: 0,
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: baseUrl,
		formBaseUrl: `${baseUrl}/form`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		formTestBaseUrl: `${baseUrl}/form-test`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		mcpBaseUrl: `${baseUrl}/mcp`,
		mcpTestBaseUrl: `${baseUrl}/mcp-test`,
		variables: {},
		executionId: 'test-execution-1',
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		setExecutionStatus: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
	// Static data changes are what n8n persists after an execution; tests read them from here.
	return { workflow, node, additionalData };
}

export interface ExecuteResult {
	output: INodeExecutionData[][] | null;
	/** Present when the node put the execution to wait (send-and-wait). */
	waitTill?: Date;
	staticData: IDataObject;
	/** The execution's custom data (`$execution.customData`) after the node ran. */
	customData: Record<string, string>;
}

/** Runs the node's `execute` on the given input items, as n8n's WorkflowExecute would. */
export async function executeNode(
	setup: NodeSetup,
	items: INodeExecutionData[],
	mode: WorkflowExecuteMode = 'manual',
): Promise<ExecuteResult> {
	const { workflow, node, additionalData } = buildWorkflow(setup);
	const runExecutionData: IRunExecutionData =
		setup.runExecutionData ?? createRunExecutionData({ resultData: { runData: {} } });
	const executeData: IExecuteData = {
		node,
		data: { main: [items] },
		source: { main: [setup.source ?? DEFAULT_SOURCE] },
	};
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		runExecutionData,
		setup.runIndex ?? 0,
		items,
		{ main: [items] },
		executeData,
		[],
	);
	const output = (await setup.nodeType.execute!.call(context)) as INodeExecutionData[][] | null;
	return {
		output,
		waitTill: runExecutionData.waitTill,
		staticData: workflow.staticData,
		customData: { ...runExecutionData.resultData.metadata },
	};
}

/** Node settings of the editor's Settings tab that n8n's engine reads from the node itself. */
export type NodeSettings = Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;

const START_TYPE = 'test.start';

/**
 * Runs a two-node workflow (a start node that emits `items`, then the node under test with
 * `settings`) through n8n-core's own WorkflowExecute, so engine behaviour such as Retry On Fail is
 * n8n's.
 */
export async function runInWorkflow(
	setup: NodeSetup,
	items: INodeExecutionData[],
	settings: NodeSettings,
): Promise<IRun> {
	const { node, additionalData } = buildWorkflow(setup);
	const start: INode = {
		id: 'start-node',
		name: 'Start',
		type: START_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const startType: INodeType = {
		description: {
			displayName: 'Start',
			name: 'start',
			group: ['input'],
			version: 1,
			description: 'Emits the test items',
			defaults: { name: 'Start' },
			inputs: [],
			outputs: ['main'],
			properties: [],
		},
		execute: async () => [items],
	};
	const typeOf = (type: string) => (type === START_TYPE ? startType : setup.nodeType);
	const nodeTypes: INodeTypes = {
		getByName: typeOf,
		getByNameAndVersion: typeOf,
		getKnownTypes: () => ({}),
	};
	const tested: INode = { ...node, ...settings };
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'In-process test workflow',
		nodes: [start, tested],
		connections: { Start: { main: [[{ node: tested.name, type: 'main', index: 0 }]] } },
		active: false,
		nodeTypes,
		staticData: setup.staticData,
	});
	const workflowData = {
		id: workflow.id,
		name: 'In-process test workflow',
		nodes: [start, tested],
		connections: workflow.connectionsBySourceNode,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	};
	additionalData.hooks = new ExecutionLifecycleHooks('manual', 'test-execution-1', workflowData);
	return await new WorkflowExecute(additionalData, 'manual').run({ workflow, startNode: start });
}

export interface FakeRequest {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
	/** Path and query as n8n received it, for example `/webhook/abc/twilio?x=1`. */
	url: string;
	headers?: Record<string, string>;
	/** What n8n's body parser produced: an object for form or JSON bodies. */
	body?: unknown;
	rawBody?: Buffer;
	params?: Record<string, string>;
}

export interface FakeResponse {
	statusCode: number;
	headers: Record<string, string>;
	body: string | undefined;
	ended: boolean;
}

/** An express-like response that records what the node wrote. */
function fakeResponse() {
	const recorded: FakeResponse = { statusCode: 200, headers: {}, body: undefined, ended: false };
	const res = Object.assign(new EventEmitter(), {
		status(code: number) {
			recorded.statusCode = code;
			return res;
		},
		setHeader(name: string, value: string) {
			recorded.headers[name.toLowerCase()] = String(value);
			return res;
		},
		header(name: string, value: string) {
			return res.setHeader(name, value);
		},
		set(name: string, value: string) {
			return res.setHeader(name, value);
		},
		getHeader(name: string) {
			return recorded.headers[name.toLowerCase()];
		},
		type(value: string) {
			return res.setHeader('content-type', value);
		},
		send(body?: unknown) {
			recorded.body =
				body === undefined
					? undefined
					: Buffer.isBuffer(body)
						? body.toString('utf8')
						: typeof body === 'string'
							? body
							: JSON.stringify(body);
			recorded.ended = true;
			return res;
		},
		json(body: unknown) {
			res.setHeader('content-type', 'application/json; charset=utf-8');
			return res.send(JSON.stringify(body));
		},
		end(body?: unknown) {
			return res.send(body);
		},
		writeHead(code: number, headers?: Record<string, string>) {
			recorded.statusCode = code;
			for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
			return res;
		},
		write(chunk: unknown) {
			recorded.body = (recorded.body ?? '') + String(chunk);
			return true;
		},
		get headersSent() {
			return recorded.ended;
		},
	});
	return { res, recorded };
}

export interface WebhookCallResult {
	result: IWebhookResponseData;
	response: FakeResponse;
	staticData: IDataObject;
}

/**
 * Calls one of the node's webhook methods with a request shaped like the one n8n hands to nodes.
 * `waitingInput` simulates a waiting execution (n8n's waiting webhooks): the node sits on top of
 * the execution stack with these input items and `setup.source`, as n8n stores it after
 * `putExecutionToWait`.
 */
export async function callWebhook(
	setup: NodeSetup,
	request: FakeRequest,
	options: {
		webhookName?: string;
		mode?: WorkflowExecuteMode;
		waitingInput?: INodeExecutionData[];
		/** The waiting execution's custom data, as the node set it before waiting. */
		waitingCustomData?: Record<string, string>;
	} = {},
): Promise<WebhookCallResult> {
	const { workflow, node, additionalData } = buildWorkflow(setup);
	const webhookName = options.webhookName ?? 'default';
	const named = setup.nodeType.description.webhooks?.filter((w) => w.name === webhookName) ?? [];
	// Nodes may declare one description per method under the same name, as n8n routes by method and
	// path.
	const description =
		named.find((w) => String(w.httpMethod).split(',').includes(request.method)) ?? named[0];
	if (!description) throw new Error(`Node has no webhook named ${webhookName}`);
	const url = new URL(request.url, additionalData.instanceBaseUrl);
	const headers = Object.fromEntries(
		Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
	);
	const req = Object.assign(new EventEmitter(), {
		method: request.method,
		url: request.url,
		originalUrl: request.url,
		path: url.pathname,
		headers,
		query: Object.fromEntries(url.searchParams.entries()),
		body: request.body ?? {},
		rawBody: request.rawBody,
		params: request.params ?? {},
		protocol: url.protocol.replace(':', ''),
		get: (name: string) => headers[name.toLowerCase()],
		header: (name: string) => headers[name.toLowerCase()],
		socket: { remoteAddress: '127.0.0.1' },
		ip: '127.0.0.1',
	});
	const { res, recorded } = fakeResponse();
	additionalData.httpRequest = req as never;
	additionalData.httpResponse = res as never;
	const webhookData: IWebhookData = {
		httpMethod: request.method,
		node: node.name,
		path: String(description.path),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		// n8n's TestWebhooks marks the webhooks it registers while the editor listens for a test event.
		isTest: options.mode === 'manual',
	};
	const runExecutionData = options.waitingInput
		? createRunExecutionData({
				resultData: { runData: {}, metadata: { ...options.waitingCustomData } },
				executionData: {
					nodeExecutionStack: [
						{
							node,
							data: { main: [options.waitingInput] },
							source: { main: [setup.source ?? DEFAULT_SOURCE] },
						},
					],
				},
			})
		: null;
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		options.mode ?? 'webhook',
		webhookData,
		[],
		runExecutionData,
	);
	const method = setup.nodeType.webhook;
	if (!method) throw new Error('Node has no webhook method');
	const result = await method.call(context);
	return { result, response: recorded, staticData: workflow.staticData };
}

export interface HookCallResult {
	result: boolean | undefined;
	staticData: IDataObject;
}

/**
 * Calls one of the node's webhook lifecycle methods (`checkExists`, `create`, `delete`) as n8n does
 * on activation (mode `webhook`, activation `activate`) or while the editor listens for a test
 * event (`manual`).
 */
export async function callWebhookMethod(
	setup: NodeSetup,
	method: 'checkExists' | 'create' | 'delete',
	options: { webhookName?: 'default' | 'setup'; mode?: WorkflowExecuteMode } = {},
): Promise<HookCallResult> {
	const { workflow, node, additionalData } = buildWorkflow(setup);
	const webhookName = options.webhookName ?? 'default';
	const description = setup.nodeType.description.webhooks?.find((w) => w.name === webhookName);
	const fn = setup.nodeType.webhookMethods?.[webhookName]?.[method];
	if (!description || !fn) throw new Error(`Node has no webhook method ${webhookName}.${method}`);
	const mode = options.mode ?? 'webhook';
	const webhookData: IWebhookData = {
		httpMethod: String(description.httpMethod).split(',')[0] as IWebhookData['httpMethod'],
		node: node.name,
		path: String(description.path),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: mode === 'manual',
	};
	const context = new HookContext(
		workflow,
		node,
		additionalData,
		mode,
		mode === 'manual' ? 'manual' : 'activate',
		webhookData,
	);
	const result = await fn.call(context);
	return { result, staticData: workflow.staticData };
}

/**
 * Runs one of the node's `methods.loadOptions` functions, as the editor does to fill a dropdown.
 */
export async function callLoadOptions(
	setup: NodeSetup,
	methodName: string,
): Promise<INodePropertyOptions[]> {
	const { workflow, node, additionalData } = buildWorkflow(setup);
	const fn = setup.nodeType.methods?.loadOptions?.[methodName];
	if (!fn) throw new Error(`Node has no loadOptions method ${methodName}`);
	return await fn.call(new LoadOptionsContext(workflow, node, additionalData, 'parameters'));
}

/** Builds an item list from plain JSON objects. */
export function jsonItems(...objects: IDataObject[]): INodeExecutionData[] {
	return objects.map((json, index) => ({ json, pairedItem: { item: index } }));
}

/**
 * Runs one of the node's `methods.listSearch` or `methods.resourceMapping` functions, as n8n's
 * dynamic-node-parameters endpoints do for a resource locator's list or a resource mapper's fields.
 */
export async function callNodeMethod<T>(
	setup: NodeSetup,
	kind: 'listSearch' | 'resourceMapping',
	methodName: string,
	...args: unknown[]
): Promise<T> {
	const { workflow, node, additionalData } = buildWorkflow(setup);
	const methods = setup.nodeType.methods?.[kind] as
		| Record<string, (...a: unknown[]) => Promise<T>>
		| undefined;
	const fn = methods?.[methodName];
	if (!fn) throw new Error(`Node has no ${kind} method ${methodName}`);
	return await fn.call(
		new LoadOptionsContext(workflow, node, additionalData, 'parameters'),
		...args,
	);
}
