import type { INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

export type WebhookResponse = ReturnType<IWebhookFunctions['getResponseObject']>;

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Writes a whole HTTP answer from inside webhook(), for requests that start no execution
 * (rejections, requests the node answers without running the workflow) and for Twilio's status
 * callbacks to Send and Wait. The returned `noWebhookResponse` makes n8n send nothing more.
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

/**
 * Starts an execution and has n8n send `body` once it has stored it (in "onReceived" mode with an
 * empty `responseData`: docs/n8n-behaviour.md, "Trigger answers and stored executions"), so a
 * caller that got this answer can rely on the execution existing, also after a crash of n8n.
 */
export function answerOnceStored(
	res: WebhookResponse,
	contentType: string,
	body: string | object,
	workflowData: INodeExecutionData[][],
): IWebhookResponseData {
	res.setHeader('content-type', contentType);
	return { workflowData, webhookResponse: body };
}
