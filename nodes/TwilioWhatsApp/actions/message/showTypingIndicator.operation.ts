import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { showTypingIndicator } from '../../../shared/typingIndicator';
import { runForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { messageSidProperty, readMessageRef } from './messageParameters';

const properties: INodeProperties[] = [
	{
		...messageSidProperty,
		default: '={{ $json.messageSid }}',
		description:
			'The inbound WhatsApp message you are answering; by default the messageSid of the Twilio Trigger item',
	},
	{
		displayName:
			'WhatsApp only (a Twilio public beta). Twilio marks the message as read and shows "typing…" to its sender until your reply is delivered or 25 seconds pass.',
		name: 'typingIndicatorNotice',
		type: 'notice',
		default: '',
	},
];

export const description = showOnlyFor('message', 'showTypingIndicator', properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, {
		prepare: (itemIndex) => readMessageRef(this, itemIndex),
		perform: async ({ messageSid }, itemIndex) => {
			await showTypingIndicator.call(this, messageSid, { itemIndex });
			return [{ messageSid, typingIndicator: true }];
		},
	});
}
