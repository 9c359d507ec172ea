import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { TemplateLabels } from '../helpers/formFields';
import { MAX_BODY_LENGTH, MAX_MEDIA_URLS, VALIDITY_PERIOD_RANGE } from '../helpers/formFields';
import { MAX_TEXT_PARTS } from '../helpers/splitText';
import { contentSidProperty } from './contentTemplate/contentParameters';

/** One template choice's parameters: picker, variables mode, variables as fields and as JSON. */
export interface TemplateChoiceNames {
	locator: string;
	mode: string;
	mapper: string;
	json: string;
	/** The resource mapper method that loads the variables of the template picked in `locator`. */
	mapperMethod: string;
	/** Put before the display names, so that two choices on one operation can be told apart. */
	label: string;
}

/** The message's own template (Send, Send and Wait). */
export const MESSAGE_TEMPLATE: TemplateChoiceNames = {
	locator: 'contentSid',
	mode: 'variablesMode',
	mapper: 'templateVariables',
	json: 'contentVariables',
	mapperMethod: 'getTemplateVariables',
	label: '',
};

/** The editor's names of a template choice's fields, for its properties and its errors. */
function displayNames(names: TemplateChoiceNames) {
	const labelled = (name: string) => `${names.label} ${name}`.trim();
	return {
		locator: names.label ? `${names.label} Template` : 'Content Template',
		mode: labelled('Variables'),
		mapper: labelled('Template Variables'),
		json: labelled('Content Variables'),
	};
}

/** The fields a template choice's errors name: the picker, and the variables in the mode chosen. */
export function templateChoiceLabels(names: TemplateChoiceNames, mode: unknown): TemplateLabels {
	const shown = displayNames(names);
	return { template: shown.locator, variables: mode === 'json' ? shown.json : shown.mapper };
}

/**
 * The Content Template picker: From List (Twilio's templates with language, type and WhatsApp
 * approval) or By ID. Read with `getNodeParameter(<locator>, i, '', { extractValue: true })`.
 */
export function contentTemplateLocator(names: TemplateChoiceNames): INodeProperties {
	return {
		displayName: displayNames(names).locator,
		name: names.locator,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'An approved template is the only way to start a WhatsApp conversation',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchContentTemplates', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'HXxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^HX[0-9a-fA-F]{32}$',
							errorMessage: 'A Content Template SID is HX followed by 32 hexadecimal characters',
						},
					},
				],
			},
		],
	};
}

export function contentVariablesProperty(names: TemplateChoiceNames): INodeProperties {
	return {
		displayName: displayNames(names).json,
		name: names.json,
		type: 'json',
		default: '{}',
		description:
			'Values for the template\'s placeholders, as a JSON object such as {"1": "Anna", "2": "12:30"}',
	};
}

type ShowConditions = NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>;

/**
 * A template picked from the list with its variables as fields (n8n's resource mapper), or as one
 * JSON object, shown where `show` holds.
 */
export function templateChoiceProperties(
	names: TemplateChoiceNames,
	show: ShowConditions,
): INodeProperties[] {
	return [
		{ ...contentTemplateLocator(names), displayOptions: { show } },
		{
			displayName: displayNames(names).mode,
			name: names.mode,
			type: 'options',
			noDataExpression: true,
			default: 'fields',
			options: [
				{
					name: 'Fields',
					value: 'fields',
					description: 'One field per variable of the template; every one must be filled',
				},
				{
					name: 'JSON',
					value: 'json',
					description: 'One JSON object, for expressions that build all variables at once',
				},
			],
			displayOptions: { show },
		},
		{
			displayName: displayNames(names).mapper,
			name: names.mapper,
			type: 'resourceMapper',
			noDataExpression: true,
			default: { mappingMode: 'defineBelow', value: null },
			required: true,
			typeOptions: {
				loadOptionsDependsOn: [`${names.locator}.value`],
				resourceMapper: {
					resourceMapperMethod: names.mapperMethod,
					mode: 'add',
					fieldWords: { singular: 'variable', plural: 'variables' },
					addAllFields: true,
					multiKeyMatch: false,
					supportAutoMap: false,
				},
			},
			displayOptions: { show: { ...show, [names.mode]: ['fields'] } },
		},
		{
			...contentVariablesProperty(names),
			displayOptions: { show: { ...show, [names.mode]: ['json'] } },
		},
	];
}

/** The message itself: shared by Send and by Send and Wait for Delivery Status. */
export const messageProperties: INodeProperties[] = [
	{
		displayName: 'Channel',
		name: 'channel',
		type: 'options',
		noDataExpression: true,
		default: 'whatsapp',
		options: [
			{
				name: 'WhatsApp',
				value: 'whatsapp',
				description: 'Adds the whatsapp: prefix to the numbers where it is missing',
			},
			{ name: 'SMS', value: 'sms', description: 'Text only' },
			{ name: 'MMS', value: 'mms', description: 'Text with media, always delivered as MMS' },
		],
	},
	{
		displayName: 'Send From',
		name: 'sender',
		type: 'options',
		noDataExpression: true,
		default: 'phoneNumber',
		options: [
			{
				name: 'Phone Number',
				value: 'phoneNumber',
				description: 'A Twilio number or WhatsApp sender of this account',
			},
			{
				name: 'Messaging Service',
				value: 'messagingService',
				description:
					"Twilio picks a sender from the service's pool; needed for scheduling and link shortening",
			},
		],
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+14155238886',
		description:
			'Sender number in E.164 format. For SMS also a short code or an alphanumeric sender ID.',
		hint: "For WhatsApp the whatsapp: prefix is added when missing. Twilio's WhatsApp sandbox sender is +14155238886.",
		displayOptions: { show: { sender: ['phoneNumber'] } },
	},
	{
		displayName: 'Messaging Service SID',
		name: 'messagingServiceSid',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'MGxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
		description:
			'The Messaging Service to send through, from Messaging → Services in the Twilio Console',
		displayOptions: { show: { sender: ['messagingService'] } },
	},
	{
		displayName: 'From (Optional)',
		name: 'from',
		type: 'string',
		default: '',
		placeholder: '+14155238886',
		description: "A specific sender of the service's pool. Leave empty to let Twilio choose.",
		displayOptions: { show: { sender: ['messagingService'] } },
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		required: true,
		placeholder: '+14155550123',
		description:
			'Recipient number in E.164 format: + then country code and number. Spaces, dashes and brackets are removed.',
	},
	{
		displayName: 'Message Type',
		name: 'content',
		type: 'options',
		noDataExpression: true,
		default: 'text',
		options: [
			{
				name: 'Text',
				value: 'text',
				description: 'Free-form text, with media for WhatsApp and MMS',
			},
			{
				name: 'Content Template',
				value: 'template',
				description:
					'An approved template: the only way to write to a WhatsApp user outside the 24-hour window',
			},
		],
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		default: '',
		typeOptions: { rows: 4 },
		description: `The text, at most ${MAX_BODY_LENGTH} characters (an emoji counts as two). May be empty when media is attached.`,
		displayOptions: { show: { content: ['text'] } },
	},
	{
		displayName: 'Media URLs',
		name: 'mediaUrls',
		type: 'string',
		default: [],
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Media URL' },
		placeholder: 'https://example.com/picture.jpg',
		description: `Public URLs of images, audio, video or documents that Twilio downloads and attaches, at most ${MAX_MEDIA_URLS}`,
		displayOptions: { show: { content: ['text'], channel: ['whatsapp', 'mms'] } },
	},
	{
		...contentSidProperty,
		description: 'From Messaging → Content Template Builder in the Twilio Console',
		displayOptions: { show: { content: ['template'], '@version': [1] } },
	},
	...templateChoiceProperties(MESSAGE_TEMPLATE, {
		content: ['template'],
		'@version': [{ _cnd: { gte: 2 } }],
	}),
	{
		...contentVariablesProperty(MESSAGE_TEMPLATE),
		displayOptions: { show: { content: ['template'], '@version': [1] } },
	},
];

/** Options for Twilio's enumerated values, each named after its value with a capital letter. */
export function optionsNamedAfterValues(values: string[]): INodePropertyOptions[] {
	return values.map((value) => ({ name: value.charAt(0).toUpperCase() + value.slice(1), value }));
}

const messageIntents = [
	'announcements',
	'customercare',
	'delivery',
	'education',
	'events',
	'fraud',
	'marketing',
	'notifications',
	'otp',
	'polling',
	'security',
];

/** Twilio's optional Create Message parameters, in both sending operations' Options. */
export const twilioMessageOptions: INodeProperties[] = [
	{
		displayName: 'Address Retention',
		name: 'addressRetention',
		type: 'options',
		default: 'retain',
		options: optionsNamedAfterValues(['retain', 'obfuscate']),
		description:
			"Whether Twilio keeps the recipient's address readable in its logs (for accounts with data retention controls)",
	},
	{
		displayName: 'Application SID',
		name: 'applicationSid',
		type: 'string',
		default: '',
		placeholder: 'APxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
		description:
			'A TwiML App whose Message Status Callback URL receives the statuses; a Status Callback URL takes precedence',
	},
	{
		displayName: 'Attempt',
		name: 'attempt',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 1 },
		description:
			'Total number of attempts made to send this message, counting this one, across providers',
	},
	{
		displayName: 'Content Retention',
		name: 'contentRetention',
		type: 'options',
		default: 'retain',
		options: optionsNamedAfterValues(['retain', 'discard']),
		description:
			'Whether Twilio keeps the message content in its logs (for accounts with data retention controls)',
	},
	{
		displayName: 'Fallback From (RCS)',
		name: 'fallbackFrom',
		type: 'string',
		default: '',
		placeholder: '+14155550100',
		description:
			'SMS sender used when the recipient cannot be reached over RCS. Needs a Messaging Service with an RCS sender.',
	},
	{
		displayName: 'Max Price',
		name: 'maxPrice',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 4 },
		description:
			'Maximum price in USD. Twilio marks this parameter obsolete since 2024-06-03 and ignores it.',
	},
	{
		displayName: 'Message Intent',
		name: 'messageIntent',
		type: 'options',
		default: 'notifications',
		options: optionsNamedAfterValues(messageIntents).map((option) =>
			option.value === 'otp' ? { ...option, name: 'OTP' } : option,
		),
		description: "Purpose of the message, for Twilio's Traffic Shaping and Compliance Toolkit",
	},
	{
		displayName: 'Persistent Actions',
		name: 'persistentActions',
		type: 'string',
		default: [],
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Action' },
		placeholder: 'geo:37.787890,-122.391664|375 Beale Street',
		description:
			'Rich actions for WhatsApp, such as a location (geo:latitude,longitude|label), mailto: or tel: links',
	},
	{
		displayName: 'Provide Feedback',
		name: 'provideFeedback',
		type: 'boolean',
		default: false,
		description:
			'Whether you will report delivery confirmation to Twilio through the Message Feedback resource',
	},
	{
		displayName: 'Risk Check',
		name: 'riskCheck',
		type: 'options',
		default: 'enable',
		options: optionsNamedAfterValues(['enable', 'disable']),
		description: 'Whether Twilio runs its SMS pumping protection check on this message',
	},
	{
		displayName: 'Send As MMS',
		name: 'sendAsMms',
		type: 'boolean',
		default: false,
		description: 'Whether Twilio delivers the text as a single MMS, for long messages',
		displayOptions: { show: { '/channel': ['sms'] } },
	},
	{
		displayName: 'Send At',
		name: 'sendAt',
		type: 'dateTime',
		default: '',
		description:
			'Schedule the message (Twilio ScheduleType=fixed): 15 minutes to 35 days from now, through a Messaging Service only. Cancel it with the Cancel operation.',
	},
	{
		displayName: 'Shorten URLs',
		name: 'shortenUrls',
		type: 'boolean',
		default: false,
		description:
			'Whether Twilio shortens the links in the body; needs a Messaging Service with link shortening set up',
	},
	{
		displayName: 'Smart Encoded',
		name: 'smartEncoded',
		type: 'boolean',
		default: false,
		description:
			'Whether Twilio replaces Unicode characters that have a GSM-7 look-alike, to keep SMS segments cheaper',
	},
	{
		displayName: 'Validity Period (Seconds)',
		name: 'validityPeriod',
		type: 'number',
		default: 36000,
		typeOptions: { minValue: VALIDITY_PERIOD_RANGE.min, maxValue: VALIDITY_PERIOD_RANGE.max },
		description:
			"How long the message may wait in Twilio's queue before Twilio gives up on it (1 to 36,000 seconds)",
	},
];

/** The Options collection of an operation that sends messages: its own options and Twilio's. */
export function sendingOptionsCollection(operationOptions: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		default: {},
		placeholder: 'Add Option',
		options: alphabetical([...operationOptions, ...twilioMessageOptions]),
	};
}

/** Where Twilio posts the message's statuses: shared by the sending operations. */
export const statusCallbackProperty: INodeProperties = {
	displayName: 'Status Callback URL',
	name: 'statusCallback',
	type: 'string',
	default: '',
	placeholder: 'https://n8n.example.com/webhook/…/twilio',
	description:
		'Twilio posts every status change of the message (queued, sent, delivered, read, failed …) to this URL',
	hint: 'Paste the production URL of a Twilio Trigger node to receive the delivery statuses in another workflow, matched by message SID',
};

export const retryOption: INodeProperties = {
	displayName: 'Retries on Rate Limit',
	name: 'maxRetries',
	type: 'number',
	// The transport's DEFAULT_RETRY_POLICY.maxRetries (the lint wants a literal here).
	default: 8,
	typeOptions: { minValue: 0, maxValue: 10 },
	description:
		'How many times to repeat a request Twilio refused with 429 or 503 (nothing was sent then), waiting as its Retry-After header says. A request that may have reached Twilio is never repeated.',
};

export const longTextOption: INodeProperties = {
	displayName: 'Long Text',
	name: 'longText',
	type: 'options',
	default: 'fail',
	options: [
		{
			name: 'Fail',
			value: 'fail',
			description: `A text over ${MAX_BODY_LENGTH} characters stops the node before anything is sent`,
		},
		{
			name: 'Split Into Several Messages',
			value: 'split',
			description: `Sends a text over ${MAX_BODY_LENGTH} characters as up to ${MAX_TEXT_PARTS} messages in order, cut at paragraphs, sentences or words; media go with the first`,
		},
	],
	description:
		'With Split, the item has the first message\'s fields and "parts" lists every message sent',
	displayOptions: { show: { '/content': ['text'] } },
};

/**
 * A collection's options in alphabetical order of their names (n8n's convention). Compares code
 * units: `localeCompare` would set up ICU's collator while n8n loads the node (≈9 ms).
 */
export function alphabetical(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) =>
		a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0,
	);
}

/**
 * An operation's properties, each shown only for that operation of the resource: n8n's
 * `updateDisplayOptions` without its deep merge through lodash (≈4 ms while n8n loads the node);
 * these properties' own conditions never name the resource or the operation.
 */
export function showOnlyFor(
	resource: string,
	operation: string,
	properties: INodeProperties[],
): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, resource: [resource], operation: [operation] },
		},
	}));
}

/** Return All / Limit, as n8n's list operations have them. */
export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** A list operation's Filters collection. */
export function filtersCollection(filters: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		default: {},
		placeholder: 'Add Filter',
		options: filters,
	};
}

/** Twilio's largest page; fewer requests for Return All. */
const MAX_PAGE_SIZE = 1000;

/** The item's Return All / Limit: at most `limit` records (all without one), `pageSize` a page. */
export function readReturnLimit(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { limit: number | undefined; pageSize: number } {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll
		? undefined
		: Math.max(1, Math.floor(Number(ctx.getNodeParameter('limit', itemIndex, 50))));
	return { limit, pageSize: Math.min(limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE) };
}
