/**
 * Which URL a Twilio signature may be made for, on a real n8n: only one Twilio could have called.
 * With a public webhook URL known (N8N_WEBHOOK_URL, or the node's Public URL option) a request
 * signed for the URL it arrived on, or for the host its X-Forwarded-* headers name, gets 403 and
 * starts nothing. Without one (the shared test n8n's N8N_WEBHOOK_URL is 127.0.0.1, which Twilio
 * cannot reach) the URL the request names is tried too, and the item says so in `warnings`.
 */
import { DEFAULT_ACCOUNT, startMockTwilio, type MockTwilio } from '../mock-twilio';
import { whatsappText, type Form } from '../fixtures/twilio/messages';
import {
	chain,
	createTwilioCredential,
	executionIds,
	newExecutions,
	triggerItem,
	triggerNode,
	triggerUrl,
	type NodeParameters,
} from './fixtures/twilio/workflows';
import { getN8n, N8nClient, startN8n, type Credential, type N8nInstance } from './harness';

jest.setTimeout(180_000);

const PUBLIC_BASE = 'https://n8n.example.test';
const TUNNEL = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tunnel.example.test' };
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

let mock: MockTwilio;

beforeAll(async () => {
	mock = await startMockTwilio({ accounts: [DEFAULT_ACCOUNT] });
});

afterAll(async () => {
	await mock?.close();
});

function withSid(params: Form): Form {
	const sid = 'SM' + [...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');
	return { ...params, MessageSid: sid, SmsSid: sid, SmsMessageSid: sid };
}

/**
 * One trigger workflow on `n8n`; `deliver` posts a signed request and returns the answer and, if
 * one started, the item.
 */
async function deployTrigger(
	n8n: N8nClient,
	twilio: Credential,
	webhookId: string,
	parameters: NodeParameters,
) {
	const trigger = triggerNode({ nodeId: `node-${webhookId}`, webhookId, parameters, twilio });
	const { id } = await n8n.importWorkflow({
		name: `signed URL e2e ${webhookId}`,
		nodes: [trigger],
		connections: chain([trigger.name]),
	});
	await n8n.activate(id);
	const url = triggerUrl(n8n, webhookId);
	const path = new URL(url).pathname;
	return {
		id,
		url,
		path,
		async deliver(signatureUrl: string, headers: Record<string, string> = {}) {
			const before = await executionIds(n8n, id);
			const answer = await mock.sendInbound(url, withSid(whatsappText), { signatureUrl, headers });
			if (answer.status !== 200) {
				expect(await executionIds(n8n, id)).toEqual(before);
				return { status: answer.status, body: answer.body, item: undefined };
			}
			expect(answer.body).toBe(EMPTY_TWIML);
			const [execution] = await newExecutions(n8n, id, before.length);
			return { status: answer.status, body: answer.body, item: triggerItem(execution) };
		},
	};
}

const WARNING =
	/^The signature was checked against the URL this request named itself \(https:\/\/tunnel\.example\.test\/webhook\/.+\/twilio\), because n8n knows no public webhook URL/;

describe('n8n without a public webhook URL (N8N_WEBHOOK_URL on 127.0.0.1)', () => {
	const n8n = getN8n();
	let twilio: Credential;
	const workflowIds: string[] = [];

	beforeAll(async () => {
		twilio = await createTwilioCredential(n8n, 'Twilio (signed URL e2e)', mock.url);
	});

	afterAll(async () => {
		for (const id of workflowIds) await n8n.deactivate(id);
	});

	it("accepts n8n's own URL without a warning, and the URL the request names with one", async () => {
		const trigger = await deployTrigger(n8n, twilio, 'b6e0c1d2-5a43-4f9e-8d21-7c3b2a1f0e01', {});
		workflowIds.push(trigger.id);
		const own = await trigger.deliver(trigger.url);
		expect(own.item).toMatchObject({ event: 'message.received', warnings: [] });

		const tunnelled = await trigger.deliver(`https://tunnel.example.test${trigger.path}`, TUNNEL);
		expect(tunnelled.status).toBe(200);
		expect(tunnelled.item?.warnings).toEqual([expect.stringMatching(WARNING)]);

		const elsewhere = await trigger.deliver(`https://other.example.test${trigger.path}`, TUNNEL);
		expect(elsewhere.status).toBe(403);
	});

	it('with a Public URL, accepts only that URL', async () => {
		const trigger = await deployTrigger(n8n, twilio, 'b6e0c1d2-5a43-4f9e-8d21-7c3b2a1f0e02', {
			options: { publicUrl: 'https://hooks.example.test' },
		});
		workflowIds.push(trigger.id);
		const viaPublic = await trigger.deliver(`https://hooks.example.test${trigger.path}`, TUNNEL);
		expect(viaPublic.item).toMatchObject({ event: 'message.received', warnings: [] });
		expect(
			(await trigger.deliver(`https://tunnel.example.test${trigger.path}`, TUNNEL)).status,
		).toBe(403);
	});
});

describe(`n8n with N8N_WEBHOOK_URL=${PUBLIC_BASE}/`, () => {
	let instance: N8nInstance | undefined;
	let n8n: N8nClient;
	let twilio: Credential;

	beforeAll(async () => {
		instance = await startN8n({
			name: 'signed-url-public',
			env: { N8N_WEBHOOK_URL: `${PUBLIC_BASE}/` },
		});
		n8n = new N8nClient({ baseUrl: instance.baseUrl, logFile: instance.logFile });
		await n8n.setupOwner();
		twilio = await createTwilioCredential(n8n, 'Twilio (signed URL e2e)', mock.url);
	});

	afterAll(async () => {
		await instance?.stop();
	});

	it('accepts a request signed for the public URL, and refuses one signed for the URL it arrived on or the host its headers name', async () => {
		const trigger = await deployTrigger(n8n, twilio, 'b6e0c1d2-5a43-4f9e-8d21-7c3b2a1f0e03', {});
		const signedPublic = await trigger.deliver(PUBLIC_BASE + trigger.path);
		expect(signedPublic.item).toMatchObject({ event: 'message.received', warnings: [] });

		// The URL as it arrived: before, accepted, although Twilio never calls 127.0.0.1.
		const asArrived = await trigger.deliver(trigger.url);
		expect(asArrived.status).toBe(403);
		expect(JSON.parse(asArrived.body)).toMatchObject({ error: 'invalid_signature' });
		expect(
			(await trigger.deliver(`https://tunnel.example.test${trigger.path}`, TUNNEL)).status,
		).toBe(403);
	});
});
