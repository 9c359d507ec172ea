import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { twilioErrorCodeInfo } from '../../shared/errorCodes';
import type { TwilioMessageEvent } from '../../shared/messageEvent';
import { parseTwilioWebhook } from '../../shared/messageEvent';
import { FAILURE_STATUSES } from '../../shared/messageStatus';
import { firstText } from '../../shared/twilioParams';
import type { TwilioParams } from '../../shared/twilioSignature';
import type { MessageOutput } from './messageOutput';

/**
 * Rules of the "Send and Wait for Delivery Status" operation that need no n8n context.
 */

/** How far a message must get before the execution resumes; failures always resume. */
export type WaitUntil = 'sent' | 'delivered' | 'read';

// Statuses a message passes on its way; a later one implies the earlier ones (Twilio's callbacks
// can arrive out of order).
const PROGRESS: Record<string, number> = { sent: 1, delivered: 2, partially_delivered: 2, read: 3 };

export function resumesOn(status: string, waitUntil: WaitUntil): boolean {
	if (FAILURE_STATUSES.has(status)) return true;
	const reached = PROGRESS[status];
	return reached !== undefined && reached >= PROGRESS[waitUntil];
}

/**
 * Query parameter of the resume URL that names the wait it belongs to. Inside a loop the same node
 * waits once per round on the same signed resume URL path, and a late callback of an earlier
 * message (a WhatsApp `read` after `delivered`) would otherwise resume the wrong round.
 */
export const WAIT_KEY_PARAM = 'twilioWait';

/**
 * What tells one round from the next: the node's input source (previous node, its output, its run).
 * Both the sending run and the waiting webhook can read it from n8n's execution data, so no state
 * is stored anywhere.
 */
export const WAIT_ROUND_EXPRESSION =
	'{{ [$prevNode.name, $prevNode.outputIndex, $prevNode.runIndex].join("|") }}';

export function waitKey(round: unknown): string {
	return createHash('sha256').update(String(round)).digest('base64url').slice(0, 16);
}

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
export type WaitUnit = keyof typeof UNIT_MS;

/** The moment the wait ends without a final status; undefined when the amount is not positive. */
export function waitDeadline(amount: number, unit: WaitUnit, now: number): Date | undefined {
	if (!Number.isFinite(amount) || amount <= 0) return undefined;
	return new Date(now + amount * UNIT_MS[unit]);
}

export function callbackStatus(params: TwilioParams): string | null {
	return (
		(firstText(params.MessageStatus) || firstText(params.SmsStatus) || null)?.toLowerCase() ?? null
	);
}

/** What Send and Wait adds to the message fields of the item that ends its wait with a status. */
export type DeliveryReport = {
	/** Always true: the time limit ends the wait with the node's input item instead. */
	statusReported: true;
	/** Whether a status callback ended the wait, or the read of the message just before waiting. */
	statusCallbackReceived: boolean;
};

/** The status callback that ended the wait, parsed as the Twilio Trigger parses it. */
export function deliveryOutput(
	params: TwilioParams,
	receivedAt: Date,
): TwilioMessageEvent & DeliveryReport & { receivedAt: string } {
	return {
		...parseTwilioWebhook(params),
		statusCallbackReceived: true,
		statusReported: true,
		receivedAt: receivedAt.toISOString(),
	};
}

/**
 * The message as read from Twilio's API when it had reached the awaited status before the execution
 * waited.
 */
export function lookupOutput(message: MessageOutput): MessageOutput & DeliveryReport {
	return { ...message, statusCallbackReceived: false, statusReported: true };
}

/**
 * Execution custom data key holding the SID of the message a Send and Wait execution waits for:
 * when the time limit ends the wait, n8n does not call the node again, so
 * `$execution.customData.get('twilioMessageSid')` in a Code node is how the workflow still finds
 * the message (n8n 2.41's default expression engine cannot call customData.get in an expression).
 * The executions list shows it as the execution's custom data.
 */
export const MESSAGE_SID_CUSTOM_DATA_KEY = 'twilioMessageSid';

/**
 * WhatsApp's error for a free-form message to a customer who has not written in the last 24 hours.
 */
export const OUTSIDE_WINDOW_ERROR_CODE = 63016;

/**
 * Query parameter of the resume URL a fallback template reports to: the SID of the message it
 * replaces.
 */
export const REPLACED_SID_PARAM = 'twilioReplaces';

export function endedOutsideWindow(status: string | null, errorCode: number | null): boolean {
	return (
		(status === 'failed' || status === 'undelivered') && errorCode === OUTSIDE_WINDOW_ERROR_CODE
	);
}

/** The fields that say a fallback template replaced the free-form message, and why. */
export function fallbackUsedFields(replacedSid: string): IDataObject {
	const meaning = twilioErrorCodeInfo(OUTSIDE_WINDOW_ERROR_CODE)?.meaning ?? '';
	return {
		fallbackUsed: true,
		fallbackReason: `WhatsApp refused the free-form message ${replacedSid} with error ${OUTSIDE_WINDOW_ERROR_CODE}. ${meaning}.`,
		replacedMessageSid: replacedSid,
	};
}
