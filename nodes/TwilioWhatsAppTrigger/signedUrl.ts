import type { BasicAuthUser } from '../shared/basicAuth';
import { firstListEntry } from '../shared/headers';
import { hostOf, isPublicHost } from '../shared/publicHost';

/**
 * The URLs Twilio may have signed for one request. Twilio signs the URL exactly as it is configured
 * in Twilio, a public one, which behind a reverse proxy is not what n8n sees; the signature check
 * itself (nodes/shared/twilioSignature.ts) adds the port and normalisation variants. Pure: plain
 * values in, lists of URLs out.
 *
 * Only URLs Twilio could have called are accepted: the Public URL option and n8n's own webhook URL
 * when its host is public. The URL rebuilt from the request's Host / X-Forwarded-* headers, which
 * the caller controls, is tried only when n8n knows no public URL at all (n8n's URL is localhost or
 * a private address, as without N8N_WEBHOOK_URL); a request signed for it could otherwise be a
 * genuine Twilio request for this path replayed from another host name, or one signed for the
 * internal address behind the proxy.
 */

export interface RequestUrlParts {
	/**
	 * Path and query exactly as received, e.g. `/webhook/abc/twilio?ref=1` (Express `originalUrl`).
	 */
	originalUrl: string;
	headers: Record<string, string | string[] | undefined>;
	/** `http` or `https` as n8n's server saw it. */
	protocol?: string;
}

/** The query string as received, with its `?`, or ''. */
export function rawQueryOf(originalUrl: string): string {
	const start = originalUrl.indexOf('?');
	return start === -1 ? '' : originalUrl.slice(start);
}

/**
 * scheme://host/path of a configured URL (query and fragment dropped), or undefined when it is not
 * absolute.
 */
function baseOf(url: string): string | undefined {
	const trimmed = url.trim();
	if (!/^https?:\/\//i.test(trimmed)) return undefined;
	return trimmed.replace(/[?#].*$/, '').replace(/\/+$/, '');
}

/** The URL rebuilt from what the request says about itself (proxy headers first). */
export function urlFromRequest(request: RequestUrlParts): string | undefined {
	const host =
		firstListEntry(request.headers['x-forwarded-host']) ?? firstListEntry(request.headers.host);
	if (!host) return undefined;
	const protocol = (
		firstListEntry(request.headers['x-forwarded-proto']) ??
		request.protocol ??
		'https'
	)
		.replace(/:$/, '')
		.toLowerCase();
	return `${protocol}://${host}${request.originalUrl}`;
}

/**
 * The webhook URL as Twilio calls it, from the "Public URL" option: that URL itself when it has a
 * path, otherwise (only an origin such as `https://n8n.example.com`) the origin followed by `path`.
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
	/**
	 * n8n's production URL of the webhook: with n8nUrl, tells how a full Public URL looks on the test
	 * endpoint.
	 */
	n8nProductionUrl?: string;
	/** The "Public URL" option. */
	publicUrl?: string;
	/** Credentials the request carried in `Authorization: Basic`, when it did. */
	basicAuth?: BasicAuthUser;
}

export interface SignedUrlCandidates {
	/** URLs someone configured as the webhook's address, most likely first, without repeats. */
	configured: string[];
	/** The URL as the request names itself; empty unless n8n knows no public URL for the webhook. */
	fromRequest: string[];
}

const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/i, '');

/**
 * A full Public URL names the production endpoint; while the editor listens for a test event Twilio
 * calls the test one, which a proxy forwarding the same path maps the same way.
 */
function publicUrlsFor(input: SignedUrlInput, base: string): string[] {
	const { n8nUrl, n8nProductionUrl } = input;
	if (!n8nUrl || !n8nProductionUrl) return [base];
	const production = pathOf(baseOf(n8nProductionUrl) ?? '');
	const endpoint = pathOf(baseOf(n8nUrl) ?? '');
	if (!production || production === endpoint || !base.endsWith(production)) return [base];
	return [base.slice(0, -production.length) + endpoint, base];
}

function withBasicAuthVariants(urls: string[], user: BasicAuthUser | undefined): string[] {
	const all: string[] = [];
	for (const url of urls) {
		all.push(url);
		if (user) all.push(withUserInfo(url, user, true), withUserInfo(url, user, false));
	}
	return [...new Set(all)];
}

/** Candidate signed URLs, most likely first. */
export function signedUrlCandidates(input: SignedUrlInput): SignedUrlCandidates {
	const { request } = input;
	const query = rawQueryOf(request.originalUrl);
	const configured: string[] = [];
	const publicBase = input.publicUrl
		? resolvePublicUrl(input.publicUrl, request.originalUrl)
		: undefined;
	if (publicBase) configured.push(...publicUrlsFor(input, publicBase).map((url) => url + query));
	const n8nBase = input.n8nUrl ? baseOf(input.n8nUrl) : undefined;
	if (n8nBase) configured.push(n8nBase + query);

	const n8nHost = n8nBase && hostOf(n8nBase);
	const knowsPublicUrl =
		publicBase !== undefined || (n8nHost !== undefined && isPublicHost(n8nHost));
	const fromRequest = knowsPublicUrl ? undefined : urlFromRequest(request);
	const configuredUrls = withBasicAuthVariants(configured, input.basicAuth);
	return {
		configured: configuredUrls,
		fromRequest: fromRequest
			? withBasicAuthVariants([fromRequest], input.basicAuth).filter(
					(url) => !configuredUrls.includes(url),
				)
			: [],
	};
}
