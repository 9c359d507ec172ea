/**
 * Content API definitions (the `types` and `variables` of a Content resource) built from plain data
 * and checked against Twilio's documented limits before anything is sent. Pure: problems go through
 * `fail`.
 *
 * Shapes: twilio/twilio-oai spec/json/twilio_content_v1.json (ContentCreateRequest, twilioText,
 * twilioMedia, twilioQuickReply, twilioCallToAction, twilioListPicker, twilioCard). Limits and
 * required fields: Twilio's content type pages (twilio.com/docs/content/twilio-quick-reply,
 * twiliolist-picker, twilio-call-to-action, twiliocard), which are stricter than the API definition
 * where they differ (a list item's description).
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { toE164 } from '../../shared/e164';
import type { Fail } from './items';

export const CONTENT_TYPES = [
	'twilio/text',
	'twilio/media',
	'twilio/quick-reply',
	'twilio/call-to-action',
	'twilio/list-picker',
	'twilio/card',
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const CONTENT_LIMITS = {
	textBody: 1600,
	interactiveBody: 1024,
	callToActionBody: 640,
	quickReplies: 10,
	/**
	 * Buttons of a WhatsApp session message that is not an approved template. Twilio's quick-reply
	 * page: "When you send an in-session WhatsApp message that does not require template approval,
	 * only three buttons are allowed"; its call-to-action page says the same.
	 */
	sessionButtons: 3,
	buttonTitle: 20,
	actionTitle: 25,
	id: 200,
	listButton: 20,
	listItems: 10,
	listItemTitle: 24,
	listItemDescription: 72,
	cardTitle: 1024,
	cardSubtitle: 60,
	cardActions: 10,
	media: 1,
} as const;

/** Call-to-action buttons WhatsApp accepts per kind (twilio-call-to-action, WhatsApp notes). */
const CALL_TO_ACTION_MAX: Record<string, number> = { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1 };
// Twilio names no total for a template beyond the limits per kind.
const CALL_TO_ACTION_TOTAL = Object.values(CALL_TO_ACTION_MAX).reduce((sum, max) => sum + max, 0);

export interface ContentButton {
	/** QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE. */
	type: string;
	title: string;
	id?: string;
	url?: string;
	phone?: string;
	code?: string;
}

export interface ListItem {
	id: string;
	item: string;
	description: string;
}

/** What the editor collects for one content definition; fields a type does not use are ignored. */
export interface ContentDefinition {
	type: ContentType;
	body: string;
	mediaUrls: string[];
	buttons: ContentButton[];
	listButton: string;
	listItems: ListItem[];
	cardTitle: string;
	cardSubtitle: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The variable names a definition uses, in order of first use (`{{1}}`, `{{first_name}}`). */
export function placeholdersIn(value: unknown): string[] {
	const names = new Set<string>();
	for (const match of JSON.stringify(value ?? '').matchAll(PLACEHOLDER)) names.add(match[1]);
	return [...names];
}

/**
 * The variables a Content resource declares: the placeholders of its types and the keys of its
 * samples.
 */
export function declaredVariablesOf(resource: IDataObject): string[] {
	const samples = (resource.variables as IDataObject | undefined) ?? {};
	return [...new Set([...placeholdersIn(resource.types), ...Object.keys(samples)])];
}

function checkLength(label: string, value: string, max: number, fail: Fail): void {
	const length = [...value].length;
	if (length > max)
		fail(`"${label}" is ${length} characters; Twilio allows at most ${max}`, `Shorten "${label}".`);
}

function required(label: string, value: string, fail: Fail): string {
	const trimmed = value.trim();
	if (trimmed === '') fail(`"${label}" is empty`, `Fill in "${label}"; Twilio requires it.`);
	return trimmed;
}

/** A required text of at most `max` characters, trimmed. */
function requiredWithin(label: string, value: string, max: number, fail: Fail): string {
	const text = required(label, value, fail);
	checkLength(label, text, max, fail);
	return text;
}

function checkCount(label: string, count: number, max: number, fail: Fail): void {
	if (count < 1) fail(`Add at least one ${label}`);
	if (count > max)
		fail(`${count} ${label}s: Twilio allows at most ${max}`, `Remove ${count - max}.`);
}

function checkUrl(label: string, value: string, fail: Fail): string {
	const url = required(label, value, fail);
	// A variable may stand for part of the URL; Twilio checks the sample value when it reviews it.
	if (!/^https?:\/\/[^\s/]+/i.test(url))
		fail(
			`"${label}" "${url}" is not an http(s) URL`,
			'Use a full URL such as https://example.com/x.',
		);
	return url;
}

function checkUniqueIds(label: string, ids: string[], fail: Fail): void {
	const seen = new Set<string>();
	for (const id of ids) {
		if (seen.has(id)) fail(`Two ${label}s have the ID "${id}"`, 'Give each one its own ID.');
		seen.add(id);
	}
}

function quickReply(button: ContentButton, n: number, fail: Fail): IDataObject {
	const title = requiredWithin(`Button ${n} Title`, button.title, CONTENT_LIMITS.buttonTitle, fail);
	const id = (button.id ?? '').trim() || title;
	checkLength(`Button ${n} ID`, id, CONTENT_LIMITS.id, fail);
	return { type: 'QUICK_REPLY', title, id };
}

function action(button: ContentButton, n: number, fail: Fail): IDataObject {
	if (button.type === 'QUICK_REPLY') return quickReply(button, n, fail);
	const title = requiredWithin(`Button ${n} Title`, button.title, CONTENT_LIMITS.actionTitle, fail);
	if (button.type === 'URL')
		return { type: 'URL', title, url: checkUrl(`Button ${n} URL`, button.url ?? '', fail) };
	if (button.type === 'PHONE_NUMBER') {
		const phone = toE164(required(`Button ${n} Phone Number`, button.phone ?? '', fail));
		if (!phone)
			fail(
				`"Button ${n} Phone Number" "${button.phone}" is not in E.164 format`,
				'Use + then country code and number, for example +14155550123.',
			);
		return { type: 'PHONE_NUMBER', title, phone };
	}
	if (button.type === 'COPY_CODE') {
		const code = requiredWithin(`Button ${n} Code`, button.code ?? '', 15, fail);
		return { type: 'COPY_CODE', title, code };
	}
	return fail(`Button ${n} has the unknown type "${button.type}"`);
}

function media(urls: string[], label: string, fail: Fail): string[] {
	const list = urls.map((url) => url.trim()).filter(Boolean);
	if (list.length > CONTENT_LIMITS.media)
		fail(`${list.length} media URLs: Twilio content takes ${CONTENT_LIMITS.media}`);
	return list.map((url) => checkUrl(label, url, fail));
}

/** The `types` object of a Content resource for one definition, checked against Twilio's limits. */
export function buildContentTypes(def: ContentDefinition, fail: Fail): IDataObject {
	if (!Object.hasOwn(CONTENT_BUILDERS, def.type))
		return fail(`Unknown content type "${String(def.type)}"`);
	return { [def.type]: CONTENT_BUILDERS[def.type](def, fail) };
}

/** Each content type's object in `types`. */
const CONTENT_BUILDERS: Record<ContentType, (def: ContentDefinition, fail: Fail) => IDataObject> = {
	'twilio/text': textContent,
	'twilio/media': mediaContent,
	'twilio/quick-reply': quickReplyContent,
	'twilio/call-to-action': callToActionContent,
	'twilio/list-picker': listPickerContent,
	'twilio/card': cardContent,
};

function textContent(def: ContentDefinition, fail: Fail): IDataObject {
	const body = requiredWithin('Body', def.body, CONTENT_LIMITS.textBody, fail);
	return { body };
}

function mediaContent(def: ContentDefinition, fail: Fail): IDataObject {
	const urls = media(def.mediaUrls, 'Media URL', fail);
	if (urls.length === 0) fail('"Media URL" is empty', 'twilio/media needs one media URL.');
	checkLength('Body', def.body, CONTENT_LIMITS.textBody, fail);
	return { ...(def.body.trim() ? { body: def.body.trim() } : {}), media: urls };
}

function quickReplyContent(def: ContentDefinition, fail: Fail): IDataObject {
	const body = requiredWithin('Body', def.body, CONTENT_LIMITS.interactiveBody, fail);
	checkCount('button', def.buttons.length, CONTENT_LIMITS.quickReplies, fail);
	const actions = def.buttons.map((button, i) => quickReply(button, i + 1, fail));
	checkUniqueIds(
		'button',
		actions.map((a) => String(a.id)),
		fail,
	);
	return { body, actions };
}

function callToActionContent(def: ContentDefinition, fail: Fail): IDataObject {
	const body = requiredWithin('Body', def.body, CONTENT_LIMITS.callToActionBody, fail);
	checkCount('button', def.buttons.length, CALL_TO_ACTION_TOTAL, fail);
	for (const [type, max] of Object.entries(CALL_TO_ACTION_MAX)) {
		const count = def.buttons.filter((button) => button.type === type).length;
		if (count > max) fail(`${count} ${type} buttons: WhatsApp allows at most ${max}`);
	}
	const actions = def.buttons.map((button, i) => {
		if (button.type === 'QUICK_REPLY')
			fail(`Button ${i + 1} is a quick reply`, 'Call to action buttons are URL, phone or code.');
		return action(button, i + 1, fail);
	});
	return { body, actions };
}

function listPickerContent(def: ContentDefinition, fail: Fail): IDataObject {
	const body = requiredWithin('Body', def.body, CONTENT_LIMITS.interactiveBody, fail);
	const button = requiredWithin('List Button', def.listButton, CONTENT_LIMITS.listButton, fail);
	checkCount('list item', def.listItems.length, CONTENT_LIMITS.listItems, fail);
	const items = def.listItems.map((entry, i) => listItem(entry, i + 1, fail));
	checkUniqueIds(
		'list item',
		items.map((item) => item.id),
		fail,
	);
	return { body, button, items };
}

function listItem(
	entry: ListItem,
	n: number,
	fail: Fail,
): { id: string; item: string; description: string } {
	const item = requiredWithin(`Item ${n} Title`, entry.item, CONTENT_LIMITS.listItemTitle, fail);
	const id = entry.id.trim() || item;
	checkLength(`Item ${n} ID`, id, CONTENT_LIMITS.id, fail);
	const description = entry.description.trim();
	// Twilio's list-picker page marks it required, though its API definition does not.
	if (description === '')
		fail(
			`List item ${n} ("${item}") has no description`,
			`Fill in "Description" of item ${n}: Twilio requires one for every list item (at most ${CONTENT_LIMITS.listItemDescription} characters).`,
		);
	checkLength(`Item ${n} Description`, description, CONTENT_LIMITS.listItemDescription, fail);
	return { id, item, description };
}

function cardContent(def: ContentDefinition, fail: Fail): IDataObject {
	const title = requiredWithin('Card Title', def.cardTitle, CONTENT_LIMITS.cardTitle, fail);
	const subtitle = def.cardSubtitle.trim();
	checkLength('Card Subtitle', subtitle, CONTENT_LIMITS.cardSubtitle, fail);
	const urls = media(def.mediaUrls, 'Media URL', fail);
	if (def.buttons.length > CONTENT_LIMITS.cardActions)
		fail(`${def.buttons.length} buttons: Twilio allows at most ${CONTENT_LIMITS.cardActions}`);
	const actions = def.buttons.map((button, i) => action(button, i + 1, fail));
	if (!subtitle && urls.length === 0 && actions.length === 0)
		fail('A card needs a subtitle, a media URL or a button besides its title');
	return {
		title,
		...(subtitle ? { subtitle } : {}),
		...(urls.length ? { media: urls } : {}),
		...(actions.length ? { actions } : {}),
	};
}

/**
 * The `variables` of a Content resource: every placeholder the definition uses needs a sample value
 * (WhatsApp reviews templates with them) and every declared variable must be used.
 */
export function checkSampleValues(
	types: IDataObject,
	samples: Record<string, string>,
	fail: Fail,
): Record<string, string> {
	const used = placeholdersIn(types);
	for (const name of used) {
		if (!(samples[name] ?? '').trim())
			fail(
				`The variable {{${name}}} has no sample value`,
				`Add a variable named "${name}" with a sample value under Variables.`,
			);
	}
	checkAllUsed(used, Object.keys(samples), 'content', fail);
	return samples;
}

/** Every variable given a value must be one the content uses (`where` names the content). */
export function checkAllUsed(used: string[], given: string[], where: string, fail: Fail): void {
	for (const name of given) {
		if (!used.includes(name))
			fail(`The variable "${name}" is not used in the ${where}`, `Use {{${name}}} or remove it.`);
	}
}

/** A Twilio language code: ISO 639-1 (`en`) or with a region (`en_US`, `pt_BR`). */
export function checkLanguage(value: string, fail: Fail): string {
	const language = value.trim();
	if (!/^[a-z]{2,3}([_-][A-Za-z]{2,4})?$/.test(language))
		fail(
			`"Language" "${language}" is not a language code`,
			'Use a two-letter ISO 639-1 code such as en, optionally with a region such as pt_BR.',
		);
	return language;
}

/**
 * The friendly name of the Content resource that holds one definition: the same language and types
 * give the same name on every run and in every process, so the resource is found again instead of
 * created. Lower-case letters, digits and underscores, as WhatsApp template names are.
 */
export function definitionName(language: string, types: IDataObject): string {
	const kind = Object.keys(types)[0]
		.replace(/^twilio\//, '')
		.replace(/-/g, '_');
	const digest = createHash('sha256')
		.update(JSON.stringify([language, types]))
		.digest('hex');
	return `n8n_${kind}_${digest.slice(0, 24)}`;
}
