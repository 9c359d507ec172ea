/** Form or query parameters: a repeated key (Twilio's `MediaUrl`) keeps every value, in order. */
export type FormParams = Record<string, string | string[]>;

export interface MockApiKey {
	sid: string;
	secret: string;
	// Standard keys cannot read the Account resource
	// (https://www.twilio.com/docs/iam/api-keys#types-of-keys).
	type?: 'standard' | 'main';
}

export interface MockAccountConfig {
	accountSid: string;
	authToken: string;
	friendlyName?: string;
	apiKeys?: MockApiKey[];
}

/**
 * What happens to messages sent to a number after creation (the mock's own switch, not a Twilio
 * input).
 */
export interface DeliveryOutcome {
	status: 'undelivered' | 'failed';
	errorCode: number;
}

export interface MockTwilioOptions {
	port?: number;
	host?: string;
	accounts?: MockAccountConfig[];
	/** Added before answering every API request. */
	latencyMs?: number;
	/** Base URL the mock writes into absolute links (v1 `meta` paging); defaults to `url`. */
	publicUrl?: string;
	/** Wait before each status change after a message is created (default 50 ms). */
	callbackDelayMs?: number;
	/**
	 * By `To` number without channel prefix; replaces the default (`+15005550006` → undelivered
	 * 30003).
	 */
	deliveryOutcomes?: Record<string, DeliveryOutcome>;
	/** WhatsApp messages go on from delivered to read (with `EventType=READ`). */
	readReceipts?: boolean;
	/**
	 * Free-form WhatsApp messages to someone who has not written in the last 24 h end undelivered
	 * with 63016.
	 */
	enforceWhatsAppWindow?: boolean;
}

export type MessageStatus =
	| 'accepted'
	| 'scheduled'
	| 'queued'
	| 'sending'
	| 'sent'
	| 'delivered'
	| 'undelivered'
	| 'failed'
	| 'read'
	| 'canceled';

/**
 * The Message resource as the API answers it
 * (https://www.twilio.com/docs/messaging/api/message-resource).
 */
export interface MessageResource {
	account_sid: string;
	api_version: '2010-04-01';
	body: string;
	date_created: string;
	date_sent: string | null;
	date_updated: string;
	direction: 'outbound-api';
	error_code: number | null;
	error_message: string | null;
	from: string | null;
	messaging_service_sid: string | null;
	num_media: string;
	num_segments: string;
	price: string | null;
	price_unit: string;
	sid: string;
	status: MessageStatus;
	subresource_uris: { media: string; feedback: string };
	to: string;
	uri: string;
}

/** One created message, kept in the record even after it is deleted through the API. */
export interface MockMessage {
	sid: string;
	accountSid: string;
	/** The form parameters exactly as received. */
	params: FormParams;
	createdAt: Date;
	resource: MessageResource;
	/** Where status callbacks go: the message's StatusCallback, else its Messaging Service's. */
	statusCallback: string | null;
	deleted: boolean;
}

export type RequestOutcome = 'answered' | 'dropped' | 'stalled';

export interface RecordedRequest {
	at: Date;
	method: string;
	path: string;
	query: FormParams;
	form: FormParams;
	/** The parsed JSON body (Content API requests), or undefined. */
	json?: unknown;
	/** Received headers without `authorization`: only its user name is kept, in `authUser`. */
	headers: Record<string, string>;
	authUser: string | null;
	/** HTTP status answered, null when the connection was dropped or stalled. */
	status: number | null;
	outcome: RequestOutcome;
	fault: FaultKind | null;
}

export type FaultKind = '429' | '500' | '503' | 'drop' | 'stall';

export interface FaultSpec {
	kind: FaultKind;
	/** Fire on at most this many requests, then stop. */
	count?: number;
	/** Fire on this share of matching requests, evenly spread (0.2 → the 5th, 10th, 15th …). */
	ratio?: number;
	/** `Retry-After` header of a 429. */
	retryAfterSeconds?: number;
	/** Create the message first, then fault: the ambiguous case a client must not retry. */
	afterCreate?: boolean;
	/** Which requests it applies to (default any; `afterCreate` implies create). */
	on?: 'any' | 'create';
	/** Only requests to this path, such as `/v2/Indicators/Typing.json` (default every path). */
	path?: string;
	/** Only requests with this method, such as `DELETE` (default every method). */
	method?: string;
}

/** Requests to one path held before they are answered (MockTwilio.holdRequests). */
export interface RequestHold {
	/** Answers the held requests and stops holding new ones. */
	release(): void;
	/** Requests waiting now. */
	readonly waiting: number;
}

export interface FaultRule extends FaultSpec {
	/** Matching requests seen. */
	seen: number;
	/** Requests it fired on. */
	hits: number;
}

export interface WebhookDelivery {
	kind: 'status' | 'inbound';
	at: Date;
	method: 'POST' | 'GET';
	/** The URL requested, with any password in it masked. */
	url: string;
	params: FormParams;
	messageSid: string | null;
	idempotencyToken: string;
	/** HTTP status of the final attempt, null when the request failed. */
	status: number | null;
	error: string | null;
}

export interface WebhookResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export interface SendInboundOptions {
	method?: 'POST' | 'GET';
	/** Signing token; defaults to the first account's Auth Token. */
	authToken?: string;
	/** URL to sign when it differs from the one requested (a proxy in between). */
	signatureUrl?: string;
	badSignature?: boolean;
	/** Same token = same delivery retried, as Twilio does. */
	idempotencyToken?: string;
	headers?: Record<string, string>;
}

/**
 * The IncomingPhoneNumber resource
 * (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource).
 */
export interface PhoneNumberResource {
	account_sid: string;
	address_requirements: string;
	address_sid: string | null;
	api_version: '2010-04-01';
	beta: boolean;
	bundle_sid: string | null;
	capabilities: { fax: boolean; mms: boolean; sms: boolean; voice: boolean };
	date_created: string;
	date_updated: string;
	emergency_address_sid: string | null;
	emergency_address_status: string;
	emergency_status: string;
	friendly_name: string;
	identity_sid: string | null;
	origin: string;
	phone_number: string;
	sid: string;
	sms_application_sid: string;
	sms_fallback_method: string;
	sms_fallback_url: string;
	sms_method: string;
	sms_url: string;
	status: string;
	status_callback: string;
	status_callback_method: string;
	subresource_uris: Record<string, string>;
	trunk_sid: string | null;
	type: string;
	uri: string;
	voice_application_sid: string;
	voice_caller_id_lookup: boolean;
	voice_fallback_method: string;
	voice_fallback_url: string;
	voice_method: string;
	voice_receive_mode: string;
	voice_url: string;
}

/** The Messaging Service resource (https://www.twilio.com/docs/messaging/api/service-resource). */
export interface MessagingServiceResource {
	account_sid: string;
	area_code_geomatch: boolean;
	date_created: string;
	date_updated: string;
	fallback_method: string;
	fallback_to_long_code: boolean;
	fallback_url: string | null;
	friendly_name: string;
	inbound_method: string;
	inbound_request_url: string | null;
	links: Record<string, string>;
	mms_converter: boolean;
	scan_message_content: string;
	sid: string;
	smart_encoding: boolean;
	status_callback: string | null;
	sticky_sender: boolean;
	synchronous_validation: boolean;
	url: string;
	us_app_to_person_registered: boolean;
	use_inbound_webhook_on_number: boolean;
	usecase: string;
	validity_period: number;
}

/** A number in a Messaging Service's sender pool. */
export interface ServicePhoneNumber {
	serviceSid: string;
	phoneNumberSid: string;
}

export interface InboundMessage {
	/** The account's number (or `whatsapp:+…`) the message is sent to. */
	to: string;
	from: string;
	body?: string;
	/**
	 * Media at a URL of the test's choosing, or a file the mock keeps and serves as Twilio's media
	 * URL.
	 */
	media?: Array<{ url: string; contentType: string } | { content: Buffer; contentType: string }>;
	/** WhatsApp sender's profile name. */
	profileName?: string;
	/** More parameters (Latitude, ButtonText, OriginalRepliedMessageSid …), added as given. */
	extra?: Record<string, string>;
}

/**
 * WhatsApp approval states of a Content resource
 * (https://www.twilio.com/docs/content/content-api-resources#approval-status).
 */
export type ApprovalStatus =
	| 'unsubmitted'
	| 'received'
	| 'pending'
	| 'approved'
	| 'rejected'
	| 'paused'
	| 'disabled';

/**
 * A WhatsApp approval request as spec/json/twilio_content_v1.json shapes it
 * (`content.v1.content.approval_create`, the `whatsapp` object of `approval_fetch`).
 */
export interface WhatsAppApproval {
	name: string;
	category: string;
	content_type: string;
	status: ApprovalStatus;
	rejection_reason: string;
	allow_category_change: boolean;
}

/**
 * A Content resource (`content.v1.content` of spec/json/twilio_content_v1.json) and its approval.
 */
export interface MockContent {
	resource: {
		account_sid: string;
		date_created: string;
		date_updated: string;
		friendly_name: string;
		language: string;
		links: { approval_create: string; approval_fetch: string };
		sid: string;
		types: Record<string, unknown>;
		url: string;
		variables: Record<string, string>;
	};
	approval: WhatsAppApproval | null;
	deleted: boolean;
	/** Every JSON body received for this resource (create, then approval requests). */
	requests: unknown[];
}

/**
 * The `webhook` object of a sender (`messaging.v2.channels_sender.webhook` in
 * twilio_messaging_v2.json).
 */
export interface SenderWebhook {
	callback_url: string | null;
	callback_method: string | null;
	fallback_url: string | null;
	fallback_method: string | null;
	status_callback_url: string | null;
	status_callback_method: string | null;
}

/**
 * A WhatsApp sender of the Senders API (`messaging.v2.channels_sender_response` of twilio-oai's
 * spec/json/twilio_messaging_v2.json, example `whatsapp_fetch`), with the account that owns it.
 */
export interface WhatsAppSenderResource {
	accountSid: string;
	sid: string;
	status: string;
	sender_id: string;
	configuration: Record<string, string | null>;
	webhook: SenderWebhook;
	profile: Record<string, unknown>;
	properties: Record<string, string>;
	/** Why an OFFLINE sender is offline (example `whatsapp_fetch_offline_reasons`). */
	offline_reasons: Array<{ code: string; message: string; more_info: string }> | null;
	compliance: null;
	url: string;
}

/** A typing indicator Twilio accepted (POST /v2/Indicators/Typing.json). */
export interface TypingIndicatorRecord {
	at: Date;
	accountSid: string;
	messageId: string;
}
