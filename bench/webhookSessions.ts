/**
 * One n8n per expression-engine setting, with every webhook target active at once and driven in the
 * same interleaved rounds; the trigger and gateway figures are both read from these runs (each n8n
 * is started once per `npm run bench`, which keeps the whole run bounded).
 */
import { TYPING_INDICATOR_PATH } from '../nodes/shared/typingIndicator';
import { startMockProcess } from './mockProcess';
import type { DriveOptions, RunResult, Target } from './n8nDriver';
import { addTargets, driveOptionsFromEnv, runRounds, startBenchN8n } from './n8nDriver';
import {
	inboundMessageSids,
	passthroughTarget,
	signedInboundRequests,
	timelinesAiRequests,
	timelinesAiTarget,
	TWILIO_CREDENTIALS,
	twilioTriggerTarget,
	webhookNodeTarget,
} from './webhookTargets';

export interface EngineSetting {
	key: string;
	name: string;
	env: Record<string, string>;
}

export const ENGINES: EngineSetting[] = [
	{ key: 'vm', name: "n8n's default engine ('vm', pool size 1)", env: {} },
	{ key: 'legacy', name: 'N8N_EXPRESSION_ENGINE=legacy', env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
	// Not run by default (time): BENCH_ENGINES=vm,vm-lazy,legacy.
	{
		key: 'vm-lazy',
		name: "'vm' with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true",
		env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	},
];

export interface Session {
	engine: EngineSetting;
	options: DriveOptions;
	results: RunResult[];
	labels: Record<string, string>;
	/** Typing indicators the Twilio mock accepted during the session (warm-up included). */
	typingIndicators: number;
}

/** BENCH_ENGINES=<keys of ENGINES, comma-separated>; default vm and legacy. */
function selectedEngines(): EngineSetting[] {
	const wanted = process.env.BENCH_ENGINES?.split(',') ?? ['vm', 'legacy'];
	return ENGINES.filter((engine) => wanted.includes(engine.key));
}

/** In the order they run (see runRounds): each target next to the baseline it is compared with. */
function targetsFor(baseUrl: string): Target[] {
	return [
		webhookNodeTarget(
			'webhook',
			"(a) n8n's Webhook node",
			signedInboundRequests(`${baseUrl}/webhook/bench-webhook`),
		),
		twilioTriggerTarget('twilio', 'Twilio WhatsApp/SMS Trigger', baseUrl),
		// The typing indicator call goes to the Twilio mock, which answers it after TYPING_ANSWER_MS.
		twilioTriggerTarget(
			'twilioTyping',
			`Twilio trigger, Show Typing Indicator on Inbound Messages (answered after ${TYPING_ANSWER_MS} ms)`,
			baseUrl,
			{ options: { showTypingIndicator: true } },
		),
		// BENCH_DIAGNOSE=1: without the duplicate-delivery log (what saving it per request costs), also
		// without signature check and credential (n8n checks a credential's access on every execution),
		// and the pass-through answering before n8n creates the execution, as this package's triggers
		// do.
		...(process.env.BENCH_DIAGNOSE
			? [
					twilioTriggerTarget('twilioNoLog', 'Twilio trigger, Ignore Duplicates off', baseUrl, {
						options: { ignoreDuplicates: false },
					}),
					twilioTriggerTarget(
						'twilioNoCred',
						'Twilio trigger, no log, no signature check, no credential',
						baseUrl,
						{ verifySignature: false, options: { ignoreDuplicates: false } },
						false,
					),
					passthroughTarget(
						'passthroughSelf',
						'pass-through answering before the execution exists',
						signedInboundRequests,
						baseUrl,
						{ answersItself: true },
					),
				]
			: []),
		passthroughTarget(
			'passthrough',
			'(b) pass-through community trigger',
			signedInboundRequests,
			baseUrl,
		),
		// (b) with the Twilio credential attached (never read): what n8n adds per execution for a node
		// that has one, which this package's trigger needs and the pass-through does not.
		passthroughTarget(
			'passthroughCred',
			'(c) pass-through with a credential',
			signedInboundRequests,
			baseUrl,
			{ withCredential: true },
		),
		timelinesAiTarget('timelinesai', 'TimelinesAI-Compatible Trigger'),
		webhookNodeTarget('webhookJson', "n8n's Webhook node, TimelinesAI JSON", timelinesAiRequests()),
	];
}

/** How long the Twilio mock takes to answer the typing indicator call. */
export const TYPING_ANSWER_MS = 200;

async function runSession(engine: EngineSetting, options: DriveOptions): Promise<Session> {
	// Only the typing indicator reaches Twilio: the mock, in its own process, knows every inbound SID
	// sent.
	const twilio = await startMockProcess(0);
	await twilio.holdRequests(TYPING_INDICATOR_PATH, TYPING_ANSWER_MS);
	await twilio.addInboundMessages(inboundMessageSids());
	const credentials = {
		twilioMessagingApi: { ...TWILIO_CREDENTIALS.twilioMessagingApi, baseUrl: twilio.url },
	};
	const bench = await startBenchN8n(`bench-webhooks-${engine.key}`, engine.env, credentials).catch(
		async (error: unknown) => {
			await twilio.close();
			throw error;
		},
	);
	try {
		// BENCH_ONLY=<target keys> narrows a diagnostic run.
		const only = process.env.BENCH_ONLY?.split(',');
		const targets = targetsFor(bench.n8n.baseUrl).filter(
			(target) => !only || only.includes(target.key),
		);
		await addTargets(bench, targets);
		console.log(`  ${engine.name}: n8n at ${bench.n8n.baseUrl}`);
		const results = await runRounds(bench, targets, options);
		return {
			engine,
			options,
			results,
			typingIndicators: (await twilio.counts()).typingIndicators,
			labels: Object.fromEntries(targets.map((t) => [t.key, t.label])),
		};
	} finally {
		await bench.n8n.stop();
		await twilio.close();
	}
}

let sessions: Promise<Session[]> | undefined;

/** The sessions of this benchmark run, run on first use. */
export function webhookSessions(): Promise<Session[]> {
	sessions ??= (async () => {
		const options = driveOptionsFromEnv();
		const done: Session[] = [];
		for (const engine of selectedEngines()) done.push(await runSession(engine, options));
		return done;
	})();
	return sessions;
}
