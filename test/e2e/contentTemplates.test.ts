/**
 * Content Templates on a real n8n, against the Twilio mock's Content API:
 * - the picker's list search and the variables' fields, loaded through n8n's own REST endpoints for
 *   dynamic parameters (POST /rest/dynamic-node-parameters/resource-locator-results and
 *   /resource-mapper-fields, as the editor calls them);
 * - create → submit for WhatsApp approval → approval status, as one workflow run;
 * - a template send (node version 2) with its variables filled from the item.
 */
import { MOCK_NUMBERS, startMockTwilio, type MockTwilio } from '../mock-twilio';
import {
	chain,
	createTwilioCredential,
	newExecutions,
	SEND_TYPE,
	webhookStartNode,
	type NodeParameters,
	type WorkflowNode,
} from './fixtures/twilio/workflows';
import { getN8n, nodeOutput, type Credential } from './harness';

jest.setTimeout(120_000);

const n8n = getN8n();
let mock: MockTwilio;
let twilio: Credential;
const workflowIds: string[] = [];

beforeAll(async () => {
	mock = await startMockTwilio({ callbackDelayMs: 20 });
	twilio = await createTwilioCredential(n8n, 'Twilio (content e2e)', mock.url);
});

afterAll(async () => {
	for (const id of workflowIds) await n8n.deactivate(id);
	await mock?.close();
});

function twilioNode(id: string, name: string, parameters: NodeParameters, x: number): WorkflowNode {
	return {
		id,
		name,
		type: SEND_TYPE,
		typeVersion: 2,
		position: [x, 0],
		parameters,
		credentials: { twilioMessagingApi: { id: twilio.id, name: twilio.name } },
	};
}

async function deploy(name: string, nodes: WorkflowNode[]): Promise<string> {
	const { id } = await n8n.importWorkflow({
		name,
		nodes,
		connections: chain(nodes.map((node) => node.name)),
	});
	workflowIds.push(id);
	await n8n.activate(id);
	return id;
}

const sendParameters = (sid: string): NodeParameters => ({
	resource: 'message',
	operation: 'send',
	channel: 'whatsapp',
	sender: 'phoneNumber',
	from: MOCK_NUMBERS.whatsapp,
	to: '={{ $json.body.to }}',
	content: 'template',
	contentSid: { __rl: true, mode: 'list', value: sid },
	variablesMode: 'fields',
});

describe("the editor's dynamic parameters", () => {
	it('lists templates for the picker and loads the picked template variables as fields', async () => {
		const sid = mock.addContent({
			friendly_name: 'e2e_shipping',
			language: 'en',
			variables: { '1': 'Ana' },
			types: { 'twilio/text': { body: 'Hi {{1}}, your order shipped.' } },
		});
		const common = {
			nodeTypeAndVersion: { name: SEND_TYPE, version: 2 },
			credentials: { twilioMessagingApi: { id: twilio.id, name: twilio.name } },
			currentNodeParameters: sendParameters(sid),
		};
		const list = await n8n.rest<{ results: Array<{ name: string; value: string }> }>(
			'POST',
			'/dynamic-node-parameters/resource-locator-results',
			{ ...common, path: 'contentSid', methodName: 'searchContentTemplates', filter: 'e2e_ship' },
		);
		expect(list.results).toEqual([
			expect.objectContaining({
				value: sid,
				name: 'e2e_shipping (en, text, WhatsApp: not submitted)',
			}),
		]);
		const fields = await n8n.rest<{ fields: Array<{ id: string; displayName: string }> }>(
			'POST',
			'/dynamic-node-parameters/resource-mapper-fields',
			{ ...common, path: 'templateVariables', methodName: 'getTemplateVariables' },
		);
		expect(fields.fields).toEqual([
			expect.objectContaining({ id: '1', displayName: '{{1}} (e.g. Ana)', required: true }),
		]);
	});
});

describe('templates in workflows', () => {
	it('creates a template, submits it for WhatsApp approval and reads the status Meta decided', async () => {
		const path = 'e2e-content-create-submit';
		const id = await deploy('Content: create, submit, status', [
			webhookStartNode(
				'c1a2b3c4-0000-4000-8000-000000000001',
				'd1a2b3c4-0000-4000-8000-000000000001',
				path,
				'onReceived',
			),
			twilioNode(
				'c1a2b3c4-0000-4000-8000-000000000002',
				'Create',
				{
					resource: 'contentTemplate',
					operation: 'create',
					friendlyName: '={{ $json.body.name }}',
					language: 'en',
					contentType: 'twilio/quick-reply',
					body: 'Hi {{1}}, is the delivery time fine?',
					quickReplies: {
						button: [
							{ title: 'Yes', id: 'yes' },
							{ title: 'Change it', id: 'change' },
						],
					},
					variables: { variable: [{ name: '1', sample: 'Ana' }] },
				},
				260,
			),
			twilioNode(
				'c1a2b3c4-0000-4000-8000-000000000003',
				'Submit',
				{
					resource: 'contentTemplate',
					operation: 'submitForApproval',
					contentSid: '={{ $json.contentSid }}',
					templateName: '={{ $json.friendlyName }}',
					category: 'UTILITY',
				},
				520,
			),
		]);
		const response = await n8n.post(path, { name: 'delivery_check' });
		expect(response.status).toBe(200);
		const [execution] = await newExecutions(n8n, id, 0);
		const [created] = nodeOutput(execution, 'Create');
		const [submitted] = nodeOutput(execution, 'Submit');
		expect(submitted).toMatchObject({
			contentSid: created.contentSid,
			approvalStatus: 'received',
			approvalName: 'delivery_check',
		});

		mock.setApprovalStatus(String(created.contentSid), 'approved');
		const statusPath = 'e2e-content-status';
		const statusId = await deploy('Content: approval status', [
			webhookStartNode(
				'c1a2b3c4-0000-4000-8000-000000000004',
				'd1a2b3c4-0000-4000-8000-000000000004',
				statusPath,
				'onReceived',
			),
			twilioNode(
				'c1a2b3c4-0000-4000-8000-000000000005',
				'Status',
				{
					resource: 'contentTemplate',
					operation: 'getApprovalStatus',
					contentSid: '={{ $json.body.sid }}',
				},
				260,
			),
		]);
		await n8n.post(statusPath, { sid: created.contentSid });
		const [statusRun] = await newExecutions(n8n, statusId, 0);
		expect(nodeOutput(statusRun, 'Status')[0]).toMatchObject({
			contentSid: created.contentSid,
			approvalStatus: 'approved',
		});
	});

	it('sends a picked template with its variables filled from the item', async () => {
		const sid = mock.addContent({
			friendly_name: 'e2e_reminder',
			language: 'en',
			variables: { '1': 'Ana', '2': '10:00' },
			types: { 'twilio/text': { body: 'Hi {{1}}, see you at {{2}}.' } },
		});
		const path = 'e2e-content-send';
		const id = await deploy('Content: send a template', [
			webhookStartNode(
				'c1a2b3c4-0000-4000-8000-000000000006',
				'd1a2b3c4-0000-4000-8000-000000000006',
				path,
				'onReceived',
			),
			twilioNode(
				'c1a2b3c4-0000-4000-8000-000000000007',
				'Send Template',
				{
					...sendParameters(sid),
					templateVariables: {
						mappingMode: 'defineBelow',
						value: { '1': '={{ $json.body.name }}', '2': '={{ $json.body.time }}' },
						matchingColumns: [],
						schema: [
							{
								id: '1',
								displayName: '{{1}}',
								required: true,
								defaultMatch: false,
								display: true,
								type: 'string',
							},
							{
								id: '2',
								displayName: '{{2}}',
								required: true,
								defaultMatch: false,
								display: true,
								type: 'string',
							},
						],
					},
				},
				260,
			),
		]);
		const start = mock.messages.length;
		await n8n.post(path, { to: '+14155550177', name: 'Bea', time: '12:30' });
		const [execution] = await newExecutions(n8n, id, 0);
		const [sent] = nodeOutput(execution, 'Send Template');
		const message = mock.messages.slice(start).find((m) => m.sid === sent.messageSid)!;
		expect(message.params).toMatchObject({
			To: 'whatsapp:+14155550177',
			ContentSid: sid,
			ContentVariables: JSON.stringify({ '1': 'Bea', '2': '12:30' }),
		});
	});
});
