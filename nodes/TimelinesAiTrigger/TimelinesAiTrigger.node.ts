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
 * Plain paths and methods, and resolvers for the two fields that depend on a parameter, so n8n
 * evaluates no expression per request; static paths, the secret in the query string; version 2 so
 * n8n leaves non-JSON bodies to the node. Why: docs/n8n-behaviour.md, "A trigger's webhook
 * description".
 */

const responseFields = fieldsOfParameters({
	responseMode: (parameters) => parameters.responseMode || 'onReceived',
	responseData: (parameters) => (parameters.responseMode === 'lastNode' ? 'firstEntryJson' : ''),
});

/**
 * n8n types webhook names as 'default' | 'setup'; the others only tell this node's routes apart.
 */
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

	/**
	 * Runs first in the execution an accepted request started: passes its item on and has n8n save
	 * the state (stateStore.ts).
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const messageId = items[0]?.json.messageId;
		const answeredByNode =
			this.getNodeParameter('responseMode', 0, 'onReceived') === 'responseNode';
		if (typeof messageId === 'string' && !answeredByNode) saveWithExecution(this, messageId);
		return [items];
	}
}
