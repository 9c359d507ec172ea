/**
 * The Twilio trigger's pure pieces: TwiML, the duplicate-delivery log, signed-URL candidates, request
 * reading, the auto-configuration field plans, and the webhook descriptions n8n reads per request.
 */
import fc from 'fast-check';
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks';
import {
	fromFunction,
	resolveWebhookDescriptionField,
	webhookDescriptionIsNativelyResolvable,
	Workflow,
	type INodeParameters,
	type INodeTypes,
} from 'n8n-workflow';

import {
	currentFields,
	desiredFields,
	isConfigured,
	type ConfigurationTarget,
} from '../../nodes/TwilioWhatsAppTrigger/autoConfigure';
import { TRIGGER_WEBHOOKS } from '../../nodes/TwilioWhatsAppTrigger/description/webhooks';
import { recordDelivery } from '../../nodes/TwilioWhatsAppTrigger/idempotency';
import {
	paramsFromQuery,
	readTwilioRequest,
} from '../../nodes/TwilioWhatsAppTrigger/requestParams';
import {
	resolvePublicUrl,
	signedUrlCandidates,
	urlFromRequest,
} from '../../nodes/TwilioWhatsAppTrigger/signedUrl';
import { TwilioWhatsAppTrigger } from '../../nodes/TwilioWhatsAppTrigger/TwilioWhatsAppTrigger.node';
import { EMPTY_TWIML, escapeXml, messageTwiml } from '../../nodes/TwilioWhatsAppTrigger/twiml';
import { verifyTwilioSignature } from '../../nodes/shared/twilioSignature';

describe('TwiML', () => {
	it('is the documented empty answer', () => {
		expect(EMPTY_TWIML).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
	});

	it('escapes markup and drops characters XML cannot carry', () => {
		expect(escapeXml(`<b>"Tom" & 'Jerry'</b>\u0000\u0007\uFFFE`)).toBe(
			'&lt;b&gt;&quot;Tom&quot; &amp; &apos;Jerry&apos;&lt;/b&gt;',
		);
		expect(escapeXml('\uD83D')).toBe('');
	});

	it('keeps tabs, line breaks, non-Latin text and emoji', () => {
		const text = 'Привет\tмир\r\n你好 👋🏽🇪🇸';
		expect(escapeXml(text)).toBe(text);
	});

	it('puts a text reply straight into <Message>', () => {
		expect(messageTwiml('Thanks & see you <soon>')).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks &amp; see you &lt;soon&gt;</Message></Response>',
		);
	});

	it('nests <Body> and <Media> when a file goes with the reply', () => {
		expect(messageTwiml('Here', ['https://example.com/a.jpg?x=1&y=2'])).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>Here</Body><Media>https://example.com/a.jpg?x=1&amp;y=2</Media></Message></Response>',
		);
		expect(messageTwiml('', ['https://example.com/a.jpg'])).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><Response><Message><Media>https://example.com/a.jpg</Media></Message></Response>',
		);
	});
});

describe('duplicate-delivery log', () => {
	const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
	const limits = { windowMs: 5 * 60_000, maxEntries: 3 };

	it('recognises a token seen within the window, not a new one', () => {
		const first = recordDelivery(undefined, 'token-a', T0, limits);
		expect(first.duplicate).toBe(false);
		expect(recordDelivery(first.log, 'token-a', T0 + 14_000, limits).duplicate).toBe(true);
		expect(recordDelivery(first.log, 'token-b', T0 + 14_000, limits).duplicate).toBe(false);
	});

	it('forgets tokens after the window', () => {
		const { log } = recordDelivery({}, 'token-a', T0, limits);
		expect(recordDelivery(log, 'token-a', T0 + 5 * 60_000 + 1000, limits).duplicate).toBe(false);
	});

	it('keeps at most the newest entries', () => {
		let log: unknown = undefined;
		for (const token of ['a', 'b', 'c', 'd']) log = recordDelivery(log, token, T0, limits).log;
		expect(String(log).split(',')).toHaveLength(3);
		expect(recordDelivery(log, 'a', T0, limits).duplicate).toBe(false);
		expect(recordDelivery(log, 'd', T0, limits).duplicate).toBe(true);
	});

	it('stores digests, not the tokens, and survives a JSON round trip as static data does', () => {
		const { log } = recordDelivery({}, 'I-Twilio-token-1234567890', T0);
		expect(JSON.stringify(log)).not.toContain('1234567890');
		expect(
			recordDelivery(JSON.parse(JSON.stringify(log)), 'I-Twilio-token-1234567890', T0 + 1000)
				.duplicate,
		).toBe(true);
	});

	it('reads whatever else static data holds under its key as an empty log, and does not modify its input', () => {
		const stored = { junk: 'x', tOld: 1, also: null } as Record<string, unknown>;
		const before = JSON.stringify(stored);
		expect(recordDelivery(stored, 'a', T0).duplicate).toBe(false);
		expect(recordDelivery('not a log, at all', 'a', T0).duplicate).toBe(false);
		expect(recordDelivery(12, 'a', T0).duplicate).toBe(false);
		expect(JSON.stringify(stored)).toBe(before);
	});

	it("by default recognises a retry within Twilio's 15 s limit, and later ones, and forgets the token after five minutes", () => {
		const { log } = recordDelivery(undefined, 'token-a', T0);
		expect(recordDelivery(log, 'token-a', T0 + 15_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'token-a', T0 + 299_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'token-a', T0 + 301_000).duplicate).toBe(false);
	});

	it("keeps each token's time when older entries expire and the stored base moves", () => {
		let log: unknown = recordDelivery(undefined, 'early', T0).log;
		log = recordDelivery(log, 'later', T0 + 200_000).log;
		// 'early' expires here, so the log is re-based on 'later'.
		log = recordDelivery(log, 'latest', T0 + 330_000).log;
		expect(recordDelivery(log, 'early', T0 + 330_000).duplicate).toBe(false);
		expect(recordDelivery(log, 'later', T0 + 499_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'later', T0 + 501_000).duplicate).toBe(false);
	});

	it('stores about 13 bytes a token at the default cap of 1,000', () => {
		let log: unknown = undefined;
		for (let i = 0; i < 1200; i++) log = recordDelivery(log, `SM${i}-token`, T0 + i * 40).log;
		expect(String(log).split(',')).toHaveLength(1000);
		expect(String(log).length).toBeLessThanOrEqual(13 * 1000 + 10);
		expect(recordDelivery(log, 'SM1199-token', T0 + 48_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'SM200-token', T0 + 48_000).duplicate).toBe(true);
		expect(recordDelivery(log, 'SM199-token', T0 + 48_000).duplicate).toBe(false);
	});

	it('stores one string value, whatever the number of tokens', () => {
		let log: unknown = undefined;
		for (let i = 0; i < 50; i++) log = recordDelivery(log, `token-${i}`, T0 + i * 1000).log;
		expect(typeof log).toBe('string');
		expect(recordDelivery(log, 'token-7', T0 + 60_000).duplicate).toBe(true);
	});
});

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

describe('reading the request', () => {
	it("takes a POST's parameters from the parsed form body and its URL query as callbackQuery", () => {
		const data = readTwilioRequest({
			method: 'POST',
			originalUrl: '/webhook/abc/twilio?order=42&bodySHA256=x',
			body: { MessageSid: 'SM1', MediaUrl: ['a', 'b'], NumMedia: 2, Nested: { a: 1 }, Empty: null },
			rawBody: Buffer.from('MessageSid=SM1'),
		});
		expect(data.params).toEqual({
			MessageSid: 'SM1',
			MediaUrl: ['a', 'b'],
			NumMedia: '2',
			Nested: '{"a":1}',
			Empty: '',
		});
		expect(data.signedParams).toBe(data.params);
		expect(data.callbackQuery).toEqual({ order: '42' });
		expect(data.rawBody).toBe('MessageSid=SM1');
	});

	it("takes a GET's parameters from the query as received, and signs the URL alone", () => {
		const data = readTwilioRequest({
			method: 'GET',
			originalUrl: '/w?Body=Hola+se%C3%B1or&To=%2B1555&To=%2B1666',
			body: {},
		});
		expect(data.params).toEqual({ Body: 'Hola señor', To: ['+1555', '+1666'] });
		expect(data.signedParams).toEqual({});
		expect(data.callbackQuery).toBeUndefined();
	});

	it('reads a query with nothing after the question mark', () => {
		expect(paramsFromQuery('?')).toEqual({});
	});
});

describe('auto-configuration plans', () => {
	const URL = 'https://n8n.example.com/webhook/abc/twilio';
	const number: ConfigurationTarget = { kind: 'phoneNumber', sid: 'PN1' };
	const service: ConfigurationTarget = {
		kind: 'messagingService',
		sid: 'MG1',
		statusCallback: true,
	};

	it('points a phone number at the trigger by POST and takes it away from a TwiML app', () => {
		expect(desiredFields(number, URL)).toEqual({
			SmsUrl: URL,
			SmsMethod: 'POST',
			SmsApplicationSid: '',
		});
	});

	it('points a service at the trigger, stops it deferring to the numbers, and sets its status callback', () => {
		expect(desiredFields(service, URL)).toEqual({
			InboundRequestUrl: URL,
			InboundMethod: 'POST',
			UseInboundWebhookOnNumber: 'false',
			StatusCallback: URL,
		});
		expect(desiredFields({ ...service, statusCallback: false }, URL)).not.toHaveProperty(
			'StatusCallback',
		);
	});

	it('reads the current values of the same fields as form values', () => {
		expect(
			currentFields(service, {
				inbound_request_url: null,
				inbound_method: 'POST',
				use_inbound_webhook_on_number: true,
				status_callback: 'https://old',
			}),
		).toEqual({
			InboundRequestUrl: '',
			InboundMethod: 'POST',
			UseInboundWebhookOnNumber: 'true',
			StatusCallback: 'https://old',
		});
	});

	it('sees a target as configured only when every field matches (methods in any case)', () => {
		expect(
			isConfigured(number, { sms_url: URL, sms_method: 'post', sms_application_sid: '' }, URL),
		).toBe(true);
		expect(
			isConfigured(number, { sms_url: URL, sms_method: 'GET', sms_application_sid: '' }, URL),
		).toBe(false);
		expect(
			isConfigured(number, { sms_url: URL, sms_method: 'POST', sms_application_sid: 'AP1' }, URL),
		).toBe(false);
	});
});

describe('webhook descriptions as n8n reads them per request', () => {
	const nodeType = new TwilioWhatsAppTrigger();
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};

	/** The node's parameters with the defaults n8n's Workflow applies, as resolveWebhookDescriptionField receives them. */
	function withDefaults(parameters: INodeParameters): INodeParameters {
		const workflow = new Workflow({
			nodes: [
				{
					id: 'n',
					name: 'T',
					type: 'x.twilioWhatsAppTrigger',
					typeVersion: 2,
					position: [0, 0],
					parameters,
				},
			],
			connections: {},
			active: false,
			nodeTypes,
		});
		return workflow.nodes.T.parameters;
	}

	it('answers POST and GET on one static path, with no field that needs the expression engine', () => {
		expect(TRIGGER_WEBHOOKS.map((w) => [w.httpMethod, w.path, w.isFullPath])).toEqual([
			['POST', 'twilio', undefined],
			['GET', 'twilio', undefined],
		]);
		for (const description of TRIGGER_WEBHOOKS)
			expect(webhookDescriptionIsNativelyResolvable(description)).toBe(true);
	});

	it.each([
		['emptyTwiml', 'onReceived', ''],
		['message', 'onReceived', ''],
		['lastNode', 'lastNode', 'firstEntryJson'],
		['responseNode', 'responseNode', ''],
	])(
		'resolves respond=%s natively to responseMode %s, responseData "%s"',
		(respond, mode, responseData) => {
			const parameters = withDefaults({ respond });
			for (const description of TRIGGER_WEBHOOKS) {
				expect(resolveWebhookDescriptionField({ parameters }, description, 'responseMode')).toEqual(
					{ resolved: true, value: mode },
				);
				// Empty in onReceived mode: n8n then sends the node's webhookResponse once the execution is stored.
				expect(resolveWebhookDescriptionField({ parameters }, description, 'responseData')).toEqual(
					{ resolved: true, value: responseData },
				);
			}
		},
	);

	it('resolves the default parameters natively to onReceived', () => {
		expect(
			resolveWebhookDescriptionField(
				{ parameters: withDefaults({}) },
				TRIGGER_WEBHOOKS[0],
				'responseMode',
			),
		).toEqual({ resolved: true, value: 'onReceived' });
	});

	it("carries the same template as n8n-workflow's fromFunction, for the engine when parameters hold expressions", () => {
		const responseMode = TRIGGER_WEBHOOKS[0].responseMode as string;
		expect(responseMode).toMatch(/^=\{\{\(.*\)\(\$parameter\)\}\}$/s);
		expect(fromFunction(() => 'x').template).toMatch(/^=\{\{\(.*\)\(\$parameter\)\}\}$/s);
		const parameters = withDefaults({ respond: 'message', replyMessage: '={{ $json.body.Body }}' });
		expect(
			resolveWebhookDescriptionField({ parameters }, TRIGGER_WEBHOOKS[0], 'responseMode'),
		).toEqual({ resolved: false });
		const workflow = new Workflow({
			nodes: [
				{
					id: 'n',
					name: 'T',
					type: 'x.twilioWhatsAppTrigger',
					typeVersion: 2,
					position: [0, 0],
					parameters,
				},
			],
			connections: {},
			active: false,
			nodeTypes,
		});
		expect(
			workflow.expression.getSimpleParameterValue(workflow.nodes.T, responseMode, 'webhook', {}),
		).toBe('onReceived');
	});
});
