import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

export type WebhookResponse = ReturnType<IWebhookFunctions['getResponseObject']>;

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Writes a whole HTTP answer from inside webhook(). The returned `noWebhookResponse` makes n8n send nothing
 * more; add `workflowData` to it to start an execution as well. Nodes answer themselves where n8n's own
 * answer would come too late (after n8n stored the execution) or in the wrong shape (TwiML, TimelinesAI's
 * JSON, plain text for Twilio's callback log).
 */
export function writeAnswer(
	res: WebhookResponse,
	status: number,
	contentType: string,
	body: string,
	headers: Record<string, string> = {},
): IWebhookResponseData {
	res.writeHead(status, { ...headers, 'content-type': contentType });
	res.end(body);
	return { noWebhookResponse: true };
}

export function writeJsonAnswer(
	res: WebhookResponse,
	status: number,
	body: object,
	headers?: Record<string, string>,
): IWebhookResponseData {
	return writeAnswer(res, status, JSON_CONTENT_TYPE, JSON.stringify(body), headers);
}
