/**
 * The shipped example "WhatsApp menu with quick replies"
 * (examples/whatsapp-menu-quick-replies.json) on a real n8n, as a user imports it (only the
 * credential id filled in), against the Twilio mock:
 * - two customer messages each get the menu, sent with Send Interactive Message; the second run
 *   reuses the Content resource the first one created (one resource, one HX SID);
 * - the customer's tap on a quick reply arrives at the Twilio Trigger as a typed reply (`type`
 *   interactive, `button.payload` = the ID the menu defined) and the Switch routes it.
 * The tap is test/fixtures/twilio/messages.ts's whatsappQuickReplyTap ([webhook] and [capture])
 * with each button's title and ID.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { definitionName } from '../../nodes/TwilioWhatsApp/helpers/contentDefinition';
import {
	CUSTOMER,
	SANDBOX,
	whatsappQuickReplyTap,
	whatsappText,
	type Form,
} from '../fixtures/twilio/messages';
import { DEFAULT_ACCOUNT, startMockTwilio, type MockTwilio } from '../mock-twilio';
import {
	createTwilioCredential,
	newExecutions,
	triggerUrl,
	type WorkflowJson,
	type WorkflowNode,
} from './fixtures/twilio/workflows';
import { getN8n, nodeOutput, REPO_ROOT } from './harness';

jest.setTimeout(120_000);

const n8n = getN8n();
const example = JSON.parse(
	readFileSync(join(REPO_ROOT, 'examples/whatsapp-menu-quick-replies.json'), 'utf8'),
) as WorkflowJson & { nodes: WorkflowNode[] };

let mock: MockTwilio;
let workflowId = '';
let url = '';

const randomSid = () =>
	'SM' + [...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');

beforeAll(async () => {
	mock = await startMockTwilio({ accounts: [DEFAULT_ACCOUNT] });
	const twilio = await createTwilioCredential(n8n, 'Twilio account (menu example)', mock.url);
	const nodes = example.nodes.map((node) =>
		node.credentials
			? { ...node, credentials: { twilioMessagingApi: { id: twilio.id, name: twilio.name } } }
			: node,
	);
	const { id } = await n8n.importWorkflow({ ...example, name: `${example.name} (e2e)`, nodes });
	workflowId = id;
	await n8n.activate(id);
	const trigger = nodes.find((node) => node.name === 'Incoming WhatsApp Message')!;
	url = triggerUrl(n8n, trigger.webhookId ?? '');
});

afterAll(async () => {
	if (workflowId) await n8n.deactivate(workflowId);
	await mock?.close();
});

async function deliver(params: Form) {
	const sid = randomSid();
	const known = (await n8n.listExecutions(workflowId)).length;
	const answer = await mock.sendInbound(url, {
		...params,
		MessageSid: sid,
		SmsSid: sid,
		SmsMessageSid: sid,
	});
	expect(answer.status).toBe(200);
	const [execution] = await newExecutions(n8n, workflowId, known);
	return execution;
}

const menuTypes = {
	'twilio/quick-reply': {
		body: 'Hi {{name}}, how can we help?',
		actions: [
			{ type: 'QUICK_REPLY', title: 'Track my order', id: 'track' },
			{ type: 'QUICK_REPLY', title: 'Talk to a person', id: 'agent' },
		],
	},
};

describe('WhatsApp menu with quick replies (whatsapp-menu-quick-replies.json)', () => {
	let menuMessageSid = '';

	it('answers two messages with the menu, sent twice through one Content resource', async () => {
		const first = await deliver(whatsappText);
		const [menu] = nodeOutput(first, 'Send Menu');
		expect(menu).toMatchObject({ contentCreated: true, status: 'queued' });
		const second = await deliver({ ...whatsappText, Body: 'Hello again' });
		const [again] = nodeOutput(second, 'Send Menu');
		expect(again).toMatchObject({ contentSid: menu.contentSid, contentCreated: false });

		const name = definitionName('en', menuTypes);
		const resources = mock.contents.filter((c) => c.resource.friendly_name === name);
		expect(resources.map((c) => c.resource.sid)).toEqual([menu.contentSid]);
		expect(resources[0].resource.types).toEqual(menuTypes);
		for (const sent of [menu, again]) {
			const message = mock.messages.find((m) => m.sid === sent.messageSid)!;
			expect(message.params).toMatchObject({
				To: CUSTOMER,
				From: SANDBOX,
				ContentSid: menu.contentSid,
				ContentVariables: JSON.stringify({ name: 'Perspective Coffee' }),
			});
		}
		menuMessageSid = String(again.messageSid);
	});

	it.each([
		['track', 'Track my order', 'Send Tracking Link', 'https://example.com/track'],
		['agent', 'Talk to a person', 'Hand Over to a Person', 'A person from our team'],
	])('routes a tap on "%s" ("%s") by its ID to %s', async (id, title, route, reply) => {
		const execution = await deliver({
			...whatsappQuickReplyTap,
			Body: title,
			ButtonText: title,
			ButtonPayload: id,
			OriginalRepliedMessageSid: menuMessageSid,
		});
		const [tapped] = nodeOutput(execution, 'Incoming WhatsApp Message');
		expect(tapped).toMatchObject({
			type: 'interactive',
			button: { text: title, payload: id },
			context: { originalRepliedMessageSid: menuMessageSid },
		});
		expect(Object.keys(execution.data.resultData.runData)).not.toContain('Send Menu');
		const [sent] = nodeOutput(execution, route);
		const message = mock.messages.find((m) => m.sid === sent.messageSid)!;
		expect(message.params.To).toBe(CUSTOMER);
		expect(String(message.params.Body)).toContain(reply);
	});
});
