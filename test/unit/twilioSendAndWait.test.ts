/**
 * "Send and Wait for Delivery Status" in-process: execute() runs in n8n-core's ExecuteContext and
 * the status callbacks come from the Twilio mock (signed as Twilio signs them) to a small local
 * server that stands in for n8n's /webhook-waiting endpoint and hands each request to the node's
 * webhook() in n8n-core's WebhookContext, with the execution stack n8n keeps for a waiting
 * execution.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { parse as parseQuery } from 'querystring';
import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	ISourceData,
	ResourceMapperFields,
} from 'n8n-workflow';

import { waitKey } from '../../nodes/TwilioWhatsApp/helpers/delivery';
import { TwilioWhatsApp } from '../../nodes/TwilioWhatsApp/TwilioWhatsApp.node';
import { startHookProxy } from '../e2e/fixtures/twilio/heldCallbacks';
import { addApprovedTemplate } from '../helpers/templates';
import {
	callNodeMethod,
	callWebhook,
	executeNode,
	jsonItems,
	type FakeRequest,
	type NodeSetup,
	type WebhookCallResult,
} from '../helpers/inprocess';
import { mockCredentials, useMockTwilio } from '../helpers/mockTwilio';
import {
	DEFAULT_ACCOUNT,
	MOCK_NUMBERS,
	twilioSignature,
	type FaultRule,
	type MockTwilio,
} from '../mock-twilio';

const nodeType = new TwilioWhatsApp();
const credentials = mockCredentials;
const mock = useMockTwilio({ callbackDelayMs: 1, readReceipts: true });
let n8n: Server;
let n8nUrl: string;
/**
 * What the stand-in for n8n needs to call the node: the setup and input items of the waiting
 * execution.
 */
let waiting:
	| { setup: NodeSetup; input: INodeExecutionData[]; customData?: Record<string, string> }
	| undefined;
const calls: Array<{ request: FakeRequest; result: WebhookCallResult }> = [];

beforeAll(async () => {
	n8n = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const rawBody = Buffer.concat(chunks);
			const request: FakeRequest = {
				method: 'POST',
				url: req.url!,
				headers: req.headers as Record<string, string>,
				body: parseQuery(rawBody.toString('utf8')),
				rawBody,
			};
			if (!waiting) {
				res.writeHead(404).end();
				return;
			}
			callWebhook(waiting.setup, request, {
				waitingInput: waiting.input,
				waitingCustomData: waiting.customData,
			}).then(
				(result) => {
					calls.push({ request, result });
					res
						.writeHead(result.response.statusCode, result.response.headers)
						.end(result.response.body);
				},
				() => res.writeHead(500).end(),
			);
		});
	});
	await new Promise<void>((resolve) => n8n.listen(0, '127.0.0.1', resolve));
	n8nUrl = `http://127.0.0.1:${(n8n.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await new Promise((resolve) => n8n.close(resolve));
});
beforeEach(() => {
	calls.length = 0;
	waiting = undefined;
});
// Every test's callbacks reach the stand-in before the next test replaces the waiting execution.
afterEach(() => mock().settled());

function parameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: 'message',
		operation: 'sendAndWait',
		channel: 'whatsapp',
		sender: 'phoneNumber',
		from: MOCK_NUMBERS.whatsapp,
		to: '={{ $json.to }}',
		content: 'text',
		body: 'Your code is 123456',
		waitUntil: 'delivered',
		waitAmount: 2,
		waitUnit: 'hours',
		...overrides,
	};
}

/** Runs execute() the way n8n would and makes the stand-in n8n ready for the callbacks. */
async function sendAndWait(
	overrides: INodeParameters,
	item: IDataObject,
	source?: ISourceData,
	twilio: MockTwilio = mock(),
	typeVersion?: number,
) {
	const setup: NodeSetup = {
		nodeType,
		parameters: parameters(overrides),
		credentials: credentials(twilio.url),
		baseUrl: n8nUrl,
		source,
		typeVersion,
	};
	const input = jsonItems(item);
	waiting = { setup, input };
	const before = Date.now();
	// Twilio moves a message on only after its API has answered; held here so that the node's read
	// before waiting sees the message as created, whatever the machine's load.
	twilio.pauseStatusChanges();
	try {
		const result = await executeNode(setup, input);
		return { ...result, before, after: Date.now(), setup, input };
	} finally {
		twilio.resumeStatusChanges();
	}
}

const resumed = () => calls.filter((call) => call.result.result.workflowData !== undefined);
const resumeItem = () => resumed()[0].result.result.workflowData![0][0];

describe('Send and Wait for Delivery Status', () => {
	it('sends with the signed resume URL as StatusCallback and puts the execution to wait until the limit', async () => {
		const start = mock().messages.length;
		const { output, waitTill, before, after } = await sendAndWait({}, { to: '+14155550140' });
		const [message] = mock().messages.slice(start);
		const callback = new URL(message.params.StatusCallback as string);
		expect(`${callback.origin}${callback.pathname}`).toBe(
			`${n8nUrl}/webhook-waiting/test-execution-1/node-under-test`,
		);
		expect(callback.searchParams.get('twilioWait')).toBe(waitKey('Start|0|0'));
		expect(callback.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
		expect(waitTill!.getTime()).toBeGreaterThanOrEqual(before + 2 * 3600_000);
		expect(waitTill!.getTime()).toBeLessThanOrEqual(after + 2 * 3600_000);
		expect(output![0]).toEqual([
			{
				json: expect.objectContaining({ messageSid: message.sid, status: 'queued' }),
				pairedItem: { item: 0 },
			},
		]);
	});

	it("reads the message once before waiting and keeps its SID in the execution's custom data for the time-limit path", async () => {
		const start = mock().requests.length;
		const { output, waitTill, customData } = await sendAndWait({}, { to: '+14155550149' });
		const sid = String(output![0][0].json.messageSid);
		expect(waitTill).toBeDefined();
		expect(customData).toEqual({ twilioMessageSid: sid });
		expect(
			mock()
				.requests.slice(start)
				.map((request) => `${request.method} ${request.path}`),
		).toEqual([
			`POST /2010-04-01/Accounts/${DEFAULT_ACCOUNT.accountSid}/Messages.json`,
			`GET /2010-04-01/Accounts/${DEFAULT_ACCOUNT.accountSid}/Messages/${sid}.json`,
		]);
	});

	/*
	 * Twilio can report a status within a second of the send, before n8n has stored the execution as
	 * waiting; n8n answers such a callback 409 without calling the node (see
	 * test/e2e/twilioSend.test.ts). A proxy in front of the mock moves the message on right after
	 * Twilio created it, before the node has the API's answer.
	 */
	describe('when Twilio has moved the message on before the wait begins', () => {
		async function sendWhile(moveOn: (sid: string) => void, overrides: INodeParameters = {}) {
			const proxy = await startHookProxy(mock(), {
				afterCreate: async (message) => moveOn(message.sid),
			});
			try {
				const setup: NodeSetup = {
					nodeType,
					parameters: parameters(overrides),
					credentials: credentials(proxy.url),
					baseUrl: n8nUrl,
				};
				mock().pauseStatusChanges();
				return await executeNode(setup, jsonItems({ to: '+14155550150' }));
			} finally {
				mock().resumeStatusChanges();
				await proxy.close();
			}
		}

		it('ends at once with the awaited status it reads, without waiting', async () => {
			const { output, waitTill, customData } = await sendWhile((sid) => {
				mock().changeStatus(sid, { status: 'sent', errorCode: null });
				mock().changeStatus(sid, { status: 'delivered', errorCode: null });
			});
			expect(waitTill).toBeUndefined();
			expect(output![0]).toEqual([
				{
					json: expect.objectContaining({
						messageSid: customData.twilioMessageSid,
						status: 'delivered',
						isFailed: false,
						errorCode: null,
						statusReported: true,
						statusCallbackReceived: false,
					}),
					pairedItem: { item: 0 },
				},
			]);
		});

		it('ends at once with a failure and its meaning (undelivered, 30003)', async () => {
			const { output, waitTill } = await sendWhile((sid) => {
				mock().changeStatus(sid, { status: 'sent', errorCode: null });
				mock().changeStatus(sid, { status: 'undelivered', errorCode: 30003 });
			});
			expect(waitTill).toBeUndefined();
			expect(output![0][0].json).toMatchObject({
				status: 'undelivered',
				isFailed: true,
				errorCode: 30003,
				errorMessage: expect.stringMatching(/Unreachable/),
				errorMeaning: 'Unreachable destination handset (switched off or out of coverage)',
				statusReported: true,
			});
		});

		it('waits when the status it reads is not the awaited one yet (sent, waiting for delivered)', async () => {
			const { output, waitTill } = await sendWhile((sid) =>
				mock().changeStatus(sid, { status: 'sent', errorCode: null }),
			);
			expect(waitTill).toBeDefined();
			expect(output![0][0].json).toMatchObject({ status: 'queued' });
			expect(output![0][0].json.statusReported).toBeUndefined();
		});

		it('waits, and does not fail the sent message, when the message cannot be read', async () => {
			let readRefused: FaultRule | undefined;
			const { output, waitTill, customData } = await sendWhile(
				() => (readRefused = mock().setFault({ kind: '500', count: 1 })),
				{ options: { maxRetries: 0 } },
			);
			mock().clearFaults();
			expect(readRefused?.hits).toBe(1);
			expect(waitTill).toBeDefined();
			expect(output![0][0].json).toMatchObject({
				messageSid: customData.twilioMessageSid,
				status: 'queued',
			});
		});
	});

	it('answers intermediate statuses with 200 and keeps waiting; resumes on delivered with the callback as the item', async () => {
		await sendAndWait({}, { to: '+14155550141' });
		await mock().settled();
		const statuses = calls.map((call) => [
			call.request.body && (call.request.body as IDataObject).MessageStatus,
			call.result.response.statusCode,
			call.result.result.workflowData !== undefined,
		]);
		expect(statuses).toEqual([
			['sent', 200, false],
			['delivered', 200, true],
			['read', 200, true],
		]);
		// The node answers Twilio itself. (On a real n8n the execution has resumed by the time `read`
		// arrives, so n8n answers that one without calling the node.)
		expect(calls.every((call) => call.result.result.noWebhookResponse === true)).toBe(true);
		expect(resumeItem()).toEqual({
			json: expect.objectContaining({
				status: 'delivered',
				isFailed: false,
				errorCode: null,
				to: expect.objectContaining({ address: 'whatsapp:+14155550141' }),
				statusCallbackReceived: true,
			}),
			pairedItem: { item: 0 },
		});
	});

	it('resumes with undelivered and the error code on a failing number', async () => {
		const { output } = await sendAndWait({}, { to: MOCK_NUMBERS.undeliverable });
		await mock().settled();
		expect(resumed()).toHaveLength(1);
		expect(resumeItem().json).toMatchObject({
			messageSid: output![0][0].json.messageSid,
			status: 'undelivered',
			isFailed: true,
			errorCode: 30003,
			errorMeaning: expect.stringMatching(/Unreachable/),
		});
	});

	it('waits for read when asked, and delivered does not resume', async () => {
		await sendAndWait({ waitUntil: 'read' }, { to: '+14155550142' });
		await mock().settled();
		expect(calls.map((call) => call.result.result.workflowData !== undefined)).toEqual([
			false,
			false,
			true,
		]);
		expect(resumeItem().json.status).toBe('read');
	});

	it('answers 403 to a callback with a bad signature and does not resume', async () => {
		const { setup, input } = await sendAndWait({}, { to: '+14155550143' });
		await mock().settled();
		const genuine = calls.find(
			(call) => (call.request.body as IDataObject).MessageStatus === 'delivered',
		)!.request;
		const forged = {
			...genuine,
			headers: {
				...genuine.headers,
				'x-twilio-signature': twilioSignature(
					'wrong-token-0000000000000000000',
					`${n8nUrl}${genuine.url}`,
					genuine.body as Record<string, string>,
				),
			},
		};
		const result = await callWebhook(setup, forged, { waitingInput: input });
		expect(result.response).toMatchObject({ statusCode: 403, body: 'Invalid X-Twilio-Signature' });
		expect(result.result).toEqual({ noWebhookResponse: true });
		const unsigned = await callWebhook(setup, { ...genuine, headers: {} }, { waitingInput: input });
		expect(unsigned.response.statusCode).toBe(403);
		const tampered = await callWebhook(
			setup,
			{ ...genuine, body: { ...(genuine.body as IDataObject), MessageStatus: 'failed' } },
			{ waitingInput: input },
		);
		expect(tampered.response.statusCode).toBe(403);
		expect(tampered.result.workflowData).toBeUndefined();
	});

	it('answers 500 instead of throwing when a callback cannot be processed (a throw would resume the execution with the error)', async () => {
		await sendAndWait({}, { to: '+14155550148' });
		await mock().settled();
		const genuine = calls[0].request;
		const withoutCredentials: NodeSetup = { ...waiting!.setup, credentials: {} };
		const result = await callWebhook(withoutCredentials, genuine, { waitingInput: waiting!.input });
		expect(result.response.statusCode).toBe(500);
		expect(result.result).toEqual({ noWebhookResponse: true });
	});

	it('ignores a late callback of an earlier loop round', async () => {
		// Round 1: the node's input came from run 0 of the loop node.
		await sendAndWait(
			{},
			{ to: '+14155550144' },
			{ previousNode: 'Loop Over Items', previousNodeRun: 0 },
		);
		await mock().settled();
		const lateRead = calls.find(
			(call) => (call.request.body as IDataObject).MessageStatus === 'read',
		)!.request;
		// Round 2 waits on the same node; the late `read` of round 1 arrives.
		const round2: NodeSetup = {
			...waiting!.setup,
			source: { previousNode: 'Loop Over Items', previousNodeRun: 1 },
		};
		const result = await callWebhook(round2, lateRead, { waitingInput: waiting!.input });
		expect(result.response).toMatchObject({
			statusCode: 200,
			body: 'Callback for an earlier message',
		});
		expect(result.result.workflowData).toBeUndefined();
	});

	it('sends one message per run and says what to use for several', async () => {
		const start = mock().requests.length;
		const setup: NodeSetup = {
			nodeType,
			parameters: parameters(),
			credentials: credentials(mock().url),
			baseUrl: n8nUrl,
		};
		await expect(
			executeNode(setup, jsonItems({ to: '+14155550145' }, { to: '+14155550146' })),
		).rejects.toThrow('received 2 items');
		expect(mock().requests.length).toBe(start);
	});

	it('refuses an API Key credential without the Auth Token that verifies callbacks, before sending', async () => {
		const start = mock().requests.length;
		const apiKey = DEFAULT_ACCOUNT.apiKeys![1];
		const setup: NodeSetup = {
			nodeType,
			parameters: parameters(),
			credentials: {
				twilioMessagingApi: {
					accountSid: DEFAULT_ACCOUNT.accountSid,
					authType: 'apiKey',
					apiKeySid: apiKey.sid,
					apiKeySecret: apiKey.secret,
					baseUrl: mock().url,
				},
			},
			baseUrl: n8nUrl,
		};
		await expect(executeNode(setup, jsonItems({ to: '+14155550147' }))).rejects.toThrow(
			'needs the Auth Token',
		);
		expect(mock().requests.length).toBe(start);
	});

	it("with Continue On Fail, returns Twilio's error and does not wait", async () => {
		const setup: NodeSetup = {
			nodeType,
			parameters: parameters({ channel: 'sms', from: MOCK_NUMBERS.sms }),
			credentials: credentials(mock().url),
			baseUrl: n8nUrl,
			continueOnFail: true,
		};
		const { output, waitTill } = await executeNode(setup, jsonItems({ to: '+15005550009' }));
		expect(waitTill).toBeUndefined();
		expect(output![0][0].json.error).toMatchObject({ kind: 'api', code: 21614 });
	});
});

describe('Send and Wait with the Content Template picker (version 2)', () => {
	it('loads the picked template variables as fields, sends the template with them and waits for it', async () => {
		const template = mock().addContent({
			language: 'en',
			variables: { '1': 'Ana', day: 'Monday' },
			types: { 'twilio/text': { body: 'Hi {{1}}, see you {{day}}.' } },
		});
		const picker = {
			content: 'template',
			contentSid: { __rl: true, mode: 'list', value: template },
			variablesMode: 'fields',
		};
		const fields = await callNodeMethod<ResourceMapperFields>(
			{ nodeType, parameters: parameters(picker), credentials: credentials(mock().url) },
			'resourceMapping',
			'getTemplateVariables',
		);
		expect(fields.fields.map((field) => field.id)).toEqual(['1', 'day']);

		const to = '+14155550171';
		const { output, waitTill } = await sendAndWait(
			{
				...picker,
				templateVariables: {
					mappingMode: 'defineBelow',
					value: { '1': '={{ $json.name }}', day: 'Tuesday' },
					matchingColumns: [],
					schema: fields.fields,
					attemptToConvertTypes: false,
					convertFieldsToString: true,
				},
			},
			{ to, name: 'Ida' },
		);
		expect(waitTill).toBeInstanceOf(Date);
		const sent = mock().messages.find((message) => message.params.To === `whatsapp:${to}`);
		expect(sent?.params).toMatchObject({
			ContentSid: template,
			ContentVariables: JSON.stringify({ '1': 'Ida', day: 'Tuesday' }),
		});
		expect(sent?.params.Body).toBeUndefined();
		await mock().settled();
		expect(resumeItem().json).toMatchObject({
			messageSid: output![0][0].json.messageSid,
			status: 'delivered',
		});
	});
});

describe('Fallback Template When Outside the 24-Hour Window', () => {
	// Free-form WhatsApp messages to anyone who has not written in 24 hours end undelivered with
	// 63016.
	const windowed = useMockTwilio({ callbackDelayMs: 1, enforceWhatsAppWindow: true });
	const fallback = (contentSid: string) => ({
		useFallbackTemplate: true,
		fallbackContentSid: { __rl: true, mode: 'id', value: contentSid },
		fallbackVariablesMode: 'json',
		fallbackContentVariables: '={{ JSON.stringify({ 1: $json.name }) }}',
	});
	/** Version 1's shape: an option of the Options collection with a SID and JSON variables. */
	const fallbackV1 = (contentSid: string) => ({
		options: {
			fallbackTemplate: {
				template: { contentSid, contentVariables: '={{ JSON.stringify({ 1: $json.name }) }}' },
			},
		},
	});
	const createsOf = (twilio: MockTwilio, to: string) =>
		twilio.messages.filter((message) => message.params.To === `whatsapp:${to}`);

	afterEach(() => windowed().settled());

	it('63016: sends the template to the same number, waits for it, and resumes saying the fallback was used and why', async () => {
		const to = '+14155550161';
		const template = await addApprovedTemplate(windowed(), 'Hi {{1}}, please reply to continue.');
		// The picker's By ID mode with the JSON variables mode; the From List mode and fields are
		// below.
		const { output, waitTill } = await sendAndWait(
			fallback(template),
			{ to, name: 'Ana' },
			undefined,
			windowed(),
		);
		expect(waitTill).toBeInstanceOf(Date);
		await windowed().settled();

		const [freeForm, sentTemplate] = createsOf(windowed(), to);
		expect(freeForm.resource.sid).toBe(output![0][0].json.messageSid);
		expect(freeForm.resource).toMatchObject({ status: 'undelivered', error_code: 63016 });
		expect(sentTemplate.params).toMatchObject({
			From: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			ContentSid: template,
			ContentVariables: '{"1":"Ana"}',
		});
		expect(sentTemplate.statusCallback).toContain(`twilioReplaces=${freeForm.resource.sid}`);
		expect(createsOf(windowed(), to)).toHaveLength(2);

		const fallbackCall = calls.find(
			(call) => (call.request.body as IDataObject).ErrorCode === '63016',
		);
		expect(fallbackCall?.result.response.body).toBe(
			'Status undelivered received, sending the fallback template',
		);
		expect(fallbackCall?.result.result.workflowData).toBeUndefined();
		expect(resumed()).toHaveLength(1);
		expect(resumeItem().json).toMatchObject({
			messageSid: sentTemplate.resource.sid,
			status: 'delivered',
			isFailed: false,
			fallbackUsed: true,
			replacedMessageSid: freeForm.resource.sid,
			fallbackReason: expect.stringMatching(/63016.*has not written in the last 24 hours/),
		});
	});

	it('inside the window the text is delivered and no template is sent (fallbackUsed: false)', async () => {
		const to = '+14155550162';
		const template = await addApprovedTemplate(windowed(), 'Hi {{1}}');
		// The customer writes first (the stand-in answers 404; the mock has opened the window).
		await windowed().sendInbound(`${n8nUrl}/inbound`, {
			From: `whatsapp:${to}`,
			To: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			Body: 'hello',
			MessageSid: `SM${'1'.repeat(32)}`,
		});
		await sendAndWait(fallback(template), { to, name: 'Bo' }, undefined, windowed());
		await windowed().settled();
		expect(createsOf(windowed(), to)).toHaveLength(1);
		expect(resumeItem().json).toMatchObject({ status: 'delivered', fallbackUsed: false });
	});

	it('a picked template Twilio does not have: the run stops before the text is sent (20404)', async () => {
		const to = '+14155550172';
		await expect(
			sendAndWait(fallback(`HX${'0'.repeat(32)}`), { to, name: 'Cy' }, undefined, windowed()),
		).rejects.toThrow('was not found');
		expect(createsOf(windowed(), to)).toHaveLength(0);
	});

	it('a picked template whose variables do not fit: named, and the run stops before the text is sent', async () => {
		const to = '+14155550173';
		const template = await addApprovedTemplate(windowed(), 'Hi {{1}}, your code is {{2}}.');
		await expect(
			sendAndWait(fallback(template), { to, name: 'Cy' }, undefined, windowed()),
		).rejects.toThrow('The template variable {{2}} is empty');
		expect(createsOf(windowed(), to)).toHaveLength(0);
	});

	it('a template Twilio refuses when it is sent (21655, version 1): resumes with the free-form failure and the template error', async () => {
		const to = '+14155550163';
		const unknown = `HX${'0'.repeat(32)}`;
		const { output } = await sendAndWait(
			fallbackV1(unknown),
			{ to, name: 'Cy' },
			undefined,
			windowed(),
			1,
		);
		await windowed().settled();
		expect(createsOf(windowed(), to)).toHaveLength(1);
		expect(resumeItem().json).toMatchObject({
			messageSid: output![0][0].json.messageSid,
			status: 'undelivered',
			errorCode: 63016,
			fallbackUsed: false,
			fallbackError: { kind: 'api', code: 21655 },
		});
	});

	it.each([
		[
			'a malformed template SID',
			2,
			fallback('HX123'),
			'"Fallback Template" "HX123" must be "HX" followed by 32 hexadecimal characters',
		],
		[
			'variables that are not JSON',
			2,
			{ ...fallback(`HX${'0'.repeat(32)}`), fallbackContentVariables: '{"1": ' },
			'"Fallback Content Variables" is not valid JSON',
		],
		[
			"version 1's malformed template SID",
			1,
			fallbackV1('HX123'),
			'"Fallback Template When Outside the 24-Hour Window → Content Template SID" "HX123" must be "HX"',
		],
		[
			"version 1's variables that are not an object",
			1,
			{
				options: {
					fallbackTemplate: {
						template: { contentSid: `HX${'0'.repeat(32)}`, contentVariables: '["Cy"]' },
					},
				},
			},
			'"Fallback Template When Outside the 24-Hour Window → Content Variables" must be a JSON object',
		],
	])(
		'%s (node version %i) stops the run before the text is sent, naming the field the editor shows',
		async (_name, version, overrides, message) => {
			const to = '+14155550164';
			await expect(
				sendAndWait(overrides as INodeParameters, { to }, undefined, windowed(), version),
			).rejects.toThrow(message);
			expect(createsOf(windowed(), to)).toHaveLength(0);
		},
	);

	it("a 63016 the node reads before waiting: sends the template at once, waits for it, and ignores the text's late callbacks", async () => {
		const to = '+14155550165';
		const template = await addApprovedTemplate(mock(), 'Hi {{1}}');
		// The text fails with 63016 (its callbacks still come, late); the template is delivered.
		mock().setDeliveryOutcome(to, { status: 'failed', errorCode: 63016 });
		const proxy = await startHookProxy(mock(), {
			afterCreate: async (message) => {
				if (mock().messages.find((m) => m.resource.sid === message.sid)?.params.ContentSid) return;
				mock().setDeliveryOutcome(to, null);
				mock().changeStatus(message.sid, { status: 'failed', errorCode: 63016 });
			},
		});
		const setup: NodeSetup = {
			nodeType,
			parameters: parameters(fallback(template)),
			credentials: credentials(proxy.url),
			baseUrl: n8nUrl,
		};
		const input = jsonItems({ to, name: 'Di' });
		mock().pauseStatusChanges();
		let result;
		try {
			result = await executeNode(setup, input);
			waiting = { setup, input, customData: result.customData };
		} finally {
			mock().resumeStatusChanges();
			await proxy.close();
		}
		const [freeForm, sentTemplate] = createsOf(mock(), to);
		expect(sentTemplate.params.ContentSid).toBe(template);
		expect(sentTemplate.statusCallback).toContain(`twilioReplaces=${freeForm.resource.sid}`);
		expect(result.waitTill).toBeInstanceOf(Date);
		expect(result.customData.twilioMessageSid).toBe(sentTemplate.resource.sid);
		await mock().settled();
		expect(createsOf(mock(), to)).toHaveLength(2);
		const late = calls.find((call) => (call.request.body as IDataObject).ErrorCode === '63016');
		expect(late?.result.response.body).toBe('Callback for a message this run no longer waits for');
		// The mock sends read receipts too; on a real n8n the execution has resumed by then.
		expect(resumeItem().json).toMatchObject({
			messageSid: sentTemplate.resource.sid,
			status: 'delivered',
			fallbackUsed: true,
			replacedMessageSid: freeForm.resource.sid,
		});
	});
	describe('picked with the Content Template picker (version 2)', () => {
		const variableSchema = [
			{
				id: '1',
				displayName: '{{1}}',
				required: true,
				defaultMatch: false,
				display: true,
				type: 'string' as const,
			},
		];
		const picked = (contentSid: string, value: Record<string, string>): INodeParameters => ({
			useFallbackTemplate: true,
			fallbackContentSid: { __rl: true, mode: 'list', value: contentSid },
			fallbackVariablesMode: 'fields',
			fallbackTemplateVariables: {
				mappingMode: 'defineBelow',
				value,
				matchingColumns: [],
				schema: variableSchema,
				attemptToConvertTypes: false,
				convertFieldsToString: true,
			},
		});

		it('63016: sends the picked template with its variables as fields, and resumes saying the fallback was used', async () => {
			const to = '+14155550166';
			const template = await addApprovedTemplate(windowed(), 'Hi {{1}}, please reply.');
			const { output } = await sendAndWait(
				picked(template, { '1': '={{ $json.name }}' }),
				{ to, name: 'Eve' },
				undefined,
				windowed(),
			);
			await windowed().settled();
			const [freeForm, sentTemplate] = createsOf(windowed(), to);
			expect(freeForm.resource.sid).toBe(output![0][0].json.messageSid);
			expect(sentTemplate.params).toMatchObject({
				ContentSid: template,
				ContentVariables: '{"1":"Eve"}',
			});
			expect(resumeItem().json).toMatchObject({
				messageSid: sentTemplate.resource.sid,
				status: 'delivered',
				fallbackUsed: true,
				replacedMessageSid: freeForm.resource.sid,
			});
		});

		it('an empty variable field stops the run before the text is sent', async () => {
			const to = '+14155550168';
			const template = await addApprovedTemplate(windowed(), 'Hi {{1}}');
			await expect(
				sendAndWait(picked(template, { '1': '={{ $json.name }}' }), { to }, undefined, windowed()),
			).rejects.toThrow('The template variable {{1}} is empty');
			expect(createsOf(windowed(), to)).toHaveLength(0);
		});

		it("the switch off: the picker's values are ignored and a 63016 ends the wait as a failure", async () => {
			const to = '+14155550169';
			const template = await addApprovedTemplate(windowed(), 'Hi {{1}}');
			await sendAndWait(
				{ ...picked(template, { '1': 'Gus' }), useFallbackTemplate: false },
				{ to },
				undefined,
				windowed(),
			);
			await windowed().settled();
			expect(createsOf(windowed(), to)).toHaveLength(1);
			expect(resumeItem().json).toMatchObject({ status: 'undelivered', errorCode: 63016 });
			expect(resumeItem().json).not.toHaveProperty('fallbackUsed');
		});

		it("offers the picked fallback template's variables as fields", async () => {
			const template = windowed().addContent({
				language: 'en',
				variables: { '1': 'Ana' },
				types: { 'twilio/text': { body: 'Hi {{1}}, your table at {{time}}.' } },
			});
			const fields = await callNodeMethod<ResourceMapperFields>(
				{
					nodeType,
					parameters: parameters(picked(template, {})),
					credentials: credentials(windowed().url),
				},
				'resourceMapping',
				'getFallbackTemplateVariables',
			);
			expect(fields.fields.map((field) => [field.id, field.displayName])).toEqual([
				['1', '{{1}} (e.g. Ana)'],
				['time', '{{time}}'],
			]);
		});
	});

	it('version 1 keeps the option with a SID and JSON variables (workflows saved with it keep working)', async () => {
		const to = '+14155550170';
		const template = await addApprovedTemplate(windowed(), 'Hi {{1}}');
		await sendAndWait(fallbackV1(template), { to, name: 'Hal' }, undefined, windowed(), 1);
		await windowed().settled();
		expect(createsOf(windowed(), to)[1].params).toMatchObject({
			ContentSid: template,
			ContentVariables: '{"1":"Hal"}',
		});
		expect(resumeItem().json).toMatchObject({ fallbackUsed: true });
	});
});
