import { createHash, createHmac, timingSafeEqual } from 'crypto';

/**
 * Twilio's request signature (X-Twilio-Signature), computed and verified the way twilio-node's
 * `validateRequest` / `validateRequestWithBody` do (lib/webhooks/webhooks.js, twilio 6.x), with
 * `crypto` only: HMAC-SHA1 keyed by the Auth Token over the URL followed by every parameter's name
 * and value, names sorted, base64.
 */

/** Form parameters as a body parser gives them: a repeated key holds an array of its values. */
export type TwilioParams = Record<string, string | string[]>;

// scheme:// and the authority (userinfo, host, port), without normalising anything, as twilio-node
// splits it
const SCHEME_AND_AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;
const BODY_HASH_PARAM = 'bodySHA256';
// A base64 HMAC-SHA1 is always 28 characters: any other header can never match.
const SIGNATURE_LENGTH = 28;
// Node's querystring.parse reads at most this many pairs.
const LEGACY_QUERYSTRING_MAX_PAIRS = 1000;
const HEX_BYTE = /^[0-9a-f]{2}$/i;

interface UrlParts {
	scheme: string;
	userInfo: string;
	host: string;
	port: string;
	rest: string;
}

function splitUrl(url: string): UrlParts | undefined {
	const match = SCHEME_AND_AUTHORITY.exec(url);
	if (!match) return undefined;
	const [prefix, scheme, authority] = match;
	const userInfoEnd = authority.lastIndexOf('@');
	const hostAndPort = authority.slice(userInfoEnd + 1);
	// A colon starts the port only after the closing bracket of an IPv6 literal.
	const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
	return {
		scheme,
		userInfo: authority.slice(0, userInfoEnd + 1),
		host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
		port: portStart === -1 ? '' : hostAndPort.slice(portStart),
		rest: url.slice(prefix.length),
	};
}

function withoutPort(parts: UrlParts): string {
	return parts.scheme + parts.userInfo + parts.host + parts.rest;
}

function withPort(parts: UrlParts): string {
	const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
	return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

/** The URL with and without its port, as twilio-node's removePort/addPort make them. */
function portVariants(url: string): [string, string] {
	const parts = splitUrl(url);
	if (!parts) return [url, url];
	return [withoutPort(parts), parts.port ? url : withPort(parts)];
}

function decodeLegacyComponent(text: string): string {
	const plain = text.replaceAll('+', ' ');
	try {
		return decodeURIComponent(plain);
	} catch {
		// querystring.unescapeBuffer: decode the valid %XX escapes, keep the rest, then read as UTF-8.
		const bytes: number[] = [];
		for (let i = 0; i < plain.length; i++) {
			const code = plain.charCodeAt(i);
			const hex = code === 37 ? plain.slice(i + 1, i + 3) : '';
			if (HEX_BYTE.test(hex)) {
				bytes.push(parseInt(hex, 16));
				i += 2;
			} else {
				bytes.push(code);
			}
		}
		return Buffer.from(bytes).toString('utf8');
	}
}

/**
 * Node's legacy `querystring.stringify(querystring.parse(query))`, which twilio-node applies to the
 * query of the normalised URL for back ends that signed an escaped form. The input is the query of
 * a WHATWG-serialised URL, so it is ASCII. A null-prototype object keeps Node's key order
 * (integer-like keys first).
 */
function legacyQuerystring(url: string): string {
	const queryStart = url.indexOf('?');
	if (queryStart === -1 || queryStart === url.length - 1) return url;
	const values: Record<string, string | string[]> = Object.create(null) as Record<
		string,
		string | string[]
	>;
	const pairs = url.slice(queryStart + 1).split('&', LEGACY_QUERYSTRING_MAX_PAIRS);
	for (const pair of pairs) {
		if (pair === '') continue;
		const eq = pair.indexOf('=');
		const key = decodeLegacyComponent(eq === -1 ? pair : pair.slice(0, eq));
		const value = eq === -1 ? '' : decodeLegacyComponent(pair.slice(eq + 1));
		const existing = values[key];
		if (existing === undefined) values[key] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else values[key] = [existing, value];
	}
	const fields: string[] = [];
	for (const key of Object.keys(values)) {
		const encodedKey = encodeURIComponent(key) + '=';
		const value = values[key];
		for (const item of Array.isArray(value) ? value : [value])
			fields.push(encodedKey + encodeURIComponent(item));
	}
	return url.slice(0, queryStart) + '?' + fields.join('&');
}

/**
 * The signed text after the URL: sorted names, each followed by its value (repeated values
 * deduplicated and sorted, as twilio-node does).
 */
function signedParams(params: TwilioParams): string {
	const keys = Object.keys(params).sort();
	let data = '';
	for (const key of keys) {
		const value = params[key];
		if (Array.isArray(value)) {
			for (const item of Array.from(new Set(value)).sort()) data += key + item;
		} else {
			data += key + value;
		}
	}
	return data;
}

function hmacBase64(authToken: string, url: string, paramsText: string): string {
	return createHmac('sha1', authToken)
		.update(url + paramsText, 'utf8')
		.digest('base64');
}

/** The X-Twilio-Signature Twilio sends for a request to `url` with these form parameters. */
export function computeTwilioSignature(
	authToken: string,
	url: string,
	params: TwilioParams,
): string {
	return hmacBase64(authToken, url, signedParams(params));
}

function signatureMatches(
	authToken: string,
	header: Buffer,
	url: string,
	paramsText: string,
): boolean {
	return timingSafeEqual(header, Buffer.from(hmacBase64(authToken, url, paramsText), 'latin1'));
}

/** The URL variants twilio-node's validateRequest tries after the URL as given. */
function* otherCandidateUrls(url: string): Generator<string> {
	const [noPort, port] = portVariants(url);
	if (noPort !== url) yield noPort;
	if (port !== url) yield port;
	let normalized: string;
	try {
		normalized = new URL(url).toString();
	} catch {
		// twilio-node throws here; a URL that does not parse cannot have been signed in normalised
		// form.
		return;
	}
	const seen = new Set([url, noPort, port]);
	const [normalizedNoPort, normalizedPort] = portVariants(normalized);
	for (const candidate of [
		normalizedNoPort,
		normalizedPort,
		legacyQuerystring(normalizedNoPort),
		legacyQuerystring(normalizedPort),
	]) {
		if (seen.has(candidate)) continue;
		seen.add(candidate);
		yield candidate;
	}
}

function signatureValid(
	authToken: string,
	header: Buffer,
	url: string,
	paramsText: string,
): boolean {
	if (signatureMatches(authToken, header, url, paramsText)) return true;
	for (const candidate of otherCandidateUrls(url)) {
		if (signatureMatches(authToken, header, candidate, paramsText)) return true;
	}
	return false;
}

/**
 * The `bodySHA256` query parameter Twilio adds when it signs a JSON body: undefined when the URL
 * has none, null when the URL mentions it but does not parse (such a request cannot be verified).
 */
function bodyHashParam(url: string): string | null | undefined {
	const queryStart = url.indexOf('?');
	if (queryStart === -1 || url.indexOf(BODY_HASH_PARAM, queryStart) === -1) return undefined;
	try {
		return new URL(url).searchParams.get(BODY_HASH_PARAM) ?? undefined;
	} catch {
		return null;
	}
}

function bodyHashMatches(expected: string, rawBody: string): boolean {
	const actual = Buffer.from(createHash('sha256').update(rawBody, 'utf8').digest('hex'), 'latin1');
	const given = Buffer.from(expected, 'utf8');
	return given.length === actual.length && timingSafeEqual(given, actual);
}

/** Whether Twilio signed this request through a `bodySHA256` query parameter (JSON bodies). */
export function isBodySignedUrl(url: string): boolean {
	return bodyHashParam(url) !== undefined;
}

/**
 * Whether `signature` is Twilio's signature of this request. Accepts exactly what twilio-node
 * accepts: the URL with or without its port (any port removed, the standard one added), its
 * WHATWG-normalised form, credentials in the URL, GET query strings (params empty, the query inside
 * the URL). When the URL carries a `bodySHA256` query parameter the request is a JSON one: `params`
 * are ignored, the URL is signed alone and the SHA-256 of `rawBody` must equal `bodySHA256`
 * (validateRequestWithBody). Never throws.
 */
export function verifyTwilioSignature(input: {
	authToken: string;
	signature: string | undefined;
	url: string;
	params: TwilioParams;
	rawBody?: string;
}): boolean {
	const { authToken, signature, url } = input;
	if (!signature || signature.length !== SIGNATURE_LENGTH || !authToken) return false;
	const header = Buffer.from(signature, 'utf8');
	if (header.length !== SIGNATURE_LENGTH) return false;
	const bodyHash = bodyHashParam(url);
	if (bodyHash === null) return false;
	if (bodyHash !== undefined) {
		// Both checks always run, so the time taken does not tell which one failed.
		const signed = signatureValid(authToken, header, url, '');
		const bodyMatches = bodyHashMatches(bodyHash, input.rawBody ?? '');
		return signed && bodyMatches;
	}
	return signatureValid(authToken, header, url, signedParams(input.params));
}
