import { NodeApiError } from 'n8n-workflow';

import type { TwilioContext, TwilioRequest } from './transport';
import { twilioApiRequest, twilioErrorDetailsOf } from './transport';

/** Twilio's typing indicator (public beta), on messaging.twilio.com. */
export const TYPING_INDICATOR_PATH = '/v2/Indicators/Typing.json';

export const MESSAGE_SID_PATTERN = /^(SM|MM)[0-9a-fA-F]{32}$/;

const REFUSED_HINT =
	'Twilio shows a typing indicator only for an inbound WhatsApp message that this account received (SM… or MM…): not for SMS or MMS messages, and not for messages you sent.';

/**
 * Marks an inbound WhatsApp message as read and shows "typing…" to its sender until the reply is
 * delivered or 25 seconds pass. Twilio refuses other messages with HTTP 400 and a terse message of
 * its own.
 */
export async function showTypingIndicator(
	this: TwilioContext,
	messageSid: string,
	options: Pick<TwilioRequest, 'itemIndex' | 'retry' | 'credentials'> = {},
): Promise<void> {
	try {
		await twilioApiRequest.call(this, {
			method: 'POST',
			product: 'messaging',
			path: TYPING_INDICATOR_PATH,
			form: { channel: 'whatsapp', messageId: messageSid },
			...options,
		});
	} catch (error) {
		throw withRefusalHint(error);
	}
}

/**
 * Twilio's refusal (HTTP 400) with a hint that says which messages qualify; other errors unchanged.
 */
function withRefusalHint(error: unknown): unknown {
	const details = twilioErrorDetailsOf(error);
	if (error instanceof NodeApiError && details.kind === 'api' && details.httpStatus === 400) {
		details.hint = REFUSED_HINT;
		error.description = [REFUSED_HINT, error.description].filter(Boolean).join(' ');
	}
	return error;
}
