import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { runForEachItem } from '../../helpers/items';
import { messageOutput } from '../../helpers/messageOutput';
import { showOnlyFor } from '../common.descriptions';
import { messageSidProperty, readMessageRef } from './messageParameters';

const properties: INodeProperties[] = [messageSidProperty];

export const description = showOnlyFor('message', 'get', properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, {
		prepare: (itemIndex) => readMessageRef(this, itemIndex),
		perform: async ({ path }, itemIndex) => [
			messageOutput(await twilioApiRequest.call(this, { method: 'GET', path, itemIndex })),
		],
	});
}
