/**
 * Message status values Twilio reports (MessageStatus / SmsStatus). Sources: Twilio's Message resource
 * "status values" and "Outbound Message Status in Status Callbacks" guide.
 */
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

const KNOWN_STATUSES: ReadonlySet<string> = new Set(STATUS_VALUES);

/**
 * Statuses that end a message's delivery: Twilio reports no further delivery progress after them. A WhatsApp
 * or RCS `delivered` message may still be followed by `read`, but delivery itself is settled, so a workflow
 * waiting for the outcome of a send stops there.
 */
export const FINAL_STATUSES: ReadonlySet<string> = new Set<TwilioMessageStatus>([
	'delivered',
	'undelivered',
	'failed',
	'read',
	'canceled',
	'received',
	'partially_delivered',
]);

/** Statuses that mean the message did not reach the recipient. */
export const ERROR_STATUSES: ReadonlySet<string> = new Set<TwilioMessageStatus>([
	'undelivered',
	'failed',
]);

export function isKnownStatus(status: string): status is TwilioMessageStatus {
	return KNOWN_STATUSES.has(status);
}
