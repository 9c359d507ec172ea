import { DateTime } from 'luxon';

import type { MessageFields, MessageParty } from './message';
import { channelPrefix, messageError, messageParty } from './message';
import { isFailedMessage, isFinalStatus, isKnownStatus } from './messageStatus';
import {
	deriveMessageType,
	type MessageContent,
	messageTypeFromParam,
	type TwilioMessageType,
} from './messageType';
import { firstText } from './twilioParams';
import type { TwilioParams } from './twilioSignature';

/**
 * Turns the form parameters of a Twilio inbound-message webhook or message status callback into one
 * clean, JSON-serialisable item. Pure: plain data in, plain data out; never throws. Parameters are
 * those of Twilio's incoming message webhook reference
 * (https://www.twilio.com/docs/messaging/guides/webhook-request), its status callbacks, and what
 * contact-center products forward in the same form.
 */

export type { TwilioMessageType };

export type TwilioEventKind = 'message.received' | 'message.status';

export type TwilioMedia = { url: string; contentType: string; index: number };

export type TwilioLocation = {
	latitude: number | null;
	longitude: number | null;
	address: string | null;
	label: string | null;
};

export type TwilioButton = { text: string | null; payload: string | null };

export type TwilioReferral = {
	body: string | null;
	headline: string | null;
	sourceId: string | null;
	sourceType: string | null;
	sourceUrl: string | null;
	mediaId: string | null;
	mediaContentType: string | null;
	mediaUrl: string | null;
	ctwaClid: string | null;
	numMedia: number;
	media: TwilioMedia[];
	/** Referral* parameters Twilio adds later, named without `Referral`, first letter lower case. */
	[more: string]: string | number | null | TwilioMedia[];
};

export type TwilioReplyContext = {
	originalRepliedMessageSid: string | null;
	originalRepliedMessageSender: string | null;
};

export type TwilioMessageEvent = MessageFields & {
	/** `unknown` only when the parameters are no Twilio message webhook (see classifyTwilioEvent). */
	event: TwilioEventKind | 'unknown';
	type: TwilioMessageType;
	apiVersion: string | null;
	profileName: string | null;
	waId: string | null;
	/** The media files the request carries (media.length); warnings say when NumMedia differs. */
	numMedia: number;
	media: TwilioMedia[];
	location: TwilioLocation | null;
	button: TwilioButton | null;
	referral: TwilioReferral | null;
	context: TwilioReplyContext | null;
	forwarded: boolean;
	frequentlyForwarded: boolean;
	eventType: string | null;
	/** The carrier's delivery-receipt done date (YYMMDDhhmm, passed through without a zone: UTC). */
	rawDlrDoneDate: string | null;
	callbackQuery: Record<string, string>;
	raw: TwilioParams;
	warnings: string[];
};

const MEDIA_URL = 'MediaUrl';
const MEDIA_CONTENT_TYPE = 'MediaContentType';
const REFERRAL = 'Referral';
const REFERRAL_MEDIA_URL = 'ReferralMediaUrl';
const REFERRAL_MEDIA_CONTENT_TYPE = 'ReferralMediaContentType';
const INBOUND_STATUSES: ReadonlySet<string> = new Set(['received', 'receiving']);
const MEDIA_INDEX = /^(?:0|[1-9]\d{0,5})$/;
const UNSIGNED_INTEGER = /^\d{1,15}$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const DLR_DATE_FORMATS: Readonly<Record<number, string>> = { 10: 'yyMMddHHmm', 12: 'yyMMddHHmmss' };

const REFERRAL_FIELDS: Readonly<Record<string, string>> = {
	ReferralBody: 'body',
	ReferralHeadline: 'headline',
	ReferralSourceId: 'sourceId',
	ReferralSourceType: 'sourceType',
	ReferralSourceUrl: 'sourceUrl',
	ReferralMediaId: 'mediaId',
	ReferralMediaContentType: 'mediaContentType',
	ReferralMediaUrl: 'mediaUrl',
	ReferralCtwaClid: 'ctwaClid',
};

/** Reads parameters as single texts, noting in `warnings` (once a parameter) what it decided. */
class ParamReader {
	private readonly noted = new Set<string>();

	constructor(
		private readonly params: TwilioParams,
		readonly warnings: string[],
	) {}

	text(key: string): string | undefined {
		const value: unknown = this.params[key];
		if (value === undefined || typeof value === 'string') return value;
		if (Array.isArray(value)) {
			if (value.length > 1)
				this.note(key, `${key} was sent ${value.length} times; the first value is used.`);
			const first = firstText(value);
			if (first === undefined && value.length > 0)
				this.note(key, `${key} is not text; it is ignored.`);
			return first;
		}
		this.note(key, `${key} is not text; it is ignored.`);
		return undefined;
	}

	private note(key: string, warning: string): void {
		if (this.noted.has(key)) return;
		this.noted.add(key);
		this.warnings.push(warning);
	}

	/** Absent and empty are both null: Twilio sends empty values for fields that do not apply. */
	optional(key: string): string | null {
		const value = this.text(key);
		return value === undefined || value === '' ? null : value;
	}

	integer(key: string): number | null {
		const value = this.text(key);
		if (value === undefined || value === '') return null;
		const trimmed = value.trim();
		if (UNSIGNED_INTEGER.test(trimmed)) return Number(trimmed);
		this.warnings.push(
			`${key} is not a whole number (${JSON.stringify(value)}); it is set to null.`,
		);
		return null;
	}

	flag(key: string): boolean {
		const value = this.text(key);
		if (value === undefined || value === '') return false;
		const lower = value.trim().toLowerCase();
		if (lower === 'true' || lower === '1') return true;
		if (lower !== 'false' && lower !== '0') {
			this.warnings.push(
				`${key} is neither true nor false (${JSON.stringify(value)}); it is read as false.`,
			);
		}
		return false;
	}

	coordinate(key: string, limit: number): number | null {
		const value = this.text(key);
		if (value === undefined || value === '') return null;
		const trimmed = value.trim();
		const parsed = DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
		if (Number.isFinite(parsed) && Math.abs(parsed) <= limit) return parsed;
		this.warnings.push(
			`${key} is not a valid coordinate (${JSON.stringify(value)}); it is set to null.`,
		);
		return null;
	}
}

function has(params: TwilioParams, key: string): boolean {
	return params[key] !== undefined;
}

/**
 * What kind of Twilio message webhook these parameters are; undefined for none. Status callbacks
 * carry MessageStatus (older senders: only an outbound SmsStatus); inbound messages carry
 * SmsStatus=received/receiving, or an identifier and some content (some contact-center senders
 * send no SmsStatus).
 */
export function classifyTwilioEvent(params: TwilioParams): TwilioEventKind | undefined {
	const messageStatus = firstText(params.MessageStatus);
	if (messageStatus) return 'message.status';
	const smsStatus = firstText(params.SmsStatus)?.toLowerCase();
	if (smsStatus) {
		if (INBOUND_STATUSES.has(smsStatus)) return 'message.received';
		if (isKnownStatus(smsStatus)) return 'message.status';
	}
	const identified =
		has(params, 'MessageSid') ||
		has(params, 'SmsMessageSid') ||
		has(params, 'SmsSid') ||
		has(params, 'From');
	const withContent =
		has(params, 'Body') ||
		has(params, 'NumMedia') ||
		has(params, 'MediaUrl0') ||
		has(params, 'MessageType') ||
		has(params, 'Latitude') ||
		has(params, 'ButtonText') ||
		has(params, 'ButtonPayload');
	return identified && withContent ? 'message.received' : undefined;
}

/** The N of `${prefix}N`, for canonical non-negative indexes; undefined for anything else. */
function indexAfter(key: string, prefix: string): number | undefined {
	const suffix = key.slice(prefix.length);
	return MEDIA_INDEX.test(suffix) ? Number(suffix) : undefined;
}

/** Media from `${urlPrefix}N` / `${typePrefix}N`, in index order; those without a URL skipped. */
function indexedMedia(
	params: TwilioParams,
	keys: string[],
	urlPrefix: string,
	typePrefix: string,
): TwilioMedia[] {
	const media: TwilioMedia[] = [];
	for (const key of keys) {
		if (!key.startsWith(urlPrefix)) continue;
		const index = indexAfter(key, urlPrefix);
		if (index === undefined) continue;
		const url = firstText(params[key]);
		if (!url) continue;
		media.push({ url, contentType: firstText(params[typePrefix + index]) ?? '', index });
	}
	if (media.length > 1) media.sort((a, b) => a.index - b.index);
	return media;
}

/** The media of a message as sent: every non-empty MediaUrl{N} with its MediaContentType{N}. */
export function mediaOf(params: TwilioParams): TwilioMedia[] {
	return indexedMedia(params, Object.keys(params), MEDIA_URL, MEDIA_CONTENT_TYPE);
}

function party(
	reader: ParamReader,
	side: 'From' | 'To',
	address: string | null,
	plainChannel: string,
): MessageParty {
	return messageParty(address, plainChannel, {
		city: reader.optional(`${side}City`),
		state: reader.optional(`${side}State`),
		zip: reader.optional(`${side}Zip`),
		country: reader.optional(`${side}Country`),
	});
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

function referralOf(
	params: TwilioParams,
	reader: ParamReader,
	referralKeys: string[],
): TwilioReferral | null {
	const declaredMedia = reader.integer('ReferralNumMedia') ?? 0;
	// Twilio sends ReferralNumMedia=0 on every WhatsApp message; only a real field is an ad referral.
	const fromAd = referralKeys.some((key) => key !== 'ReferralNumMedia' && firstText(params[key]));
	if (!fromAd && declaredMedia === 0) return null;
	let media = indexedMedia(params, referralKeys, REFERRAL_MEDIA_URL, REFERRAL_MEDIA_CONTENT_TYPE);
	const singleUrl = reader.optional(REFERRAL_MEDIA_URL);
	if (media.length === 0 && singleUrl !== null) {
		media = [
			{ url: singleUrl, contentType: reader.optional(REFERRAL_MEDIA_CONTENT_TYPE) ?? '', index: 0 },
		];
	}
	const referral: TwilioReferral = {
		body: null,
		headline: null,
		sourceId: null,
		sourceType: null,
		sourceUrl: null,
		mediaId: null,
		mediaContentType: null,
		mediaUrl: null,
		ctwaClid: null,
		numMedia: Math.max(declaredMedia, media.length),
		media,
	};
	for (const key of referralKeys) {
		const known = REFERRAL_FIELDS[key];
		if (typeof known === 'string') {
			referral[known] = reader.optional(key);
			continue;
		}
		if (key === 'ReferralNumMedia' || indexAfter(key, REFERRAL_MEDIA_URL) !== undefined) continue;
		if (indexAfter(key, REFERRAL_MEDIA_CONTENT_TYPE) !== undefined) continue;
		const name = lowerFirst(key.slice(REFERRAL.length));
		if (name !== '' && !(name in referral)) referral[name] = reader.optional(key);
	}
	if (declaredMedia !== media.length && declaredMedia !== 0) {
		reader.warnings.push(
			`ReferralNumMedia is ${declaredMedia} but ${media.length} referral media URL(s) were sent.`,
		);
	}
	return referral;
}

function dlrDoneDate(reader: ParamReader): string | null {
	const value = reader.optional('RawDlrDoneDate');
	if (value === null) return null;
	const format = DLR_DATE_FORMATS[value.length];
	const date =
		typeof format === 'string' && UNSIGNED_INTEGER.test(value)
			? DateTime.fromFormat(value, format, { zone: 'utc' })
			: undefined;
	if (date?.isValid) return date.toISO();
	reader.warnings.push(
		`RawDlrDoneDate is not a YYMMDDhhmm date (${JSON.stringify(value)}); it is set to null.`,
	);
	return null;
}

/** One clean item for a Twilio message webhook or status callback; unknown parameters in `raw`. */
export function parseTwilioWebhook(
	params: TwilioParams,
	options?: { callbackQuery?: Record<string, string> },
): TwilioMessageEvent {
	const warnings: string[] = [];
	const reader = new ParamReader(params, warnings);
	const keys = Object.keys(params);
	const media = readMedia(params, keys, reader, warnings);
	const fromAddress = reader.optional('From');
	const toAddress = reader.optional('To');
	const plainChannel = media.length > 0 ? 'mms' : 'sms';
	const channel =
		channelPrefix(fromAddress) ??
		channelPrefix(toAddress) ??
		reader.optional('ChannelPrefix')?.toLowerCase() ??
		plainChannel;
	const { location, button, context } = readContentParts(params, reader);
	const body = reader.text('Body') ?? null;
	const type = readMessageType(reader, warnings, {
		hasLocation: location !== null,
		hasButton: button !== null,
		firstMediaContentType: media[0]?.contentType,
		body,
		isWhatsApp: channel === 'whatsapp',
	});
	const status = readStatus(reader, warnings);
	const errorCode = reader.integer('ErrorCode');

	return {
		event: classifyTwilioEvent(params) ?? 'unknown',
		channel,
		type,
		messageSid:
			reader.optional('MessageSid') ??
			reader.optional('SmsMessageSid') ??
			reader.optional('SmsSid'),
		accountSid: reader.optional('AccountSid'),
		messagingServiceSid: reader.optional('MessagingServiceSid'),
		apiVersion: reader.optional('ApiVersion'),
		from: party(reader, 'From', fromAddress, plainChannel),
		to: party(reader, 'To', toAddress, plainChannel),
		profileName: reader.optional('ProfileName'),
		waId: reader.optional('WaId'),
		body,
		numMedia: media.length,
		media,
		location,
		button,
		referral: referralOf(
			params,
			reader,
			keys.filter((key) => key.startsWith(REFERRAL)),
		),
		context,
		forwarded: reader.flag('Forwarded'),
		frequentlyForwarded: reader.flag('FrequentlyForwarded'),
		numSegments: reader.integer('NumSegments'),
		status,
		isFinal: isFinalStatus(status),
		isFailed: isFailedMessage(status, errorCode),
		...messageError(
			errorCode,
			reader.optional('ErrorMessage') ?? reader.optional('ChannelStatusMessage'),
		),
		eventType: reader.optional('EventType'),
		rawDlrDoneDate: dlrDoneDate(reader),
		callbackQuery: { ...options?.callbackQuery },
		raw: rawCopy(params, keys),
		warnings,
	};
}

/** The media URLs present, with a warning where NumMedia or a content type disagrees. */
function readMedia(
	params: TwilioParams,
	keys: string[],
	reader: ParamReader,
	warnings: string[],
): TwilioMedia[] {
	const media = indexedMedia(params, keys, MEDIA_URL, MEDIA_CONTENT_TYPE);
	const declaredMedia = reader.integer('NumMedia');
	if (declaredMedia !== null && declaredMedia !== media.length) {
		warnings.push(
			`NumMedia is ${declaredMedia} but ${media.length} media URL(s) were sent; the URLs present are used.`,
		);
	}
	for (const item of media) {
		if (item.contentType === '')
			warnings.push(`MediaContentType${item.index} is missing for MediaUrl${item.index}.`);
	}
	return media;
}

/** The location, button and replied-to message, each null when its parameters are absent. */
function readContentParts(
	params: TwilioParams,
	reader: ParamReader,
): {
	location: TwilioLocation | null;
	button: TwilioButton | null;
	context: TwilioReplyContext | null;
} {
	const hasLocation =
		has(params, 'Latitude') ||
		has(params, 'Longitude') ||
		has(params, 'Address') ||
		has(params, 'Label');
	const location: TwilioLocation | null = hasLocation
		? {
				latitude: reader.coordinate('Latitude', 90),
				longitude: reader.coordinate('Longitude', 180),
				address: reader.optional('Address'),
				label: reader.optional('Label'),
			}
		: null;
	const button: TwilioButton | null =
		has(params, 'ButtonText') || has(params, 'ButtonPayload')
			? { text: reader.optional('ButtonText'), payload: reader.optional('ButtonPayload') }
			: null;
	const context: TwilioReplyContext | null =
		has(params, 'OriginalRepliedMessageSid') || has(params, 'OriginalRepliedMessageSender')
			? {
					originalRepliedMessageSid: reader.optional('OriginalRepliedMessageSid'),
					originalRepliedMessageSender: reader.optional('OriginalRepliedMessageSender'),
				}
			: null;
	return { location, button, context };
}

/** Twilio's MessageType when it is a known one, else the type the content shows. */
function readMessageType(
	reader: ParamReader,
	warnings: string[],
	content: MessageContent,
): TwilioMessageType {
	const declaredType = reader.optional('MessageType');
	const type = declaredType === null ? undefined : messageTypeFromParam(declaredType);
	if (declaredType !== null && type === undefined) {
		warnings.push(
			`MessageType ${JSON.stringify(declaredType)} is not a known type; the type is derived from the content.`,
		);
	}
	return type ?? deriveMessageType(content);
}

/** MessageStatus (or SmsStatus) in lower case; a status Twilio does not document is warned of. */
function readStatus(reader: ParamReader, warnings: string[]): string | null {
	const status =
		(reader.optional('MessageStatus') ?? reader.optional('SmsStatus'))?.toLowerCase() ?? null;
	if (status !== null && !isKnownStatus(status))
		warnings.push(`Status ${JSON.stringify(status)} is not a known Twilio status.`);
	return status;
}

/** Every parameter as received; arrays copied, so changes to the item never reach the request. */
function rawCopy(params: TwilioParams, keys: string[]): TwilioParams {
	const raw: TwilioParams = {};
	for (const key of keys) {
		const value = params[key];
		const copy = Array.isArray(value) ? value.slice() : value;
		// A plain assignment to __proto__ would replace the prototype instead of keeping the parameter.
		if (key === '__proto__')
			Object.defineProperty(raw, key, {
				value: copy,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		else raw[key] = copy;
	}
	return raw;
}
