/**
 * Message status values Twilio reports (the Message resource's `status`, a callback's MessageStatus
 * or SmsStatus). Source: Twilio's Message resource "status values" and its outbound status callback
 * guide.
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

export type MessageStatus = (typeof STATUS_VALUES)[number];

const KNOWN_STATUSES: ReadonlySet<string> = new Set(STATUS_VALUES);

/**
 * Statuses that end a message's delivery: Twilio reports no further delivery progress after them. A
 * WhatsApp or RCS `delivered` message may still be followed by `read`, but delivery itself is
 * settled.
 */
export const FINAL_STATUSES: ReadonlySet<string> = new Set<MessageStatus>([
	'delivered',
	'undelivered',
	'failed',
	'read',
	'canceled',
	'received',
	'partially_delivered',
]);

/** Final statuses of a message that did not, and never will, reach the recipient. */
export const FAILURE_STATUSES: ReadonlySet<string> = new Set<MessageStatus>([
	'undelivered',
	'failed',
	'canceled',
]);

export function isKnownStatus(status: string): status is MessageStatus {
	return KNOWN_STATUSES.has(status);
}

export function isFinalStatus(status: string | null): boolean {
	return status !== null && FINAL_STATUSES.has(status);
}

/** A failure status, or any status that came with a Twilio error code. */
export function isFailedMessage(status: string | null, errorCode: number | null): boolean {
	return (
		(status !== null && FAILURE_STATUSES.has(status)) || (errorCode !== null && errorCode !== 0)
	);
}
