import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { encodeForm, twilioApiRequestAllItems } from '../../../shared/transport';
import { CONTENT_TYPES } from '../../helpers/contentDefinition';
import { contentOutput } from '../../helpers/contentOutput';
import { executeForEachItem } from '../../helpers/items';
import {
	filtersCollection,
	optionsNamedAfterValues,
	readReturnLimit,
	returnAllOrLimit,
	showOnlyFor,
} from '../common.descriptions';
import { CONTENT_AND_APPROVALS_PATH } from './contentParameters';

export const APPROVAL_STATUSES = [
	'approved',
	'pending',
	'received',
	'rejected',
	'paused',
	'disabled',
	'unsubmitted',
];

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	filtersCollection([
		{
			displayName: 'Name Contains',
			name: 'name',
			type: 'string',
			default: '',
			description: 'Only templates whose name contains this text (not case-sensitive)',
		},
		{
			displayName: 'Languages',
			name: 'languages',
			type: 'string',
			default: '',
			placeholder: 'en, es',
			description: 'Only templates in these languages, separated by commas',
		},
		{
			displayName: 'Content Types',
			name: 'contentTypes',
			type: 'multiOptions',
			default: [],
			options: CONTENT_TYPES.map((type) => ({ name: type, value: type })),
		},
		{
			displayName: 'WhatsApp Approval Status',
			name: 'approvalStatuses',
			type: 'multiOptions',
			default: [],
			options: optionsNamedAfterValues(APPROVAL_STATUSES),
		},
	]),
];

export const description = showOnlyFor('contentTemplate', 'getMany', properties);

/** Regex metacharacters escaped: Twilio reads ContentName as a regular expression. */
export function literalPattern(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The v2 list query (ListContentAndApprovals of twilio_content_v2.json). The arrays go in the path
 * as repeated keys, the form Twilio reads, whatever the HTTP client does with arrays in `qs`.
 */
export function contentListPath(filters: IDataObject, pageSize: number): string {
	const name = String(filters.name ?? '').trim();
	const languages = String(filters.languages ?? '')
		.split(',')
		.map((language) => language.trim())
		.filter(Boolean);
	const statuses = (filters.approvalStatuses as string[] | undefined) ?? [];
	const query = encodeForm({
		PageSize: pageSize,
		ContentName: name ? literalPattern(name) : undefined,
		Language: languages,
		ContentType: (filters.contentTypes as string[] | undefined) ?? [],
		ChannelEligibility: statuses.map((status) => `whatsapp:${status}`),
	});
	return `${CONTENT_AND_APPROVALS_PATH}?${query}`;
}

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex) => {
		const { limit, pageSize } = readReturnLimit(ctx, itemIndex);
		const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		return { limit, path: contentListPath(filters, pageSize) };
	},
	perform: async ({ limit, path }, itemIndex) => {
		const contents = await twilioApiRequestAllItems.call(ctx, {
			method: 'GET',
			product: 'content',
			path,
			key: 'contents',
			limit,
			itemIndex,
		});
		return contents.map((resource) => contentOutput(resource));
	},
}));
