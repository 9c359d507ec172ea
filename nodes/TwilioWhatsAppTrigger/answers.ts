import type { INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';

import { BASIC_AUTH_CHALLENGE } from '../shared/basicAuth';
import type { WebhookResponse } from '../shared/webhookAnswer';
import { writeAnswer, writeJsonAnswer } from '../shared/webhookAnswer';
import { EMPTY_TWIML, TWIML_CONTENT_TYPE } from './twiml';

/**
 * Answers the node writes itself. Each writes the whole response and returns `noWebhookResponse`, which
 * makes n8n send nothing more (webhook-request-handler.ts); without `workflowData` n8n also starts no
 * execution (webhook-helpers.ts returns before WorkflowRunner.run).
 *
 * Why the node answers accepted requests itself too, instead of handing its TwiML to n8n as
 * `webhookResponse`: n8n 2.41 saves the static data a webhook changed (here the duplicate-delivery log)
 * from the callback that delivers the answer, and that save only happens if the callback runs before n8n
 * sets up the execution, which resets the static data's "changed" flag (ObservableObject.create in every
 * new Workflow over the same object). With `noWebhookResponse` the callback runs before; with
 * `webhookResponse` in onReceived mode it runs after, and the log would be lost from the second request on.
 * The price: Twilio has its 200 before n8n has stored the execution.
 */

/** 200 with TwiML (empty unless given): Twilio treats the delivery as done and does not retry it. */
export function acknowledgeWithoutExecution(
	res: WebhookResponse,
	twiml = EMPTY_TWIML,
): IWebhookResponseData {
	return writeAnswer(res, 200, TWIML_CONTENT_TYPE, twiml);
}

/** 200 with TwiML, and the execution to start. */
export function acceptWithTwiml(
	res: WebhookResponse,
	twiml: string,
	workflowData: INodeExecutionData[][],
): IWebhookResponseData {
	return { ...writeAnswer(res, 200, TWIML_CONTENT_TYPE, twiml), workflowData };
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
