/**
 * The workflows the webhook benchmarks drive (trigger → NoOp each) and the requests they receive.
 * Requests are built before a run and replayed with per-request ids, so the load generator's own
 * cost stays small and alike for every target.
 */
import { randomUUID } from 'crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

import { DEFAULT_ACCOUNT, MOCK_NUMBERS } from '../test/mock-twilio';
import type { BenchRequest, Target } from './n8nDriver';

const POOL = 2048;

export const TWILIO_CREDENTIALS = {
	twilioMessagingApi: {
		accountSid: DEFAULT_ACCOUNT.accountSid,
		authType: 'authToken',
		authToken: DEFAULT_ACCOUNT.authToken,
	},
};

/**
 * A WhatsApp text inbound in the shape of Twilio's inbound message webhook (seed 000), with its own
 * MessageSid.
 */
export function whatsAppInbound(n: number): Record<string, string> {
	const sid = `SM${n.toString(16).padStart(32, '0')}`;
	return {
		SmsMessageSid: sid,
		NumMedia: '0',
		ProfileName: 'Perspective Coffee',
		MessageType: 'text',
		SmsSid: sid,
		WaId: '14017122661',
		SmsStatus: 'received',
		Body: `Order #${n}: two flat whites, please`,
		To: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
		NumSegments: '1',
		ReferralNumMedia: '0',
		MessageSid: sid,
		AccountSid: DEFAULT_ACCOUNT.accountSid,
		From: 'whatsapp:+14017122661',
		ApiVersion: '2010-04-01',
	};
}

/** The MessageSids the inbound requests cycle through, for a Twilio mock that has to know them. */
export function inboundMessageSids(): string[] {
	return Array.from({ length: POOL }, (_, n) => whatsAppInbound(n).MessageSid);
}

/**
 * What Twilio sends for an inbound WhatsApp message: the form body, X-Twilio-Signature over the
 * target's own URL (pre-computed per distinct MessageSid), and a fresh I-Twilio-Idempotency-Token
 * per request.
 */
export function signedInboundRequests(url: string): (i: number) => BenchRequest {
	const pool = Array.from({ length: POOL }, (_, n) => {
		const params = whatsAppInbound(n);
		return {
			body: new URLSearchParams(params).toString(),
			signature: getExpectedTwilioSignature(DEFAULT_ACCOUNT.authToken, url, params),
		};
	});
	const nonce = randomUUID();
	return (i) => {
		const { body, signature } = pool[i % POOL];
		return {
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'x-twilio-signature': signature,
				'i-twilio-idempotency-token': `${nonce}-${i}`,
				'user-agent': 'TwilioProxy/1.1',
			},
			body,
		};
	};
}

/** A TimelinesAI inbound-webhook "send" request (seed 002): one recipient by phone, a text. */
export function timelinesAiRequests(): (i: number) => BenchRequest {
	return (i) => ({
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			action: 'send',
			phone: '+14151231234',
			text: `Your order #${i} is ready for pick-up`,
		}),
	});
}

/**
 * n8n's own Webhook node, typeVersion 2.1, answering at once, static parameters: n8n skips the
 * isolate for it.
 */
export function webhookNodeTarget(
	key: string,
	label: string,
	request: (i: number) => BenchRequest,
): Target {
	const path = `bench-${key}`;
	return {
		key,
		label,
		trigger: {
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
		},
		path: `/webhook/${path}`,
		request,
	};
}

/**
 * The minimal community trigger in bench/n8n-nodes-bench-passthrough: returns the body as one item.
 * `answersItself` picks its diagnostic twin, which writes the answer before n8n creates the
 * execution; `withCredential` attaches the Twilio credential, which the node declares and never
 * reads.
 */
export function passthroughTarget(
	key: string,
	label: string,
	request: (url: string) => (i: number) => BenchRequest,
	baseUrl: string,
	{ answersItself = false, withCredential = false } = {},
): Target {
	const webhookId = randomUUID();
	const name = answersItself ? 'passthroughSelfTrigger' : 'passthroughTrigger';
	return {
		key,
		label,
		trigger: {
			name: 'Passthrough Trigger',
			type: `n8n-nodes-bench-passthrough.${name}`,
			typeVersion: 2,
			webhookId,
			parameters: {},
			...(withCredential ? { credentials: { twilioMessagingApi: 'bench' } } : {}),
		},
		path: `/webhook/${webhookId}/in`,
		request: request(`${baseUrl}/webhook/${webhookId}/in`),
	};
}

/**
 * This package's Twilio trigger with its defaults: signature verified, duplicate deliveries ignored
 * (checked in the execution, in n8n's deduplication table), empty TwiML answer. `extra` adds
 * parameters, and the node may go without its credential (diagnostics).
 */
export function twilioTriggerTarget(
	key: string,
	label: string,
	baseUrl: string,
	extra: Record<string, unknown> = {},
	withCredential = true,
): Target {
	const webhookId = randomUUID();
	return {
		key,
		label,
		trigger: {
			name: 'Twilio Trigger',
			type: 'n8n-nodes-twilio-whatsapp.twilioWhatsAppTrigger',
			typeVersion: 2,
			webhookId,
			parameters: { events: 'all', respond: 'emptyTwiml', verifySignature: true, ...extra },
			...(withCredential ? { credentials: { twilioMessagingApi: 'bench' } } : {}),
		},
		path: `/webhook/${webhookId}/twilio`,
		request: signedInboundRequests(`${baseUrl}/webhook/${webhookId}/twilio`),
	};
}

const URL_SECRET = '9f86d081884c7d659a2feaa0c55ad015';

/**
 * This package's TimelinesAI-compatible trigger with its defaults (no quota budget, no file check,
 * answer at once).
 */
export function timelinesAiTarget(key: string, label: string): Target {
	const webhookId = randomUUID();
	return {
		key,
		label,
		trigger: {
			name: 'TimelinesAI Trigger',
			type: 'n8n-nodes-twilio-whatsapp.timelinesAiTrigger',
			typeVersion: 2,
			webhookId,
			parameters: {
				webhookEnabled: true,
				urlSecret: URL_SECRET,
				authentication: 'none',
				responseMode: 'onReceived',
				quotaBudget: 0,
			},
		},
		path: `/webhook/${webhookId}/timelinesai?secret=${URL_SECRET}`,
		request: timelinesAiRequests(),
	};
}
