import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { FormFields } from '../../../shared/transport';
import type { Fail } from '../../helpers/addresses';
import { templateFields } from '../../helpers/formFields';

/*
 * The template Send and Wait sends when WhatsApp refuses its free-form text because the customer has not
 * written in the last 24 hours. The template's parameters are described and read here only, so another way
 * of choosing a template can replace them in one place.
 */

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

/** The fallback template's form fields (checked), or undefined when no fallback is set. */
export function fallbackTemplateFields(options: IDataObject, fail: Fail): FormFields | undefined {
	const template = (options.fallbackTemplate as IDataObject | undefined)?.template as
		| IDataObject
		| undefined;
	if (!template) return undefined;
	return templateFields(String(template.contentSid ?? ''), template.contentVariables, fail);
}
