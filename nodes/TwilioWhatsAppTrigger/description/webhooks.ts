import type { IWebhookDescription } from 'n8n-workflow';

import { fieldsOfParameters } from '../../shared/webhookDescription';

/**
 * The trigger's webhook descriptions, designed for n8n 2.x's request path.
 *
 * Per request, n8n reads these description fields (packages/cli/src/webhooks: live-webhooks.ts →
 * WebhookService.getNodeWebhooks: path, isFullPath, restartWebhook, httpMethod; webhook-helpers.ts →
 * evaluateResponseOptions: responseMode, responseCode, responseData, responsePropertyName,
 * responseContentType, responseBinaryPropertyName; responseHeaders when declared; responseData again
 * when it answers in onReceived mode). A field holding an `={{…}}` template costs an evaluation by the
 * expression engine each time, which under n8n 2.x's default engine runs inside a V8 isolate. So every
 * field here is a plain value, except responseMode and responseData, which depend on the "Respond"
 * parameter: they carry
 * n8n's native resolver (`webhookDescriptionFields`), which n8n 2.41+ calls instead of the engine whenever
 * the node's parameters hold no expression (resolveWebhookDescriptionField). Older n8n versions evaluate
 * the identical template.
 *
 * What a community trigger cannot avoid: live-webhooks.ts acquires an expression isolate for every
 * request whose start node is not n8n's own Webhook node, before the node runs; with the default eager
 * acquisition that is one isolate created and disposed per request (N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE
 * =true makes it free unless something is evaluated). And for nodes of typeVersion 1, webhook-helpers.ts
 * (parseRequestBody) evaluates `$parameter["options"]["binaryData"]` through the engine on every
 * request, which is why this node starts at version 2.
 */

// "With TwiML From the Last Node" answers with the last node's first item. In the immediate modes the
// empty value makes n8n send the node's own `webhookResponse`, once it has stored the execution.
const fields = fieldsOfParameters({
	responseMode: (parameters) =>
		parameters.respond === 'lastNode' || parameters.respond === 'responseNode'
			? parameters.respond
			: 'onReceived',
	responseData: (parameters) => (parameters.respond === 'lastNode' ? 'firstEntryJson' : ''),
});

/** POST and GET on the same path, as Twilio can be told to use either. */
export const TRIGGER_WEBHOOKS: IWebhookDescription[] = (['POST', 'GET'] as const).map(
	(httpMethod) => ({
		name: 'default',
		httpMethod,
		path: 'twilio',
		// Used in "Respond: With TwiML From the Last Node" only.
		responsePropertyName: 'twiml',
		responseContentType: 'text/xml',
		...fields,
	}),
);
