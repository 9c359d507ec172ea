import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { twilioErrorDetailsOf } from '../shared/transport';
import { MESSAGE_SID_PATTERN, showTypingIndicator } from '../shared/typingIndicator';

// The indicator only helps while the reply is being prepared: a refused or slow call is not
// repeated.
const NO_RETRY = { maxRetries: 0, baseDelayMs: 0 };

function noteNotShown(json: IDataObject, warning: string): void {
	json.typingIndicator = false;
	json.warnings = [...(Array.isArray(json.warnings) ? (json.warnings as string[]) : []), warning];
}

/**
 * "Show Typing Indicator on Inbound Messages": runs in the execution, after n8n has stored it and
 * answered Twilio, so Twilio never waits for this call and its failure never fails the request.
 * Each inbound message item gets `typingIndicator` (whether Twilio accepted it) and, when it did
 * not, a warning.
 */
export async function showTypingIndicators(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<void> {
	for (const { json } of items) {
		if (json.event !== 'message.received') continue;
		const sid = json.messageSid;
		if (json.channel !== 'whatsapp') {
			noteNotShown(
				json,
				`No typing indicator: Twilio shows one only for WhatsApp messages, and this one came by ${String(json.channel)}.`,
			);
			continue;
		}
		if (typeof sid !== 'string' || !MESSAGE_SID_PATTERN.test(sid)) {
			noteNotShown(json, 'No typing indicator: the message has no Twilio message SID.');
			continue;
		}
		try {
			await showTypingIndicator.call(ctx, sid, { retry: NO_RETRY });
			json.typingIndicator = true;
		} catch (error) {
			const { message } = twilioErrorDetailsOf(error);
			ctx.logger.warn(`Twilio Trigger: typing indicator for ${sid} not shown: ${message}`);
			noteNotShown(json, `Typing indicator not shown: ${message}`);
		}
	}
}
