/** TwilioWhatsAppTrigger/signedUrl.ts: the URLs a signature may have been computed over. */
import fc from 'fast-check';
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks';

import {
	resolvePublicUrl,
	signedUrlCandidates,
	urlFromRequest,
} from '../../nodes/TwilioWhatsAppTrigger/signedUrl';
import { verifyTwilioSignature } from '../../nodes/shared/twilioSignature';

describe('signed URL candidates', () => {
	const headers = { host: '127.0.0.1:5678' };
	const proxied = {
		...headers,
		'x-forwarded-proto': 'https',
		'x-forwarded-host': 'proxy.example.com',
	};

	it("tries the public URL, then n8n's URL, each with the query as received, and never the URL the request names once a public URL is known", () => {
		expect(
			signedUrlCandidates({
				request: { originalUrl: '/webhook/abc/twilio?ref=a%27b&x=1', headers: proxied },
				n8nUrl: 'http://localhost:5678/webhook/abc/twilio',
				publicUrl: 'https://n8n.example.com',
			}),
		).toEqual({
			configured: [
				'https://n8n.example.com/webhook/abc/twilio?ref=a%27b&x=1',
				'http://localhost:5678/webhook/abc/twilio?ref=a%27b&x=1',
			],
			fromRequest: [],
		});
		expect(
			signedUrlCandidates({
				request: { originalUrl: '/webhook/abc/twilio', headers: proxied },
				n8nUrl: 'https://n8n.example.com/webhook/abc/twilio',
			}),
		).toEqual({ configured: ['https://n8n.example.com/webhook/abc/twilio'], fromRequest: [] });
	});

	it("falls back to the URL the request names only when n8n's URL is not public and there is no Public URL", () => {
		for (const n8nUrl of [
			'http://localhost:5678/webhook/abc/twilio',
			'http://127.0.0.1:5678/webhook/abc/twilio',
			'http://n8n:5678/webhook/abc/twilio',
			'http://192.168.1.20:5678/webhook/abc/twilio',
			'http://[::1]:5678/webhook/abc/twilio',
		])
			expect(
				signedUrlCandidates({
					request: { originalUrl: '/webhook/abc/twilio', headers: proxied },
					n8nUrl,
				}),
			).toEqual({
				configured: [n8nUrl],
				fromRequest: ['https://proxy.example.com/webhook/abc/twilio'],
			});
	});

	it('uses a full public URL as it is, with its test-endpoint form while the editor listens', () => {
		expect(
			signedUrlCandidates({
				request: { originalUrl: '/webhook/abc/twilio', headers, protocol: 'http' },
				n8nUrl: 'http://127.0.0.1:5678/webhook/abc/twilio',
				n8nProductionUrl: 'http://127.0.0.1:5678/webhook/abc/twilio',
				publicUrl: 'https://hooks.example.com/twilio-in/',
			}).configured,
		).toEqual(['https://hooks.example.com/twilio-in', 'http://127.0.0.1:5678/webhook/abc/twilio']);
		expect(
			signedUrlCandidates({
				request: { originalUrl: '/webhook-test/abc/twilio', headers, protocol: 'http' },
				n8nUrl: 'http://127.0.0.1:5678/webhook-test/abc/twilio',
				n8nProductionUrl: 'http://127.0.0.1:5678/webhook/abc/twilio',
				publicUrl: 'https://hooks.example.com/n8n/webhook/abc/twilio',
			}),
		).toEqual({
			configured: [
				'https://hooks.example.com/n8n/webhook-test/abc/twilio',
				'https://hooks.example.com/n8n/webhook/abc/twilio',
				'http://127.0.0.1:5678/webhook-test/abc/twilio',
			],
			fromRequest: [],
		});
	});

	it('adds the Basic auth user to each URL, encoded and as typed, when the request carries one', () => {
		const candidates = signedUrlCandidates({
			request: { originalUrl: '/webhook/abc/twilio', headers, protocol: 'http' },
			n8nUrl: 'https://n8n.example.com/webhook/abc/twilio',
			basicAuth: { user: 'crm', password: 'p@ss word' },
		});
		expect(candidates).toEqual({
			configured: [
				'https://n8n.example.com/webhook/abc/twilio',
				'https://crm:p%40ss%20word@n8n.example.com/webhook/abc/twilio',
				'https://crm:p@ss word@n8n.example.com/webhook/abc/twilio',
			],
			fromRequest: [],
		});
		expect(
			signedUrlCandidates({
				request: { originalUrl: '/webhook/abc/twilio', headers, protocol: 'http' },
				basicAuth: { user: 'crm', password: 'pw' },
			}).fromRequest,
		).toEqual([
			'http://127.0.0.1:5678/webhook/abc/twilio',
			'http://crm:pw@127.0.0.1:5678/webhook/abc/twilio',
		]);
	});

	it('takes the first hop of proxy headers and ignores a request without a host', () => {
		expect(
			urlFromRequest({
				originalUrl: '/w',
				headers: {
					host: 'a',
					'x-forwarded-host': 'b.example, c',
					'x-forwarded-proto': 'https, http',
				},
			}),
		).toBe('https://b.example/w');
		expect(urlFromRequest({ originalUrl: '/w', headers: {} })).toBeUndefined();
	});

	it('ignores a public URL that is not absolute', () => {
		expect(resolvePublicUrl('n8n.example.com', '/webhook/a/twilio')).toBeUndefined();
		expect(resolvePublicUrl('https://n8n.example.com/', '/webhook/a/twilio?q=1')).toBe(
			'https://n8n.example.com/webhook/a/twilio',
		);
	});

	it('finds the URL Twilio signed behind a proxy, for any path, query and public host (twilio-node as the oracle)', () => {
		const token = 'c0ffee0123456789abcdef0123456789';
		const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
		fc.assert(
			fc.property(
				fc.constantFrom(
					'https://n8n.example.com',
					'https://n8n.example.com:8443',
					'http://tunnel.example.org',
				),
				fc.array(segment, { minLength: 1, maxLength: 3 }),
				fc.dictionary(segment, fc.string({ maxLength: 10 }), { maxKeys: 3 }),
				fc.dictionary(segment, fc.string({ maxLength: 20 }), { maxKeys: 5 }),
				(origin, path, query, form) => {
					const qs = new URLSearchParams(query).toString();
					const originalUrl = `/webhook/${path.join('/')}${qs ? `?${qs}` : ''}`;
					const twilioUrl = origin + originalUrl;
					const signature = getExpectedTwilioSignature(token, twilioUrl, form);
					expect(validateRequest(token, signature, twilioUrl, form)).toBe(true);
					const candidates = signedUrlCandidates({
						request: { originalUrl, headers: { host: 'localhost:5678' }, protocol: 'http' },
						n8nUrl: `http://localhost:5678/webhook/${path.join('/')}`,
						publicUrl: origin,
					});
					expect(
						candidates.configured.some((url) =>
							verifyTwilioSignature({ authToken: token, signature, url, params: form }),
						),
					).toBe(true);
				},
			),
			{ numRuns: 200 },
		);
	});
});
