import type { INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import {
	buildContentTypes,
	checkLanguage,
	checkSampleValues,
	CONTENT_TYPES,
} from '../../helpers/contentDefinition';
import { contentOutput } from '../../helpers/contentOutput';
import { executeForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import {
	CONTENT_PATH,
	contentDefinitionProperties,
	readContentDefinition,
	readSampleValues,
	sampleValuesProperty,
} from './contentParameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'friendlyName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'order_shipped',
		description: 'How the template is listed in Twilio and in this node; recipients never see it',
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'string',
		default: 'en',
		required: true,
		description: 'ISO 639-1 code of the content language, for example en or pt_BR',
	},
	...contentDefinitionProperties([...CONTENT_TYPES]),
	sampleValuesProperty,
];

export const description = showOnlyFor('contentTemplate', 'create', properties);

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => {
		const friendlyName = String(ctx.getNodeParameter('friendlyName', itemIndex, '')).trim();
		if (!friendlyName) fail('"Name" is empty', 'Give the template a name.');
		const types = buildContentTypes(readContentDefinition(ctx, itemIndex), fail);
		const variables = checkSampleValues(
			types,
			readSampleValues(ctx.getNodeParameter('variables', itemIndex, {}), fail),
			fail,
		);
		return {
			friendly_name: friendlyName,
			language: checkLanguage(String(ctx.getNodeParameter('language', itemIndex, '')), fail),
			variables,
			types,
		};
	},
	perform: async (json, itemIndex) => [
		contentOutput(
			await twilioApiRequest.call(ctx, {
				method: 'POST',
				product: 'content',
				path: CONTENT_PATH,
				json,
				itemIndex,
			}),
		),
	],
}));
