import { twilioApiRequestAllItems } from '../../../shared/transport';
import { WHATSAPP_SENDERS_PATH } from '../../../shared/whatsAppSenders';
import { executeForEachItem } from '../../helpers/items';
import { whatsAppSenderOutput } from '../../helpers/whatsAppSenderOutput';
import { readReturnLimit, returnAllOrLimit, showOnlyFor } from '../common.descriptions';

export const description = showOnlyFor('whatsAppSender', 'getMany', returnAllOrLimit);

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex) => readReturnLimit(ctx, itemIndex),
	perform: async ({ limit, pageSize }, itemIndex) => {
		// Twilio's next_page_url keeps Channel and PageSize, so only the first request names them.
		const senders = await twilioApiRequestAllItems.call(ctx, {
			method: 'GET',
			product: 'messaging',
			path: WHATSAPP_SENDERS_PATH,
			qs: { Channel: 'whatsapp', PageSize: pageSize },
			key: 'senders',
			limit,
			itemIndex,
		});
		return senders.map((sender) => whatsAppSenderOutput(sender));
	},
}));
