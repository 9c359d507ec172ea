import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { runForEachItem } from '../../helpers/items';
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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, {
		prepare: (itemIndex) => readMessageRef(this, itemIndex),
		perform: async ({ messageSid, path }, itemIndex) => {
			// Twilio answers 204 No Content.
			await twilioApiRequest.call(this, { method: 'DELETE', path, itemIndex });
			return [{ messageSid, deleted: true }];
		},
	});
}
