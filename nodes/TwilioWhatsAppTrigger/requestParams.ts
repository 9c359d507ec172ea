import { paramsFromBody } from '../shared/twilioParams';
import type { TwilioParams } from '../shared/twilioSignature';
import { rawQueryOf } from './signedUrl';

/**
 * What Twilio sent in one request, read from n8n's request object. Pure: plain values in and out.
 *
 * POST: Twilio's parameters are the form body (n8n has already parsed it into `req.body`); a query
 * string on the URL is the user's own (`?ref=123` appended to a StatusCallback) and is returned as
 * `callbackQuery`. GET: Twilio appends its parameters to the configured URL's query, so the whole
 * query is the parameters and the signature covers the URL alone.
 */

export interface IncomingRequest {
	method: string;
	/** Path and query exactly as received (Express `originalUrl`). */
	originalUrl: string;
	/** n8n's parsed body: an object for form and JSON bodies. */
	body: unknown;
	/** The body bytes as received, which n8n 2.x keeps next to the parsed body. */
	rawBody?: Buffer | string;
}

export interface TwilioRequestData {
	params: TwilioParams;
	/** The parameters the signature covers after the URL. */
	signedParams: TwilioParams;
	/** Query parameters of the URL itself on a POST (bodySHA256 left out); undefined on GET. */
	callbackQuery?: Record<string, string>;
	/** The body as text, for JSON bodies signed through `bodySHA256`. */
	rawBody?: string;
}

/**
 * The query string as form parameters, repeated keys as arrays, decoded as browsers and Twilio
 * encode them.
 */
export function paramsFromQuery(query: string): TwilioParams {
	const params: TwilioParams = {};
	for (const [key, value] of new URLSearchParams(query.replace(/^\?/, ''))) {
		const existing = params[key];
		if (existing === undefined) params[key] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else params[key] = [existing, value];
	}
	return params;
}

function singleValues(params: TwilioParams, leaveOut: string): Record<string, string> {
	const single: Record<string, string> = {};
	for (const [key, value] of Object.entries(params)) {
		if (key !== leaveOut) single[key] = Array.isArray(value) ? value.join(',') : value;
	}
	return single;
}

export function readTwilioRequest(request: IncomingRequest): TwilioRequestData {
	const query = rawQueryOf(request.originalUrl);
	if (request.method.toUpperCase() === 'GET') {
		const params = paramsFromQuery(query);
		return { params, signedParams: {} };
	}
	const params = paramsFromBody(request.body);
	const rawBody =
		request.rawBody === undefined
			? undefined
			: typeof request.rawBody === 'string'
				? request.rawBody
				: request.rawBody.toString('utf8');
	return {
		params,
		signedParams: params,
		callbackQuery: singleValues(paramsFromQuery(query), 'bodySHA256'),
		rawBody,
	};
}
