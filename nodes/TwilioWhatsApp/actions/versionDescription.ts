import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';

import * as contentTemplate from './contentTemplate/ContentTemplate.resource';
import * as message from './message/Message.resource';
import * as whatsAppSender from './whatsAppSender/WhatsAppSender.resource';

/*
 * The node's properties and webhooks. The top-level description (name, icon, subtitle …) stays an
 * object literal in TwilioWhatsApp.node.ts, where n8n's verification lint reads it.
 */

export const versionProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Message', value: 'message' },
			{ name: 'Content Template', value: 'contentTemplate' },
			{ name: 'WhatsApp Sender', value: 'whatsAppSender' },
		],
		default: 'message',
	},
	...message.description,
	...contentTemplate.description,
	...whatsAppSender.description,
];

/**
 * The resume URL of "Send and Wait for Delivery Status", shaped like n8n's own send-and-wait
 * webhooks: n8n serves it at <webhook-waiting base>/<execution id>/<node id> only while an
 * execution waits at this node. Nothing is registered with Twilio (each message names it as its
 * StatusCallback), so the node has no webhookMethods lifecycle.
 */
export const resumeWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];
