import fc from 'fast-check';
import { parse as parseQuerystring, stringify as stringifyQuerystring } from 'querystring';
import twilio from 'twilio';

import {
	computeTwilioSignature,
	isBodySignedUrl,
	verifyTwilioSignature,
	type TwilioParams,
} from '../../nodes/shared/twilioSignature';

/** twilio-node is the oracle; it throws on URLs `new URL()` rejects, which means "not valid". */
function oracle(
	authToken: string,
	signature: string | undefined,
	url: string,
	params: TwilioParams,
): boolean {
	try {
		return twilio.validateRequest(authToken, signature as string, url, params);
	} catch {
		return false;
	}
}

function bodyOracle(
	authToken: string,
	signature: string | undefined,
	url: string,
	body: string,
): boolean {
	try {
		return twilio.validateRequestWithBody(authToken, signature as string, url, body);
	} catch {
		return false;
	}
}

const sha256Hex = (text: string) => twilio.getExpectedBodyHash(text);

/**
 * Test vectors published in twilio-node's own tests: spec/validation.spec.js and
 * spec/unit/webhooks/webhooks.spec.js (github.com/twilio/twilio-node).
 */
describe('twilio-node published test vectors', () => {
	const token = '12345';
	const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
	const params = {
		CallSid: 'CA1234567890ABCDE',
		Caller: '+14158675309',
		Digits: '1234',
		From: '+14158675309',
		To: '+18005551212',
	};
	const signature = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
	const body = '{"property": "value", "boolean": true}';
	const bodyHash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';

	it('computes the published signature', () => {
		expect(computeTwilioSignature(token, url, params)).toBe(signature);
	});

	it('accepts the correct signature and rejects a wrong or missing one', () => {
		expect(verifyTwilioSignature({ authToken: token, signature, url, params })).toBe(true);
		expect(
			verifyTwilioSignature({ authToken: token, signature: 'WRONG_SIGNATURE', url, params }),
		).toBe(false);
		expect(verifyTwilioSignature({ authToken: token, signature: undefined, url, params })).toBe(
			false,
		);
		expect(verifyTwilioSignature({ authToken: 'other', signature, url, params })).toBe(false);
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature,
				url,
				params: { ...params, Digits: '1235' },
			}),
		).toBe(false);
	});

	it('strips any port from the URL', () => {
		const withPort = url.replace('.com', '.com:1234');
		expect(verifyTwilioSignature({ authToken: token, signature, url: withPort, params })).toBe(
			true,
		);
	});

	it('accepts an http URL with a port, signed with that port', () => {
		const httpWithPort = url.replace('.com', '.com:1234').replace('https', 'http');
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=',
				url: httpWithPort,
				params,
			}),
		).toBe(true);
	});

	it('adds the standard port 443 / 80 when Twilio signed the URL with it', () => {
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: 'kvajT1Ptam85bY51eRf/AJRuM3w=',
				url,
				params,
			}),
		).toBe(true);
		const httpUrl = url.replace('https', 'http');
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: '0ZXoZLH/DfblKGATFgpif+LLRf4=',
				url: httpUrl,
				params,
			}),
		).toBe(true);
	});

	it('accepts URLs with credentials, with and without the added port', () => {
		const withCredentials = 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2';
		for (const sig of ['CukzLTc1tT5dXEDIHm/tKBanW10=', 'ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=']) {
			expect(
				verifyTwilioSignature({ authToken: token, signature: sig, url: withCredentials, params }),
			).toBe(true);
		}
		const withUser = 'https://user@mycompany.com/myapp.php?foo=1&bar=2';
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: '2YRLlVAflCqxaNicjMpJcSTgzSs=',
				url: withUser,
				params,
			}),
		).toBe(true);
	});

	it('accepts URLs with special characters in the query', () => {
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: 'dsq4Ehbj6cs+KdTkpF5sSSplOWw=',
				url: url + "&Body=It's+amazing",
				params,
			}),
		).toBe(true);
	});

	it('signs repeated parameters regardless of the order of their values, with duplicates once', () => {
		const sig = '83O6e2vORAoJHUNzJjDWN1jz+BA=';
		for (const addresses of [
			['+1325xxxxxxx', '+1415xxxxxxx'],
			['+1415xxxxxxx', '+1325xxxxxxx'],
		]) {
			expect(
				verifyTwilioSignature({
					authToken: token,
					signature: sig,
					url,
					params: { 'MessagingBinding.Address': addresses },
				}),
			).toBe(true);
		}
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: 'IK+Dwps556ElfBT0I3Rgjkr1wJU=',
				url,
				params: { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] },
			}),
		).toBe(true);
	});

	it('verifies JSON bodies through bodySHA256, ignoring params', () => {
		expect(sha256Hex(body)).toBe(bodyHash);
		const bodyUrl = `${url}&bodySHA256=${bodyHash}`;
		const sig = 'a9nBmqA0ju/hNViExpshrM61xv4=';
		expect(isBodySignedUrl(bodyUrl)).toBe(true);
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: sig,
				url: bodyUrl,
				params: {},
				rawBody: body,
			}),
		).toBe(true);
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: sig,
				url: bodyUrl,
				params: { Ignored: 'x' },
				rawBody: body,
			}),
		).toBe(true);
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: sig,
				url: bodyUrl,
				params: {},
				rawBody: body + ' ',
			}),
		).toBe(false);
		// The hash is one character short: the signature still matches that URL, the body no longer
		// does.
		const shortHashUrl = bodyUrl.slice(0, -1);
		const shortHashSig = computeTwilioSignature(token, shortHashUrl, {});
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: shortHashSig,
				url: shortHashUrl,
				params: {},
				rawBody: body,
			}),
		).toBe(false);
	});

	it('verifies an empty JSON body and a URL whose only parameter is bodySHA256', () => {
		const emptyHash = '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: 'Ldidvp12m26NI7eqEvxnEpkd9Hc=',
				url: `${url}&bodySHA256=${emptyHash}`,
				params: {},
				rawBody: '{}',
			}),
		).toBe(true);
		expect(
			verifyTwilioSignature({
				authToken: token,
				signature: 'y77kIzt2vzLz71DgmJGsen2scGs=',
				url: `https://mycompany.com/myapp.php?bodySHA256=${bodyHash}`,
				params: {},
				rawBody: body,
			}),
		).toBe(true);
	});

	describe('webhooks.spec.js: ports and quotes', () => {
		const authToken = 's3cr3t';
		const cases: Array<[string, string, boolean]> = [
			['https://example.com/path?test=param', 'https://example.com/path?test=param2', false],
			['https://example.com:443/path?test=param', 'https://example.com:443/path?test=param', true],
			['https://example.com:443/path?test=param', 'https://example.com/path?test=param', true],
			['https://example.com/path?test=param', 'https://example.com/path?test=param', true],
			['https://example.com/path?test=param', 'https://example.com:443/path?test=param', true],
			[
				"https://example.com/path?test=param'WithQuote",
				"https://example.com/path?test=param'WithQuote",
				true,
			],
			[
				"https://example.com/path?test=param'WithQuote",
				'https://example.com/path?test=param%27WithQuote',
				true,
			],
			[
				'https://example.com/path?test=param%27WithQuote',
				"https://example.com/path?test=param'WithQuote",
				true,
			],
			[
				'https://example.com/path?test=param%27WithQuote',
				'https://example.com/path?test=param%27WithQuote',
				true,
			],
		];
		it.each(cases)('signed %s, received %s → %s', (signedUrl, targetUrl, expected) => {
			const sig = twilio.getExpectedTwilioSignature(authToken, signedUrl, {});
			expect(computeTwilioSignature(authToken, signedUrl, {})).toBe(sig);
			expect(verifyTwilioSignature({ authToken, signature: sig, url: targetUrl, params: {} })).toBe(
				expected,
			);
		});
	});
});

describe('GET requests', () => {
	it('verifies a GET inbound whose parameters are all in the query string', () => {
		const url =
			'https://n8n.example.com/webhook/abc/twilio?SmsStatus=received&Body=%C2%A1Hola%21+%F0%9F%98%80&From=whatsapp%3A%2B14017122661&NumMedia=0';
		const signature = twilio.getExpectedTwilioSignature('token', url, {});
		expect(verifyTwilioSignature({ authToken: 'token', signature, url, params: {} })).toBe(true);
		expect(
			verifyTwilioSignature({
				authToken: 'token',
				signature,
				url: url.replace('NumMedia=0', 'NumMedia=1'),
				params: {},
			}),
		).toBe(false);
	});
});

describe('edge cases', () => {
	const url = 'https://example.com/hook';
	const params = { Body: 'hi' };
	const sig = computeTwilioSignature('token', url, params);

	it('never throws on URLs that do not parse, and still accepts one signed as given', () => {
		const odd = 'not a url at all';
		const oddSig = computeTwilioSignature('token', odd, params);
		expect(verifyTwilioSignature({ authToken: 'token', signature: oddSig, url: odd, params })).toBe(
			true,
		);
		expect(verifyTwilioSignature({ authToken: 'token', signature: sig, url: odd, params })).toBe(
			false,
		);
		expect(
			verifyTwilioSignature({ authToken: 'token', signature: sig, url: 'http://[bad', params }),
		).toBe(false);
	});

	it('rejects signatures of the wrong length or with non-ASCII characters', () => {
		expect(
			verifyTwilioSignature({ authToken: 'token', signature: sig.slice(0, -1), url, params }),
		).toBe(false);
		expect(verifyTwilioSignature({ authToken: 'token', signature: sig + '=', url, params })).toBe(
			false,
		);
		expect(
			verifyTwilioSignature({ authToken: 'token', signature: 'é' + sig.slice(1), url, params }),
		).toBe(false);
		expect(verifyTwilioSignature({ authToken: 'token', signature: '', url, params })).toBe(false);
	});

	it('refuses an empty auth token, which can only be a misconfiguration', () => {
		const emptyKeySig = computeTwilioSignature('', url, params);
		expect(verifyTwilioSignature({ authToken: '', signature: emptyKeySig, url, params })).toBe(
			false,
		);
	});

	it('fails closed on a JSON request whose URL mentions bodySHA256 but does not parse', () => {
		const bad = 'https://[bad?bodySHA256=abc';
		const badSig = computeTwilioSignature('token', bad, {});
		expect(isBodySignedUrl(bad)).toBe(true);
		expect(
			verifyTwilioSignature({
				authToken: 'token',
				signature: badSig,
				url: bad,
				params: {},
				rawBody: '',
			}),
		).toBe(false);
	});

	it('takes the form path when bodySHA256 appears only inside a value', () => {
		const valueUrl = 'https://example.com/hook?note=bodySHA256';
		expect(isBodySignedUrl(valueUrl)).toBe(false);
		const valueSig = computeTwilioSignature('token', valueUrl, params);
		expect(
			verifyTwilioSignature({ authToken: 'token', signature: valueSig, url: valueUrl, params }),
		).toBe(true);
	});
});

// ---- Property tests against the oracle
// -------------------------------------------------------------------

const NUM_RUNS = 3000;

const anyText = fc.oneof(
	fc.string({ maxLength: 12 }),
	fc.string({ unit: 'grapheme', maxLength: 8 }),
	fc.string({ unit: 'binary', maxLength: 6 }),
	fc.constantFrom(
		"'",
		'+',
		'%27',
		'%',
		'%zz',
		'%E2%82%AC',
		' ',
		'€',
		'😀',
		'&',
		'=',
		'#',
		'?',
		'/',
		'@',
		':',
		'\u0000',
	),
);

const token = fc.oneof(
	fc.stringMatching(/^[0-9a-f]{32}$/),
	fc.string({ minLength: 1, maxLength: 40 }),
	fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }),
);

const paramValue = fc.oneof(
	{ weight: 4, arbitrary: anyText },
	{ weight: 1, arbitrary: fc.constant('') },
	{ weight: 1, arbitrary: fc.array(anyText, { maxLength: 4 }) },
	{ weight: 1, arbitrary: anyText.map((value) => [value, value]) },
);

const params: fc.Arbitrary<TwilioParams> = fc.dictionary(
	fc.oneof(
		fc.constantFrom('Body', 'From', 'To', 'MediaUrl0', 'NumMedia', 'body', 'Body2'),
		anyText,
	),
	paramValue,
	{ maxKeys: 8 },
);

interface UrlParts {
	scheme: string;
	userInfo: string;
	host: string;
	path: string;
	query: string;
	fragment: string;
}

const queryPair = fc
	.tuple(fc.oneof(fc.constantFrom('a', 'foo', 'x', '1', '2'), anyText), anyText, fc.boolean())
	.map(([key, value, withEq]) => (withEq ? `${key}=${value}` : key));

const urlParts: fc.Arbitrary<UrlParts> = fc.record({
	scheme: fc.constantFrom('https://', 'http://', 'HTTPS://', 'Http://', 'ftp://'),
	userInfo: fc.oneof(
		{ weight: 3, arbitrary: fc.constant('') },
		{ weight: 1, arbitrary: fc.constantFrom('user:pass@', 'user@', 'u%40x:p%3A@', ':@') },
		{ weight: 1, arbitrary: fc.tuple(anyText, anyText).map(([u, p]) => `${u}:${p}@`) },
	),
	host: fc.oneof(
		fc.constantFrom(
			'example.com',
			'Example.COM',
			'n8n.example.org',
			'127.0.0.1',
			'[::1]',
			'[2001:db8::1]',
			'xn--bcher-kva.de',
			'bücher.de',
		),
		fc.domain(),
	),
	path: fc.oneof(
		fc.constantFrom(
			'',
			'/',
			'/webhook/abc/twilio',
			'/webhook-test/abc/twilio',
			"/a b/'c'",
			'/ü/%7E/..',
		),
		fc.array(anyText, { maxLength: 3 }).map((segments) => segments.map((s) => '/' + s).join('')),
	),
	query: fc.oneof(
		{ weight: 2, arbitrary: fc.constant('') },
		{
			weight: 3,
			arbitrary: fc
				.array(queryPair, { minLength: 1, maxLength: 5 })
				.map((pairs) => '?' + pairs.join('&')),
		},
		{
			weight: 1,
			arbitrary: fc.constantFrom('?', '?&', '?a=1&&b=2&', "?Body=It's+amazing", '?2=x&b=1&1=y&b=3'),
		},
	),
	fragment: fc.oneof(
		{ weight: 6, arbitrary: fc.constant('') },
		{ weight: 1, arbitrary: anyText.map((f) => '#' + f) },
	),
});

const port = fc.constantFrom('', ':443', ':80', ':8443', ':5678', ':');

function buildUrl(parts: UrlParts, withPort: string): string {
	return (
		parts.scheme +
		parts.userInfo +
		parts.host +
		withPort +
		parts.path +
		parts.query +
		parts.fragment
	);
}

/** Node's legacy querystring round trip, as twilio-node applies it to normalised URLs. */
function legacyForm(url: string): string {
	const q = url.indexOf('?');
	if (q === -1 || q === url.length - 1) return url;
	return url.slice(0, q) + '?' + stringifyQuerystring(parseQuerystring(url.slice(q + 1)));
}

/** The URL Twilio signed, as some variant of the URL the request arrives at. */
function signedVariant(requestUrl: string, signedUrlAsSent: string, choice: number): string {
	let normalized: string;
	try {
		normalized = new URL(requestUrl).toString();
	} catch {
		return signedUrlAsSent;
	}
	switch (choice) {
		case 1:
			return normalized;
		case 2:
			return legacyForm(normalized);
		default:
			return signedUrlAsSent;
	}
}

const request = fc
	.record({
		parts: urlParts,
		signedPort: port,
		requestPort: port,
		variant: fc.constantFrom(0, 0, 0, 1, 2),
		token,
		params,
	})
	.map(({ parts, signedPort, requestPort, variant, token: authToken, params: form }) => {
		const url = buildUrl(parts, requestPort);
		const signedUrl = signedVariant(url, buildUrl(parts, signedPort), variant);
		return { url, signedUrl, authToken, params: form };
	});

type Tamper = 'param' | 'newParam' | 'url' | 'token' | 'truncate' | 'flip' | 'case' | 'none';
const tamper = fc.constantFrom<Tamper>(
	'param',
	'newParam',
	'url',
	'token',
	'truncate',
	'flip',
	'case',
	'none',
);

function tampered(
	kind: Tamper,
	r: { url: string; authToken: string; params: TwilioParams },
	signature: string,
): { url: string; authToken: string; params: TwilioParams; signature: string } {
	switch (kind) {
		case 'param': {
			const keys = Object.keys(r.params);
			if (keys.length === 0) return { ...r, params: { Body: 'x' }, signature };
			const key = keys[0];
			const value = r.params[key];
			return {
				...r,
				params: { ...r.params, [key]: Array.isArray(value) ? [...value, 'x'] : value + 'x' },
				signature,
			};
		}
		case 'newParam':
			return { ...r, params: { ...r.params, ZzExtra: '1' }, signature };
		case 'url':
			return { ...r, url: r.url + 'x', signature };
		case 'token':
			return { ...r, authToken: r.authToken + 'x', signature };
		case 'truncate':
			return { ...r, signature: signature.slice(0, -2) };
		case 'flip':
			return { ...r, signature: (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1) };
		case 'case':
			return {
				...r,
				signature:
					signature.toLowerCase() === signature ? signature.toUpperCase() : signature.toLowerCase(),
			};
		case 'none':
			return { ...r, signature };
	}
}

describe('property: verifyTwilioSignature agrees with twilio.validateRequest', () => {
	it('accepts every signature twilio-node computes for a URL variant it accepts', () => {
		fc.assert(
			fc.property(request, (r) => {
				const signature = twilio.getExpectedTwilioSignature(r.authToken, r.signedUrl, r.params);
				expect(computeTwilioSignature(r.authToken, r.signedUrl, r.params)).toBe(signature);
				const expected = oracle(r.authToken, signature, r.url, r.params);
				const actual = verifyTwilioSignature({
					authToken: r.authToken,
					signature,
					url: r.url,
					params: r.params,
				});
				expect(actual).toBe(expected);
				// The URL as sent, with its port changed, is always accepted; normalised variants when they
				// parse.
				if (r.signedUrl === r.url) expect(actual).toBe(true);
			}),
			{ numRuns: NUM_RUNS },
		);
	});

	it('agrees on tampered requests (changed param, URL, token, truncated or altered signature)', () => {
		fc.assert(
			fc.property(request, tamper, (r, kind) => {
				const signature = twilio.getExpectedTwilioSignature(r.authToken, r.signedUrl, r.params);
				const t = tampered(kind, r, signature);
				const expected = oracle(t.authToken, t.signature, t.url, t.params);
				expect(
					verifyTwilioSignature({
						authToken: t.authToken,
						signature: t.signature,
						url: t.url,
						params: t.params,
					}),
				).toBe(expected);
			}),
			{ numRuns: NUM_RUNS },
		);
	});

	it('accepts GET requests: the parameters in the query string, none in the body', () => {
		fc.assert(
			fc.property(urlParts, port, token, params, (parts, withPort, authToken, form) => {
				const pairs: string[] = [];
				for (const [key, value] of Object.entries(form)) {
					for (const item of Array.isArray(value) ? value : [value]) {
						pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(item)}`);
					}
				}
				const query =
					parts.query === '' ? '?' + pairs.join('&') : [parts.query, ...pairs].join('&');
				const url = buildUrl({ ...parts, query, fragment: '' }, withPort);
				const signature = twilio.getExpectedTwilioSignature(authToken, url, {});
				expect(verifyTwilioSignature({ authToken, signature, url, params: {} })).toBe(true);
				expect(oracle(authToken, signature, url, {})).toBe(true);
				// The same query read into params as well would be signed twice: both reject it.
				if (Object.keys(form).length > 0) {
					expect(verifyTwilioSignature({ authToken, signature, url, params: form })).toBe(
						oracle(authToken, signature, url, form),
					);
				}
			}),
			{ numRuns: NUM_RUNS },
		);
	});

	it('agrees on arbitrary strings as URL and signature', () => {
		fc.assert(
			fc.property(
				token,
				fc.string({ maxLength: 40 }),
				fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
				params,
				(authToken, url, signature, form) => {
					expect(verifyTwilioSignature({ authToken, signature, url, params: form })).toBe(
						oracle(authToken, signature, url, form),
					);
				},
			),
			{ numRuns: NUM_RUNS },
		);
	});
});

describe('property: JSON bodies agree with twilio.validateRequestWithBody', () => {
	const body = fc.oneof(
		fc.json(),
		fc.string({ unit: 'grapheme', maxLength: 40 }),
		fc.constantFrom('{}', '', '{"Body":"¡Hola! 😀"}'),
	);
	const bodyRequest = fc
		.record({
			r: request,
			body,
			hashChoice: fc.constantFrom('right', 'right', 'wrong', 'empty', 'upper'),
			tamper,
			ignored: params,
		})
		.map(({ r, body: rawBody, hashChoice, tamper: kind, ignored }) => {
			const hash =
				hashChoice === 'right'
					? sha256Hex(rawBody)
					: hashChoice === 'wrong'
						? sha256Hex(rawBody + 'x')
						: hashChoice === 'upper'
							? sha256Hex(rawBody).toUpperCase()
							: '';
			const hashed = (url: string) => {
				const hashStart = url.indexOf('#');
				const base = hashStart === -1 ? url : url.slice(0, hashStart);
				const fragment = hashStart === -1 ? '' : url.slice(hashStart);
				return `${base}${base.includes('?') ? '&' : '?'}bodySHA256=${hash}${fragment}`;
			};
			return {
				url: hashed(r.url),
				signedUrl: hashed(r.signedUrl),
				authToken: r.authToken,
				rawBody,
				kind,
				ignored,
			};
		});

	it('accepts exactly what validateRequestWithBody accepts, whatever the params', () => {
		fc.assert(
			fc.property(bodyRequest, (r) => {
				const signature = twilio.getExpectedTwilioSignature(r.authToken, r.signedUrl, {});
				const t = tampered(r.kind, { url: r.url, authToken: r.authToken, params: {} }, signature);
				const expected = bodyOracle(t.authToken, t.signature, t.url, r.rawBody);
				const actual = verifyTwilioSignature({
					authToken: t.authToken,
					signature: t.signature,
					url: t.url,
					params: r.ignored,
					rawBody: r.rawBody,
				});
				expect(actual).toBe(expected);
			}),
			{ numRuns: NUM_RUNS },
		);
	});
});
