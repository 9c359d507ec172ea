/**
 * Parse + verify: the in-process cost of checking X-Twilio-Signature and turning a typical WhatsApp
 * image inbound into an item, against HMAC-SHA1 alone over the same bytes (the floor any verifier
 * pays).
 */
import { createHmac } from 'crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

import { verifyTwilioSignature } from '../nodes/shared/twilioSignature';
import { parseTwilioWebhook } from '../nodes/shared/messageEvent';
import type { BenchFigure } from './stats';
import { fmt, summarize } from './stats';

const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
const URL = 'https://n8n.example.com/webhook/6f0c2b7e-8a43-4d0b-9a43-2f1f1d3c9e10/twilio';
// A WhatsApp image with caption, in the shape of Twilio's inbound message webhook (seed 000).
const PARAMS: Record<string, string> = {
	SmsMessageSid: 'MM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
	NumMedia: '1',
	ProfileName: 'Perspective Coffee',
	MessageType: 'image',
	SmsSid: 'MM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
	WaId: '14017122661',
	SmsStatus: 'received',
	Body: 'Here is the receipt 📎',
	To: 'whatsapp:+14155238886',
	MediaContentType0: 'image/jpeg',
	NumSegments: '1',
	ReferralNumMedia: '0',
	MessageSid: 'MM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
	AccountSid: 'AC0123456789abcdef0123456789abcdef',
	From: 'whatsapp:+14017122661',
	MediaUrl0:
		'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM0a1b2c3d4e5f60718293a4b5c6d7e8f9/Media/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9',
	ApiVersion: '2010-04-01',
};

function measure(iterations: number, fn: () => unknown): number[] {
	const samples: number[] = new Array(iterations);
	for (let i = 0; i < iterations; i++) {
		const start = process.hrtime.bigint();
		fn();
		samples[i] = Number(process.hrtime.bigint() - start) / 1000;
	}
	return samples;
}

export function benchParseVerify(iterations = 50_000): BenchFigure {
	const signature = getExpectedTwilioSignature(AUTH_TOKEN, URL, PARAMS);
	const signedBytes =
		URL +
		Object.keys(PARAMS)
			.sort()
			.map((k) => k + PARAMS[k])
			.join('');
	const ours = () => {
		if (!verifyTwilioSignature({ authToken: AUTH_TOKEN, signature, url: URL, params: PARAMS }))
			throw new Error('signature rejected');
		return parseTwilioWebhook(PARAMS);
	};
	const hmacOnly = () =>
		createHmac('sha1', AUTH_TOKEN).update(signedBytes, 'utf8').digest('base64');
	// Warm both paths so the JIT has compiled them before anything is recorded.
	measure(5_000, ours);
	measure(5_000, hmacOnly);
	// Interleave rounds so background load on the shared machine hits both alike.
	const oursSamples: number[] = [];
	const baseSamples: number[] = [];
	for (let round = 0; round < 10; round++) {
		oursSamples.push(...measure(iterations / 10, ours));
		baseSamples.push(...measure(iterations / 10, hmacOnly));
	}
	const o = summarize(oursSamples);
	const b = summarize(baseSamples);
	return {
		figure: 'Parse + verify (WhatsApp image inbound, in-process)',
		value: `median ${fmt(o.median)} µs, p99 ${fmt(o.p99)} µs`,
		baseline: `HMAC-SHA1 alone: median ${fmt(b.median)} µs, p99 ${fmt(b.p99)} µs`,
		ratio: `${fmt(o.median / b.median)}× (median)`,
		target: '≤ 15 µs median',
		met: o.median <= 15,
	};
}

if (require.main === module) console.log(JSON.stringify(benchParseVerify(), null, 2));
