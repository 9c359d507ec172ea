import type { INodeParameters, IWebhookDescription, NodeParameterValueType } from 'n8n-workflow';
import { fromFunction, webhookDescriptionFields } from 'n8n-workflow';

/** Self-contained: n8n before 2.41 inlines its source into an expression (see below). */
export type FieldOfParameters = (parameters: INodeParameters) => NodeParameterValueType;

/**
 * Webhook description fields that depend on the node's parameters, without costing an expression
 * evaluation per request: n8n 2.41+ calls the function itself (n8n-workflow's native resolvers),
 * and older n8n evaluates the same function as an expression. docs/n8n-behaviour.md says why it
 * matters.
 */
export function fieldsOfParameters(
	fields: Partial<Record<keyof IWebhookDescription, FieldOfParameters>>,
): Partial<IWebhookDescription> {
	const entries = Object.entries(fields) as Array<[string, FieldOfParameters]>;
	if (typeof webhookDescriptionFields === 'function' && typeof fromFunction === 'function') {
		return webhookDescriptionFields(
			Object.fromEntries(entries.map(([name, field]) => [name, fromFunction(field)])),
		) as Partial<IWebhookDescription>;
	}
	return Object.fromEntries(
		entries.map(([name, field]) => [name, `={{(${String(field)})($parameter)}}`]),
	);
}
