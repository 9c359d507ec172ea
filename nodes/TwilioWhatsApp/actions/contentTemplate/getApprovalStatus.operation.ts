import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { approvalFields } from '../../helpers/contentOutput';
import { runForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { failFor } from '../message/messageParameters';
import { contentPath, contentSidProperty } from './contentParameters';

export const description = showOnlyFor('contentTemplate', 'getApprovalStatus', [
	contentSidProperty,
]);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, {
		prepare: (itemIndex) =>
			contentPath(
				String(this.getNodeParameter('contentSid', itemIndex, '')),
				failFor(this, itemIndex),
			),
		perform: async (path, itemIndex) => {
			const approval = await twilioApiRequest.call(this, {
				method: 'GET',
				product: 'content',
				path: `${path}/ApprovalRequests`,
				itemIndex,
			});
			return [{ sid: approval.sid ?? null, ...approvalFields(approval.whatsapp), raw: approval }];
		},
	});
}
