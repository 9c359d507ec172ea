/**
 * Secrets never reach items, errors or logs. This file runs last (test/e2e/sequencer.js):
 * it drives every node with credentials holding secrets of its own, through success and failure
 * paths (valid, forged and unauthenticated webhooks, Twilio errors, a refused credential test, a
 * wrong URL secret), then searches every execution in this n8n, from every end-to-end file, and
 * n8n's log for those secrets and for the ones the other files use.
 */
import { randomBytes } from 'crypto';

import { DEFAULT_ACCOUNT, MOCK_NUMBERS, startMockTwilio, type MockTwilio } from '../mock-twilio';
import {
	chain,
	triggerNode,
	webhookStartNode,
	type WorkflowJson,
	type WorkflowNode,
} from './fixtures/twilio/workflows';
import { getN8n, type Credential } from './harness';

jest.setTimeout(180_000);

const n8n = getN8n();
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

// Secrets of this file only, so that finding one can only mean a leak.
const ACCOUNT_SID = `AC${hex(16)}`;
const AUTH_TOKEN = hex(16);
const API_KEY = { sid: `SK${hex(16)}`, secret: `apisecret${hex(12)}`, type: 'main' as const };
const WRONG_TOKEN = `wrongtoken${hex(11)}`;
const WEBHOOK_USER = 'audit-user';
const WEBHOOK_PASSWORD = `Audit-Pass-${hex(8)}`;
const URL_SECRET = `urlsecret${hex(12)}`;

let mock: MockTwilio;
const credentials: Record<string, Credential> = {};
const ref = (credential: Credential) => ({ id: credential.id, name: credential.name });

async function deploy(workflow: WorkflowJson): Promise<string> {
	const { id } = await n8n.importWorkflow(workflow);
	await n8n.activate(id);
	return id;
}

function sendNode(
	id: string,
	credential: Credential,
	to: string,
	onError?: WorkflowNode['onError'],
): WorkflowNode {
	return {
		id,
		name: 'Send',
		type: 'n8n-nodes-twilio-whatsapp.twilioWhatsApp',
		typeVersion: 1,
		position: [220, 0],
		parameters: {
			resource: 'message',
			operation: 'send',
			channel: 'sms',
			sender: 'phoneNumber',
			from: MOCK_NUMBERS.sms,
			to,
			content: 'text',
			body: 'audit',
		},
		credentials: { twilioMessagingApi: ref(credential) },
		...(onError ? { onError } : {}),
	};
}

beforeAll(async () => {
	mock = await startMockTwilio({
		accounts: [{ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiKeys: [API_KEY] }],
	});
	const twilio = (name: string, data: Record<string, unknown>) =>
		n8n.createCredential(name, 'twilioMessagingApi', {
			accountSid: ACCOUNT_SID,
			baseUrl: mock.url,
			...data,
		});
	credentials.token = await twilio('Audit token', { authType: 'authToken', authToken: AUTH_TOKEN });
	credentials.apiKey = await twilio('Audit API key', {
		authType: 'apiKey',
		apiKeySid: API_KEY.sid,
		apiKeySecret: API_KEY.secret,
		signingAuthToken: AUTH_TOKEN,
	});
	credentials.wrong = await twilio('Audit wrong token', {
		authType: 'authToken',
		authToken: WRONG_TOKEN,
	});
	credentials.user = await n8n.createCredential('Audit webhook user', 'twilioWebhookUserApi', {
		user: WEBHOOK_USER,
		password: WEBHOOK_PASSWORD,
	});
});

afterAll(async () => {
	await mock?.close();
});

describe('secrets audit', () => {
	it('exercises every node through its success and failure paths', async () => {
		// Twilio Trigger with signature check and Basic auth: accepted, forged, and without the user.
		const triggerWebhook = '5f1e0a2c-7b8d-4c3e-9f6a-a0d1e2f3c4b5';
		await deploy({
			name: 'Audit: trigger',
			nodes: [
				triggerNode({
					nodeId: 'audit-trigger',
					webhookId: triggerWebhook,
					parameters: {
						events: 'all',
						respond: 'emptyTwiml',
						verifySignature: true,
						requireBasicAuth: true,
					},
					twilio: credentials.token,
					webhookUser: credentials.user,
				}),
			],
			connections: {},
		});
		const url = n8n.webhookUrl(`${triggerWebhook}/twilio`);
		const withUser = url.replace(
			'://',
			`://${WEBHOOK_USER}:${encodeURIComponent(WEBHOOK_PASSWORD)}@`,
		);
		const inbound = {
			MessageSid: `SM${hex(16)}`,
			AccountSid: ACCOUNT_SID,
			From: '+14155550100',
			To: MOCK_NUMBERS.sms,
			Body: 'audit',
			NumMedia: '0',
			SmsStatus: 'received',
			ApiVersion: '2010-04-01',
		};
		expect((await mock.sendInbound(withUser, inbound, { authToken: AUTH_TOKEN })).status).toBe(200);
		expect(
			(
				await mock.sendInbound(
					withUser,
					{ ...inbound, MessageSid: `SM${hex(16)}` },
					{ authToken: AUTH_TOKEN, badSignature: true },
				)
			).status,
		).toBe(403);
		expect((await mock.sendInbound(url, inbound, { authToken: AUTH_TOKEN })).status).toBe(401);
		const wrongPassword = url.replace(
			'://',
			`://${WEBHOOK_USER}:not-${WEBHOOK_PASSWORD.slice(0, 6)}@`,
		);
		expect((await mock.sendInbound(wrongPassword, inbound, { authToken: AUTH_TOKEN })).status).toBe(
			401,
		);

		// Send node: a success and Twilio errors, with an API key (Continue On Fail) and with a refused
		// token (stops).
		const sendWithKey = await deploy({
			name: 'Audit: send with API key',
			nodes: [
				webhookStartNode(
					'audit-start-1',
					'b7c2d1e0-3f4a-4b5c-8d9e-0a1b2c3d4e5f',
					'audit-send-key',
					'lastNode',
				),
				sendNode('audit-send-1', credentials.apiKey, '+15005550001', 'continueRegularOutput'),
			],
			connections: chain(['Start', 'Send']),
		});
		const sendWithWrongToken = await deploy({
			name: 'Audit: send with a refused token',
			nodes: [
				webhookStartNode(
					'audit-start-2',
					'c8d3e2f1-4a5b-4c6d-9e0f-1a2b3c4d5e6f',
					'audit-send-wrong',
					'lastNode',
				),
				sendNode('audit-send-2', credentials.wrong, '+14155550100'),
			],
			connections: chain(['Start', 'Send']),
		});
		await n8n.post('audit-send-key', {});
		await n8n.post('audit-send-wrong', {});
		await n8n.waitForExecutions(sendWithKey, 1);
		const [refused] = await n8n.waitForExecutions(sendWithWrongToken, 1);
		expect(refused.status).toBe('error');

		// The credential test of the refused token.
		expect((await n8n.testCredential(credentials.wrong)).status).toBe('Error');

		// TimelinesAI trigger: accepted, wrong URL secret, wrong Basic auth.
		const gatewayWebhook = 'd9e4f3a2-5b6c-4d7e-8f90-2b3c4d5e6f70';
		await deploy({
			name: 'Audit: TimelinesAI gateway',
			nodes: [
				{
					id: 'audit-gateway',
					name: 'Gateway',
					type: 'n8n-nodes-twilio-whatsapp.timelinesAiTrigger',
					typeVersion: 2,
					position: [0, 0],
					webhookId: gatewayWebhook,
					parameters: {
						webhookEnabled: true,
						urlSecret: URL_SECRET,
						authentication: 'basicAuth',
						respond: 'onReceived',
					},
					credentials: { twilioWebhookUserApi: ref(credentials.user) },
				},
			],
			connections: {},
		});
		const auth = {
			authorization: `Basic ${Buffer.from(`${WEBHOOK_USER}:${WEBHOOK_PASSWORD}`).toString('base64')}`,
		};
		const message = { action: 'send', phone: '+14151231234', text: 'audit' };
		expect(
			(await n8n.post(`${gatewayWebhook}/timelinesai?secret=${URL_SECRET}`, message, auth)).status,
		).toBe(200);
		expect(
			(
				await n8n.post(
					`${gatewayWebhook}/timelinesai?secret=${URL_SECRET.slice(0, -1)}x`,
					message,
					auth,
				)
			).status,
		).toBe(404);
		expect(
			(
				await n8n.post(`${gatewayWebhook}/timelinesai?secret=${URL_SECRET}`, message, {
					authorization: 'Basic d3Jvbmc6d3Jvbmc=',
				})
			).status,
		).toBe(401);
	});

	it('finds no secret in any execution of this n8n, nor in its log', async () => {
		const basic = Buffer.from(`${WEBHOOK_USER}:${WEBHOOK_PASSWORD}`).toString('base64');
		const secrets: Record<string, string> = {
			'Auth Token': AUTH_TOKEN,
			'API Key Secret': API_KEY.secret,
			'refused Auth Token': WRONG_TOKEN,
			'webhook password': WEBHOOK_PASSWORD,
			'webhook Basic auth header': basic,
			'TimelinesAI URL secret': URL_SECRET,
			// The secrets the other end-to-end files use.
			"the mock account's Auth Token": DEFAULT_ACCOUNT.authToken,
			...Object.fromEntries(
				(DEFAULT_ACCOUNT.apiKeys ?? []).map((key, i) => [
					`the mock's API key secret ${i}`,
					key.secret,
				]),
			),
		};

		const workflows = await n8n.rest<Array<{ id: string }>>('GET', '/workflows');
		let searched = 0;
		const leaks: string[] = [];
		for (const { id } of workflows) {
			for (const summary of await n8n.listExecutions(id)) {
				// What the run produced: items, errors and metadata. (The execution also keeps a copy of
				// the workflow, whose node parameters, such as the TimelinesAI URL Secret, are
				// configuration, not output.)
				const text = JSON.stringify((await n8n.getExecution(summary.id)).data);
				searched++;
				for (const [what, secret] of Object.entries(secrets))
					if (text.includes(secret))
						leaks.push(`${what} in execution ${summary.id} of workflow ${id}`);
			}
		}
		const log = n8n.readLog();
		for (const [what, secret] of Object.entries(secrets))
			if (log.includes(secret)) leaks.push(`${what} in the n8n log`);

		// The audit must have had something to search: its own executions at least.
		expect(searched).toBeGreaterThanOrEqual(3);
		expect(log.length).toBeGreaterThan(1000);
		expect(leaks).toEqual([]);
	});
});
