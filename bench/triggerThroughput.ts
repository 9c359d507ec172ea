/**
 * Trigger throughput: signed WhatsApp inbound webhooks into an active workflow (trigger → NoOp) on a
 * real n8n, against (a) n8n's own Webhook node and (b) the minimal pass-through community trigger in
 * bench/n8n-nodes-bench-passthrough, all three on the same n8n, driven alike and interleaved. Run once
 * with n8n's default expression engine and once with N8N_EXPRESSION_ENGINE=legacy (a second n8n).
 */
import { randomUUID } from 'crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

import { DEFAULT_ACCOUNT, MOCK_NUMBERS } from '../test/mock-twilio';
import type { BenchRequest, DriveOptions, RunResult, Target } from './n8nDriver';
import { addTargets, driveOptionsFromEnv, medians, roundRatios, runRounds, startBenchN8n } from './n8nDriver';
import type { BenchFigure } from './stats';
import { fmt } from './stats';

const POOL = 2048;

export const ENGINES: Array<{ name: string; env: Record<string, string> }> = [
	{ name: "default engine ('vm', pool size 1)", env: {} },
	{ name: 'N8N_EXPRESSION_ENGINE=legacy', env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
];

/** A WhatsApp text inbound in the shape of Twilio's inbound message webhook (seed 000), with its own MessageSid. */
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

/**
 * The same requests for every target: Twilio's form body, a signature over the target's own URL
 * (pre-computed per distinct MessageSid), and a fresh idempotency token per request, as Twilio sends.
 */
export function signedInboundRequests(url: string): (i: number) => BenchRequest {
	const pool = Array.from({ length: POOL }, (_, n) => {
		const params = whatsAppInbound(n);
		return { body: new URLSearchParams(params).toString(), signature: getExpectedTwilioSignature(DEFAULT_ACCOUNT.authToken, url, params) };
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

/** n8n's own Webhook node, typeVersion 2.1, answering at once with static parameters (n8n skips the isolate for it). */
export function webhookNodeTarget(baseUrl: string, key: string, label: string, request: (url: string) => (i: number) => BenchRequest): Target {
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
		request: request(`${baseUrl}/webhook/${path}`),
	};
}

export function passthroughTarget(baseUrl: string): Target {
	const webhookId = randomUUID();
	return {
		key: 'passthrough',
		label: '(b) pass-through community trigger',
		trigger: { name: 'Passthrough Trigger', type: 'n8n-nodes-bench-passthrough.passthroughTrigger', typeVersion: 1, webhookId, parameters: {} },
		path: `/webhook/${webhookId}/in`,
		request: signedInboundRequests(`${baseUrl}/webhook/${webhookId}/in`),
	};
}

export function twilioTriggerTarget(baseUrl: string): Target {
	const webhookId = randomUUID();
	return {
		key: 'twilio',
		label: 'Twilio WhatsApp/SMS Trigger (signature verified)',
		trigger: {
			name: 'Twilio Trigger',
			type: 'n8n-nodes-twilio-whatsapp.twilioWhatsAppTrigger',
			typeVersion: 2,
			webhookId,
			parameters: { events: 'all', respond: 'emptyTwiml', verifySignature: true },
			credentials: { twilioMessagingApi: 'bench' },
		},
		path: `/webhook/${webhookId}/twilio`,
		request: signedInboundRequests(`${baseUrl}/webhook/${webhookId}/twilio`),
	};
}

export const TWILIO_CREDENTIALS = {
	twilioMessagingApi: { accountSid: DEFAULT_ACCOUNT.accountSid, authType: 'authToken', authToken: DEFAULT_ACCOUNT.authToken },
};

function runTable(results: RunResult[], labels: Record<string, string>): string[] {
	return [
		'| round | target | exec/s completed | 2xx/s | p50 ms | p99 ms | succeeded / 2xx | non-2xx + errors | drain s |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
		...results.map(
			(r) =>
				`| ${r.round + 1} | ${labels[r.target]} | ${fmt(r.execsPerSec, 1)} | ${fmt(r.acceptedPerSec, 1)} | ${r.latencyP50} | ${r.latencyP99} | ${r.succeeded} / ${r.responses2xx} | ${r.non2xx + r.errors} | ${fmt(r.drainSeconds, 1)} |`,
		),
	];
}

async function benchEngine(engine: (typeof ENGINES)[number], options: DriveOptions): Promise<BenchFigure> {
	const bench = await startBenchN8n(`bench-trigger-${engine.env.N8N_EXPRESSION_ENGINE ?? 'default'}`, engine.env, TWILIO_CREDENTIALS);
	try {
		const baseUrl = bench.n8n.baseUrl;
		// Signatures cover the URL, which is known once n8n runs.
		const targets = [
			webhookNodeTarget(baseUrl, 'webhook', "(a) n8n's Webhook node", signedInboundRequests),
			passthroughTarget(baseUrl),
			twilioTriggerTarget(baseUrl),
		];
		await addTargets(bench, targets);
		console.log(`  ${engine.name}: n8n at ${baseUrl}`);
		const results = await runRounds(bench, targets, options);
		const a = medians(results, 'webhook');
		const b = medians(results, 'passthrough');
		const ours = medians(results, 'twilio');
		const vsB = roundRatios(results, 'twilio', 'passthrough');
		const vsA = roundRatios(results, 'twilio', 'webhook');
		const bVsA = roundRatios(results, 'passthrough', 'webhook');
		const line = (m: typeof ours) => `${fmt(m.execsPerSec, 1)} exec/s, p50 ${fmt(m.latencyP50, 0)} ms, p99 ${fmt(m.latencyP99, 0)} ms`;
		const labels = Object.fromEntries(targets.map((t) => [t.key, t.label]));
		return {
			figure: `Trigger throughput, ${engine.name}`,
			value: `${line(ours)}`,
			baseline: `(b) pass-through: ${line(b)}; (a) Webhook node: ${line(a)}`,
			ratio: `${fmt(vsB.median)}× (b) [rounds ${fmt(vsB.min)}–${fmt(vsB.max)}]; ${fmt(vsA.median)}× (a); (b)/(a) ${fmt(bVsA.median)}×`,
			target: '≥ 0.95× (b)',
			met: vsB.median >= 0.95 && ours.lost === 0,
			notes:
				`${options.rounds} interleaved rounds of ${options.durationSeconds} s, ${options.connections} connections, medians; ratios are per round (same load), median over rounds. ` +
				`Requests accepted but not completed successfully: ours ${ours.lost}, (b) ${b.lost}, (a) ${a.lost}; non-2xx or socket errors: ours ${ours.non2xx}, (b) ${b.non2xx}, (a) ${a.non2xx}.`,
			details: [`### Trigger throughput runs, ${engine.name}`, '', ...runTable(results, labels)],
		};
	} finally {
		await bench.n8n.stop();
	}
}

export async function benchTriggerThroughput(options: DriveOptions = driveOptionsFromEnv()): Promise<BenchFigure[]> {
	const figures: BenchFigure[] = [];
	for (const engine of ENGINES) figures.push(await benchEngine(engine, options));
	return figures;
}

if (require.main === module) {
	benchTriggerThroughput().then(
		(figures) => console.log(JSON.stringify(figures, null, 2)),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
