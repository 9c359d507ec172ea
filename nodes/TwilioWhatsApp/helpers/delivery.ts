import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { twilioErrorCodeInfo } from '../../shared/errorCodes';
import { firstText } from '../../shared/twilioParams';
import type { TwilioParams } from '../../shared/twilioSignature';
import type { MessageOutput } from './messageOutput';
import { numberOrNull } from './messageOutput';

/**
 * Rules of the "Send and Wait for Delivery Status" operation that need no n8n context.
 */

/** How far a message must get before the execution resumes; failures always resume. */
export type WaitUntil = 'sent' | 'delivered' | 'read';

// Statuses a message passes on its way; a later one implies the earlier ones (Twilio's callbacks can arrive out of order).
const PROGRESS: Record<string, number> = { sent: 1, delivered: 2, partially_delivered: 2, read: 3 };
/** Statuses after which the message goes no further. */
export const FAILED_STATUSES: ReadonlySet<string> = new Set(['undelivered', 'failed', 'canceled']);

export function resumesOn(status: string, waitUntil: WaitUntil): boolean {
	if (FAILED_STATUSES.has(status)) return true;
	const reached = PROGRESS[status];
	return reached !== undefined && reached >= PROGRESS[waitUntil];
}

/**
 * Query parameter of the resume URL that names the wait it belongs to. Inside a loop the same node waits
 * once per round on the same signed resume URL path, and a late callback of an earlier message (a WhatsApp
 * `read` after `delivered`) would otherwise resume the wrong round.
 */
export const WAIT_KEY_PARAM = 'twilioWait';

/**
 * What tells one round from the next: the node's input source (previous node, its output, its run). Both the
 * sending run and the waiting webhook can read it from n8n's execution data, so no state is stored anywhere.
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

/** A parameter's text; null when absent or empty, as the other output fields. */
function first(value: string | string[] | undefined): string | null {
	return firstText(value) || null;
}

export function callbackStatus(params: TwilioParams): string | null {
	return first(params.MessageStatus) ?? first(params.SmsStatus);
}

/** The status callback that ended the wait, as the node's output item. */
export function deliveryOutput(params: TwilioParams, receivedAt: Date): IDataObject {
	const errorCode = numberOrNull(first(params.ErrorCode));
	const info = errorCode === null ? undefined : twilioErrorCodeInfo(errorCode);
	const status = callbackStatus(params);
	return {
		sid: first(params.MessageSid) ?? first(params.SmsSid),
		status,
		failed: FAILED_STATUSES.has(status ?? ''),
		to: first(params.To),
		from: first(params.From),
		errorCode,
		errorMessage: first(params.ErrorMessage) ?? first(params.ChannelStatusMessage),
		errorMeaning: info?.meaning ?? null,
		hint: info?.hint ?? null,
		messagingServiceSid: first(params.MessagingServiceSid),
		accountSid: first(params.AccountSid),
		statusCallbackReceived: true,
		statusReported: true,
		receivedAt: receivedAt.toISOString(),
		callback: params,
	};
}

/**
 * The message as read from Twilio's API when it had reached the awaited status before the execution waited,
 * with the fields a status callback would have given. `statusReported` is on every item that ends the wait
 * with a status, and absent when the time limit ends it (n8n then passes the node's input item on).
 */
export function lookupOutput(message: MessageOutput): IDataObject {
	const info = message.errorCode === null ? undefined : twilioErrorCodeInfo(message.errorCode);
	return {
		...message,
		failed: FAILED_STATUSES.has(message.status ?? ''),
		hint: info?.hint ?? null,
		statusCallbackReceived: false,
		statusReported: true,
	};
}

/**
 * Execution custom data key holding the SID of the message a Send and Wait execution waits for: when the time
 * limit ends the wait, n8n does not call the node again, so `$execution.customData.get('twilioMessageSid')` in a
 * Code node is how the workflow still finds the message (n8n 2.41's default expression engine cannot call
 * customData.get in an expression). The executions list shows it as the execution's custom data.
 */
export const MESSAGE_SID_CUSTOM_DATA_KEY = 'twilioMessageSid';
