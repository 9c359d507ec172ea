import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['whatsAppSender'] } },
		default: 'get',
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a WhatsApp sender with its status, webhook URLs and quality rating',
				action: 'Get a sender',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: "List the account's WhatsApp senders registered through Twilio",
				action: 'Get many senders',
			},
		],
	},
	...get.description,
	...getMany.description,
];
