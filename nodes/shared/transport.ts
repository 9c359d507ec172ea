import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	ICredentialDataDecryptedObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { TwilioProduct } from './credentials';
import {
	accountSidProblem,
	TWILIO_CREDENTIAL_TYPE,
	toTwilioAccount,
	twilioBasicAuth,
} from './credentials';
import { twilioErrorCodeInfo, twilioErrorDocsUrl } from './errorCodes';

export type TwilioContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions;

/** A form field may repeat (Twilio wants `MediaUrl=a&MediaUrl=b`, never `MediaUrl[]`). */
export type FormValue = string | number | boolean | undefined | Array<string | number>;
export type FormFields = Record<string, FormValue>;

/**
 * What went wrong with a Twilio call, as fields a workflow can branch on, in two kinds: `api` when
 * Twilio answered with its error JSON (code, message, more_info), `call` when no answer came back
 * (connection refused, DNS, TLS, time-out).
 */
export interface TwilioErrorDetails extends IDataObject {
	kind: 'api' | 'call';
	code: number | string;
	message: string;
	moreInfo?: string;
	httpStatus?: number;
	hint?: string;
	/** True when the request may have reached Twilio, so repeating it could send a message twice. */
	maybeProcessed?: boolean;
}

export interface RetryPolicy {
	/** Extra attempts after the first, for 429 and 503 answers (Twilio created nothing then). */
	maxRetries: number;
	/** First back-off in milliseconds; doubles each time unless Twilio sends Retry-After. */
	baseDelayMs: number;
}

// 8 retries: when a fifth of requests is refused, a request still fails after 9 refusals in a row
// only about once in 2 million (3 retries lost 1 message in 600, which stopped a batch); the
// back-off (about 0.5 s doubling, 30 s at most) keeps a sustained limit from turning into a retry
// storm.
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 8, baseDelayMs: 1000 };
const MAX_DELAY_MS = 30_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface TwilioRequest {
	method: IHttpRequestMethods;
	/** Which Twilio host serves the path; `api` (api.twilio.com) unless said. */
	product?: TwilioProduct;
	/** Path below the API base URL; `{AccountSid}` is replaced with the credential's Account SID. */
	path: string;
	form?: FormFields;
	/** A JSON body, for the APIs that take one (the Content API); never together with `form`. */
	json?: IDataObject;
	qs?: IDataObject;
	retry?: RetryPolicy;
	itemIndex?: number;
	/**
	 * The Twilio credential as the caller already holds it (a trigger's per-process cache): sent as
	 * Basic auth, so that n8n neither reads nor resolves the credential again for this request.
	 */
	credentials?: ICredentialDataDecryptedObject;
}

/**
 * Serialises form fields the way Twilio expects, repeating keys for arrays and skipping empty
 * values.
 */
export function encodeForm(fields: FormFields): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(fields)) {
		if (value === undefined || value === '') continue;
		for (const entry of Array.isArray(value) ? value : [value]) params.append(key, String(entry));
	}
	return params.toString();
}

/** Seconds or HTTP date in Retry-After, as milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
	if (typeof header !== 'string' || header.trim() === '') return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(header);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const RETRYABLE_STATUSES = new Set([429, 503]);
// Errors raised before any byte reached Twilio: repeating the request cannot duplicate anything.
const NOT_SENT_ERROR_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

function isIdempotent(method: IHttpRequestMethods): boolean {
	return method === 'GET' || method === 'HEAD' || method === 'DELETE';
}

/**
 * Twilio's error JSON `{code, message, more_info, status}` as details; tolerant of other bodies.
 */
export function apiErrorDetails(httpStatus: number, body: unknown): TwilioErrorDetails {
	const parsed = typeof body === 'object' && body !== null ? (body as IDataObject) : {};
	const code = typeof parsed.code === 'number' ? parsed.code : httpStatus;
	const message =
		typeof parsed.message === 'string' && parsed.message
			? parsed.message
			: `Twilio answered HTTP ${httpStatus}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
	const info = twilioErrorCodeInfo(typeof parsed.code === 'number' ? parsed.code : undefined);
	return {
		kind: 'api',
		code,
		message,
		moreInfo:
			typeof parsed.more_info === 'string'
				? parsed.more_info
				: typeof parsed.code === 'number'
					? twilioErrorDocsUrl(parsed.code)
					: undefined,
		httpStatus,
		...(info?.hint ? { hint: info.hint } : {}),
	};
}

/**
 * A failed call (no Twilio answer) as details. Reads only code and message: never the request
 * config, which holds credentials.
 */
export function callErrorDetails(error: unknown, method: IHttpRequestMethods): TwilioErrorDetails {
	const err = (error ?? {}) as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
	const rawCode =
		typeof err.code === 'string'
			? err.code
			: typeof err.cause?.code === 'string'
				? err.cause.code
				: 'REQUEST_FAILED';
	const timedOut =
		rawCode === 'ECONNABORTED' ||
		rawCode === 'ETIMEDOUT' ||
		/timeout/i.test(String(err.message ?? ''));
	const code = timedOut ? 'ETIMEDOUT' : rawCode;
	const maybeProcessed = !isIdempotent(method) && !NOT_SENT_ERROR_CODES.has(code);
	const reason = timedOut
		? 'Twilio did not answer in time'
		: `The request to Twilio failed (${code})`;
	return {
		kind: 'call',
		code,
		message: maybeProcessed
			? `${reason}. It may still have been processed, so it was not repeated; check the Twilio Console before sending again.`
			: `${reason}.`,
		maybeProcessed,
	};
}

function toNodeApiError(
	ctx: TwilioContext,
	details: TwilioErrorDetails,
	itemIndex?: number,
): NodeApiError {
	const description = [
		details.hint,
		details.moreInfo ? `More info: ${details.moreInfo}` : undefined,
	]
		.filter(Boolean)
		.join(' ');
	const error = new NodeApiError(ctx.getNode(), { ...details } as JsonObject, {
		message:
			details.kind === 'api' ? `Twilio error ${details.code}: ${details.message}` : details.message,
		description: description || undefined,
		httpCode: details.httpStatus ? String(details.httpStatus) : undefined,
		itemIndex,
	});
	error.context.twilioError = details;
	return error;
}

/** The Twilio fields of an error thrown by twilioApiRequest, or a call error for anything else. */
export function twilioErrorDetailsOf(error: unknown): TwilioErrorDetails {
	const context = (error as { context?: IDataObject } | undefined)?.context;
	if (context && typeof context.twilioError === 'object' && context.twilioError !== null) {
		return context.twilioError as TwilioErrorDetails;
	}
	const message = error instanceof Error ? error.message : String(error);
	return { kind: 'call', code: 'NODE_ERROR', message };
}

async function accountFor(ctx: TwilioContext, request: TwilioRequest) {
	const { itemIndex } = request;
	const account = toTwilioAccount(
		request.credentials ?? (await ctx.getCredentials(TWILIO_CREDENTIAL_TYPE, itemIndex)),
	);
	const problem = accountSidProblem(account.accountSid);
	if (problem) throw new NodeOperationError(ctx.getNode(), problem, { itemIndex });
	return account;
}

/**
 * Calls Twilio's REST API with the node's Twilio credential and returns the parsed JSON.
 * Retries only answers that prove nothing was processed (429, 503), honouring Retry-After; a
 * request that may have reached Twilio is never repeated unless it is idempotent.
 */
export async function twilioApiRequest(
	this: TwilioContext,
	request: TwilioRequest,
): Promise<IDataObject> {
	const { method, form, json, qs, itemIndex } = request;
	const policy = request.retry ?? DEFAULT_RETRY_POLICY;
	const account = await accountFor(this, request);
	const url =
		account.baseUrls[request.product ?? 'api'] +
		request.path.replace('{AccountSid}', encodeURIComponent(account.accountSid));
	const body = json ? JSON.stringify(json) : form ? encodeForm(form) : undefined;
	const contentType = json ? 'application/json' : 'application/x-www-form-urlencoded';

	for (let attempt = 0; ; attempt++) {
		let response: IN8nHttpFullResponse;
		try {
			const options: IHttpRequestOptions = {
				method,
				url,
				qs,
				body,
				headers:
					body === undefined
						? { accept: 'application/json' }
						: { accept: 'application/json', 'content-type': contentType },
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: REQUEST_TIMEOUT_MS,
			};
			response = (
				request.credentials
					? await this.helpers.httpRequest({
							...options,
							auth: twilioBasicAuth(request.credentials),
						})
					: await this.helpers.httpRequestWithAuthentication.call(
							this,
							TWILIO_CREDENTIAL_TYPE,
							options,
						)
			) as IN8nHttpFullResponse;
		} catch (error) {
			const details = callErrorDetails(error, method);
			if (
				!details.maybeProcessed &&
				attempt < policy.maxRetries &&
				NOT_SENT_ERROR_CODES.has(String(details.code))
			) {
				await sleep(backoffMs(policy, attempt));
				continue;
			}
			throw toNodeApiError(this, details, itemIndex);
		}

		const status = response.statusCode;
		const parsed = parseBody(response.body);
		if (status >= 200 && status < 300) return (parsed ?? {}) as IDataObject;

		const retryable = RETRYABLE_STATUSES.has(status) || (isIdempotent(method) && status >= 500);
		if (retryable && attempt < policy.maxRetries) {
			const headerDelay = retryAfterMs(response.headers?.['retry-after']);
			await sleep(Math.min(headerDelay ?? backoffMs(policy, attempt), MAX_DELAY_MS));
			continue;
		}
		throw toNodeApiError(this, apiErrorDetails(status, parsed ?? response.body), itemIndex);
	}
}

function backoffMs(policy: RetryPolicy, attempt: number): number {
	// Full jitter keeps many items that hit the same limit from retrying in lock step.
	const ceiling = Math.min(policy.baseDelayMs * 2 ** attempt, MAX_DELAY_MS);
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	if (body.trim() === '') return undefined;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

/** Follows Twilio's list paging (`next_page_uri`) and collects the records under `key`. */
export async function twilioApiRequestAllItems(
	this: TwilioContext,
	request: TwilioRequest & { key: string; limit?: number },
): Promise<IDataObject[]> {
	const collected: IDataObject[] = [];
	let next: TwilioRequest | undefined = request;
	while (next) {
		const page = await twilioApiRequest.call(this, next);
		const records = Array.isArray(page[request.key]) ? (page[request.key] as IDataObject[]) : [];
		collected.push(...records);
		if (request.limit !== undefined && collected.length >= request.limit)
			return collected.slice(0, request.limit);
		const nextUri = nextPageUri(page);
		next = nextUri ? { ...request, path: nextUri, qs: undefined } : undefined;
	}
	return collected;
}

/**
 * The next page's path: v2010 lists give `next_page_uri`, newer APIs give an absolute
 * `meta.next_page_url`.
 */
function nextPageUri(page: IDataObject): string | undefined {
	if (typeof page.next_page_uri === 'string' && page.next_page_uri) return page.next_page_uri;
	const meta = page.meta as IDataObject | undefined;
	const url = meta?.next_page_url;
	if (typeof url === 'string' && url) {
		const parsed = new URL(url);
		return parsed.pathname + parsed.search;
	}
	return undefined;
}
