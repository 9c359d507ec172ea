import type { BasicAuthUser } from '../shared/basicAuth';

/**
 * The URLs Twilio may have signed for one request. Twilio signs the URL exactly as it is configured in
 * Twilio (the public one), which behind a reverse proxy is not what n8n sees, so several are tried; the
 * signature check itself (nodes/shared/twilioSignature.ts) adds the port and normalisation variants.
 * Pure: plain values in, a list of URLs out.
 *
 * Trying a URL rebuilt from the request's own Host / X-Forwarded-* headers is safe although a caller
 * controls those headers: the signature is an HMAC keyed by the Auth Token, so a URL only matters when
 * Twilio signed that very URL, and n8n routed the request here by its path, so the path is this
 * webhook's. What a forged host can at most achieve is to replay a genuine Twilio request that was
 * signed for this same path on another host name, which the duplicate-delivery check also catches.
 */

export interface RequestUrlParts {
	/** Path and query exactly as received, e.g. `/webhook/abc/twilio?ref=1` (Express `originalUrl`). */
	originalUrl: string;
	headers: Record<string, string | string[] | undefined>;
	/** `http` or `https` as n8n's server saw it. */
	protocol?: string;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	// A proxy chain lists one value per hop; the first is what the client (Twilio) used.
	const first = text?.split(',')[0]?.trim();
	return first ? first : undefined;
}

/** The query string as received, with its `?`, or ''. */
export function rawQueryOf(originalUrl: string): string {
	const start = originalUrl.indexOf('?');
	return start === -1 ? '' : originalUrl.slice(start);
}

/** scheme://host/path of a configured URL (query and fragment dropped), or undefined when it is not absolute. */
function baseOf(url: string): string | undefined {
	const trimmed = url.trim();
	if (!/^https?:\/\//i.test(trimmed)) return undefined;
	return trimmed.replace(/[?#].*$/, '').replace(/\/+$/, '');
}

/** The URL rebuilt from what the request says about itself (proxy headers first). */
export function urlFromRequest(request: RequestUrlParts): string | undefined {
	const host =
		firstHeader(request.headers['x-forwarded-host']) ?? firstHeader(request.headers.host);
	if (!host) return undefined;
	const protocol = (
		firstHeader(request.headers['x-forwarded-proto']) ??
		request.protocol ??
		'https'
	)
		.replace(/:$/, '')
		.toLowerCase();
	return `${protocol}://${host}${request.originalUrl}`;
}

/**
 * The webhook URL as Twilio calls it, from the "Public URL" option: that URL itself when it has a path,
 * otherwise (only an origin such as `https://n8n.example.com`) the origin followed by `path`.
 */
export function resolvePublicUrl(publicUrl: string, path: string): string | undefined {
	const base = baseOf(publicUrl);
	if (!base) return undefined;
	const hasPath = base.replace(/^https?:\/\/[^/]+/i, '') !== '';
	return hasPath ? base : base + path.replace(/[?#].*$/, '');
}

/** `https://user:password@host/...`: Twilio signs the URL as configured, credentials included. */
function withUserInfo(url: string, user: BasicAuthUser, encode: boolean): string {
	const userInfo = encode
		? `${encodeURIComponent(user.user)}:${encodeURIComponent(user.password)}`
		: `${user.user}:${user.password}`;
	return url.replace(/^(https?:\/\/)/i, `$1${userInfo}@`);
}

export interface SignedUrlInput {
	request: RequestUrlParts;
	/** The webhook URL n8n knows for the endpoint the request arrived on (production or test). */
	n8nUrl?: string;
	/** The "Public URL" option. */
	publicUrl?: string;
	/** Credentials the request carried in `Authorization: Basic`, when it did. */
	basicAuth?: BasicAuthUser;
}

/** Candidate signed URLs, most likely first, without repeats. */
export function signedUrlCandidates(input: SignedUrlInput): string[] {
	const { request } = input;
	const query = rawQueryOf(request.originalUrl);
	const bases: string[] = [];
	if (input.publicUrl) {
		const base = resolvePublicUrl(input.publicUrl, request.originalUrl);
		if (base) bases.push(base + query);
	}
	if (input.n8nUrl) {
		const base = baseOf(input.n8nUrl);
		if (base) bases.push(base + query);
	}
	const fromRequest = urlFromRequest(request);
	if (fromRequest) bases.push(fromRequest);

	const candidates: string[] = [];
	for (const url of bases) {
		candidates.push(url);
		if (input.basicAuth)
			candidates.push(
				withUserInfo(url, input.basicAuth, true),
				withUserInfo(url, input.basicAuth, false),
			);
	}
	return [...new Set(candidates)];
}
