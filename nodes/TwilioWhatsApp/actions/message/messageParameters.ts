import { DateTime } from 'luxon';
import type {
	IDataObject,
	IExecuteFunctions,
	IGetNodeParameterOptions,
	INodeProperties,
	NodeParameterValueType,
	ResourceMapperValue,
} from 'n8n-workflow';

import type { FormFields, RetryPolicy } from '../../../shared/transport';
import { DEFAULT_RETRY_POLICY } from '../../../shared/transport';
import { MESSAGE_SID_PATTERN } from '../../../shared/typingIndicator';
import type { Channel } from '../../helpers/addresses';
import type { Fail } from '../../helpers/items';
import { buildMessageForms } from '../../helpers/formFields';
import type {
	ContentKind,
	FormsSettings,
	LongText,
	MessageOptions,
	MessageParameters,
	SenderKind,
} from '../../helpers/formFields';
import type { TemplateChoiceNames } from '../common.descriptions';
import { MESSAGE_TEMPLATE, templateChoiceLabels } from '../common.descriptions';
import type { DeclaredVariables } from './declaredVariables';
import { checkAgainstTemplate } from './declaredVariables';

export const MESSAGES_PATH = '/2010-04-01/Accounts/{AccountSid}/Messages.json';

/** The "Message SID" parameter, trimmed, or a parameter problem when it is not a message SID. */
function checkedMessageSid(sid: string, fail: Fail): string {
	const trimmed = sid.trim();
	if (!MESSAGE_SID_PATTERN.test(trimmed))
		fail(
			`"Message SID" "${trimmed}" is not a Twilio message SID`,
			'Message SIDs start with SM (or MM) followed by 32 hexadecimal characters.',
		);
	return trimmed;
}

/** The path of one message; the SID is checked first because it becomes part of the URL. */
export function messagePath(sid: string, fail: Fail): string {
	return pathOfMessage(checkedMessageSid(sid, fail));
}

function pathOfMessage(checkedSid: string): string {
	return `/2010-04-01/Accounts/{AccountSid}/Messages/${checkedSid}.json`;
}

export const messageSidProperty: INodeProperties = {
	displayName: 'Message SID',
	name: 'messageSid',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'SMxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
	description: 'The sid of the message, as the Send operation or the Twilio Trigger output it',
};

/** The item's "Message SID", checked, and the path of that message. */
export function readMessageRef(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fail: Fail,
): { messageSid: string; path: string } {
	const messageSid = checkedMessageSid(
		String(ctx.getNodeParameter('messageSid', itemIndex) ?? ''),
		fail,
	);
	return { messageSid, path: pathOfMessage(messageSid) };
}

const TWILIO_OPTION_KEYS: Array<keyof MessageOptions> = [
	'validityPeriod',
	'sendAt',
	'shortenUrls',
	'sendAsMms',
	'maxPrice',
	'attempt',
	'smartEncoded',
	'persistentActions',
	'provideFeedback',
	'applicationSid',
	'riskCheck',
	'messageIntent',
	'contentRetention',
	'addressRetention',
	'fallbackFrom',
];

/** Only the options the user added reach Twilio; n8n leaves the others out of the collection. */
export function twilioOptionsOf(options: IDataObject): MessageOptions {
	const picked: IDataObject = {};
	for (const key of TWILIO_OPTION_KEYS) if (options[key] !== undefined) picked[key] = options[key];
	return picked as MessageOptions;
}

export function retryPolicyOf(options: IDataObject): RetryPolicy {
	const maxRetries = options.maxRetries;
	return typeof maxRetries === 'number'
		? { ...DEFAULT_RETRY_POLICY, maxRetries: Math.max(0, Math.min(10, Math.floor(maxRetries))) }
		: DEFAULT_RETRY_POLICY;
}

function stringList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String);
	return typeof value === 'string' && value !== '' ? [value] : [];
}

/** Reads one parameter of the node, for one item in execute() or for the request in webhook(). */
export type ParameterReader = (
	name: string,
	fallback: unknown,
	options?: IGetNodeParameterOptions,
) => unknown;

export function parameterReader(ctx: IExecuteFunctions, itemIndex: number): ParameterReader {
	return (name, fallback, options) =>
		ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType, options);
}

export type TemplateChoice = Pick<
	MessageParameters,
	'contentSid' | 'contentVariables' | 'templateVariableNames' | 'templateLabels'
>;

/**
 * A template picked with the picker and its variables: one field per variable of the template
 * (n8n's resource mapper) unless the JSON mode is chosen.
 */
export function readTemplateChoice(
	get: ParameterReader,
	names: TemplateChoiceNames,
): TemplateChoice {
	const contentSid = String(get(names.locator, '', { extractValue: true }) ?? '');
	const mode = get(names.mode, 'fields');
	const templateLabels = templateChoiceLabels(names, mode);
	if (mode !== 'fields')
		return { contentSid, contentVariables: get(names.json, ''), templateLabels };
	const mapped = get(names.mapper, {}) as Partial<ResourceMapperValue>;
	return {
		contentSid,
		contentVariables: mapped.value ?? {},
		templateVariableNames: (mapped.schema ?? []).map((field) => field.id),
		templateLabels,
	};
}

/** The template and its variables: version 1 has a SID and a JSON object; version 2 the picker. */
function templateParameters(
	this: IExecuteFunctions,
	itemIndex: number,
	isTemplate: boolean,
): TemplateChoice {
	if (!isTemplate) return { contentSid: '', contentVariables: undefined };
	const get = parameterReader(this, itemIndex);
	if (this.getNode().typeVersion >= 2) return readTemplateChoice(get, MESSAGE_TEMPLATE);
	return {
		contentSid: String(get(MESSAGE_TEMPLATE.locator, '') ?? ''),
		contentVariables: get(MESSAGE_TEMPLATE.json, ''),
	};
}

/**
 * The Twilio forms of one item's message (several for a split text), checked before sending; a
 * picked template's variables against the template as read before (`declared`).
 */
export function readMessageForms(
	this: IExecuteFunctions,
	itemIndex: number,
	statusCallback: string,
	fail: Fail,
	settings: FormsSettings,
	declared: DeclaredVariables,
): FormFields[] {
	const parameters = readMessageParameters.call(this, itemIndex, statusCallback);
	const forms = buildMessageForms(
		parameters,
		{ now: DateTime.now(), zone: this.getTimezone() },
		fail,
		settings,
	);
	checkAgainstTemplate(forms[0], declared, fail, parameters.templateLabels);
	return forms;
}

/** The message parameters of one item, as buildMessageForm takes them. */
export function readMessageParameters(
	this: IExecuteFunctions,
	itemIndex: number,
	statusCallback: string,
): MessageParameters {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const content = this.getNodeParameter('content', itemIndex, 'text') as ContentKind;
	return {
		channel: this.getNodeParameter('channel', itemIndex) as Channel,
		sender: this.getNodeParameter('sender', itemIndex, 'phoneNumber') as SenderKind,
		from: String(this.getNodeParameter('from', itemIndex, '') ?? ''),
		messagingServiceSid: String(this.getNodeParameter('messagingServiceSid', itemIndex, '') ?? ''),
		to: String(this.getNodeParameter('to', itemIndex) ?? ''),
		content,
		body: content === 'text' ? String(this.getNodeParameter('body', itemIndex, '') ?? '') : '',
		mediaUrls:
			content === 'text' ? stringList(this.getNodeParameter('mediaUrls', itemIndex, [])) : [],
		...templateParameters.call(this, itemIndex, content === 'template'),
		statusCallback,
		options: twilioOptionsOf(options),
	};
}

export function longTextOf(options: IDataObject): LongText {
	return options.longText === 'split' ? 'split' : 'fail';
}
