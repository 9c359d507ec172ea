import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FormFields } from '../../../shared/transport';
import type { Fail } from '../../helpers/items';
import type { TemplateLabels } from '../../helpers/formFields';
import { templateFields } from '../../helpers/formFields';
import type { TemplateChoiceNames } from '../common.descriptions';
import {
	contentVariablesProperty,
	MESSAGE_TEMPLATE,
	templateChoiceProperties,
} from '../common.descriptions';
import { contentSidProperty } from '../contentTemplate/contentParameters';
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

const V1_OPTION = 'Fallback Template When Outside the 24-Hour Window';

/**
 * Version 1: an option of the Options collection, with the SID and JSON fields of version 1's Send
 * (the same names, so stored workflows keep their template).
 */
const v1Fields: INodeProperties[] = [
	{
		...contentSidProperty,
		description:
			'An approved WhatsApp template, from Messaging → Content Template Builder in the Twilio Console',
	},
	contentVariablesProperty(MESSAGE_TEMPLATE),
];

export const fallbackTemplateOption: INodeProperties = {
	displayName: V1_OPTION,
	name: 'fallbackTemplate',
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Template',
	description:
		'When WhatsApp refuses the text with error 63016 (the customer has not written in the last 24 hours), send this approved template to the same number instead and wait for it',
	options: [{ displayName: 'Template', name: 'template', values: v1Fields }],
};

/** Version 1's fields as errors name them: inside the option the editor shows by name. */
const V1_LABELS: TemplateLabels = {
	template: `${V1_OPTION} → ${v1Fields[0].displayName}`,
	variables: `${V1_OPTION} → ${v1Fields[1].displayName}`,
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
		templateLabels: V1_LABELS,
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
		template.templateLabels,
	);
}
