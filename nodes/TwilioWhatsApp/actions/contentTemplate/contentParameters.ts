import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';

import type { Fail } from '../../helpers/items';
import type {
	ContentButton,
	ContentDefinition,
	ContentType,
	ListItem,
} from '../../helpers/contentDefinition';
import { CONTENT_LIMITS } from '../../helpers/contentDefinition';
import { CONTENT_SID } from '../../helpers/formFields';

/** Content API paths (content.twilio.com), as twilio-oai's twilio_content_v1/v2.json name them. */
export const CONTENT_PATH = '/v1/Content';
export const CONTENT_AND_APPROVALS_PATH = '/v2/ContentAndApprovals';

/** The path of one Content resource; the SID is checked first since it becomes part of the URL. */
export function contentPath(sid: string, fail: Fail, label = 'Content Template SID'): string {
	const trimmed = sid.trim();
	if (!CONTENT_SID.test(trimmed))
		fail(
			`"${label}" "${trimmed}" is not a Content Template SID`,
			'Content Template SIDs start with HX followed by 32 hexadecimal characters.',
		);
	return `${CONTENT_PATH}/${trimmed}`;
}

/** The item's "Content Template SID", checked, and the path of that Content resource. */
export function readContentRef(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fail: Fail,
): { contentSid: string; path: string } {
	const contentSid = String(ctx.getNodeParameter('contentSid', itemIndex, '')).trim();
	return { contentSid, path: contentPath(contentSid, fail) };
}

/** The WhatsApp approval of a Content resource (`approval_fetch` of twilio_content_v1.json). */
export async function fetchApproval(
	this: IExecuteFunctions,
	path: string,
	itemIndex: number,
): Promise<IDataObject> {
	return await twilioApiRequest.call(this, {
		method: 'GET',
		product: 'content',
		path: `${path}/ApprovalRequests`,
		itemIndex,
	});
}

export const contentSidProperty: INodeProperties = {
	displayName: 'Content Template SID',
	name: 'contentSid',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'HXxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
	description: 'The sid of the content template, as Create or Get Many output it',
};

const contentTypeOptions: Array<{ name: string; value: ContentType; description: string }> = [
	{ name: 'Text', value: 'twilio/text', description: 'Plain text' },
	{ name: 'Media', value: 'twilio/media', description: 'An image, video or document with text' },
	{
		name: 'Quick Reply',
		value: 'twilio/quick-reply',
		description: 'Text with buttons the recipient taps to answer',
	},
	{
		name: 'Call to Action',
		value: 'twilio/call-to-action',
		description: 'Text with buttons that open a URL, call a number or copy a code',
	},
	{
		name: 'List Picker',
		value: 'twilio/list-picker',
		description: 'A menu of up to 10 items; WhatsApp sends it only inside the 24-hour window',
	},
	{ name: 'Card', value: 'twilio/card', description: 'A title with media, subtitle and buttons' },
];

const contentTypeProperty: INodeProperties = {
	displayName: 'Content Type',
	name: 'contentType',
	type: 'options',
	noDataExpression: true,
	default: 'twilio/text',
	options: contentTypeOptions,
};

const show = (...types: ContentType[]) => ({ show: { contentType: types } });

const bodyProperty: INodeProperties = {
	displayName: 'Body',
	name: 'body',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	description: `The text of the message; {{1}} or {{name}} mark variables. At most ${CONTENT_LIMITS.interactiveBody} characters with buttons or a list (${CONTENT_LIMITS.callToActionBody} with call to action buttons).`,
};

const cardTitleProperty: INodeProperties = {
	displayName: 'Card Title',
	name: 'cardTitle',
	type: 'string',
	default: '',
};

const cardSubtitleProperty: INodeProperties = {
	displayName: 'Card Subtitle',
	name: 'cardSubtitle',
	type: 'string',
	default: '',
	description: `At most ${CONTENT_LIMITS.cardSubtitle} characters`,
};

const mediaUrlProperty: INodeProperties = {
	displayName: 'Media URL',
	name: 'mediaUrl',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/image.jpg',
	description: 'A public URL of the image, video or document',
};

/** A list of buttons, each a `button` entry of the collection. */
function buttonsProperty(
	name: string,
	description: string,
	values: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Buttons',
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Button',
		default: {},
		description,
		options: [{ displayName: 'Button', name: 'button', values }],
	};
}

const quickReplyButtonsProperty = buttonsProperty(
	'quickReplies',
	`Up to ${CONTENT_LIMITS.quickReplies} buttons; WhatsApp shows 3 in a message that is not an approved template`,
	[
		{
			displayName: 'Title',
			name: 'title',
			type: 'string',
			default: '',
			description: `What the button shows, at most ${CONTENT_LIMITS.buttonTitle} characters`,
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			default: '',
			description:
				"What the Twilio Trigger receives as the reply's payload when it is tapped; the title when empty",
		},
	],
);

const actionButtonsProperty = buttonsProperty(
	'actions',
	'WhatsApp takes up to 2 URL buttons, 1 phone button and 1 copy-code button',
	[
		{
			displayName: 'Code',
			name: 'code',
			type: 'string',
			default: '',
			description: 'At most 15 characters',
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			default: '',
		},
		{
			displayName: 'Phone Number',
			name: 'phone',
			type: 'string',
			default: '',
			placeholder: '+14155550123',
		},
		{
			displayName: 'Title',
			name: 'title',
			type: 'string',
			default: '',
		},
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			default: 'URL',
			options: [
				{
					name: 'Open URL',
					value: 'URL',
				},
				{
					name: 'Call Phone Number',
					value: 'PHONE_NUMBER',
				},
				{
					name: 'Copy Code',
					value: 'COPY_CODE',
				},
				{
					name: 'Quick Reply (Cards Only)',
					value: 'QUICK_REPLY',
				},
			],
		},
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
		},
	],
);

const listButtonProperty: INodeProperties = {
	displayName: 'List Button',
	name: 'listButton',
	type: 'string',
	default: '',
	placeholder: 'Choose',
	description: `The button that opens the list, at most ${CONTENT_LIMITS.listButton} characters`,
};

const listItemsProperty: INodeProperties = {
	displayName: 'List Items',
	name: 'listItems',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Item',
	default: {},
	description: `Up to ${CONTENT_LIMITS.listItems} items`,
	options: [
		{
			displayName: 'Item',
			name: 'item',
			values: [
				{
					displayName: 'Title',
					name: 'item',
					type: 'string',
					default: '',
					description: `At most ${CONTENT_LIMITS.listItemTitle} characters`,
				},
				{
					displayName: 'ID',
					name: 'id',
					type: 'string',
					default: '',
					description: 'What the Twilio Trigger receives when it is picked; the title when empty',
				},
				{
					displayName: 'Description',
					name: 'description',
					type: 'string',
					default: '',
					description: `Shown under the title; required, at most ${CONTENT_LIMITS.listItemDescription} characters`,
				},
			],
		},
	],
};

/**
 * The editor fields of one content definition. Shared by Create and by Send Interactive Message
 * (which offers only some types, through `types`).
 */
export function contentDefinitionProperties(types: ContentType[]): INodeProperties[] {
	const shownFor = (property: INodeProperties, ...list: ContentType[]): INodeProperties => ({
		...property,
		displayOptions: show(...list.filter((type) => types.includes(type))),
	});
	return [
		{
			...contentTypeProperty,
			default: types[0],
			options: contentTypeOptions.filter((option) => types.includes(option.value)),
		},
		shownFor(
			bodyProperty,
			'twilio/text',
			'twilio/media',
			'twilio/quick-reply',
			'twilio/call-to-action',
			'twilio/list-picker',
		),
		shownFor(cardTitleProperty, 'twilio/card'),
		shownFor(cardSubtitleProperty, 'twilio/card'),
		shownFor(mediaUrlProperty, 'twilio/media', 'twilio/card'),
		shownFor(quickReplyButtonsProperty, 'twilio/quick-reply'),
		shownFor(actionButtonsProperty, 'twilio/call-to-action', 'twilio/card'),
		shownFor(listButtonProperty, 'twilio/list-picker'),
		shownFor(listItemsProperty, 'twilio/list-picker'),
	];
}

function entries(value: unknown, key: string): IDataObject[] {
	const list = (value as IDataObject | undefined)?.[key];
	return Array.isArray(list) ? (list as IDataObject[]) : [];
}

const str = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/** One item's content definition from the fields above. */
export function readContentDefinition(
	ctx: IExecuteFunctions,
	itemIndex: number,
): ContentDefinition {
	const get = (name: string, fallback: unknown) => ctx.getNodeParameter(name, itemIndex, fallback);
	const type = get('contentType', 'twilio/text') as ContentType;
	const buttonsParameter = type === 'twilio/quick-reply' ? 'quickReplies' : 'actions';
	const buttons: ContentButton[] =
		type === 'twilio/quick-reply' || type === 'twilio/call-to-action' || type === 'twilio/card'
			? entries(get(buttonsParameter, {}), 'button').map((button) => ({
					type: type === 'twilio/quick-reply' ? 'QUICK_REPLY' : str(button.type),
					title: str(button.title),
					id: str(button.id),
					url: str(button.url),
					phone: str(button.phone),
					code: str(button.code),
				}))
			: [];
	const listItems: ListItem[] =
		type === 'twilio/list-picker'
			? entries(get('listItems', {}), 'item').map((item) => ({
					item: str(item.item),
					id: str(item.id),
					description: str(item.description),
				}))
			: [];
	const hasMedia = type === 'twilio/media' || type === 'twilio/card';
	return {
		type,
		body: type === 'twilio/card' ? '' : str(get('body', '')),
		mediaUrls: hasMedia ? [str(get('mediaUrl', ''))] : [],
		buttons,
		listButton: type === 'twilio/list-picker' ? str(get('listButton', '')) : '',
		listItems,
		cardTitle: type === 'twilio/card' ? str(get('cardTitle', '')) : '',
		cardSubtitle: type === 'twilio/card' ? str(get('cardSubtitle', '')) : '',
	};
}

/** Name/value pairs for a definition's `{{name}}` placeholders; read with `readSampleValues`. */
export function variableValuesProperty(valueLabel: string, description: string): INodeProperties {
	return {
		displayName: 'Variables',
		name: 'variables',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Variable',
		default: {},
		description,
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: '1',
						description:
							'As written between the braces: 1 for {{1}}, first_name for {{first_name}}',
					},
					{
						displayName: valueLabel,
						name: 'sample',
						type: 'string',
						default: '',
					},
				],
			},
		],
	};
}

export const sampleValuesProperty = variableValuesProperty(
	'Sample Value',
	'A sample value for each {{name}} the content uses; WhatsApp reviews templates with them',
);

/** The sample values of one item, by variable name; a name given twice is an error. */
export function readSampleValues(value: unknown, fail: Fail): Record<string, string> {
	const samples: Record<string, string> = {};
	for (const entry of entries(value, 'variable')) {
		const name = str(entry.name)
			.trim()
			.replace(/^\{\{\s*|\s*\}\}$/g, '');
		if (!name) fail('A variable has no name', 'Write the name as it appears between the braces.');
		if (name in samples) fail(`The variable "${name}" is given twice`);
		samples[name] = str(entry.sample);
	}
	return samples;
}
