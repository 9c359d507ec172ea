import { DateTime } from 'luxon';

import type { FormFields } from '../../shared/transport';
import type { Channel } from './addresses';
import type { Fail } from './items';
import { recipientAddress, senderAddress } from './addresses';
import { MAX_TEXT_PARTS, splitText } from './splitText';

/**
 * Node parameters → the form fields of Twilio's Create Message request
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource).
 * Pure: every check Twilio documents is made here, before anything is sent.
 */

export const MAX_BODY_LENGTH = 1600;
export const MAX_MEDIA_URLS = 10;
export const VALIDITY_PERIOD_RANGE = { min: 1, max: 36_000 } as const;
// Twilio schedules between 15 minutes and 35 days ahead of the moment it receives the request
// (error 35114).
export const SCHEDULE_MIN_AHEAD = { minutes: 15 } as const;
export const SCHEDULE_MAX_AHEAD = { days: 35 } as const;

const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
export const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;
const APPLICATION_SID = /^AP[0-9a-fA-F]{32}$/;

/** The editor's names of the fields a template and its variables come from, for errors. */
export interface TemplateLabels {
	template: string;
	variables: string;
}

/** Version 1's Send fields: a SID and a JSON object. */
export const TEMPLATE_SID_LABELS: TemplateLabels = {
	template: 'Content Template SID',
	variables: 'Content Variables',
};

export type SenderKind = 'phoneNumber' | 'messagingService';
export type ContentKind = 'text' | 'template';

export interface MessageOptions {
	validityPeriod?: number;
	sendAt?: unknown;
	shortenUrls?: boolean;
	sendAsMms?: boolean;
	maxPrice?: number;
	attempt?: number;
	smartEncoded?: boolean;
	persistentActions?: string[];
	provideFeedback?: boolean;
	applicationSid?: string;
	riskCheck?: string;
	messageIntent?: string;
	contentRetention?: string;
	addressRetention?: string;
	fallbackFrom?: string;
}

export interface MessageParameters {
	channel: Channel;
	sender: SenderKind;
	from: string;
	messagingServiceSid: string;
	to: string;
	content: ContentKind;
	body: string;
	mediaUrls: string[];
	contentSid: string;
	/** A JSON text or an already parsed object, as n8n's json parameter type may give either. */
	contentVariables: unknown;
	/**
	 * The variables the picked template declares, when known (version 2): all need a value, no other
	 * may have one.
	 */
	templateVariableNames?: string[];
	/** How the editor names the template's fields (version 1's when absent). */
	templateLabels?: TemplateLabels;
	/** The final StatusCallback URL, empty for none. */
	statusCallback: string;
	options: MessageOptions;
}

export interface BuildContext {
	now: DateTime;
	/** The workflow's time zone, for SendAt values written without an offset. */
	zone: string;
}

/**
 * Twilio documents the limit as "1,600 characters" without defining a character, and its error
 * 21617 page says non-GSM-7 characters such as emoji "use more space" and reach the limit sooner.
 * We count UTF-16 code units (JavaScript's `length`): an emoji counts as two, as in the UCS-2
 * encoding Twilio uses for such text, so a body we accept is within the limit in any of the usual
 * counts. Should Twilio count differently, it still answers 21617, which reaches the workflow like
 * any Twilio error.
 */
export function bodyLength(body: string): number {
	return body.length;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ContentVariables as the JSON text Twilio wants: an object whose values are strings. */
export function contentVariablesJson(
	value: unknown,
	fail: Fail,
	label = TEMPLATE_SID_LABELS.variables,
): string | undefined {
	let parsed = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return undefined;
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			fail(
				`"${label}" is not valid JSON`,
				`${(error as Error).message}. Write an object such as {"1": "Anna", "2": "12:30"}.`,
			);
		}
	}
	if (parsed === undefined || parsed === null) return undefined;
	if (!isPlainObject(parsed))
		fail(
			`"${label}" must be a JSON object`,
			'Write an object such as {"1": "Anna", "2": "12:30"}: keys are the template placeholders.',
		);
	const entries = Object.entries(parsed);
	if (entries.length === 0) return undefined;
	const variables: Record<string, string> = {};
	for (const [key, entry] of entries) {
		if (typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean')
			variables[key] = String(entry);
		else
			fail(
				`"${label}" value of "${key}" must be text`,
				'Template variables are substituted as text; nested objects and lists are not allowed.',
			);
	}
	return JSON.stringify(variables);
}

function mediaUrlList(urls: string[], fail: Fail): string[] {
	const list = urls.map((url) => url.trim()).filter((url) => url !== '');
	if (list.length > MAX_MEDIA_URLS)
		fail(`Twilio accepts at most ${MAX_MEDIA_URLS} media URLs per message; got ${list.length}`);
	for (const url of list) {
		if (!/^https?:\/\//i.test(url) || !URL.canParse(url))
			fail(
				`The media URL "${url}" is not a public http(s) URL`,
				'Twilio downloads the media itself, so the URL must be reachable from the internet.',
			);
	}
	return list;
}

/**
 * A date parameter as a DateTime; strings without an offset are read in the workflow's time zone,
 * as n8n's date fields are.
 */
export function parseDateTime(value: unknown, zone: string): DateTime | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (DateTime.isDateTime(value)) return value;
	if (value instanceof Date) return DateTime.fromJSDate(value);
	const parsed = DateTime.fromISO(String(value).trim(), { zone });
	return parsed.isValid ? parsed : DateTime.invalid('unparsable');
}

function scheduleFields(
	value: unknown,
	parameters: MessageParameters,
	context: BuildContext,
	fail: Fail,
): FormFields {
	const sendAt = parseDateTime(value, context.zone);
	if (!sendAt) return {};
	if (!sendAt.isValid)
		fail(
			`"Send At" value "${String(value)}" is not a date and time`,
			'Use ISO 8601, for example 2030-05-15T14:30:00Z.',
		);
	if (parameters.sender !== 'messagingService') {
		fail(
			'Scheduling needs a Messaging Service',
			'Twilio schedules only messages sent through a Messaging Service; with just a From number it drops the schedule and sends at once. Choose "Messaging Service" as the sender.',
		);
	}
	const earliest = context.now.plus(SCHEDULE_MIN_AHEAD);
	const latest = context.now.plus(SCHEDULE_MAX_AHEAD);
	if (sendAt < earliest || sendAt > latest) {
		fail(
			`"Send At" ${sendAt.toUTC().toISO()} is outside the window Twilio allows`,
			`Twilio schedules messages at least 15 minutes and at most 35 days ahead (now it is ${context.now.toUTC().toISO()}). Leave a few minutes of margin: Twilio measures from when it receives the request.`,
		);
	}
	return { ScheduleType: 'fixed', SendAt: sendAt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'") };
}

function requireMessagingService(parameters: MessageParameters, option: string, fail: Fail) {
	if (parameters.sender !== 'messagingService')
		fail(
			`"${option}" needs a Messaging Service`,
			'Twilio applies this option only to messages sent through a Messaging Service. Choose "Messaging Service" as the sender.',
		);
}

function optionFields(
	parameters: MessageParameters,
	context: BuildContext,
	fail: Fail,
): FormFields {
	const { options } = parameters;
	const fields: FormFields = {};
	if (options.validityPeriod !== undefined) {
		const seconds = options.validityPeriod;
		if (
			!Number.isInteger(seconds) ||
			seconds < VALIDITY_PERIOD_RANGE.min ||
			seconds > VALIDITY_PERIOD_RANGE.max
		) {
			fail(
				`"Validity Period" must be a whole number of seconds from ${VALIDITY_PERIOD_RANGE.min} to ${VALIDITY_PERIOD_RANGE.max}; got ${seconds}`,
			);
		}
		fields.ValidityPeriod = seconds;
	}
	Object.assign(fields, scheduleFields(options.sendAt, parameters, context, fail));
	if (options.shortenUrls !== undefined) {
		if (options.shortenUrls) requireMessagingService(parameters, 'Shorten URLs', fail);
		fields.ShortenUrls = options.shortenUrls;
	}
	if (parameters.channel === 'mms') fields.SendAsMms = true;
	else if (parameters.channel === 'sms' && options.sendAsMms !== undefined)
		fields.SendAsMms = options.sendAsMms;
	if (options.maxPrice !== undefined) fields.MaxPrice = options.maxPrice;
	if (options.attempt !== undefined) {
		if (!Number.isInteger(options.attempt) || options.attempt < 1)
			fail(`"Attempt" must be a whole number of 1 or more; got ${options.attempt}`);
		fields.Attempt = options.attempt;
	}
	if (options.smartEncoded !== undefined) fields.SmartEncoded = options.smartEncoded;
	const actions = (options.persistentActions ?? [])
		.map((action) => action.trim())
		.filter((action) => action !== '');
	if (actions.length) fields.PersistentAction = actions;
	if (options.provideFeedback !== undefined) fields.ProvideFeedback = options.provideFeedback;
	if (options.applicationSid) {
		const sid = options.applicationSid.trim();
		if (!APPLICATION_SID.test(sid))
			fail(`"Application SID" "${sid}" must be "AP" followed by 32 hexadecimal characters`);
		fields.ApplicationSid = sid;
	}
	if (options.riskCheck) fields.RiskCheck = options.riskCheck;
	if (options.messageIntent) fields.MessageIntent = options.messageIntent;
	if (options.contentRetention) fields.ContentRetention = options.contentRetention;
	if (options.addressRetention) fields.AddressRetention = options.addressRetention;
	if (options.fallbackFrom?.trim()) {
		requireMessagingService(parameters, 'Fallback From', fail);
		fields.FallbackFrom = senderAddress('sms', options.fallbackFrom, fail);
	}
	return fields;
}

function senderFields(parameters: MessageParameters, fail: Fail): FormFields {
	if (parameters.sender === 'messagingService') {
		const sid = parameters.messagingServiceSid.trim();
		if (!MESSAGING_SERVICE_SID.test(sid))
			fail(`"Messaging Service SID" "${sid}" must be "MG" followed by 32 hexadecimal characters`);
		// A From inside a Messaging Service picks one sender of its pool; empty lets Twilio choose.
		return {
			MessagingServiceSid: sid,
			From: parameters.from.trim()
				? senderAddress(parameters.channel, parameters.from, fail)
				: undefined,
		};
	}
	return { From: senderAddress(parameters.channel, parameters.from, fail) };
}

/**
 * The fields that send a Content Template: its SID (checked) and its variables as JSON. Errors name
 * the fields as the editor shows them (`labels`).
 */
export function templateFields(
	contentSid: string,
	contentVariables: unknown,
	fail: Fail,
	declaredVariables?: string[],
	labels: TemplateLabels = TEMPLATE_SID_LABELS,
): FormFields {
	const sid = contentSid.trim();
	if (!CONTENT_SID.test(sid))
		fail(
			`"${labels.template}" "${sid}" must be "HX" followed by 32 hexadecimal characters`,
			'Pick the template from the list, or find its SID in the Twilio Console under Messaging → Content Template Builder.',
		);
	// An object (the fields) is checked first: a field whose expression found nothing is empty, not
	// "not text".
	if (declaredVariables && isPlainObject(contentVariables))
		checkTemplateVariables(contentVariables, declaredVariables, fail, labels.variables);
	const variables = contentVariablesJson(contentVariables, fail, labels.variables);
	if (declaredVariables && !isPlainObject(contentVariables))
		checkTemplateVariables(
			variables === undefined ? {} : (JSON.parse(variables) as Record<string, unknown>),
			declaredVariables,
			fail,
			labels.variables,
		);
	return { ContentSid: sid, ContentVariables: variables };
}

/**
 * Every variable the template declares has a value, and no value is for a variable it does not
 * have. `where` names the field the values come from.
 */
export function checkTemplateVariables(
	given: Record<string, unknown>,
	declared: string[],
	fail: Fail,
	where = TEMPLATE_SID_LABELS.variables,
): void {
	for (const name of declared) {
		const value = given[name];
		if (value === undefined || value === null || String(value).trim() === '')
			fail(
				`The template variable {{${name}}} is empty`,
				`Give every variable of the template a value under "${where}": Twilio would otherwise send the sample value.`,
			);
	}
	const known = new Set(declared);
	for (const name of Object.keys(given)) {
		if (!known.has(name))
			fail(
				`The template has no variable {{${name}}}`,
				declared.length
					? `Its variables are ${declared.map((variable) => `{{${variable}}}`).join(', ')}. Remove "${name}", or pick the template that has it.`
					: `It has no variables: remove "${name}", or pick the template that has it.`,
			);
	}
}

function contentFields(parameters: MessageParameters, fail: Fail): FormFields {
	if (parameters.content === 'template')
		return templateFields(
			parameters.contentSid,
			parameters.contentVariables,
			fail,
			parameters.templateVariableNames,
			parameters.templateLabels,
		);
	const media = parameters.channel === 'sms' ? [] : mediaUrlList(parameters.mediaUrls, fail);
	const length = bodyLength(parameters.body);
	if (length > MAX_BODY_LENGTH) {
		fail(
			`The message body has ${length} characters; Twilio accepts at most ${MAX_BODY_LENGTH}`,
			'Shorten the text (emoji count as two characters), or set the option "Long Text" to "Split Into Several Messages".',
		);
	}
	if (parameters.body.trim() === '' && media.length === 0)
		fail('The message has no body', 'Write a Body, add a Media URL, or send a Content Template.');
	return { Body: parameters.body, MediaUrl: media.length ? media : undefined };
}

/** The Create Message form for one item, or a call to `fail` naming the first problem. */
export function buildMessageForm(
	parameters: MessageParameters,
	context: BuildContext,
	fail: Fail,
): FormFields {
	return {
		To: recipientAddress(parameters.channel, parameters.to, fail),
		...senderFields(parameters, fail),
		...contentFields(parameters, fail),
		StatusCallback: parameters.statusCallback || undefined,
		...optionFields(parameters, context, fail),
	};
}

/** What to do with a text over the limit: refuse it, or send it as several messages. */
export type LongText = 'fail' | 'split';

export interface FormsSettings {
	longText: LongText;
	/** Send and Wait waits for the last part only, so only that part reports its statuses. */
	statusCallbackOnLastPartOnly: boolean;
}

/**
 * The Create Message forms for one item: one, or one per part when a long text is split (the media
 * go with the first part). Every part is checked before any is sent.
 */
export function buildMessageForms(
	parameters: MessageParameters,
	context: BuildContext,
	fail: Fail,
	settings: FormsSettings,
): FormFields[] {
	if (settings.longText !== 'split' || parameters.content !== 'text')
		return [buildMessageForm(parameters, context, fail)];
	const parts = splitText(parameters.body, MAX_BODY_LENGTH);
	if (parts.length > MAX_TEXT_PARTS)
		fail(
			`The text needs ${parts.length} messages of at most ${MAX_BODY_LENGTH} characters; the node sends at most ${MAX_TEXT_PARTS}`,
			'Shorten the text, or send it as a document (Media URL) or a link.',
		);
	if (parts.length > 1 && parameters.options.sendAt)
		fail(
			'A text split into several messages cannot be scheduled',
			'Scheduled messages due at the same moment may arrive in any order. Remove "Send At" or shorten the text.',
		);
	const last = parts.length - 1;
	return parts.map((body, index) =>
		buildMessageForm(
			{
				...parameters,
				body,
				mediaUrls: index === 0 ? parameters.mediaUrls : [],
				statusCallback:
					settings.statusCallbackOnLastPartOnly && index < last ? '' : parameters.statusCallback,
			},
			context,
			fail,
		),
	);
}
