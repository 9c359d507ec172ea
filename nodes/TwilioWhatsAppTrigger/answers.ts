import type { INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';

import { BASIC_AUTH_CHALLENGE } from '../shared/basicAuth';
import type { WebhookResponse } from '../shared/webhookAnswer';
import { answerOnceStored, writeAnswer, writeJsonAnswer } from '../shared/webhookAnswer';
import { EMPTY_TWIML, TWIML_CONTENT_TYPE } from './twiml';

/**
 * The trigger's answers. A request that starts no execution is answered by the node itself
 * (`noWebhookResponse`); one that starts an execution is answered by n8n with the node's TwiML once
 * the execution is stored, so Twilio's 200 means that n8n has the message (docs/n8n-behaviour.md).
 */

/** 200 with empty TwiML: Twilio treats the delivery as done and does not retry it. */
export function acknowledgeWithoutExecution(res: WebhookResponse): IWebhookResponseData {
	return writeAnswer(res, 200, TWIML_CONTENT_TYPE, EMPTY_TWIML);
}

/** The execution to start, and 200 with TwiML once n8n has stored it. */
export function acceptOnceStored(
	res: WebhookResponse,
	twiml: string,
	workflowData: INodeExecutionData[][],
): IWebhookResponseData {
	return answerOnceStored(res, TWIML_CONTENT_TYPE, twiml, workflowData);
}

export function rejectUnauthorized(res: WebhookResponse): IWebhookResponseData {
	// Twilio sends the user and password from the URL only after a 401 that names the scheme.
	return writeJsonAnswer(
		res,
		401,
		{ error: 'unauthorized', message: 'Basic auth user or password missing or wrong.' },
		{ 'WWW-Authenticate': BASIC_AUTH_CHALLENGE },
	);
}

export function rejectForbidden(res: WebhookResponse): IWebhookResponseData {
	return writeJsonAnswer(res, 403, {
		error: 'invalid_signature',
		message:
			"X-Twilio-Signature missing or not valid for this URL. If n8n is behind a proxy, set the trigger's Public URL option to the URL configured in Twilio.",
	});
}
