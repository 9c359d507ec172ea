import { twilioApiRequest } from '../../../shared/transport';
import { executeForEachItem } from '../../helpers/items';
import { whatsAppSenderOutput } from '../../helpers/whatsAppSenderOutput';
import { showOnlyFor } from '../common.descriptions';
import { senderPath, senderSidProperty } from './whatsAppSenderParameters';

export const description = showOnlyFor('whatsAppSender', 'get', [senderSidProperty]);

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => senderPath(ctx.getNodeParameter('senderSid', itemIndex), fail),
	perform: async (path, itemIndex) => [
		whatsAppSenderOutput(
			await twilioApiRequest.call(ctx, { method: 'GET', product: 'messaging', path, itemIndex }),
		),
	],
}));
