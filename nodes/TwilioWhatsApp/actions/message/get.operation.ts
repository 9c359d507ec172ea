import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { runForEachItem } from '../../helpers/items';
import { messageOutput } from '../../helpers/messageOutput';
import { showOnlyFor } from '../common.descriptions';
import { failFor, messagePath } from './messageParameters';

export const messageSidProperty: INodeProperties = {
	displayName: 'Message SID',
	name: 'messageSid',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'SMxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
	description: 'The sid of the message, as the Send operation or the Twilio Trigger output it',
};

const properties: INodeProperties[] = [messageSidProperty];

export const description = showOnlyFor('message', 'get', properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, {
		prepare: (itemIndex) =>
			messagePath(
				String(this.getNodeParameter('messageSid', itemIndex) ?? ''),
				failFor(this, itemIndex),
			),
		perform: async (path, itemIndex) => [
			messageOutput(await twilioApiRequest.call(this, { method: 'GET', path, itemIndex })),
		],
	});
}
