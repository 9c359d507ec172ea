import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { TWILIO_CREDENTIAL_TYPE } from '../shared/credentials';
import { webhook as sendAndWaitWebhook } from './actions/message/sendAndWait.operation';
import { router } from './actions/router';
import {
	getFallbackTemplateVariables,
	getTemplateVariables,
	searchContentTemplates,
} from './methods/contentTemplates';
import { resumeWebhooks, versionProperties } from './actions/versionDescription';

export class TwilioWhatsApp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Twilio WhatsApp/SMS',
		name: 'twilioWhatsApp',
		icon: { light: 'file:twilio.svg', dark: 'file:twilio.dark.svg' },
		group: ['output'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ $parameter["operation"] + ($parameter["to"] ? ": " + $parameter["to"] : $parameter["messageSid"] ? ": " + $parameter["messageSid"] : "") }}',
		description: 'Send WhatsApp, SMS and MMS messages through Twilio and follow their delivery',
		defaults: { name: 'Twilio WhatsApp/SMS' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: TWILIO_CREDENTIAL_TYPE, required: true }],
		webhooks: resumeWebhooks,
		waitingNodeTooltip: 'Waiting for Twilio to report the delivery status of the message',
		properties: versionProperties,
	};

	methods = {
		listSearch: { searchContentTemplates },
		resourceMapping: { getTemplateVariables, getFallbackTemplateVariables },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	/**
	 * Only "Send and Wait for Delivery Status" puts an execution to wait, so only its status
	 * callbacks arrive here.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook.call(this);
	}
}
