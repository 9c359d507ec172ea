import type { TwilioParams } from '../shared/twilioSignature';

/**
 * Turns the form parameters of a Twilio inbound-message webhook or message status callback into one clean,
 * JSON-serialisable item. Pure: plain data in, plain data out. API skeleton: implementation in progress.
 */

export type TwilioEventKind = 'message.received' | 'message.status';

export type TwilioMessageType =
	| 'text'
	| 'image'
	| 'audio'
	| 'video'
	| 'document'
	| 'sticker'
	| 'location'
	| 'button'
	| 'interactive'
	| 'contacts'
	| 'reaction'
	| 'unknown';

export const STATUS_VALUES = [
	'accepted',
	'scheduled',
	'queued',
	'sending',
	'sent',
	'delivered',
	'undelivered',
	'failed',
	'receiving',
	'received',
	'read',
	'canceled',
	'partially_delivered',
] as const;
export type TwilioMessageStatus = (typeof STATUS_VALUES)[number];

/** Statuses after which Twilio sends no further callback for the message. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['delivered', 'undelivered', 'failed', 'read', 'canceled', 'received']);

export interface TwilioParty {
	address: string | null;
	number: string | null;
	channel: string;
	city: string | null;
	state: string | null;
	zip: string | null;
	country: string | null;
}

export interface TwilioMedia {
	url: string;
	contentType: string;
	index: number;
}

export interface TwilioMessageEvent {
	event: TwilioEventKind | 'unknown';
	channel: string;
	messageSid: string | null;
	accountSid: string | null;
	messagingServiceSid: string | null;
	apiVersion: string | null;
	from: TwilioParty;
	to: TwilioParty;
	profileName: string | null;
	waId: string | null;
	body: string | null;
	type: TwilioMessageType;
	numMedia: number;
	media: TwilioMedia[];
	location: { latitude: number | null; longitude: number | null; address: string | null; label: string | null } | null;
	button: { text: string | null; payload: string | null } | null;
	referral: Record<string, unknown> | null;
	context: { originalRepliedMessageSid: string | null; originalRepliedMessageSender: string | null } | null;
	forwarded: boolean;
	frequentlyForwarded: boolean;
	numSegments: number | null;
	status: string | null;
	isFinal: boolean;
	isError: boolean;
	errorCode: number | null;
	errorMessage: string | null;
	eventType: string | null;
	rawDlrDoneDate: string | null;
	callbackQuery: Record<string, string>;
	raw: TwilioParams;
	warnings: string[];
}

export function classifyTwilioEvent(params: TwilioParams): TwilioEventKind | undefined {
	if (params.MessageStatus !== undefined) return 'message.status';
	return undefined;
}

export function mediaOf(_params: TwilioParams): TwilioMedia[] {
	return [];
}

export function parseTwilioWebhook(
	_params: TwilioParams,
	_options?: { callbackQuery?: Record<string, string> },
): TwilioMessageEvent {
	throw new Error('not implemented yet');
}
