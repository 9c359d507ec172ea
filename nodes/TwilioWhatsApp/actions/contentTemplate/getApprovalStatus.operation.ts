import { approvalFields } from '../../helpers/contentOutput';
import { executeForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { contentSidProperty, fetchApproval, readContentRef } from './contentParameters';

export const description = showOnlyFor('contentTemplate', 'getApprovalStatus', [
	contentSidProperty,
]);

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => readContentRef(ctx, itemIndex, fail),
	perform: async ({ path }, itemIndex) => {
		const approval = await fetchApproval.call(ctx, path, itemIndex);
		return [
			{ contentSid: approval.sid ?? null, ...approvalFields(approval.whatsapp), raw: approval },
		];
	},
}));
