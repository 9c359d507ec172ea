/**
 * The load: inbound WhatsApp messages as Twilio delivers them (the Twilio mock's parameters, signature
 * and headers), through a bounded pool of concurrent connections, and Twilio's retries of some of them.
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

export interface Outcome {
	index: number;
	attempt: 'first' | 'retry';
	status: number;
	body: string;
	contentType: string;
	/** Why no answer came (connection error, the run's deadline). */
	error?: string;
	sentAt: number;
	answeredAt: number;
}

export interface LoadPlan {
	url: string;
	authToken: string;
	deliveries: Delivery[];
	/** Indexes of the deliveries Twilio retries, each once its first delivery has been answered. */
	retried: ReadonlySet<number>;
	concurrency: number;
	/** How many requests a retry waits behind once queued, so that it goes out among other first deliveries. */
	retryLag: number;
	/** Called once, when this many first deliveries have been answered. */
	midRun?: { afterAnswered: number; action: () => void };
	/** Stops sending (what is in flight finishes) when this passes; a bound, not a threshold. */
	deadline: number;
}

/** A WhatsApp text from a distinct user, with the parameters Twilio sends and a fresh MessageSid. */
export function whatsAppDeliveries(count: number, accountSid: string): Delivery[] {
	return Array.from({ length: count }, (_, index) => {
		const number = `+1555${String(index).padStart(7, '0')}`;
		const params = inboundParams(
			{ to: `whatsapp:${MOCK_NUMBERS.whatsapp}`, from: `whatsapp:${number}`, body: `queue-mode message ${index}`, profileName: `Queue User ${index}` },
			accountSid,
			undefined,
		);
		return { index, messageSid: String(params.MessageSid), params, token: `${randomUUID()}-${index}` };
	});
}

/**
 * Sends every first delivery, and every retry after its first delivery was answered, with at most
 * `concurrency` requests in flight. Returns one outcome per request sent.
 */
export async function runLoad(plan: LoadPlan): Promise<Outcome[]> {
	const queue: Array<{ delivery: Delivery; attempt: Outcome['attempt'] }> = plan.deliveries.map((delivery) => ({ delivery, attempt: 'first' }));
	const outcomes: Outcome[] = [];
	let answeredFirst = 0;
	let midRunDone = false;

	// As the mock's deliverSigned sends it, without its 15-second cut-off: how long n8n takes to answer
	// depends on the machine, and this test checks what happens to the messages, not how fast.
	const send = async (delivery: Delivery, attempt: Outcome['attempt']): Promise<Outcome> => {
		const sentAt = Date.now();
		try {
			const response = await fetch(plan.url, {
				method: 'POST',
				headers: {
					Accept: '*/*',
					'User-Agent': 'TwilioProxy/1.1',
					'Content-Type': 'application/x-www-form-urlencoded',
					'X-Twilio-Signature': twilioSignature(plan.authToken, plan.url, delivery.params),
					'I-Twilio-Idempotency-Token': delivery.token,
					'X-Home-Region': 'us1',
				},
				body: encodeForm(delivery.params),
				signal: AbortSignal.timeout(Math.max(1, plan.deadline - sentAt)),
			});
			const body = await response.text();
			const contentType = response.headers.get('content-type') ?? '';
			return { index: delivery.index, attempt, status: response.status, body, contentType, sentAt, answeredAt: Date.now() };
		} catch (error) {
			return { index: delivery.index, attempt, status: 0, body: '', contentType: '', error: (error as Error).message, sentAt, answeredAt: Date.now() };
		}
	};

	const runner = async () => {
		for (let task = queue.shift(); task && Date.now() < plan.deadline; task = queue.shift()) {
			const outcome = await send(task.delivery, task.attempt);
			outcomes.push(outcome);
			if (task.attempt !== 'first') continue;
			answeredFirst += 1;
			if (plan.retried.has(task.delivery.index)) {
				queue.splice(Math.min(plan.retryLag, queue.length), 0, { delivery: task.delivery, attempt: 'retry' });
			}
			if (plan.midRun && !midRunDone && answeredFirst >= plan.midRun.afterAnswered) {
				midRunDone = true;
				plan.midRun.action();
			}
		}
	};
	await Promise.all(Array.from({ length: plan.concurrency }, runner));
	return outcomes;
}
