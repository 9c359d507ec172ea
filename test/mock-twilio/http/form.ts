import type { FormParams } from '../types';

/**
 * Parses `application/x-www-form-urlencoded`; a repeated key becomes an array, in received order.
 */
export function parseForm(text: string): FormParams {
	const params: FormParams = {};
	for (const [key, value] of new URLSearchParams(text)) {
		const previous = params[key];
		if (previous === undefined) params[key] = value;
		else if (Array.isArray(previous)) previous.push(value);
		else params[key] = [previous, value];
	}
	return params;
}

/** Encodes params the way Twilio sends them: arrays as repeated keys (`MediaUrl=a&MediaUrl=b`). */
export function encodeForm(params: FormParams): string {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) {
		for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
	}
	return search.toString();
}

/** First value of a parameter (Twilio reads the first of repeated scalar keys). */
export function first(params: FormParams, key: string): string | undefined {
	const value = params[key];
	return Array.isArray(value) ? value[0] : value;
}

export function all(params: FormParams, key: string): string[] {
	const value = params[key];
	if (value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}

/** A body that is not JSON reaches handlers as this marker, which they answer with Twilio's 400. */
export const UNREADABLE_JSON = Symbol('unreadable JSON');

export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return UNREADABLE_JSON;
	}
}
