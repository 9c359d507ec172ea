import type { TwilioParams } from './twilioSignature';

/**
 * Reading Twilio's webhook parameters (inbound messages, status callbacks) as n8n hands them over.
 * Pure.
 */

function asText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value === null || value === undefined) return '';
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/**
 * Form or JSON body as Twilio parameters: repeated keys stay arrays, nested JSON becomes its text.
 */
export function paramsFromBody(body: unknown): TwilioParams {
	const params: TwilioParams = {};
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return params;
	for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
		params[key] = Array.isArray(value) ? value.map(asText) : asText(value);
	}
	return params;
}

/**
 * One text value of a parameter: the first of repeated values; undefined for absent or non-text
 * values.
 */
export function firstText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
	return undefined;
}
