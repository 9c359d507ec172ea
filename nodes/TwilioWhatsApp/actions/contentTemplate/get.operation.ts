import { twilioApiRequest } from '../../../shared/transport';
import { contentOutput } from '../../helpers/contentOutput';
import { executeForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { contentSidProperty, fetchApproval, readContentRef } from './contentParameters';

export const description = showOnlyFor('contentTemplate', 'get', [contentSidProperty]);

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => readContentRef(ctx, itemIndex, fail),
	perform: async ({ path }, itemIndex) => {
		const resource = await twilioApiRequest.call(ctx, {
			method: 'GET',
			product: 'content',
			path,
			itemIndex,
		});
		const approval = await fetchApproval.call(ctx, path, itemIndex);
		return [contentOutput(resource, approval.whatsapp)];
	},
}));
