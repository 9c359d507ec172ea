import http from 'http';
import https from 'https';
import { randomUUID } from 'crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { FormParams, WebhookResult } from '../types';
import { encodeForm } from '../http/form';

export interface SignedRequest {
	url: string;
	method: 'POST' | 'GET';
	params: FormParams;
	authToken: string;
	signatureUrl?: string;
	badSignature?: boolean;
	idempotencyToken?: string;
	headers?: Record<string, string>;
	signal: AbortSignal;
}

// Twilio gives up on a webhook after 15 seconds
// (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides).
const TIMEOUT_MS = 15_000;

interface SplitUrl {
	/** The URL without `user:password@`, which is what goes on the wire. */
	target: string;
	credentials: string | null;
}

function splitCredentials(url: string): SplitUrl {
	const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@(.*)$/i.exec(url);
	if (!match) return { target: url, credentials: null };
	const [user, password = ''] = match[2].split(':');
	return {
		target: match[1] + match[3],
		credentials: `${decodeURIComponent(user)}:${decodeURIComponent(password)}`,
	};
}

/** The URL with its password masked, for records. */
export function maskPassword(url: string): string {
	return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i, '$1:***@');
}

function withQuery(url: string, params: FormParams): string {
	const query = encodeForm(params);
	if (!query) return url;
	return url + (url.includes('?') ? '&' : '?') + query;
}

/**
 * Twilio's signature: HMAC-SHA1 of the full URL followed by the sorted POST parameters; for GET
 * the parameters are already in the URL
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security). Computed with twilio-node's own
 * function, the reference the nodes are checked against.
 */
export function twilioSignature(authToken: string, url: string, postParams: FormParams): string {
	return getExpectedTwilioSignature(authToken, url, postParams);
}

function send(
	target: string,
	method: string,
	headers: Record<string, string>,
	body: string | null,
	signal: AbortSignal,
): Promise<WebhookResult> {
	return new Promise((resolve, reject) => {
		const transport = target.startsWith('https:') ? https : http;
		const request = transport.request(
			target,
			{ method, headers, signal, timeout: TIMEOUT_MS },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				response.on('error', reject);
			},
		);
		request.on('timeout', () => request.destroy(new Error(`No answer within ${TIMEOUT_MS} ms`)));
		request.on('error', reject);
		request.end(body ?? undefined);
	});
}

/**
 * Sends a webhook the way Twilio does: form-encoded POST (or GET with the parameters in the query
 * string), `X-Twilio-Signature`, `I-Twilio-Idempotency-Token` and Twilio's user agent. A URL
 * with `user:password@` is signed as written and sent without credentials first; Twilio answers a
 * Basic challenge (401 + WWW-Authenticate) by sending them.
 */
export async function deliverSigned(
	request: SignedRequest,
): Promise<WebhookResult & { idempotencyToken: string }> {
	const isGet = request.method === 'GET';
	const signedUrl = isGet
		? withQuery(request.signatureUrl ?? request.url, request.params)
		: (request.signatureUrl ?? request.url);
	const token = request.badSignature ? `${request.authToken}-not-the-token` : request.authToken;
	const signature = twilioSignature(token, signedUrl, isGet ? {} : request.params);
	const idempotencyToken = request.idempotencyToken ?? `${randomUUID()}-mock`;
	const { target, credentials } = splitCredentials(
		isGet ? withQuery(request.url, request.params) : request.url,
	);
	const body = isGet ? null : encodeForm(request.params);
	const headers: Record<string, string> = {
		Accept: '*/*',
		'User-Agent': 'TwilioProxy/1.1',
		'X-Twilio-Signature': signature,
		'I-Twilio-Idempotency-Token': idempotencyToken,
		'X-Home-Region': 'us1',
		...(body === null ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }),
		...request.headers,
	};
	let result = await send(target, request.method, headers, body, request.signal);
	const challenged =
		result.status === 401 && /^\s*basic/i.test(String(result.headers['www-authenticate'] ?? ''));
	if (credentials !== null && challenged) {
		const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
		result = await send(
			target,
			request.method,
			{ ...headers, Authorization: authorization },
			body,
			request.signal,
		);
	}
	return { ...result, idempotencyToken };
}
