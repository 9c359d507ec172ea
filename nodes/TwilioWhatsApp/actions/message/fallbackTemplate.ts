import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FormFields } from '../../../shared/transport';
import type { Fail } from '../../helpers/items';
import { templateFields } from '../../helpers/formFields';
import type { TemplateChoiceNames } from '../common.descriptions';
import { templateChoiceProperties } from '../common.descriptions';
import type { ParameterReader, TemplateChoice } from './messageParameters';
import { readTemplateChoice } from './messageParameters';

/*
 * The template Send and Wait sends when WhatsApp refuses its free-form text because the customer
 * has not written in the last 24 hours. Version 1 has it as an option with a SID and JSON
 * variables; version 2 has the Content Template picker with the variables as fields, which n8n's
 * resource mapper only offers as a top-level parameter. The reader takes both shapes, so a workflow
 * saved either way keeps its template.
 */

export const FALLBACK_TEMPLATE: TemplateChoiceNames = {
	locator: 'fallbackContentSid',
	mode: 'fallbackVariablesMode',
	mapper: 'fallbackTemplateVariables',
	json: 'fallbackContentVariables',
	mapperMethod: 'getFallbackTemplateVariables',
	label: 'Fallback',
};

const USE_FALLBACK = 'useFallbackTemplate';

/** Version 2: a switch and, when on, the picker and the template's variables. */
export const fallbackTemplateProperties: INodeProperties[] = [
	{
		displayName: 'Fallback Template When Outside the 24-Hour Window',
		name: USE_FALLBACK,
		type: 'boolean',
		default: false,
		description:
			'Whether to send an approved template to the same number instead when WhatsApp refuses the text with error 63016 (the customer has not written in the last 24 hours), and wait for the template',
		displayOptions: { show: { channel: ['whatsapp'], '@version': [{ _cnd: { gte: 2 } }] } },
	},
	...templateChoiceProperties(FALLBACK_TEMPLATE, {
		[USE_FALLBACK]: [true],
		channel: ['whatsapp'],
		'@version': [{ _cnd: { gte: 2 } }],
	}),
];

/** Version 1: an option of the Options collection. */
export const fallbackTemplateOption: INodeProperties = {
	displayName: 'Fallback Template When Outside the 24-Hour Window',
	name: 'fallbackTemplate',
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Template',
	description:
		'When WhatsApp refuses the text with error 63016 (the customer has not written in the last 24 hours), send this approved template to the same number instead and wait for it',
	options: [
		{
			displayName: 'Template',
			name: 'template',
			values: [
				{
					displayName: 'Content Template SID',
					name: 'contentSid',
					type: 'string',
					default: '',
					placeholder: 'HXxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
					description:
						'An approved WhatsApp template, from Messaging → Content Template Builder in the Twilio Console',
				},
				{
					displayName: 'Content Variables',
					name: 'contentVariables',
					type: 'json',
					default: '{}',
					description:
						'Values for the template\'s placeholders, as a JSON object such as {"1": "Anna"}',
				},
			],
		},
	],
};

/** The fallback template the node is set up with, in either shape; undefined when none is set. */
export function fallbackTemplateOf(get: ParameterReader): TemplateChoice | undefined {
	if (get(USE_FALLBACK, false) === true) return readTemplateChoice(get, FALLBACK_TEMPLATE);
	const options = get('options', {}) as IDataObject;
	const template = (options.fallbackTemplate as IDataObject | undefined)?.template as
		| IDataObject
		| undefined;
	if (!template) return undefined;
	return {
		contentSid: String(template.contentSid ?? ''),
		contentVariables: template.contentVariables,
	};
}

/** The fallback template picked (version 2): none or one SID, to read before sending. */
export function pickedFallbackSid(ctx: IExecuteFunctions): string[] {
	if (ctx.getNode().typeVersion < 2 || ctx.getNodeParameter(USE_FALLBACK, 0, false) !== true)
		return [];
	return [String(ctx.getNodeParameter(FALLBACK_TEMPLATE.locator, 0, '', { extractValue: true }))];
}

/** The fallback template's form fields, checked. */
export function fallbackTemplateFields(template: TemplateChoice, fail: Fail): FormFields {
	return templateFields(
		template.contentSid,
		template.contentVariables,
		fail,
		template.templateVariableNames,
	);
}
