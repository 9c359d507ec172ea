import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { approvalFields } from '../../helpers/contentOutput';
import { runForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { contentSidProperty, fetchApproval, readContentRef } from './contentParameters';

export const description = showOnlyFor('contentTemplate', 'getApprovalStatus', [
	contentSidProperty,
]);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, {
		prepare: (itemIndex) => readContentRef(this, itemIndex),
		perform: async ({ path }, itemIndex) => {
			const approval = await fetchApproval.call(this, path, itemIndex);
			return [
				{ contentSid: approval.sid ?? null, ...approvalFields(approval.whatsapp), raw: approval },
			];
		},
	});
}
