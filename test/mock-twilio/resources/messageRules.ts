import type { FormParams, MessagingServiceResource } from '../types';
import { errors, TwilioApiError } from '../errors';
import { all, first } from '../http/form';

/** `whatsapp:+1415…` → channel `whatsapp`, number `+1415…`; a plain number has no channel. */
export interface Address {
	channel: string | null;
	number: string;
}

export function parseAddress(raw: string): Address {
	const match = /^([a-z]+):(.*)$/i.exec(raw);
	return match
		? { channel: match[1].toLowerCase(), number: match[2] }
		: { channel: null, number: raw };
}

const E164 = /^\+[1-9]\d{1,14}$/;
// An alphanumeric sender ID: up to 11 letters, digits and spaces, with at least one letter.
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;

const MAX_BODY = 1600;
// Message scheduling: SendAt between 15 minutes and 35 days ahead
// (https://www.twilio.com/docs/messaging/features/message-scheduling; error pages 35114/35115).
const MIN_SCHEDULE_SECONDS = 900;
const MAX_SCHEDULE_SECONDS = 35 * 24 * 3600;

/**
 * The sender that passes every check with test credentials
 * (https://www.twilio.com/docs/iam/test-credentials).
 */
export const MAGIC_VALID_FROM = '+15005550006';

// Magic inputs of the test-credentials page, table "Test SMS messages": From values, then To
// values.
const MAGIC_FROM: Record<string, (from: string) => TwilioApiError> = {
	'+15005550001': (from) => errors.invalidFrom(from),
	'+15005550007': (from) => errors.fromNotOwned(from),
	'+15005550008': () => errors.queueFull(),
};
const MAGIC_TO: Record<string, (to: string, from: string) => TwilioApiError> = {
	'+15005550001': (to) => errors.invalidTo(to),
	'+15005550002': (to, from) => errors.unroutable(to, from),
	'+15005550003': (to) => errors.noGeoPermission(to),
	'+15005550004': () => errors.unsubscribed(),
	'+15005550009': (to) => errors.notMobile(to),
};

/** What the create rules need to know about the account. */
export interface SenderDirectory {
	ownsSmsNumber(number: string): boolean;
	ownsWhatsAppSender(number: string): boolean;
	service(sid: string): MessagingServiceResource | undefined;
}

export interface ValidMessage {
	to: string;
	from: string | null;
	service: MessagingServiceResource | null;
	body: string;
	mediaUrls: string[];
	contentSid: string | null;
	sendAt: Date | null;
	statusCallback: string | null;
}

function resolveService(
	sid: string | undefined,
	directory: SenderDirectory,
): MessagingServiceResource | null {
	if (sid === undefined) return null;
	if (!SERVICE_SID.test(sid)) throw errors.serviceInvalid(sid);
	const service = directory.service(sid);
	if (!service) throw errors.serviceNotFound(sid);
	return service;
}

function checkContent(params: FormParams, viaService: boolean): void {
	const body = first(params, 'Body') ?? '';
	const media = all(params, 'MediaUrl');
	const contentSid = first(params, 'ContentSid');
	const variables = first(params, 'ContentVariables');
	if (variables !== undefined && contentSid === undefined) throw errors.contentSidRequired();
	if (body === '' && media.length === 0 && contentSid === undefined) {
		throw viaService ? errors.contentRequired() : errors.bodyRequired();
	}
	if ([...body].length > MAX_BODY) throw errors.bodyTooLong();
	for (const url of media) {
		if (!/^https?:\/\/[^/\s]+/i.test(url)) throw errors.invalidMediaUrl(url);
	}
	if (contentSid !== undefined && !CONTENT_SID.test(contentSid)) throw errors.invalidContentSid();
	if (variables !== undefined) {
		try {
			const parsed: unknown = JSON.parse(variables);
			if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
				throw new Error('not an object');
		} catch {
			throw errors.invalidContentVariables();
		}
	}
}

function checkSender(from: string, to: Address, directory: SenderDirectory): void {
	const sender = parseAddress(from);
	const magic = MAGIC_FROM[sender.number];
	if (magic) throw magic(from);
	const isNumber = E164.test(sender.number);
	if (!isNumber && (sender.channel !== null || !ALPHANUMERIC_SENDER.test(sender.number))) {
		throw errors.invalidFrom(from);
	}
	if (sender.channel !== to.channel) throw errors.channelMismatch();
	if (!isNumber || sender.number === MAGIC_VALID_FROM) return;
	if (sender.channel === 'whatsapp') {
		if (!directory.ownsWhatsAppSender(sender.number)) throw errors.whatsAppSenderUnknown();
	} else if (!directory.ownsSmsNumber(sender.number)) {
		throw errors.fromNotOwned(from);
	}
}

function checkStatusCallback(raw: string | undefined): string | null {
	if (!raw) return null;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw errors.invalidStatusCallback();
	}
	const fullyQualified =
		(url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	if (!fullyQualified || url.hostname.includes('_') || raw.length > 4000)
		throw errors.invalidStatusCallback();
	return raw;
}

function checkSchedule(
	params: FormParams,
	service: MessagingServiceResource | null,
	now: Date,
): Date | null {
	if (first(params, 'ScheduleType') !== 'fixed') return null;
	if (!service) throw errors.scheduleNeedsService();
	const raw = first(params, 'SendAt');
	if (!raw) throw errors.sendAtMissing();
	const sendAt = new Date(raw);
	const lead = (sendAt.getTime() - now.getTime()) / 1000;
	if (Number.isNaN(lead) || lead < MIN_SCHEDULE_SECONDS || lead > MAX_SCHEDULE_SECONDS)
		throw errors.sendAtOutOfRange();
	return sendAt;
}

/**
 * Create-message validation as the Message resource documents it
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource).
 * Pure: throws the Twilio error of the first rule broken, or returns the message to create.
 */
export function validateCreate(
	params: FormParams,
	directory: SenderDirectory,
	now: Date,
): ValidMessage {
	const to = first(params, 'To');
	if (!to) throw errors.toRequired();
	let from = first(params, 'From') || null;
	let serviceSid = first(params, 'MessagingServiceSid');
	// A Messaging Service SID may stand in the From parameter.
	if (from !== null && SERVICE_SID.test(from)) {
		serviceSid ??= from;
		from = null;
	}
	if (from === null && serviceSid === undefined) throw errors.fromRequired();
	const service = resolveService(serviceSid, directory);
	checkContent(params, service !== null);

	const recipient = parseAddress(to);
	if (from !== null) checkSender(from, recipient, directory);
	if (!E164.test(recipient.number)) throw errors.invalidTo(to);
	const magic = MAGIC_TO[recipient.number];
	if (magic) throw magic(to, from ?? '');

	return {
		to,
		from,
		service,
		body: first(params, 'Body') ?? '',
		mediaUrls: all(params, 'MediaUrl'),
		contentSid: first(params, 'ContentSid') ?? null,
		sendAt: checkSchedule(params, service, now),
		statusCallback: checkStatusCallback(first(params, 'StatusCallback')),
	};
}
