/**
 * The load: inbound WhatsApp messages as Twilio delivers them (the Twilio mock's parameters,
 * signature and headers), through a bounded pool of concurrent connections. A retry is the same
 * request again with the same `I-Twilio-Idempotency-Token`, as Twilio sends it.
 */
import { randomUUID } from 'crypto';

import { MOCK_NUMBERS, twilioSignature } from '../mock-twilio';
import { encodeForm } from '../mock-twilio/http/form';
import type { FormParams } from '../mock-twilio/types';
import { inboundParams } from '../mock-twilio/webhooks/inbound';

export interface Delivery {
	index: number;
	messageSid: string;
	params: FormParams;
	/** `I-Twilio-Idempotency-Token`: the same on Twilio's retries of this delivery. */
	token: string;
}

export type Attempt = 'first' | 'retry';

export interface Outcome {
	index: number;
	attempt: Attempt;
	status: number;
	body: string;
	contentType: string;
	/** Why no answer came (connection error, the run's deadline). */
	error?: string;
	sentAt: number;
	answeredAt: number;
}

export interface Target {
	/** Where the request goes. */
	url: string;
	/** The URL Twilio signs: the public webhook URL (N8N_WEBHOOK_URL + path); default `url`. */
	signedUrl?: string;
	authToken: string;
	/**
	 * Nothing is sent after this, and what is in flight then is aborted; a bound, not a threshold.
	 */
	deadline: number;
}

/**
 * WhatsApp texts, each from a distinct user, with the parameters Twilio sends and a fresh
 * MessageSid.
 */
export function whatsAppDeliveries(count: number, accountSid: string, firstIndex = 0): Delivery[] {
	return Array.from({ length: count }, (_, offset) => {
		const index = firstIndex + offset;
		const number = `+1555${String(index).padStart(7, '0')}`;
		const params = inboundParams(
			{
				to: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
				from: `whatsapp:${number}`,
				body: `queue-mode message ${index}`,
				profileName: `Queue User ${index}`,
			},
			accountSid,
			undefined,
		);
		return {
			index,
			messageSid: String(params.MessageSid),
			params,
			token: `${randomUUID()}-${index}`,
		};
	});
}

/**
 * One delivery as the mock's deliverSigned sends it, without its 15-second cut-off: how long n8n
 * takes to answer depends on the machine, and this test checks what happens to the messages, not
 * how fast.
 */
export async function deliver(
	target: Target,
	delivery: Delivery,
	attempt: Attempt,
): Promise<Outcome> {
	const sentAt = Date.now();
	try {
		const response = await fetch(target.url, {
			method: 'POST',
			headers: {
				Accept: '*/*',
				'User-Agent': 'TwilioProxy/1.1',
				'Content-Type': 'application/x-www-form-urlencoded',
				'X-Twilio-Signature': twilioSignature(
					target.authToken,
					target.signedUrl ?? target.url,
					delivery.params,
				),
				'I-Twilio-Idempotency-Token': delivery.token,
				'X-Home-Region': 'us1',
			},
			body: encodeForm(delivery.params),
			signal: AbortSignal.timeout(Math.max(1, target.deadline - sentAt)),
		});
		const body = await response.text();
		return {
			index: delivery.index,
			attempt,
			status: response.status,
			body,
			contentType: response.headers.get('content-type') ?? '',
			sentAt,
			answeredAt: Date.now(),
		};
	} catch (error) {
		return {
			index: delivery.index,
			attempt,
			status: 0,
			body: '',
			contentType: '',
			error: (error as Error).message,
			sentAt,
			answeredAt: Date.now(),
		};
	}
}

/**
 * Sends the deliveries with at most `concurrency` requests in flight; `midRun.action` runs once,
 * when
 * `midRun.afterAnswered` of them have been answered. Returns one outcome per request sent.
 */
export async function runLoad(
	target: Target,
	deliveries: Delivery[],
	attempt: Attempt,
	concurrency: number,
	midRun?: { afterAnswered: number; action: () => void },
): Promise<Outcome[]> {
	const outcomes: Outcome[] = [];
	let next = 0;
	const runner = async () => {
		while (next < deliveries.length && Date.now() < target.deadline) {
			outcomes.push(await deliver(target, deliveries[next++], attempt));
			if (midRun && outcomes.length === midRun.afterAnswered) midRun.action();
		}
	};
	await Promise.all(Array.from({ length: concurrency }, runner));
	return outcomes;
}
