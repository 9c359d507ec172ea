import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { twilioApiRequestAllItems } from '../../../shared/transport';
import type { Fail } from '../../helpers/items';
import { filterAddress } from '../../helpers/addresses';
import { parseDateTime } from '../../helpers/formFields';
import { executeForEachItem } from '../../helpers/items';
import { messageOutput } from '../../helpers/messageOutput';
import {
	filtersCollection,
	readReturnLimit,
	returnAllOrLimit,
	showOnlyFor,
} from '../common.descriptions';
import { MESSAGES_PATH } from './messageParameters';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	filtersCollection([
		{
			displayName: 'From',
			name: 'from',
			type: 'string',
			default: '',
			placeholder: 'whatsapp:+14155238886',
			description: 'Only messages from this sender; use the whatsapp: prefix for WhatsApp',
		},
		{
			displayName: 'Sent After',
			name: 'dateSentAfter',
			type: 'dateTime',
			default: '',
			description: 'Only messages sent on or after this day (Twilio compares UTC dates)',
		},
		{
			displayName: 'Sent Before',
			name: 'dateSentBefore',
			type: 'dateTime',
			default: '',
			description: 'Only messages sent on or before this day (Twilio compares UTC dates)',
		},
		{
			displayName: 'Sent On',
			name: 'dateSent',
			type: 'dateTime',
			default: '',
			description: 'Only messages sent on this day (Twilio compares UTC dates)',
		},
		{
			displayName: 'To',
			name: 'to',
			type: 'string',
			default: '',
			placeholder: 'whatsapp:+14155550123',
			description: 'Only messages to this recipient; use the whatsapp: prefix for WhatsApp',
		},
	]),
];

export const description = showOnlyFor('message', 'getMany', properties);

function dayOf(value: unknown, label: string, zone: string, fail: Fail): string | undefined {
	const parsed = parseDateTime(value, zone);
	if (!parsed) return undefined;
	if (!parsed.isValid)
		fail(
			`"${label}" value "${String(value)}" is not a date`,
			'Use ISO 8601, for example 2030-05-15.',
		);
	return parsed.toISODate() ?? undefined;
}

/** The list query: Twilio's filter names are To, From, DateSent, DateSent< and DateSent>. */
export function listQuery(filters: IDataObject, zone: string, fail: Fail): IDataObject {
	const qs: IDataObject = {};
	if (typeof filters.to === 'string' && filters.to.trim()) qs.To = filterAddress(filters.to);
	if (typeof filters.from === 'string' && filters.from.trim())
		qs.From = filterAddress(filters.from);
	const on = dayOf(filters.dateSent, 'Sent On', zone, fail);
	const before = dayOf(filters.dateSentBefore, 'Sent Before', zone, fail);
	const after = dayOf(filters.dateSentAfter, 'Sent After', zone, fail);
	if (on) qs.DateSent = on;
	if (before) qs['DateSent<'] = before;
	if (after) qs['DateSent>'] = after;
	return qs;
}

export const execute = executeForEachItem((ctx) => {
	const zone = ctx.getTimezone();
	return {
		prepare: (itemIndex, fail) => {
			const { limit, pageSize } = readReturnLimit(ctx, itemIndex);
			const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
			return { limit, qs: { ...listQuery(filters, zone, fail), PageSize: pageSize } };
		},
		perform: async ({ limit, qs }, itemIndex) => {
			const messages = await twilioApiRequestAllItems.call(ctx, {
				method: 'GET',
				path: MESSAGES_PATH,
				qs,
				key: 'messages',
				limit,
				itemIndex,
			});
			return messages.map(messageOutput);
		},
	};
});
