import type { IWebhookDescription } from 'n8n-workflow';

import { fieldsOfParameters } from '../../shared/webhookDescription';

/**
 * The trigger's webhook descriptions: plain values, except responseMode and responseData, which
 * carry native resolvers, so n8n evaluates no expression per request; the node starts at version 2
 * for the same reason. Why: docs/n8n-behaviour.md, "A trigger's webhook description".
 */

// "With TwiML From the Last Node" answers with the last node's first item. In the immediate modes
// the empty value makes n8n send the node's own `webhookResponse`, once it has stored the
// execution.
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
