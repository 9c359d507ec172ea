import type {
	IDataObject,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { TwilioProduct } from '../shared/credentials';
import type { FormFields } from '../shared/transport';
import {
	twilioApiRequest,
	twilioApiRequestAllItems,
	twilioErrorDetailsOf,
} from '../shared/transport';
import { WHATSAPP_SENDERS_PATH, whatsAppSenderPath } from '../shared/whatsAppSenders';
import { resolvePublicUrl } from './signedUrl';

/**
 * "Configure Twilio Automatically": on activation, point a phone number's, a Messaging Service's or
 * a WhatsApp sender's inbound webhook (and the service's or sender's status callback) at this
 * trigger, remembering what was there; on deactivation, put it back. The remembered values live in
 * the node's static data, which n8n saves after activation and hands back on deactivation.
 */

export type ConfigurationTarget =
	| { kind: 'phoneNumber'; sid: string }
	| { kind: 'messagingService'; sid: string; statusCallback: boolean }
	| { kind: 'whatsAppSender'; sid: string; statusCallback: boolean };

/**
 * Field Twilio takes → field of the resource Twilio returns. Numbers and services take form fields;
 * a sender (Senders API) takes a JSON `webhook` object whose fields are named as in the resource.
 */
type FieldMap = Record<string, string>;

const PHONE_NUMBER_FIELDS: FieldMap = {
	SmsUrl: 'sms_url',
	SmsMethod: 'sms_method',
	SmsApplicationSid: 'sms_application_sid',
};
const SERVICE_FIELDS: FieldMap = {
	InboundRequestUrl: 'inbound_request_url',
	InboundMethod: 'inbound_method',
	UseInboundWebhookOnNumber: 'use_inbound_webhook_on_number',
};
const SERVICE_STATUS_FIELDS: FieldMap = { StatusCallback: 'status_callback' };
const SENDER_FIELDS: FieldMap = {
	callback_url: 'callback_url',
	callback_method: 'callback_method',
};
const SENDER_STATUS_FIELDS: FieldMap = {
	status_callback_url: 'status_callback_url',
	status_callback_method: 'status_callback_method',
};

interface SavedConfiguration extends IDataObject {
	kind: ConfigurationTarget['kind'];
	sid: string;
	/** The URL this trigger set. */
	url: string;
	/** What the fields held before, as form values. */
	previous: Record<string, string>;
}

const STATE_KEY = 'twilioConfiguration';

function fieldsOf(target: ConfigurationTarget): FieldMap {
	if (target.kind === 'phoneNumber') return PHONE_NUMBER_FIELDS;
	if (target.kind === 'whatsAppSender')
		return target.statusCallback ? { ...SENDER_FIELDS, ...SENDER_STATUS_FIELDS } : SENDER_FIELDS;
	return target.statusCallback ? { ...SERVICE_FIELDS, ...SERVICE_STATUS_FIELDS } : SERVICE_FIELDS;
}

/** The form fields that point the target at `url`. */
export function desiredFields(target: ConfigurationTarget, url: string): Record<string, string> {
	if (target.kind === 'phoneNumber')
		return { SmsUrl: url, SmsMethod: 'POST', SmsApplicationSid: '' };
	if (target.kind === 'whatsAppSender')
		return {
			callback_url: url,
			callback_method: 'POST',
			...(target.statusCallback
				? { status_callback_url: url, status_callback_method: 'POST' }
				: {}),
		};
	return {
		InboundRequestUrl: url,
		InboundMethod: 'POST',
		// Otherwise Twilio keeps using each number's own webhook and ignores the service's.
		UseInboundWebhookOnNumber: 'false',
		...(target.statusCallback ? { StatusCallback: url } : {}),
	};
}

function formValue(value: unknown): string {
	if (value === null || value === undefined) return '';
	return String(value);
}

/** Where a resource keeps the fields: a sender inside its `webhook` object. */
function settingsOf(kind: ConfigurationTarget['kind'], resource: IDataObject): IDataObject {
	if (kind !== 'whatsAppSender') return resource;
	const webhook = resource.webhook;
	return typeof webhook === 'object' && webhook !== null ? (webhook as IDataObject) : {};
}

/** The target's current values of the fields this feature changes, as form values. */
export function currentFields(
	target: ConfigurationTarget,
	resource: IDataObject,
): Record<string, string> {
	const settings = settingsOf(target.kind, resource);
	return Object.fromEntries(
		Object.entries(fieldsOf(target)).map(([form, field]) => [form, formValue(settings[field])]),
	);
}

function sameValue(form: string, a: string, b: string): boolean {
	return /method$/i.test(form) ? a.toUpperCase() === b.toUpperCase() : a === b;
}

export function isConfigured(
	target: ConfigurationTarget,
	resource: IDataObject,
	url: string,
): boolean {
	const current = currentFields(target, resource);
	return Object.entries(desiredFields(target, url)).every(([form, value]) =>
		sameValue(form, current[form], value),
	);
}

const INBOUND_URL_FIELD: Record<ConfigurationTarget['kind'], string> = {
	phoneNumber: 'sms_url',
	messagingService: 'inbound_request_url',
	whatsAppSender: 'callback_url',
};

function inboundUrlOf(kind: ConfigurationTarget['kind'], resource: IDataObject): string {
	return formValue(settingsOf(kind, resource)[INBOUND_URL_FIELD[kind]]);
}

// transport.encodeForm leaves out '' values; an empty string inside a list is still sent
// (`SmsUrl=`), which is how Twilio clears a URL.
function toForm(fields: Record<string, string>): FormFields {
	return Object.fromEntries(
		Object.entries(fields).map(([key, value]) => [key, value === '' ? [''] : value]),
	);
}

function resourcePath(target: Pick<ConfigurationTarget, 'kind' | 'sid'>) {
	const sid = encodeURIComponent(target.sid);
	if (target.kind === 'phoneNumber')
		return {
			product: 'api' as const,
			path: `/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/${sid}.json`,
		};
	if (target.kind === 'whatsAppSender')
		return { product: 'messaging' as const, path: whatsAppSenderPath(sid) };
	return { product: 'messaging' as const, path: `/v1/Services/${sid}` };
}

async function fetchTarget(
	ctx: IHookFunctions,
	target: Pick<ConfigurationTarget, 'kind' | 'sid'>,
): Promise<IDataObject> {
	return await twilioApiRequest.call(ctx, { method: 'GET', ...resourcePath(target) });
}

// The Senders API takes JSON, where null clears a URL.
function senderWebhook(fields: Record<string, string>): IDataObject {
	return {
		webhook: Object.fromEntries(
			Object.entries(fields).map(([key, value]) => [key, value === '' ? null : value]),
		),
	};
}

async function updateTarget(
	ctx: IHookFunctions,
	target: Pick<ConfigurationTarget, 'kind' | 'sid'>,
	fields: Record<string, string>,
): Promise<void> {
	await twilioApiRequest.call(ctx, {
		method: 'POST',
		...resourcePath(target),
		...(target.kind === 'whatsAppSender'
			? { json: senderWebhook(fields) }
			: { form: toForm(fields) }),
	});
}

/** The configured target, or undefined when the option is off. */
export function configurationTarget(ctx: IHookFunctions): ConfigurationTarget | undefined {
	if (!(ctx.getNodeParameter('verifySignature', true) as boolean)) return undefined;
	if (!(ctx.getNodeParameter('autoConfigure', false) as boolean)) return undefined;
	const kind = ctx.getNodeParameter('configureTarget', 'phoneNumber');
	if (kind === 'messagingService') {
		return {
			kind: 'messagingService',
			sid: String(ctx.getNodeParameter('messagingServiceSid', '')),
			statusCallback: ctx.getNodeParameter('configureStatusCallback', true) as boolean,
		};
	}
	if (kind === 'whatsAppSender') {
		return {
			kind: 'whatsAppSender',
			sid: String(ctx.getNodeParameter('whatsAppSenderSid', '')),
			statusCallback: ctx.getNodeParameter('configureStatusCallback', true) as boolean,
		};
	}
	return { kind: 'phoneNumber', sid: String(ctx.getNodeParameter('phoneNumberSid', '')) };
}

/**
 * The URL Twilio should call: the "Public URL" option when set, otherwise n8n's URL for this
 * endpoint (test or production).
 */
export function publicWebhookUrl(ctx: IHookFunctions): string {
	const n8nUrl = ctx.getNodeWebhookUrl('default') ?? '';
	const publicUrl = String(
		(ctx.getNodeParameter('options', {}) as IDataObject).publicUrl ?? '',
	).trim();
	if (!publicUrl) return n8nUrl;
	return resolvePublicUrl(publicUrl, n8nUrl.replace(/^https?:\/\/[^/]+/i, '')) ?? n8nUrl;
}

export async function configurationExists(
	ctx: IHookFunctions,
	target: ConfigurationTarget,
): Promise<boolean> {
	return isConfigured(target, await fetchTarget(ctx, target), publicWebhookUrl(ctx));
}

export async function applyConfiguration(
	ctx: IHookFunctions,
	target: ConfigurationTarget,
): Promise<void> {
	const url = publicWebhookUrl(ctx);
	const resource = await fetchTarget(ctx, target);
	if (isConfigured(target, resource, url)) return;
	const staticData = ctx.getWorkflowStaticData('node');
	const saved = staticData[STATE_KEY] as SavedConfiguration | undefined;
	// Keep the values from before the first activation: a second create (n8n registers the POST and
	// the GET webhook separately, and re-registers after restarts) must not remember this trigger's
	// own URL.
	if (!saved || saved.kind !== target.kind || saved.sid !== target.sid) {
		staticData[STATE_KEY] = {
			kind: target.kind,
			sid: target.sid,
			url,
			previous: currentFields(target, resource),
		} satisfies SavedConfiguration;
	} else {
		saved.url = url;
	}
	await updateTarget(ctx, target, desiredFields(target, url));
}

/**
 * Puts back what was there before, if the target still points at this trigger (a URL someone set
 * since is left alone). False when Twilio could not be reached; the saved values are then kept for
 * next time.
 */
export async function restoreConfiguration(ctx: IHookFunctions): Promise<boolean> {
	const staticData = ctx.getWorkflowStaticData('node');
	const saved = staticData[STATE_KEY] as SavedConfiguration | undefined;
	if (!saved) return true;
	try {
		const resource = await fetchTarget(ctx, saved);
		if (inboundUrlOf(saved.kind, resource) === saved.url)
			await updateTarget(ctx, saved, saved.previous);
	} catch (error) {
		if (twilioErrorDetailsOf(error).httpStatus !== 404) return false;
	}
	delete staticData[STATE_KEY];
	return true;
}

/** Every record of a Twilio list for a picker, in pages of Twilio's largest size. */
function listForPicker(
	ctx: ILoadOptionsFunctions,
	list: { product?: TwilioProduct; path: string; qs?: IDataObject; key: string },
): Promise<IDataObject[]> {
	return twilioApiRequestAllItems.call(ctx, {
		...list,
		method: 'GET',
		qs: { ...list.qs, PageSize: 1000 },
	});
}

export async function phoneNumberOptions(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const numbers = await listForPicker(this, {
		path: '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json',
		key: 'incoming_phone_numbers',
	});
	return numbers.map((number) => {
		const phone = formValue(number.phone_number);
		const friendly = formValue(number.friendly_name);
		const url = formValue(number.sms_url);
		return {
			name: friendly && friendly !== phone ? `${phone} (${friendly})` : phone,
			value: formValue(number.sid),
			description: url ? `Messages now go to ${url}` : 'No message URL set',
		};
	});
}

export async function messagingServiceOptions(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const services = await listForPicker(this, {
		product: 'messaging',
		path: '/v1/Services',
		key: 'services',
	});
	return services.map((service) => ({
		name: formValue(service.friendly_name) || formValue(service.sid),
		value: formValue(service.sid),
		description: formValue(service.sid),
	}));
}

export async function whatsAppSenderOptions(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const senders = await listForPicker(this, {
		product: 'messaging',
		path: WHATSAPP_SENDERS_PATH,
		qs: { Channel: 'whatsapp' },
		key: 'senders',
	});
	return senders.map((sender) => {
		const url = formValue(settingsOf('whatsAppSender', sender).callback_url);
		const status = formValue(sender.status);
		return {
			name: `${formValue(sender.sender_id).replace(/^whatsapp:/, '')}${status && status !== 'ONLINE' ? ` (${status})` : ''}`,
			value: formValue(sender.sid),
			description: url ? `Messages now go to ${url}` : 'No webhook URL set',
		};
	});
}
