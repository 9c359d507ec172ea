import type { INodeProperties } from 'n8n-workflow';

import { showTypingIndicator } from '../../../shared/typingIndicator';
import { executeForEachItem } from '../../helpers/items';
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

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => readMessageRef(ctx, itemIndex, fail),
	perform: async ({ messageSid }, itemIndex) => {
		await showTypingIndicator.call(ctx, messageSid, { itemIndex });
		return [{ messageSid, typingIndicator: true }];
	},
}));
