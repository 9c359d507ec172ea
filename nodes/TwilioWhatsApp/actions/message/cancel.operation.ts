import type { INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { executeForEachItem } from '../../helpers/items';
import { messageOutput } from '../../helpers/messageOutput';
import { showOnlyFor } from '../common.descriptions';
import { messageSidProperty, readMessageRef } from './messageParameters';

const properties: INodeProperties[] = [
	{
		...messageSidProperty,
		description: 'The sid of a message scheduled with "Send At" that has not been sent yet',
	},
];

export const description = showOnlyFor('message', 'cancel', properties);

/** Cancels a scheduled message (Twilio: update the Message with Status=canceled). */
export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => readMessageRef(ctx, itemIndex, fail),
	perform: async ({ path }, itemIndex) => [
		messageOutput(
			await twilioApiRequest.call(ctx, {
				method: 'POST',
				path,
				form: { Status: 'canceled' },
				itemIndex,
			}),
		),
	],
}));
