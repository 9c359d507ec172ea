import type { INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { executeForEachItem } from '../../helpers/items';
import { messageOutput } from '../../helpers/messageOutput';
import { showOnlyFor } from '../common.descriptions';
import { messageSidProperty, readMessageRef } from './messageParameters';

const properties: INodeProperties[] = [messageSidProperty];

export const description = showOnlyFor('message', 'get', properties);

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => readMessageRef(ctx, itemIndex, fail),
	perform: async ({ path }, itemIndex) => [
		messageOutput(await twilioApiRequest.call(ctx, { method: 'GET', path, itemIndex })),
	],
}));
