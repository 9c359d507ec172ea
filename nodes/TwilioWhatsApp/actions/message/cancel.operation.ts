import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { runForEachItem } from '../../helpers/items';
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
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, {
		prepare: (itemIndex) => readMessageRef(this, itemIndex),
		perform: async ({ path }, itemIndex) => [
			messageOutput(
				await twilioApiRequest.call(this, {
					method: 'POST',
					path,
					form: { Status: 'canceled' },
					itemIndex,
				}),
			),
		],
	});
}
