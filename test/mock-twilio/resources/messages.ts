import type { FormParams, MessageResource, MessageStatus, MockMessage } from '../types';
import type { Router } from '../http/router';
import type { Lifecycle } from '../webhooks/statusCallbacks';
import type { ResourceContext } from './context';
import type { ValidMessage } from './messageRules';
import { forAccount } from './context';
import { parseAddress, validateCreate } from './messageRules';
import { errors } from '../errors';
import { first } from '../http/form';
import { newSid, rfc2822 } from '../format';
import { countSegments } from '../segments';
import { legacyPage } from '../paging';

const API = '/2010-04-01';

export interface MessagesContext extends ResourceContext {
	lifecycle: Lifecycle;
}

/**
 * A new Message resource as the create call answers it
 * (https://www.twilio.com/docs/messaging/api/message-resource).
 */
function buildResource(accountSid: string, valid: ValidMessage, now: Date): MessageResource {
	// Messages with media get an MM SID.
	const sid = newSid(valid.mediaUrls.length > 0 ? 'MM' : 'SM');
	const uri = `${API}/Accounts/${accountSid}/Messages/${sid}`;
	const status: MessageStatus = valid.sendAt ? 'scheduled' : valid.service ? 'accepted' : 'queued';
	return {
		account_sid: accountSid,
		api_version: '2010-04-01',
		body: valid.body,
		date_created: rfc2822(now),
		date_sent: null,
		date_updated: rfc2822(now),
		direction: 'outbound-api',
		error_code: null,
		error_message: null,
		from: valid.from,
		messaging_service_sid: valid.service?.sid ?? null,
		num_media: String(valid.mediaUrls.length),
		num_segments: String(countSegments(valid.body)),
		price: null,
		price_unit: 'USD',
		sid,
		status,
		subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
		to: valid.to,
		uri: `${uri}.json`,
	};
}

/** Day of an RFC 2822 date, `YYYY-MM-DD`, or the full time when the filter has one. */
/**
 * A WhatsApp sender's status callback URL (Senders API), for messages sent from it without their
 * own.
 */
function senderStatusCallback(
	state: MessagesContext['state'],
	accountSid: string,
	from: string | undefined,
): string | null {
	const address = parseAddress(from ?? '');
	if (address.channel !== 'whatsapp') return null;
	return state.whatsAppSenderOf(accountSid, address.number)?.webhook.status_callback_url ?? null;
}

function sentMatches(dateSent: string | null, filter: string, compare: '=' | '<' | '>'): boolean {
	if (dateSent === null) return false;
	const sent = new Date(dateSent).getTime();
	const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(filter);
	const bound = new Date(dayOnly ? `${filter}T00:00:00Z` : filter).getTime();
	if (Number.isNaN(bound)) return false;
	const span = dayOnly ? 24 * 3600 * 1000 : 1000;
	if (compare === '<') return sent < bound + span;
	if (compare === '>') return sent >= bound;
	return sent >= bound && sent < bound + span;
}

const LIST_FILTERS = ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'];

/**
 * Read filters of the Message list (To, From, DateSent with `<`/`>` meaning on-or-before and
 * on-or-after), newest first.
 */
function listMessages(messages: MockMessage[], filters: FormParams): MessageResource[] {
	const value = (key: string) => first(filters, key);
	return messages
		.filter(({ resource }) => {
			if (value('To') !== undefined && resource.to !== value('To')) return false;
			if (value('From') !== undefined && resource.from !== value('From')) return false;
			for (const [key, compare] of [
				['DateSent', '='],
				['DateSent<', '<'],
				['DateSent>', '>'],
			] as const) {
				const filter = value(key);
				if (filter !== undefined && !sentMatches(resource.date_sent, filter, compare)) return false;
			}
			return true;
		})
		.map((message) => message.resource)
		.reverse();
}

// A message cannot be deleted while Twilio is still working on it (error 20009).
const UNDELETABLE: MessageStatus[] = ['accepted', 'scheduled', 'queued', 'sending'];

export function registerMessages(router: Router, ctx: MessagesContext): void {
	const { state, lifecycle } = ctx;
	const collection = `${API}/Accounts/:AccountSid/Messages.json`;
	const instance = `${API}/Accounts/:AccountSid/Messages/:MessageSid.json`;
	const find = (accountSid: string, sid: string, path: string): MockMessage => {
		const message = state.liveMessages(accountSid).find((item) => item.sid === sid);
		if (!message) throw errors.notFound(path);
		return message;
	};

	router.add(
		'POST',
		collection,
		forAccount(state, ({ params, form }) => {
			const accountSid = params.AccountSid;
			const now = new Date();
			const valid = validateCreate(
				form,
				{
					ownsSmsNumber: (number) =>
						state.phoneNumber(accountSid, number)?.capabilities.sms === true,
					ownsWhatsAppSender: (number) =>
						state.whatsAppSenders.has(number) &&
						state.phoneNumber(accountSid, number) !== undefined,
					service: (sid) => state.service(accountSid, sid),
				},
				now,
			);
			// A template must exist on the account (deleted ones no longer do).
			if (valid.contentSid !== null && !state.content(accountSid, valid.contentSid))
				throw errors.invalidContentSid();
			const resource = buildResource(accountSid, valid, now);
			const message: MockMessage = {
				sid: resource.sid,
				accountSid,
				params: form,
				createdAt: now,
				resource,
				statusCallback:
					valid.statusCallback ??
					valid.service?.status_callback ??
					senderStatusCallback(state, accountSid, first(form, 'From')) ??
					null,
				deleted: false,
			};
			state.messages.push(message);
			if (!valid.sendAt) lifecycle.start(message, valid.contentSid);
			return { status: 201, body: resource };
		}),
	);

	router.add(
		'GET',
		collection,
		forAccount(state, ({ params, path, query }) => {
			const filters: FormParams = {};
			for (const key of LIST_FILTERS) {
				const value = first(query, key);
				if (value !== undefined) filters[key] = value;
			}
			const items = listMessages(state.liveMessages(params.AccountSid), filters);
			return { status: 200, body: legacyPage('messages', items, path, query, filters) };
		}),
	);

	router.add(
		'GET',
		instance,
		forAccount(state, ({ params, path }) => ({
			status: 200,
			body: find(params.AccountSid, params.MessageSid, path).resource,
		})),
	);

	// Update: cancel a scheduled message (Status=canceled) or redact its body (Body='').
	router.add(
		'POST',
		instance,
		forAccount(state, ({ params, path, form }) => {
			const message = find(params.AccountSid, params.MessageSid, path);
			const { resource } = message;
			const status = first(form, 'Status');
			if (status !== undefined) {
				if (status !== 'canceled' || resource.status !== 'scheduled') throw errors.cannotCancel();
				resource.status = 'canceled';
				lifecycle.canceled(message);
			}
			const body = first(form, 'Body');
			if (body !== undefined) resource.body = body;
			resource.date_updated = rfc2822(new Date());
			return { status: 200, body: resource };
		}),
	);

	router.add(
		'DELETE',
		instance,
		forAccount(state, ({ params, path }) => {
			const message = find(params.AccountSid, params.MessageSid, path);
			if (UNDELETABLE.includes(message.resource.status)) throw errors.deleteBeforeComplete();
			message.deleted = true;
			return { status: 204 };
		}),
	);
}
