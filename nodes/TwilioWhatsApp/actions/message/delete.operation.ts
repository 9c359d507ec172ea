import type { INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { executeForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { messageSidProperty, readMessageRef } from './messageParameters';

const properties: INodeProperties[] = [
	{
		...messageSidProperty,
		description:
			"The sid of the message to delete from the account's logs. Twilio deletes only messages that are no longer in progress.",
	},
];

export const description = showOnlyFor('message', 'delete', properties);

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => readMessageRef(ctx, itemIndex, fail),
	perform: async ({ messageSid, path }, itemIndex) => {
		// Twilio answers 204 No Content.
		await twilioApiRequest.call(ctx, { method: 'DELETE', path, itemIndex });
		return [{ messageSid, deleted: true }];
	},
}));
