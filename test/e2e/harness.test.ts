/**
 * The harness itself, driven with n8n's own Webhook node, so that a failure here points at the
 * harness (or n8n's REST API) rather than at this package's nodes.
 */
import { getN8n, nodeOutput } from './harness';

const n8n = getN8n();

/** A workflow export as the editor writes it: n8n's Webhook node answering at /webhook/<path>. */
function webhookWorkflow(name: string, path: string) {
	return {
		name,
		nodes: [
			{
				id: '6a3c1e0e-3f0c-4b59-9d0f-1d6d1f2d9a01',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '0d5f3c52-4a6f-4f0e-8c43-0b8f5f5b7a10',
				parameters: { httpMethod: 'POST', path, options: {} },
			},
		],
		connections: {},
	};
}

describe('e2e harness', () => {
	it('imports and activates a workflow, posts to its webhook, and reads the execution back', async () => {
		const workflow = await n8n.importWorkflow(webhookWorkflow('harness: webhook', 'harness-check'));
		expect(workflow.active).toBe(false);
		await n8n.activate(workflow.id);

		const response = await n8n.post(
			'harness-check',
			new URLSearchParams({ From: 'whatsapp:+15005550006', Body: 'hi' }),
		);
		expect(response.status).toBe(200);

		const [execution] = await n8n.waitForExecutions(workflow.id, 1);
		expect(execution.status).toBe('success');
		const [item] = nodeOutput(execution, 'Webhook');
		expect(item.body).toEqual({ From: 'whatsapp:+15005550006', Body: 'hi' });

		await n8n.deactivate(workflow.id);
		expect((await n8n.post('harness-check', 'after deactivation')).status).toBe(404);
	});

	it("reports why n8n could not activate a workflow, in n8n's words", async () => {
		const first = await n8n.importWorkflow(
			webhookWorkflow('harness: path owner', 'harness-conflict'),
		);
		const second = await n8n.importWorkflow(
			webhookWorkflow('harness: path conflict', 'harness-conflict'),
		);
		await n8n.activate(first.id);

		await expect(n8n.activate(second.id)).rejects.toThrow(/conflict|already/i);

		await n8n.deactivate(first.id);
	});
});
