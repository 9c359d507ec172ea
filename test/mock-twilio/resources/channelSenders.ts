import type { SenderWebhook, WhatsAppSenderResource } from '../types';
import type { Router } from '../http/router';
import type { ResourceContext } from './context';
import { errors } from '../errors';
import { first } from '../http/form';
import { newSid } from '../format';
import { v1Page } from '../paging';

// Real Twilio serves the Senders API on https://messaging.twilio.com/v2/Channels/Senders; the mock
// serves it from its own base URL.
const SENDERS = '/v2/Channels/Senders';
const MESSAGING_HOST = 'https://messaging.twilio.com';
const WEBHOOK_FIELDS: Array<keyof SenderWebhook> = [
	'callback_url',
	'callback_method',
	'fallback_url',
	'fallback_method',
	'status_callback_url',
	'status_callback_method',
];
// `callback_method` and `fallback_method` are enums in the definition; the status callback's is a
// plain string.
const METHOD_ENUM: Partial<Record<keyof SenderWebhook, string[]>> = {
	callback_method: ['POST', 'PUT'],
	fallback_method: ['POST', 'PUT'],
};

/**
 * An online WhatsApp sender with no webhook set, shaped as the definition's `whatsapp_fetch`
 * example.
 */
export function buildWhatsAppSender(accountSid: string, number: string): WhatsAppSenderResource {
	const sid = newSid('XE');
	return {
		accountSid,
		sid,
		status: 'ONLINE',
		sender_id: `whatsapp:${number}`,
		configuration: {
			waba_id: '1234567890',
			verification_method: null,
			verification_code: null,
			voice_application_sid: null,
			account_type: null,
		},
		webhook: {
			callback_url: null,
			callback_method: 'POST',
			fallback_url: null,
			fallback_method: 'POST',
			status_callback_url: null,
			status_callback_method: 'POST',
		},
		profile: { name: 'Mock WhatsApp Business', about: null, vertical: null },
		properties: { quality_rating: 'HIGH', messaging_limit: '1K Customers/24hr' },
		offline_reasons: null,
		compliance: null,
		url: `${MESSAGING_HOST}${SENDERS}/${sid}`,
	};
}

/** The resource as the API answers it: everything but the mock's own account field. */
function view(sender: WhatsAppSenderResource): Record<string, unknown> {
	const { accountSid: _account, ...resource } = sender;
	return resource;
}

/**
 * Applies the `webhook` object of an update (JSON body, `requests.update`): null or "" clears a
 * field.
 */
function applyWebhook(sender: WhatsAppSenderResource, body: unknown): void {
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		throw errors.invalidParameter('The request body must be a JSON object');
	const webhook = (body as Record<string, unknown>).webhook;
	if (webhook === undefined || webhook === null) return;
	if (typeof webhook !== 'object' || Array.isArray(webhook))
		throw errors.invalidParameter('webhook must be an object');
	const changes = webhook as Record<string, unknown>;
	for (const field of WEBHOOK_FIELDS) {
		const value = changes[field];
		if (value === undefined) continue;
		if (value !== null && typeof value !== 'string')
			throw errors.invalidParameter(`webhook.${field} must be a string`);
		const allowed = METHOD_ENUM[field];
		if (allowed && value && !allowed.includes(value))
			throw errors.invalidParameter(`webhook.${field} must be one of ${allowed.join(', ')}`);
	}
	for (const field of WEBHOOK_FIELDS) {
		const value = changes[field] as string | null | undefined;
		if (value !== undefined) sender.webhook[field] = value === '' ? null : value;
	}
}

/** List, fetch and update of the Senders API (twilio-oai spec/json/twilio_messaging_v2.json). */
export function registerChannelSenders(router: Router, ctx: ResourceContext): void {
	const { state } = ctx;
	const find = (accountSid: string, sid: string, path: string) => {
		const sender = state.channelSenders.find(
			(item) => item.accountSid === accountSid && item.sid === sid,
		);
		if (!sender) throw errors.notFound(path);
		return sender;
	};

	router.add('GET', SENDERS, ({ principal, path, query }) => {
		const channel = first(query, 'Channel');
		if (!channel) throw errors.invalidParameter('Channel is required');
		if (!['whatsapp', 'rcs'].includes(channel.toLowerCase()))
			throw errors.invalidParameter(`Channel ${channel} is not supported`);
		const items = state.channelSenders
			.filter(
				(sender) =>
					sender.accountSid === principal.accountSid && channel.toLowerCase() === 'whatsapp',
			)
			.map(view) as Array<{ sid: string }>;
		return {
			status: 200,
			body: v1Page('senders', items, ctx.publicUrl(), path, query, { Channel: channel }),
		};
	});
	router.add('GET', `${SENDERS}/:Sid`, ({ principal, params, path }) => ({
		status: 200,
		body: view(find(principal.accountSid, params.Sid, path)),
	}));
	router.add('POST', `${SENDERS}/:Sid`, ({ principal, params, path, json }) => {
		const sender = find(principal.accountSid, params.Sid, path);
		applyWebhook(sender, json);
		return { status: 202, body: view(sender) };
	});
}
