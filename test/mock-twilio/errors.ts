/**
 * Twilio's REST error bodies: `{code, message, more_info, status}`, as every Twilio API answers
 * them (https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions).
 */
export interface TwilioErrorBody {
	code: number;
	message: string;
	more_info: string;
	status: number;
}

/** Thrown by resource handlers; the server turns it into Twilio's error response. */
export class TwilioApiError extends Error {
	readonly code: number;
	readonly status: number;
	readonly headers: Record<string, string>;

	constructor(status: number, code: number, message: string, headers: Record<string, string> = {}) {
		super(message);
		this.code = code;
		this.status = status;
		this.headers = headers;
	}

	toBody(): TwilioErrorBody {
		return {
			code: this.code,
			message: this.message,
			more_info: `https://www.twilio.com/docs/errors/${this.code}`,
			status: this.status,
		};
	}
}

const badRequest = (code: number, message: string) => new TwilioApiError(400, code, message);

/**
 * Every error the mock answers, named after the Twilio error-code page it follows (docs/errors/N).
 */
export const errors = {
	// 20003: wrong or missing credentials; Twilio adds a Basic challenge.
	authenticate: () =>
		new TwilioApiError(401, 20003, 'Authenticate', {
			'WWW-Authenticate': 'Basic realm="Twilio API"',
		}),
	// 20404: unknown resource; Twilio names the path it could not find.
	notFound: (path: string) =>
		new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
	// 20004
	methodNotAllowed: () => new TwilioApiError(405, 20004, 'Method not allowed'),
	// 20009: a message cannot be deleted while Twilio is still delivering it.
	deleteBeforeComplete: () =>
		badRequest(20009, 'Cannot delete message because delivery has not been completed.'),
	// 20429, 20500, 20503: the fault switches.
	tooManyRequests: (retryAfterSeconds?: number) =>
		new TwilioApiError(
			429,
			20429,
			'Too Many Requests',
			retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
		),
	internal: () => new TwilioApiError(500, 20500, 'Internal Server Error'),
	unavailable: () => new TwilioApiError(503, 20503, 'Service Unavailable'),
	// 21211 / 21212: malformed or magic-invalid numbers.
	invalidTo: (to: string) =>
		badRequest(21211, `The 'To' number ${to} is not a valid phone number.`),
	invalidFrom: (from: string) =>
		badRequest(
			21212,
			`The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
		),
	// 21408: no geo permission (magic To +15005550003).
	noGeoPermission: (to: string) =>
		badRequest(
			21408,
			`Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`,
		),
	// 21602 (From) / 21619 (Messaging Service): nothing to send.
	bodyRequired: () => badRequest(21602, 'Message body is required.'),
	contentRequired: () => badRequest(21619, 'A Message Body, Media URL or Content SID is required.'),
	// 21603
	fromRequired: () =>
		badRequest(21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message."),
	// 21604
	toRequired: () => badRequest(21604, "A 'To' phone number is required."),
	// 21606: From not owned by the account (magic From +15005550007, and any unknown sender).
	fromNotOwned: (from: string) =>
		badRequest(
			21606,
			`The 'From' phone number provided (${from}) is not a valid message-capable Twilio phone number for this destination.`,
		),
	// 21609: StatusCallback must be a fully qualified http(s) URL, at most 4000 characters, no
	// underscore in the host.
	invalidStatusCallback: () => badRequest(21609, 'The StatusCallback URL is not a valid URL.'),
	// 21610: recipient replied STOP (magic To +15005550004).
	unsubscribed: () => badRequest(21610, 'Attempt to send to unsubscribed recipient'),
	// 21611: sender queue full (magic From +15005550008).
	queueFull: () =>
		badRequest(21611, "This 'From' number has exceeded the maximum number of queued messages"),
	// 21612: unroutable (magic To +15005550002).
	unroutable: (to: string, from: string) =>
		badRequest(
			21612,
			`The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number: ${from} via SMS.`,
		),
	// 21614: landline (magic To +15005550009).
	notMobile: (to: string) => badRequest(21614, `'To' number ${to} is not a valid mobile number`),
	// 21617
	bodyTooLong: () =>
		badRequest(21617, 'The concatenated message body exceeds the 1600 character limit.'),
	// 21620: media URLs must be absolute http(s) URLs.
	invalidMediaUrl: (url: string) =>
		badRequest(21620, `Media urls: ${url} are invalid. Please use only valid http and https urls`),
	// 21654 / 21655 / 21656: Content Templates.
	contentSidRequired: () =>
		badRequest(
			21654,
			'A ContentSid must be specified if ContentVariables are provided in the request.',
		),
	invalidContentSid: () => badRequest(21655, 'The ContentSid is Invalid.'),
	invalidContentVariables: () => badRequest(21656, 'The ContentVariables Parameter is invalid.'),
	// 21701 / 21705: Messaging Service unknown / malformed.
	serviceNotFound: (sid: string) =>
		badRequest(21701, `The Messaging Service ${sid} does not exist`),
	serviceInvalid: (sid: string) =>
		badRequest(21705, `The Messaging Service Sid ${sid} is invalid.`),
	// 21910: From and To on different channels (for example whatsapp: to a plain number).
	channelMismatch: () =>
		badRequest(
			21910,
			"Invalid 'From' and 'To' pair. 'From' and 'To' should be of the same channel",
		),
	// 30409: only a scheduled message can be canceled.
	cannotCancel: () => badRequest(30409, 'This message cannot be canceled'),
	// 35111 / 35114 / 35118: message scheduling.
	sendAtMissing: () => badRequest(35111, 'SendAt timestamp is missing'),
	sendAtOutOfRange: () =>
		badRequest(
			35114,
			'Scheduling does not support this timestamp. SendAt time must be between 900 seconds and 35 days (3024000 seconds) in the future, inclusive.',
		),
	scheduleNeedsService: () =>
		badRequest(35118, 'MessagingServiceSid is required to schedule a message'),
	// 20422: the Content API's answer to a body it cannot accept (missing or malformed field).
	invalidParameter: (message: string) => badRequest(20422, message),
	// Typing indicators: twilio-oai documents no error answers. Twilio was seen answering a message
	// SID it could not use with HTTP 400 and code 400 (twilio/twilio-node issue 1160), and the SID of
	// an outbound message with 20422 (vercel/chat pull request 918); the mock answers a malformed
	// request with 20422 too.
	typingChannelInvalid: (channel: string | undefined) =>
		badRequest(20422, `Invalid channel: ${channel ?? '(missing)'}. Must be whatsapp.`),
	typingMessageIdInvalid: (messageId: string) =>
		badRequest(
			20422,
			`Invalid messageId: ${messageId || '(missing)'}. Must be the SID of an inbound WhatsApp message.`,
		),
	typingNoInboundMessage: () => badRequest(400, 'invalid or incomplete inbound data in MDR'),
	// 63007: WhatsApp sender not registered on the account.
	whatsAppSenderUnknown: () =>
		badRequest(63007, "Twilio could not find a Channel with the specified 'From' address"),
} as const;

/**
 * Delivery failure codes reported after creation (status callbacks and the resource's error_code),
 * with the wording of their Twilio error pages.
 */
export const deliveryErrorMessages: Record<number, string> = {
	30003: 'Unreachable destination handset',
	30005: 'Unknown destination handset',
	30006: 'Landline or unreachable carrier',
	30007: 'Message filtered',
	30008: 'Unknown error',
	63016:
		'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
};
