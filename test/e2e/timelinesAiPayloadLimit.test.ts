/**
 * What a caller of the TimelinesAI-compatible webhook gets for a body over n8n's payload limit
 * (N8N_PAYLOAD_SIZE_MAX, 16 MB by default): n8n reads the body before any node runs and stops at
 * that limit, so the node never sees the request and cannot answer in TimelinesAI's shape.
 */
import { executionIds, GatewayCaller, triggerWorkflow } from './fixtures/timelinesai/gateway';
import { getN8n } from './harness';

jest.setTimeout(120_000);

const n8n = getN8n();
const SECRET = 'e2e-Payload-Limit-8Kd3Wq5Zn1';
const ids = {
	nodeId: '4a8e2f61-7b3c-4d95-a1e0-6c5b4d3e2f71',
	webhookId: '9c7d5e3f-1a2b-4c6d-8e0f-2a4b6c8d0e12',
};
let workflowId = '';
const caller = new GatewayCaller(n8n, ids.webhookId, SECRET);

beforeAll(async () => {
	workflowId = (
		await n8n.importWorkflow(
			triggerWorkflow('timelinesai e2e: payload limit', ids, { urlSecret: SECRET }),
		)
	).id;
	await n8n.activate(workflowId);
});

afterAll(async () => {
	if (workflowId) await n8n.deactivate(workflowId);
});

it("answers a body over n8n's 16 MB payload limit itself, before the node, and starts no execution", async () => {
	const before = await executionIds(n8n, workflowId);
	const text = 'x'.repeat(16 * 1024 * 1024 + 1024);
	const answer = await caller.send({ action: 'send', phone: '+14151231234', text });
	expect({ status: answer.status, body: answer.json }).toEqual({
		status: 500,
		body: { code: 0, message: 'There was a problem executing the workflow' },
	});
	expect(await executionIds(n8n, workflowId)).toEqual(before);
	// The node never saw it: its attempt log is still empty.
	const log = (await caller.log()).json as { data: { attempts: unknown[] } };
	expect(log.data.attempts).toEqual([]);
});
