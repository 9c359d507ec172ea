import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CachedCredentials } from '../shared/credentialCache';
import { cachedCredentials, withFreshCredentialsIfRefused } from '../shared/credentialCache';
import { TWILIO_CREDENTIAL_TYPE } from '../shared/credentials';
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
 * Shows the indicator with the credential this process keeps, once more with the credential read
 * afresh when Twilio refuses the kept one (a rotated Auth Token). Returns the error when it is not
 * shown.
 */
async function typingIndicatorError(ctx: IExecuteFunctions, sid: string): Promise<unknown> {
	const attempt = async (credentials: CachedCredentials) => {
		try {
			await showTypingIndicator.call(ctx, sid, { retry: NO_RETRY, credentials: credentials.data });
			return undefined;
		} catch (error) {
			return error;
		}
	};
	try {
		const kept = await cachedCredentials(ctx, TWILIO_CREDENTIAL_TYPE);
		return await withFreshCredentialsIfRefused(
			kept,
			attempt,
			(error) => error !== undefined && twilioErrorDetailsOf(error).httpStatus === 401,
		);
	} catch (error) {
		return error;
	}
}

/**
 * "Show Typing Indicator on Inbound Messages": runs in the execution, after n8n has stored it and
 * answered Twilio, so Twilio never waits for this call and its failure never fails the request.
 * Each inbound message item gets `typingIndicator` (whether Twilio accepted it) and, when it did
 * not, a warning. The credential comes from the per-process cache: reading it through n8n costs
 * more than the call itself.
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
		const error = await typingIndicatorError(ctx, sid);
		if (error === undefined) {
			json.typingIndicator = true;
		} else {
			const { message } = twilioErrorDetailsOf(error);
			ctx.logger.warn(`Twilio Trigger: typing indicator for ${sid} not shown: ${message}`);
			noteNotShown(json, `Typing indicator not shown: ${message}`);
		}
	}
}
