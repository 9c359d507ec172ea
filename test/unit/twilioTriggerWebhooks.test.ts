/**
 * TwilioWhatsAppTrigger/description/webhooks.ts: the webhook descriptions n8n reads per request.
 */
import {
	fromFunction,
	resolveWebhookDescriptionField,
	webhookDescriptionIsNativelyResolvable,
	Workflow,
	type INodeParameters,
	type INodeTypes,
} from 'n8n-workflow';

import { TRIGGER_WEBHOOKS } from '../../nodes/TwilioWhatsAppTrigger/description/webhooks';
import { TwilioWhatsAppTrigger } from '../../nodes/TwilioWhatsAppTrigger/TwilioWhatsAppTrigger.node';

describe('webhook descriptions as n8n reads them per request', () => {
	const nodeType = new TwilioWhatsAppTrigger();
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};

	/** A workflow holding just the trigger, named T, with these parameters. */
	function workflowWith(parameters: INodeParameters): Workflow {
		return new Workflow({
			nodes: [
				{
					id: 'n',
					name: 'T',
					type: 'x.twilioWhatsAppTrigger',
					typeVersion: 2,
					position: [0, 0],
					parameters,
				},
			],
			connections: {},
			active: false,
			nodeTypes,
		});
	}

	/**
	 * The node's parameters with the defaults n8n's Workflow applies, as
	 * resolveWebhookDescriptionField receives them.
	 */
	function withDefaults(parameters: INodeParameters): INodeParameters {
		return workflowWith(parameters).nodes.T.parameters;
	}

	it('answers POST and GET on one static path, with no field that needs the expression engine', () => {
		expect(TRIGGER_WEBHOOKS.map((w) => [w.httpMethod, w.path, w.isFullPath])).toEqual([
			['POST', 'twilio', undefined],
			['GET', 'twilio', undefined],
		]);
		for (const description of TRIGGER_WEBHOOKS)
			expect(webhookDescriptionIsNativelyResolvable(description)).toBe(true);
	});

	it.each([
		['emptyTwiml', 'onReceived', ''],
		['message', 'onReceived', ''],
		['lastNode', 'lastNode', 'firstEntryJson'],
		['responseNode', 'responseNode', ''],
	])(
		'resolves respond=%s natively to responseMode %s, responseData "%s"',
		(respond, mode, responseData) => {
			const parameters = withDefaults({ respond });
			for (const description of TRIGGER_WEBHOOKS) {
				expect(resolveWebhookDescriptionField({ parameters }, description, 'responseMode')).toEqual(
					{ resolved: true, value: mode },
				);
				// Empty in onReceived mode: n8n then sends the node's webhookResponse once the execution is
				// stored.
				expect(resolveWebhookDescriptionField({ parameters }, description, 'responseData')).toEqual(
					{ resolved: true, value: responseData },
				);
			}
		},
	);

	it('resolves the default parameters natively to onReceived', () => {
		expect(
			resolveWebhookDescriptionField(
				{ parameters: withDefaults({}) },
				TRIGGER_WEBHOOKS[0],
				'responseMode',
			),
		).toEqual({ resolved: true, value: 'onReceived' });
	});

	it("carries the same template as n8n-workflow's fromFunction, for the engine when parameters hold expressions", () => {
		const responseMode = TRIGGER_WEBHOOKS[0].responseMode as string;
		expect(responseMode).toMatch(/^=\{\{\(.*\)\(\$parameter\)\}\}$/s);
		expect(fromFunction(() => 'x').template).toMatch(/^=\{\{\(.*\)\(\$parameter\)\}\}$/s);
		const parameters = withDefaults({ respond: 'message', replyMessage: '={{ $json.body.Body }}' });
		expect(
			resolveWebhookDescriptionField({ parameters }, TRIGGER_WEBHOOKS[0], 'responseMode'),
		).toEqual({ resolved: false });
		const workflow = workflowWith(parameters);
		expect(
			workflow.expression.getSimpleParameterValue(workflow.nodes.T, responseMode, 'webhook', {}),
		).toBe('onReceived');
	});
});
