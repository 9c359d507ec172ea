/**
 * What each trigger's webhook() itself costs per request, in-process inside n8n-core's real
 * WebhookContext, against the pass-through baseline: the part of a request's cost a node controls,
 * measured without the noise of a shared machine's HTTP and database work. Static data persists
 * across calls, so the duplicate-delivery and attempt logs are as full as under sustained traffic.
 */
import { join } from 'path';
import type { INodeType } from 'n8n-workflow';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

import { TimelinesAiTrigger } from '../nodes/TimelinesAiTrigger/TimelinesAiTrigger.node';
import { TwilioWhatsAppTrigger } from '../nodes/TwilioWhatsAppTrigger/TwilioWhatsAppTrigger.node';
import { REPO_ROOT } from '../test/e2e/harness/n8nProcess';
import type { FakeRequest, NodeSetup } from '../test/helpers/inprocess';
import { callWebhook } from '../test/helpers/inprocess';
import { DEFAULT_ACCOUNT } from '../test/mock-twilio';
import type { BenchFigure } from './stats';
import { fmt, summarize } from './stats';
import { TWILIO_CREDENTIALS, whatsAppInbound } from './webhookTargets';

// The in-process helper's n8n URL and webhook id (test/helpers/inprocess.ts).
const WEBHOOK_URL = 'http://localhost:5678/webhook/test-webhook-id';
const URL_SECRET = '9f86d081884c7d659a2feaa0c55ad015';

interface Case {
	key: string;
	setup: NodeSetup;
	request: (i: number) => FakeRequest;
	check: (status: number) => boolean;
}

function formRequest(path: string, signed: boolean): (i: number) => FakeRequest {
	return (i) => {
		const params = whatsAppInbound(i);
		const body = new URLSearchParams(params).toString();
		return {
			method: 'POST',
			url: `/webhook/test-webhook-id/${path}`,
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'i-twilio-idempotency-token': `bench-${i}`,
				...(signed
					? {
							'x-twilio-signature': getExpectedTwilioSignature(
								DEFAULT_ACCOUNT.authToken,
								`${WEBHOOK_URL}/${path}`,
								params,
							),
						}
					: {}),
			},
			body: params,
			rawBody: Buffer.from(body),
		};
	};
}

function cases(): Case[] {
	const passthrough = require(
		join(REPO_ROOT, 'bench/n8n-nodes-bench-passthrough/nodes/PassthroughTrigger.node.js'),
	) as { PassthroughTrigger: new () => INodeType };
	const json = (i: number): FakeRequest => {
		const body = {
			action: 'send',
			phone: '+14151231234',
			text: `Your order #${i} is ready for pick-up`,
		};
		return {
			method: 'POST',
			url: `/webhook/test-webhook-id/timelinesai?secret=${URL_SECRET}`,
			headers: { 'content-type': 'application/json' },
			body,
			rawBody: Buffer.from(JSON.stringify(body)),
		};
	};
	return [
		{
			key: 'passthrough',
			setup: { nodeType: new passthrough.PassthroughTrigger(), parameters: {}, staticData: {} },
			request: formRequest('in', false),
			check: (s) => s === 200,
		},
		{
			key: 'twilio',
			setup: {
				nodeType: new TwilioWhatsAppTrigger(),
				parameters: { events: 'all', respond: 'emptyTwiml', verifySignature: true },
				credentials: TWILIO_CREDENTIALS,
				staticData: {},
			},
			request: formRequest('twilio', true),
			check: (s) => s === 200,
		},
		{
			key: 'twilioNoLog',
			setup: {
				nodeType: new TwilioWhatsAppTrigger(),
				parameters: {
					events: 'all',
					respond: 'emptyTwiml',
					verifySignature: true,
					options: { ignoreDuplicates: false },
				},
				credentials: TWILIO_CREDENTIALS,
				staticData: {},
			},
			request: formRequest('twilio', true),
			check: (s) => s === 200,
		},
		{
			key: 'timelinesai',
			setup: {
				nodeType: new TimelinesAiTrigger(),
				parameters: {
					webhookEnabled: true,
					urlSecret: URL_SECRET,
					authentication: 'none',
					responseMode: 'onReceived',
					quotaBudget: 0,
				},
				staticData: {},
			},
			request: json,
			check: (s) => s === 200,
		},
	];
}

async function timeCalls(c: Case, from: number, count: number): Promise<number[]> {
	const samples: number[] = [];
	for (let i = from; i < from + count; i++) {
		const request = c.request(i);
		const start = process.hrtime.bigint();
		const { response, result } = await callWebhook(c.setup, request);
		samples.push(Number(process.hrtime.bigint() - start) / 1000);
		if (!c.check(response.statusCode) || !(result.workflowData?.[0]?.length === 1)) {
			throw new Error(
				`${c.key}: request ${i} answered ${response.statusCode} ${response.body ?? ''} without one item`,
			);
		}
	}
	return samples;
}

export async function benchWebhookInProcess(rounds = 10, perRound = 300): Promise<BenchFigure> {
	const all = cases();
	// Warm up, and fill the logs kept in static data to their caps (1,000 delivery tokens, 100
	// attempts).
	for (const c of all) await timeCalls(c, 0, 1200);
	const samples: Record<string, number[]> = Object.fromEntries(all.map((c) => [c.key, []]));
	for (let round = 0; round < rounds; round++) {
		for (const c of round % 2 === 0 ? all : [...all].reverse())
			samples[c.key].push(...(await timeCalls(c, 10_000 + round * perRound, perRound)));
	}
	const [base, twilio, twilioNoLog, timelines] = [
		'passthrough',
		'twilio',
		'twilioNoLog',
		'timelinesai',
	].map((key) => summarize(samples[key]));
	return {
		figure: "Trigger webhook() per request, in-process (n8n-core's WebhookContext)",
		value:
			`Twilio trigger: median ${fmt(twilio.median, 0)} µs, p99 ${fmt(twilio.p99, 0)} µs (Ignore Duplicates off: median ${fmt(twilioNoLog.median, 0)} µs); ` +
			`TimelinesAI trigger: median ${fmt(timelines.median, 0)} µs, p99 ${fmt(timelines.p99, 0)} µs`,
		baseline: `pass-through: median ${fmt(base.median, 0)} µs, p99 ${fmt(base.p99, 0)} µs (each includes the helper building n8n's Workflow and context)`,
		ratio: `+${fmt(twilio.median - base.median, 0)} µs (Twilio), +${fmt(timelines.median - base.median, 0)} µs (TimelinesAI) a request over the pass-through`,
		target: '— (explains the throughput ratios)',
		met: undefined,
		notes:
			`${rounds} alternating rounds of ${perRound} calls after 1,200 warm-up calls each; the Twilio trigger verifies the signature (its duplicate check runs in the execution, ` +
			`not here), the TimelinesAI trigger keeps its attempt log. Compare with n8n's CPU per execution in the throughput figures.`,
	};
}

if (require.main === module) {
	benchWebhookInProcess().then(
		(figure) => console.log(JSON.stringify(figure, null, 2)),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
