import { twilioApiRequest } from '../../../shared/transport';
import { executeForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { contentSidProperty, readContentRef } from './contentParameters';

export const description = showOnlyFor('contentTemplate', 'delete', [contentSidProperty]);

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => readContentRef(ctx, itemIndex, fail),
	perform: async ({ contentSid, path }, itemIndex) => {
		// Twilio answers 204 No Content.
		await twilioApiRequest.call(ctx, { method: 'DELETE', product: 'content', path, itemIndex });
		return [{ contentSid, deleted: true }];
	},
}));
