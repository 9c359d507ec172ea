import http from 'http';
import type { AddressInfo } from 'net';
import type {
	ApprovalStatus,
	DeliveryOutcome,
	MockContent,
	FaultRule,
	FaultSpec,
	FormParams,
	InboundMessage,
	MessagingServiceResource,
	MockAccountConfig,
	MockMessage,
	MockTwilioOptions,
	PhoneNumberResource,
	RecordedRequest,
	RequestHold,
	TypingIndicatorRecord,
	WhatsAppSenderResource,
	SendInboundOptions,
	WebhookDelivery,
	WebhookResult,
} from './types';
import type { ApiResponse } from './http/router';
import { Router } from './http/router';
import { first, parseForm, parseJson } from './http/form';
import { authenticate, basicUser } from './auth';
import { errors, TwilioApiError } from './errors';
import { Faults } from './faults';
import { MockState } from './state';
import { Tasks } from './tasks';
import { DEFAULT_ACCOUNT, DEFAULT_DELIVERY_OUTCOMES, seedAccount } from './fixtures';
import { registerAccounts } from './resources/accounts';
import { registerMessages } from './resources/messages';
import { registerPhoneNumbers } from './resources/phoneNumbers';
import { registerMessagingServices } from './resources/messagingServices';
import { buildContent, decideApproval, registerContent } from './resources/content';
import { registerChannelSenders } from './resources/channelSenders';
import { registerTypingIndicators } from './resources/typingIndicators';
import { registerMedia, storeMediaFile } from './resources/media';
import { parseAddress } from './resources/messageRules';
import { Lifecycle, type StatusStep } from './webhooks/statusCallbacks';
import { deliverSigned, maskPassword } from './webhooks/client';
import { inboundParams, inboundTarget } from './webhooks/inbound';

export interface MockTwilio {
	/** Base URL, e.g. `http://127.0.0.1:PORT`: the credential's "API Base URL". */
	readonly url: string;
	readonly accounts: readonly MockAccountConfig[];
	/** Every message created, in order, with the form parameters received. */
	readonly messages: MockMessage[];
	/** Every API request received, in order. */
	readonly requests: RecordedRequest[];
	/** Every webhook the mock sent (status callbacks and inbound messages). */
	readonly webhooks: WebhookDelivery[];
	/** Active fault rules, with their counters. */
	readonly faults: readonly FaultRule[];
	readonly phoneNumbers: PhoneNumberResource[];
	readonly messagingServices: MessagingServiceResource[];
	/** Content API resources (deleted ones too, marked), with every JSON body received for each. */
	readonly contents: MockContent[];
	/** WhatsApp senders of the Senders API (`/v2/Channels/Senders`); each account starts with one. */
	readonly whatsAppSenders: WhatsAppSenderResource[];
	/** Every typing indicator Twilio accepted, in order. */
	readonly typingIndicators: readonly TypingIndicatorRecord[];
	/**
	 * Creates a Content resource as POST /v1/Content would (first account unless said); returns its
	 * SID.
	 */
	addContent(body: Record<string, unknown>, accountSid?: string): string;
	/** Meta's decision on a submitted template: `approved`, `rejected` (with a reason), `paused` … */
	setApprovalStatus(sid: string, status: ApprovalStatus, rejectionReason?: string): void;
	setFault(spec: FaultSpec): FaultRule;
	clearFaults(): void;
	setLatency(ms: number): void;
	/**
	 * Holds each request to `path` (after recording it) before answering it as usual: for `ms` each,
	 * or, without `ms`, until release(). Replaces an earlier hold of the same path.
	 */
	holdRequests(path: string, ms?: number): RequestHold;
	/**
	 * Time between a message's status changes (and their callbacks); applies to changes scheduled
	 * from now on.
	 */
	setCallbackDelay(ms: number): void;
	/**
	 * Holds every status change (and its callback) that comes due from now on until
	 * resumeStatusChanges(), so a test can look at a message before Twilio moves it on. settled()
	 * waits for held changes too.
	 */
	pauseStatusChanges(): void;
	resumeStatusChanges(): void;
	/** Changes a message's status as Twilio does before it sends the callback; sends no callback. */
	changeStatus(sid: string, step: StatusStep): void;
	/**
	 * Messages to this number (channel prefix ignored) end this way; null restores normal delivery.
	 */
	setDeliveryOutcome(to: string, outcome: DeliveryOutcome | null): void;
	/** Sends a signed webhook to any URL, exactly as Twilio sends inbound messages. */
	sendInbound(
		url: string,
		params: FormParams,
		options?: SendInboundOptions,
	): Promise<WebhookResult>;
	/**
	 * Messages Twilio received for an account without delivering them to a webhook (first account
	 * unless said), so that the APIs about inbound messages (the typing indicator) know them.
	 */
	addInboundMessages(sids: string[], channel?: string, accountSid?: string): void;
	/**
	 * An inbound message to one of the account's numbers, sent where that number's configuration
	 * says.
	 */
	receiveMessage(message: InboundMessage): Promise<WebhookResult>;
	/** Resolves when every pending status change and callback is done. */
	settled(): Promise<void>;
	close(): Promise<void>;
}

const CREATE_PATH = /^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/;

function headersOf(req: http.IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (name === 'authorization' || value === undefined) continue;
		headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return headers;
}

function writeResponse(res: http.ServerResponse, response: ApiResponse): void {
	const headers: Record<string, string> = { ...response.headers };
	if (response.body === undefined) {
		res.writeHead(response.status, headers).end();
		return;
	}
	if (Buffer.isBuffer(response.body)) {
		res.writeHead(response.status, headers).end(response.body);
		return;
	}
	headers['Content-Type'] = 'application/json; charset=utf-8';
	res.writeHead(response.status, headers).end(JSON.stringify(response.body));
}

function errorResponse(error: TwilioApiError): ApiResponse {
	return { status: error.status, body: error.toBody(), headers: error.headers };
}

function faultError(rule: FaultRule): TwilioApiError {
	if (rule.kind === '429') return errors.tooManyRequests(rule.retryAfterSeconds);
	if (rule.kind === '500') return errors.internal();
	return errors.unavailable();
}

export async function startMockTwilio(options: MockTwilioOptions = {}): Promise<MockTwilio> {
	const accounts = options.accounts ?? [DEFAULT_ACCOUNT];
	if (accounts.length === 0) throw new Error('The mock needs at least one account');
	const state = new MockState(accounts, options.deliveryOutcomes ?? DEFAULT_DELIVERY_OUTCOMES);
	const started = new Date();
	for (const account of accounts) seedAccount(state, account.accountSid, started);

	const tasks = new Tasks();
	const faults = new Faults();
	const requests: RecordedRequest[] = [];
	const webhooks: WebhookDelivery[] = [];
	let latencyMs = options.latencyMs ?? 0;
	let callbackDelayMs = options.callbackDelayMs ?? 50;
	let baseUrl = '';
	let pause: { held: Promise<void>; release: () => void } | null = null;
	const holds = new Map<string, (signal: AbortSignal) => Promise<boolean>>();
	const publicUrl = () => options.publicUrl ?? baseUrl;

	async function deliver(
		kind: WebhookDelivery['kind'],
		messageSid: string | null,
		url: string,
		params: FormParams,
		sendOptions: SendInboundOptions & { authToken: string },
	): Promise<WebhookResult> {
		const method = sendOptions.method ?? 'POST';
		const record: WebhookDelivery = {
			kind,
			at: new Date(),
			method,
			url: maskPassword(url),
			params,
			messageSid,
			idempotencyToken: '',
			status: null,
			error: null,
		};
		webhooks.push(record);
		const from = first(params, 'From');
		if (kind === 'inbound' && from !== undefined && parseAddress(from).channel === 'whatsapp') {
			state.whatsAppSessions.set(parseAddress(from).number, Date.now());
		}
		const accountSid = first(params, 'AccountSid');
		if (kind === 'inbound' && messageSid && accountSid)
			state.inboundMessages.set(messageSid, {
				accountSid,
				channel: parseAddress(from ?? '').channel ?? 'sms',
			});
		try {
			const result = await deliverSigned({
				...sendOptions,
				url,
				method,
				params,
				signal: tasks.signal,
			});
			record.idempotencyToken = result.idempotencyToken;
			record.status = result.status;
			return { status: result.status, headers: result.headers, body: result.body };
		} catch (error) {
			record.error = (error as Error).message;
			throw error;
		}
	}

	const lifecycle = new Lifecycle({
		state,
		tasks,
		delayMs: () => callbackDelayMs,
		readReceipts: options.readReceipts ?? false,
		enforceWhatsAppWindow: options.enforceWhatsAppWindow ?? false,
		whenNotPaused: async () => {
			while (pause) await pause.held;
		},
		post: async (message, params) => {
			// A status callback that cannot be delivered is recorded, not retried, as Twilio does by
			// default.
			await deliver('status', message.sid, message.statusCallback ?? '', params, {
				authToken: state.authTokenOf(message.accountSid),
			}).catch(() => undefined);
		},
	});

	const router = new Router();
	const context = { state, publicUrl, lifecycle };
	registerAccounts(router, context, started);
	registerMessages(router, context);
	registerPhoneNumbers(router, context);
	registerMessagingServices(router, context);
	registerContent(router, context);
	registerChannelSenders(router, context);
	registerTypingIndicators(router, context);
	registerMedia(router, context);

	const server = http.createServer((req, res) => {
		void handle(req, res).catch((error: unknown) => {
			// A bug in the mock, not a simulated fault: say so loudly and answer like a Twilio outage.
			console.error('[mock-twilio] request failed:', error);
			if (!res.headersSent) writeResponse(res, errorResponse(errors.internal()));
		});
	});

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const url = new URL(req.url ?? '/', 'http://mock.invalid');
		const method = req.method ?? 'GET';
		const isForm = /application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '');
		const isJson = /application\/json/i.test(req.headers['content-type'] ?? '');
		const record: RecordedRequest = {
			at: new Date(),
			method,
			path: url.pathname,
			query: parseForm(url.search.slice(1)),
			// Twilio reads only form bodies: JSON is as good as no parameters (error 21604 on create).
			form: isForm ? parseForm(Buffer.concat(chunks).toString('utf8')) : {},
			json: isJson ? parseJson(Buffer.concat(chunks).toString('utf8')) : undefined,
			headers: headersOf(req),
			authUser: basicUser(req.headers.authorization),
			status: null,
			outcome: 'answered',
			fault: null,
		};
		requests.push(record);
		if (latencyMs > 0 && !(await tasks.sleep(latencyMs))) return void req.socket.destroy();

		const isCreate = method === 'POST' && CREATE_PATH.test(url.pathname);
		const hold = holds.get(url.pathname);
		if (hold && !(await hold(tasks.signal))) return void req.socket.destroy();
		const fault = faults.beforeHandling(isCreate, url.pathname, method);
		if (fault) return applyFault(fault, req, res, record, errorResponse(faultError(fault)));

		let response: ApiResponse;
		try {
			const principal = authenticate(req.headers.authorization, state.accounts);
			const { handler, params } = router.resolve(method, url.pathname);
			response = handler({
				method,
				path: url.pathname,
				query: record.query,
				form: record.form,
				json: record.json,
				principal,
				params,
			});
		} catch (error) {
			if (!(error instanceof TwilioApiError)) throw error;
			response = errorResponse(error);
		}

		const after = isCreate && response.status === 201 ? faults.afterCreate() : undefined;
		if (after) return applyFault(after, req, res, record, errorResponse(faultError(after)));
		record.status = response.status;
		writeResponse(res, response);
	}

	function applyFault(
		rule: FaultRule,
		req: http.IncomingMessage,
		res: http.ServerResponse,
		record: RecordedRequest,
		response: ApiResponse,
	): void {
		record.fault = rule.kind;
		if (rule.kind === 'drop') {
			record.outcome = 'dropped';
			req.socket.destroy();
		} else if (rule.kind === 'stall') {
			// Never answered; close() destroys the socket.
			record.outcome = 'stalled';
		} else {
			record.status = response.status;
			writeResponse(res, response);
		}
	}

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const address = server.address() as AddressInfo;
	baseUrl = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

	const defaultToken = accounts[0].authToken;
	return {
		url: baseUrl,
		accounts,
		messages: state.messages,
		requests,
		webhooks,
		faults: faults.rules,
		phoneNumbers: state.phoneNumbers,
		messagingServices: state.messagingServices,
		contents: state.contents,
		whatsAppSenders: state.channelSenders,
		typingIndicators: state.typingIndicators,
		addContent: (body, accountSid = accounts[0].accountSid) => {
			const content = buildContent(accountSid, body, new Date());
			state.contents.push(content);
			return content.resource.sid;
		},
		setApprovalStatus: (sid, status, rejectionReason) => {
			const content = state.contents.find((item) => item.resource.sid === sid);
			if (!content) throw new Error(`The mock has no content ${sid}`);
			decideApproval(content, status, rejectionReason);
		},
		setFault: (spec) => faults.set(spec),
		clearFaults: () => faults.clear(),
		setLatency: (ms) => {
			latencyMs = ms;
		},
		holdRequests: (path, ms) => {
			let waiters: Array<(answered: boolean) => void> = [];
			let released = false;
			const release = () => {
				released = true;
				for (const answer of waiters) answer(true);
				waiters = [];
				if (holds.get(path) === hold) holds.delete(path);
			};
			const hold = (signal: AbortSignal): Promise<boolean> => {
				if (ms !== undefined) return tasks.sleep(ms);
				if (released) return Promise.resolve(true);
				if (signal.aborted) return Promise.resolve(false);
				return new Promise<boolean>((resolve) => {
					waiters.push(resolve);
					signal.addEventListener('abort', () => resolve(false), { once: true });
				});
			};
			holds.set(path, hold);
			return {
				release,
				get waiting() {
					return waiters.length;
				},
			};
		},
		setCallbackDelay: (ms) => {
			callbackDelayMs = ms;
		},
		pauseStatusChanges: () => {
			if (pause) return;
			let release = () => {};
			const held = new Promise<void>((resolve) => (release = resolve));
			pause = { held, release };
		},
		resumeStatusChanges: () => {
			pause?.release();
			pause = null;
		},
		changeStatus: (sid, step) => {
			const message = state.messages.find((candidate) => candidate.sid === sid);
			if (!message) throw new Error(`The mock has no message ${sid}`);
			lifecycle.changeStatus(message, step);
		},
		setDeliveryOutcome: (to, outcome) => {
			const number = parseAddress(to).number;
			if (outcome) state.deliveryOutcomes.set(number, outcome);
			else state.deliveryOutcomes.delete(number);
		},
		sendInbound: (url, params, sendOptions = {}) =>
			deliver('inbound', first(params, 'MessageSid') ?? null, url, params, {
				...sendOptions,
				authToken: sendOptions.authToken ?? defaultToken,
			}),
		addInboundMessages: (sids, channel = 'whatsapp', accountSid = accounts[0].accountSid) => {
			for (const sid of sids) state.inboundMessages.set(sid, { accountSid, channel });
		},
		receiveMessage: (message) => {
			const number = parseAddress(message.to).number;
			const pn = state.phoneNumbers.find((item) => item.phone_number === number);
			if (!pn) throw new Error(`No account owns ${number}`);
			const service = state.serviceOfNumber(pn.sid);
			const sender =
				parseAddress(message.to).channel === 'whatsapp'
					? state.whatsAppSenderOf(pn.account_sid, number)
					: undefined;
			const target = inboundTarget(pn, service, sender);
			if (!target) throw new Error(`Nothing is configured to receive messages for ${number}`);
			const params = inboundParams(message, pn.account_sid, service);
			const messageSid = first(params, 'MessageSid') ?? '';
			(message.media ?? []).forEach((item, index) => {
				if ('content' in item)
					params[`MediaUrl${index}`] = storeMediaFile(context, {
						accountSid: pn.account_sid,
						messageSid,
						contentType: item.contentType,
						content: item.content,
					});
			});
			return deliver('inbound', first(params, 'MessageSid') ?? null, target.url, params, {
				method: target.method,
				authToken: state.authTokenOf(pn.account_sid),
			});
		},
		settled: () => tasks.settled(),
		close: async () => {
			tasks.abort();
			pause?.release();
			pause = null;
			faults.clear();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			await tasks.settled();
		},
	};
}
