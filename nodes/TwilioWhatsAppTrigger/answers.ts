import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { BASIC_AUTH_CHALLENGE } from '../shared/basicAuth';
import { EMPTY_TWIML, TWIML_CONTENT_TYPE } from './twiml';

/**
 * Answers the node writes itself, for requests that start no execution. Each writes the whole response
 * and returns `noWebhookResponse`, which makes n8n send nothing more (webhook-request-handler.ts) and
 * skip starting a workflow (webhook-helpers.ts returns before WorkflowRunner.run without workflowData).
 */

type Response = ReturnType<IWebhookFunctions['getResponseObject']>;

function send(res: Response, status: number, contentType: string, body: string, headers: Record<string, string> = {}): IWebhookResponseData {
	res.status(status);
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	res.setHeader('content-type', contentType);
	res.send(body);
	return { noWebhookResponse: true };
}

/** 200 with TwiML (empty unless given): Twilio treats the delivery as done and does not retry it. */
export function acknowledgeWithoutExecution(res: Response, twiml = EMPTY_TWIML): IWebhookResponseData {
	return send(res, 200, TWIML_CONTENT_TYPE, twiml);
}

export function rejectUnauthorized(res: Response): IWebhookResponseData {
	// Twilio sends the user and password from the URL only after a 401 that names the scheme.
	return send(res, 401, 'application/json; charset=utf-8', JSON.stringify({ error: 'unauthorized', message: 'Basic auth user or password missing or wrong.' }), {
		'WWW-Authenticate': BASIC_AUTH_CHALLENGE,
	});
}

export function rejectForbidden(res: Response): IWebhookResponseData {
	return send(
		res,
		403,
		'application/json; charset=utf-8',
		JSON.stringify({
			error: 'invalid_signature',
			message:
				"X-Twilio-Signature missing or not valid for this URL. If n8n is behind a proxy, set the trigger's Public URL option to the URL configured in Twilio.",
		}),
	);
}
