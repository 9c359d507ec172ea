import type { INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as deleteMessage from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as sendInteractive from './sendInteractive.operation';
import * as showTypingIndicator from './showTypingIndicator.operation';

export {
	cancel,
	deleteMessage,
	get,
	getMany,
	send,
	sendAndWait,
	sendInteractive,
	showTypingIndicator,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		default: 'send',
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Cancel a message scheduled with Send At',
				action: 'Cancel a scheduled message',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: "Delete a message from the account's logs",
				action: 'Delete a message',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a message and its current status by SID',
				action: 'Get a message',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List messages, filtered by number and date',
				action: 'Get many messages',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a WhatsApp, SMS or MMS message',
				action: 'Send a message',
			},
			{
				name: 'Send and Wait for Delivery Status',
				value: SEND_AND_WAIT_OPERATION,
				description:
					'Send a message and pause the workflow until Twilio reports it delivered or failed',
				action: 'Send a message and wait for its delivery status',
			},
			{
				name: 'Send Interactive Message',
				value: 'sendInteractive',
				description:
					'Send WhatsApp quick reply buttons, a list picker or call to action buttons built here, in the open session',
				action: 'Send an interactive message',
			},
			{
				name: 'Show Typing Indicator',
				value: 'showTypingIndicator',
				description:
					'Mark an inbound WhatsApp message as read and show "typing…" while the reply is prepared',
				action: 'Show a typing indicator',
			},
		],
	},
	...send.description,
	...sendAndWait.description,
	...sendInteractive.description,
	...get.description,
	...getMany.description,
	...cancel.description,
	...deleteMessage.description,
	...showTypingIndicator.description,
];
