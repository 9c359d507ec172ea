import type { DeliveryOutcome, FormParams, MessageStatus, MockMessage } from '../types';
import type { MockState } from '../state';
import type { Tasks } from '../tasks';
import { deliveryErrorMessages } from '../errors';
import { dlrDoneDate, newSid, rfc2822 } from '../format';
import { parseAddress } from '../resources/messageRules';

export interface StatusStep {
	status: MessageStatus;
	errorCode: number | null;
}

/**
 * The status changes after creation that Twilio reports by callback
 * (https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks):
 * none for the initial status (queued, or accepted with a Messaging Service), then queued (only
 * after accepted), sent, and delivered — or undelivered/failed with an ErrorCode — and read for
 * WhatsApp when the recipient reads it.
 */
export function plannedSteps(input: {
	viaService: boolean;
	whatsapp: boolean;
	outcome: DeliveryOutcome | undefined;
	readReceipts: boolean;
}): StatusStep[] {
	const steps: StatusStep[] = input.viaService ? [{ status: 'queued', errorCode: null }] : [];
	const { outcome } = input;
	if (outcome?.status === 'failed')
		return [...steps, { status: 'failed', errorCode: outcome.errorCode }];
	steps.push({ status: 'sent', errorCode: null });
	if (outcome) return [...steps, { status: 'undelivered', errorCode: outcome.errorCode }];
	steps.push({ status: 'delivered', errorCode: null });
	if (input.whatsapp && input.readReceipts) steps.push({ status: 'read', errorCode: null });
	return steps;
}

/**
 * Status-callback parameters
 * (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status): the standard ones,
 * RawDlrDoneDate for SMS delivered/undelivered, and the channel properties (ChannelInstallSid,
 * ChannelPrefix, ChannelToAddress, ChannelStatusMessage, EventType) for WhatsApp.
 */
export function callbackParams(
	message: MockMessage,
	step: StatusStep,
	channelInstallSid: string,
	now: Date,
): FormParams {
	const { resource } = message;
	const params: FormParams = {
		AccountSid: resource.account_sid,
		ApiVersion: resource.api_version,
		From: resource.from ?? '',
		To: resource.to,
		MessageSid: resource.sid,
		SmsSid: resource.sid,
		MessageStatus: step.status,
		SmsStatus: step.status,
	};
	if (resource.messaging_service_sid) params.MessagingServiceSid = resource.messaging_service_sid;
	if (step.errorCode !== null) params.ErrorCode = String(step.errorCode);
	const to = parseAddress(resource.to);
	if (to.channel === null) {
		if (step.status === 'delivered' || step.status === 'undelivered')
			params.RawDlrDoneDate = dlrDoneDate(now);
		return params;
	}
	params.ChannelInstallSid = channelInstallSid;
	params.ChannelPrefix = to.channel;
	params.ChannelToAddress = to.number;
	if (step.errorCode !== null)
		params.ChannelStatusMessage = deliveryErrorMessages[step.errorCode] ?? 'Unknown error';
	if (step.status === 'read') params.EventType = 'READ';
	return params;
}

export interface LifecycleOptions {
	state: MockState;
	tasks: Tasks;
	delayMs: () => number;
	readReceipts: boolean;
	enforceWhatsAppWindow: boolean;
	/** Delivers one signed status callback and records it. */
	post: (message: MockMessage, params: FormParams) => Promise<void>;
	/** Resolves when status changes may go on (see MockTwilio.pauseStatusChanges). */
	whenNotPaused: () => Promise<void>;
}

const WHATSAPP_WINDOW_MS = 24 * 3600 * 1000;
// Prices appear once a message is sent; these match Twilio's US list prices closely enough.
const PRICE = { sms: '-0.00790', whatsapp: '-0.00500' };

/** Moves created messages through their statuses and sends the callbacks, one step per delay. */
export class Lifecycle {
	private readonly options: LifecycleOptions;
	// One WhatsApp sender installation for the whole mock, as an account with one sender has.
	private readonly channelInstallSid = newSid('XE');

	constructor(options: LifecycleOptions) {
		this.options = options;
	}

	start(message: MockMessage, contentSid: string | null): void {
		const { state, readReceipts } = this.options;
		const to = parseAddress(message.resource.to);
		const steps = plannedSteps({
			viaService: message.resource.status === 'accepted',
			whatsapp: to.channel === 'whatsapp',
			outcome:
				state.deliveryOutcomes.get(to.number) ??
				this.windowOutcome(to.channel, to.number, contentSid),
			readReceipts,
		});
		this.options.tasks.run(async () => {
			for (const step of steps) {
				if (!(await this.options.tasks.sleep(this.options.delayMs()))) return;
				await this.options.whenNotPaused();
				if (message.deleted || message.resource.status === 'canceled') return;
				// Awaiting each callback keeps them in order; real Twilio does not promise that.
				await this.apply(message, step);
			}
		});
	}

	/** A scheduled message was canceled: Twilio reports it with a `canceled` callback. */
	canceled(message: MockMessage): void {
		this.options.tasks.run(() => this.notify(message, { status: 'canceled', errorCode: null }));
	}

	// WhatsApp free-form messages only reach someone who wrote in the last 24 hours
	// (https://www.twilio.com/docs/whatsapp/key-concepts#the-24-hour-window-or-24-hour-session).
	private windowOutcome(
		channel: string | null,
		number: string,
		contentSid: string | null,
	): DeliveryOutcome | undefined {
		if (!this.options.enforceWhatsAppWindow || channel !== 'whatsapp') return undefined;
		// Only a template WhatsApp approved may open a conversation; any other content is free-form.
		if (contentSid !== null && this.isApprovedTemplate(contentSid)) return undefined;
		const last = this.options.state.whatsAppSessions.get(number);
		if (last !== undefined && Date.now() - last < WHATSAPP_WINDOW_MS) return undefined;
		return { status: 'undelivered', errorCode: 63016 };
	}

	private isApprovedTemplate(contentSid: string): boolean {
		const content = this.options.state.contents.find((item) => item.resource.sid === contentSid);
		return content?.approval?.status === 'approved';
	}

	private apply(message: MockMessage, step: StatusStep): Promise<void> {
		this.changeStatus(message, step);
		return this.notify(message, step);
	}

	/**
	 * The message resource as Twilio updates it when the status changes, before any callback is sent.
	 */
	changeStatus(message: MockMessage, step: StatusStep): void {
		const { resource } = message;
		const now = new Date();
		if (step.status === 'queued' && resource.from === null)
			resource.from = this.pickSender(message);
		if (step.status === 'sent') {
			resource.date_sent = rfc2822(now);
			resource.price =
				parseAddress(resource.to).channel === 'whatsapp' ? PRICE.whatsapp : PRICE.sms;
		}
		if (step.errorCode !== null) {
			resource.error_code = step.errorCode;
			resource.error_message = deliveryErrorMessages[step.errorCode] ?? null;
		}
		resource.status = step.status;
		resource.date_updated = rfc2822(now);
	}

	private async notify(message: MockMessage, step: StatusStep): Promise<void> {
		if (message.statusCallback === null) return;
		await this.options.post(
			message,
			callbackParams(message, step, this.channelInstallSid, new Date()),
		);
	}

	/** The Messaging Service picks a sender from its pool that serves the recipient's channel. */
	private pickSender(message: MockMessage): string | null {
		const { state } = this.options;
		const serviceSid = message.resource.messaging_service_sid;
		if (serviceSid === null) return null;
		const whatsapp = parseAddress(message.resource.to).channel === 'whatsapp';
		const pool = state.poolNumbers(serviceSid);
		const sender = whatsapp
			? pool.find((pn) => state.whatsAppSenders.has(pn.phone_number))
			: pool.find((pn) => pn.capabilities.sms);
		if (!sender) return null;
		return whatsapp ? `whatsapp:${sender.phone_number}` : sender.phone_number;
	}
}
