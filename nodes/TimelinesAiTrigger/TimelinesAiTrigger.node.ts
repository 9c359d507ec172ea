import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type WebhookType,
} from 'n8n-workflow';

import { fieldsOfParameters } from '../shared/webhookDescription';
import { testWebhookUserCredential } from '../shared/webhookUserCredentialTest';
import { LOG_PATH, nodeProperties, QUOTA_RESTORE_PATH, SEND_PATH } from './description';
import { handleWebhook, urlSecretProblem, type Route } from './handlers';
import { ensureStoredState, saveWithExecution } from './stateStore';

/*
 * How n8n 2.41 handles a request to this node, read from its source (packages/cli/src/webhooks/
 * live-webhooks.ts, webhook-helpers.ts, webhook.service.ts, middlewares/body-parser.ts):
 *
 * - Every request to a community trigger acquires an expression isolate; only n8n's own Webhook
 *   node may skip it. What a node can avoid is evaluating expressions: n8n resolves the webhook
 *   description (path, httpMethod, isFullPath, responseMode, responseData, ...) on every request,
 *   plain values directly and `={{...}}` templates through the engine, unless the template comes
 *   with a native resolver (webhookDescriptionFields) and the node's parameters hold no
 *   expression. So the paths and methods here are plain strings and the two response fields that
 *   depend on a parameter carry resolvers.
 * - Paths are static (no `:param`): a static webhook is found in n8n's cache, a dynamic one costs
 *   database queries on every request, and n8n's webhook table is keyed by path and method only,
 *   so a fixed dynamic path such as `timelinesai/:secret` could be active in just one workflow.
 *   With `isFullPath` off the URL is `/webhook/<node's webhookId>/timelinesai`, unique per node,
 *   and the rotatable secret travels in the query string, compared here in constant time.
 * - Before the node runs, n8n parses an `application/json` body itself; malformed JSON is answered
 *   by n8n with 422 "Failed to parse request body" in n8n's own error shape and never reaches the
 *   node. Other content types are left unparsed for nodes of typeVersion 2 and up, and the node
 *   answers them 415. For typeVersion 1 n8n would evaluate an extra expression on every request
 *   (the legacy `options.binaryData` switch), which is why this node starts at version 2.
 * - Returning `noWebhookResponse` without `workflowData`, after writing the response, starts no
 *   execution: that is how every rejection is answered. An accepted request in "Immediately"
 *   ("onReceived") mode returns `workflowData` and its answer as `webhookResponse`, which n8n sends
 *   once it has stored the execution, because `responseData` is empty in that mode. Its state
 *   changes are then saved by the execution (stateStore.ts).
 */

const responseFields = fieldsOfParameters({
	responseMode: (parameters) => parameters.responseMode || 'onReceived',
	responseData: (parameters) => (parameters.responseMode === 'lastNode' ? 'firstEntryJson' : ''),
});

/** n8n types webhook names as 'default' | 'setup'; the others only tell this node's routes apart. */
const routeName = (route: Exclude<Route, 'send'>) => route as WebhookType;

const webhooks: IWebhookDescription[] = [
	{ name: 'default', httpMethod: 'POST', path: SEND_PATH, ...responseFields },
	{
		name: routeName('wrongMethod'),
		httpMethod: 'GET,PUT,PATCH,DELETE',
		path: SEND_PATH,
		ndvHideUrl: true,
		ndvHideMethod: true,
	},
	{ name: routeName('log'), httpMethod: 'GET', path: LOG_PATH },
	{ name: routeName('quotaRestore'), httpMethod: 'POST', path: QUOTA_RESTORE_PATH },
];

export class TimelinesAiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TimelinesAI-Compatible Trigger',
		name: 'timelinesAiTrigger',
		icon: { light: 'file:timelinesAi.svg', dark: 'file:timelinesAi.dark.svg' },
		group: ['trigger'],
		version: 2,
		subtitle:
			'={{$parameter["webhookEnabled"] === false ? "Webhook disabled" : "Send message webhook"}}',
		description:
			'Accept TimelinesAI-style "send message" webhooks from CRMs and other tools, and send them on with any node',
		defaults: { name: 'TimelinesAI-Compatible Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'twilioWebhookUserApi',
				required: true,
				testedBy: 'twilioWebhookUserApiTest',
				displayOptions: { show: { authentication: ['basicAuth'] } },
			},
		],
		webhooks,
		properties: nodeProperties,
	};

	methods = {
		credentialTest: {
			twilioWebhookUserApiTest: testWebhookUserCredential,
		},
	};

	// Nothing is registered elsewhere: the webhook lives in n8n. Activation refuses a URL Secret
	// that could not protect it, and stores the node's state if it has none (see ensureStoredState).
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const problem = urlSecretProblem(String(this.getNodeParameter('urlSecret', '')));
				if (problem) throw new NodeOperationError(this.getNode(), problem);
				ensureStoredState(this.getWorkflowStaticData('node'));
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const name = this.getWebhookName();
		return await handleWebhook(this, name === 'default' ? 'send' : (name as Route));
	}

	/** Runs first in the execution an accepted request started: passes its item on and has n8n save the state (stateStore.ts). */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const messageId = items[0]?.json.messageId;
		const answeredByNode =
			this.getNodeParameter('responseMode', 0, 'onReceived') === 'responseNode';
		if (typeof messageId === 'string' && !answeredByNode) saveWithExecution(this, messageId);
		return [items];
	}
}
