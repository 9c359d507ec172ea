import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { contentOutput } from '../../helpers/contentOutput';
import { runForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { contentSidProperty, fetchApproval, readContentRef } from './contentParameters';

export const description = showOnlyFor('contentTemplate', 'get', [contentSidProperty]);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, {
		prepare: (itemIndex) => readContentRef(this, itemIndex),
		perform: async ({ path }, itemIndex) => {
			const resource = await twilioApiRequest.call(this, {
				method: 'GET',
				product: 'content',
				path,
				itemIndex,
			});
			const approval = await fetchApproval.call(this, path, itemIndex);
			return [contentOutput(resource, approval.whatsapp)];
		},
	});
}
