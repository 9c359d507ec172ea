import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { runForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { contentSidProperty, readContentRef } from './contentParameters';

export const description = showOnlyFor('contentTemplate', 'delete', [contentSidProperty]);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, {
		prepare: (itemIndex) => readContentRef(this, itemIndex),
		perform: async ({ contentSid, path }, itemIndex) => {
			// Twilio answers 204 No Content.
			await twilioApiRequest.call(this, { method: 'DELETE', product: 'content', path, itemIndex });
			return [{ contentSid, deleted: true }];
		},
	});
}
