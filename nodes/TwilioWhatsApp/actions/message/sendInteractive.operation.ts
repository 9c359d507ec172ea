import { DateTime } from 'luxon';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { ContentDefinition, ContentType } from '../../helpers/contentDefinition';
import {
	buildContentTypes,
	checkAllUsed,
	checkLanguage,
	CONTENT_LIMITS,
	definitionName,
	placeholdersIn,
} from '../../helpers/contentDefinition';
import type { Fail } from '../../helpers/items';
import type { SenderKind } from '../../helpers/formFields';
import { buildMessageForm } from '../../helpers/formFields';
import { runForEachItem } from '../../helpers/items';
import { sendParts } from '../../helpers/sendParts';
import { forgetUnlessRetried, sentMessagesOf } from '../../helpers/sentMessages';
import { statusCallbackUrl } from '../../helpers/statusCallback';
import {
	messageProperties,
	retryOption,
	showOnlyFor,
	statusCallbackProperty,
} from '../common.descriptions';
import {
	contentDefinitionProperties,
	readContentDefinition,
	readSampleValues,
	variableValuesProperty,
} from '../contentTemplate/contentParameters';
import type { FoundContent } from './interactiveContent';
import { findOrCreateContent } from './interactiveContent';
import { retryPolicyOf } from './messageParameters';

const INTERACTIVE_TYPES: ContentType[] = [
	'twilio/quick-reply',
	'twilio/list-picker',
	'twilio/call-to-action',
];

const ADDRESS_PARAMETERS = ['sender', 'from', 'messagingServiceSid', 'to'];

const properties: INodeProperties[] = [
	{
		displayName:
			"WhatsApp delivers these messages only inside the 24-hour window that the recipient's last message opened: quick replies, list pickers and call to action buttons built here are not approved templates (a list picker can never be one). Outside the window send an approved template with Send. Replies arrive at the Twilio Trigger with the ID of the button or item.",
		name: 'interactiveNotice',
		type: 'notice',
		default: '',
	},
	...messageProperties.filter((property) => ADDRESS_PARAMETERS.includes(property.name)),
	{
		displayName: 'Language',
		name: 'language',
		type: 'string',
		default: 'en',
		description: 'ISO 639-1 code of the message language, for example en or pt_BR',
	},
	...contentDefinitionProperties(INTERACTIVE_TYPES).map((property) => {
		if (property.name === 'quickReplies')
			return {
				...property,
				description: `Up to ${CONTENT_LIMITS.sessionButtons} buttons, as many as WhatsApp takes outside an approved template`,
			};
		if (property.name === 'actions')
			return {
				...property,
				description: `Up to ${CONTENT_LIMITS.sessionButtons} buttons outside an approved template: at most 2 URL buttons, 1 phone button and 1 copy-code button`,
			};
		return property;
	}),
	variableValuesProperty(
		'Value',
		'The value of each {{name}} the body or the buttons use, for this message',
	),
	statusCallbackProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		default: {},
		placeholder: 'Add Option',
		options: [retryOption],
	},
];

export const description = showOnlyFor('message', 'sendInteractive', properties);

/** A session message takes fewer buttons than an approved template (Twilio's type pages). */
function checkSessionLimits(definition: ContentDefinition, fail: Fail): void {
	const max = CONTENT_LIMITS.sessionButtons;
	const count = definition.buttons.length;
	if (count <= max) return;
	if (definition.type === 'twilio/quick-reply')
		fail(
			`${count} buttons: WhatsApp shows at most ${max} quick replies in a session message`,
			`Remove ${count - max}, or use a list picker for up to ${CONTENT_LIMITS.listItems} choices.`,
		);
	if (definition.type === 'twilio/call-to-action')
		fail(
			`${count} buttons: Twilio allows at most ${max} call to action buttons in a WhatsApp session message`,
			`Remove ${count - max}, or send an approved template with more buttons with Send.`,
		);
}

/** A new resource's variables: each placeholder's own name, never an item's data. */
function defaultValues(names: string[]): Record<string, string> {
	return Object.fromEntries(names.map((name) => [name, name]));
}

// A content SID of the right shape, so the whole form is checked before any call.
const STAND_IN_SID = `HX${'0'.repeat(32)}`;

/**
 * Sends a quick reply, list picker or call to action message built in the node. The Content
 * resource that holds its definition is found by a name derived from the definition, or created
 * once; the message then names it with ContentSid and carries this item's variable values.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const sent = sentMessagesOf(this);
	// Items with the same definition share one lookup (and at most one creation) per run.
	const lookups = new Map<string, Promise<FoundContent>>();
	const output = await runForEachItem(this, items, {
		prepare: (itemIndex, fail) => {
			const get = (name: string, fallback: unknown) =>
				this.getNodeParameter(name, itemIndex, fallback);
			const definition = readContentDefinition(this, itemIndex);
			checkSessionLimits(definition, fail);
			const types = buildContentTypes(definition, fail);
			const language = checkLanguage(String(get('language', 'en')), fail);
			const names = placeholdersIn(types);
			const values = readSampleValues(get('variables', {}), fail);
			checkAllUsed(names, Object.keys(values), 'message', fail);
			const form = buildMessageForm(
				{
					channel: 'whatsapp',
					sender: get('sender', 'phoneNumber') as SenderKind,
					from: String(get('from', '') ?? ''),
					messagingServiceSid: String(get('messagingServiceSid', '') ?? ''),
					to: String(get('to', '') ?? ''),
					content: 'template',
					body: '',
					mediaUrls: [],
					contentSid: STAND_IN_SID,
					contentVariables: values,
					templateVariableNames: names,
					statusCallback: statusCallbackUrl(String(get('statusCallback', '') ?? ''), [], fail),
					options: {},
				},
				{ now: DateTime.now(), zone: this.getTimezone() },
				fail,
			);
			const draft = {
				friendlyName: definitionName(language, types),
				language,
				types,
				variables: defaultValues(names),
			};
			const options = get('options', {}) as IDataObject;
			return { draft, form, retry: retryPolicyOf(options) };
		},
		perform: async ({ draft, form, retry }, itemIndex) => {
			const earlier = lookups.get(draft.friendlyName);
			const lookup = earlier ?? findOrCreateContent(this, draft, itemIndex, retry);
			if (!earlier) lookups.set(draft.friendlyName, lookup);
			// Only the item whose lookup created the resource (or left a duplicate) says so.
			const content = earlier
				? { ...(await lookup), contentCreated: false, warnings: [] }
				: await lookup;
			const [message] = await sendParts(
				this,
				sent,
				itemIndex,
				[{ ...form, ContentSid: content.contentSid }],
				retry,
			);
			return [{ ...message, ...content }];
		},
	});
	forgetUnlessRetried(sent, output);
	return output;
}
