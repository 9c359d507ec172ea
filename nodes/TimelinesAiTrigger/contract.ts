import { randomBytes } from 'crypto';

import { toE164 } from '../shared/e164';
import { mediaType } from '../shared/headers';

/**
 * TimelinesAI's inbound webhook contract ("Send message" event), as published in its help center
 * what a caller may POST and what it gets back. Pure: plain data in, plain data out.
 */

export const ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;

export const RECIPIENT_FIELDS = ['chat_id', 'jid', 'phone', 'chat_name'] as const;
export type RecipientType = (typeof RECIPIENT_FIELDS)[number];

/** The published key has spaces; the snake_case spelling is what most tools produce. */
export const ACCOUNT_PHONE_FIELDS = ['whatsapp account phone', 'whatsapp_account_phone'] as const;

export type RejectStatus = 400 | 401 | 404 | 405 | 413 | 415 | 429 | 500;

export interface Rejection {
	ok: false;
	status: RejectStatus;
	message: string;
}

export interface Recipient {
	type: RecipientType;
	value: string;
	/** E.164 number when the recipient names one (a phone, or a contact JID); null otherwise. */
	phone: string | null;
}

export interface SendRequest {
	action: 'send';
	/** Line breaks normalised to `\n`. */
	text: string;
	file: { url: string; name: string } | null;
	recipient: Recipient;
	whatsappAccountPhone: string | null;
	/**
	 * True when the caller gave an account phone that TimelinesAI ignores because `chat_id` is set.
	 */
	whatsappAccountPhoneIgnored: boolean;
	quotaUnits: 1 | 2;
	/** The JSON object exactly as received. */
	body: Record<string, unknown>;
}

export type Validation = { ok: true; request: SendRequest } | Rejection;

export interface BodyLimits {
	/** Size of the request body as received, in bytes. */
	bodyBytes: number;
	maxBodyBytes: number;
}

export function reject(status: RejectStatus, message: string): Rejection {
	return { ok: false, status, message };
}

export function successBody(messageId: string) {
	return { status: 'success', data: { message_id: messageId } };
}

export function errorBody(status: number, message: string) {
	return { status, data: {}, message };
}

/** `wa_backend:` and 20 upper-case hexadecimal characters, the shape of TimelinesAI's own ids. */
export function newMessageId(): string {
	return `wa_backend:${randomBytes(10).toString('hex').toUpperCase()}`;
}

export const MESSAGE_ID_PATTERN = /^wa_backend:[0-9A-F]{20}$/;

/** Quoted and shortened, so an echoed value can never flood a message or the log. */
function shown(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return `a ${typeof value}`;
}

/** Callers built from CRM templates often send every key, with null or "" for the unused ones. */
function isAbsent(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

const JID = /^([0-9]+)(?:-[0-9]+)?@(s\.whatsapp\.net|c\.us|g\.us|lid)$/;

// Digits with at most formatting, and no "+" or "00" in front: how numbers are written within one
// country.
const NATIONAL_NUMBER = /^(?!00)[0-9]{6,15}$/;

function phoneProblem(field: string, value: unknown): string | undefined {
	if (typeof value !== 'string')
		return `"${field}" must be a string in E.164 format, like "+14151231234"; got ${kindOf(value)}`;
	if (toE164(value)) return undefined;
	const national = NATIONAL_NUMBER.test(value.replace(/[\s().-]/g, ''));
	return `"${field}" must be in E.164 format: "+", the country code and the number, like "+14151231234"; got ${shown(value)}${national ? ', a national number without its country code' : ''}`;
}

function parseRecipient(type: RecipientType, value: unknown): Recipient | Rejection {
	switch (type) {
		case 'chat_id': {
			if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0)
				return { type, value: String(value), phone: null };
			if (typeof value === 'string') return { type, value: value.trim(), phone: null };
			return reject(
				400,
				`"chat_id" must be the chat's id as a string or a whole number, like "77234"; got ${kindOf(value)}`,
			);
		}
		case 'jid': {
			const jid = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
			const match = jid === undefined ? null : JID.exec(jid);
			if (!jid || !match) {
				return reject(
					400,
					`"jid" must be a WhatsApp JID such as "14151231234@s.whatsapp.net" (a contact) or "120363012345678901@g.us" (a group); got ${typeof value === 'string' ? shown(value) : kindOf(value)}`,
				);
			}
			const isContact = match[2] === 's.whatsapp.net' || match[2] === 'c.us';
			return { type, value: jid, phone: isContact ? (toE164(`+${match[1]}`) ?? null) : null };
		}
		case 'phone': {
			const problem = phoneProblem('phone', value);
			if (problem) return reject(400, problem);
			const phone = toE164(value as string) as string;
			return { type, value: phone, phone };
		}
		case 'chat_name': {
			if (typeof value !== 'string')
				return reject(
					400,
					`"chat_name" must be the exact chat name as a string; got ${kindOf(value)}`,
				);
			return { type, value: value.trim(), phone: null };
		}
	}
}

function parseFile(
	body: Record<string, unknown>,
): { url: string; name: string } | null | Rejection {
	const url = body.file_url;
	const name = body.file_name;
	if (isAbsent(url)) {
		if (!isAbsent(name))
			return reject(
				400,
				'"file_name" is given without "file_url": add the file\'s direct download URL in "file_url", or remove "file_name"',
			);
		return null;
	}
	if (typeof url !== 'string')
		return reject(
			400,
			`"file_url" must be a string with the file's direct download URL; got ${kindOf(url)}`,
		);
	let parsed: URL;
	try {
		parsed = new URL(url.trim());
	} catch {
		return reject(
			400,
			`"file_url" must be an absolute http:// or https:// URL that downloads the file directly; got ${shown(url)}`,
		);
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		return reject(
			400,
			`"file_url" must be an http:// or https:// URL; got a ${parsed.protocol.replace(':', '')} URL`,
		);
	}
	if (isAbsent(name))
		return reject(
			400,
			'"file_name" is required when "file_url" is given: the name the attachment gets, like "invoice.pdf"',
		);
	if (typeof name !== 'string')
		return reject(400, `"file_name" must be a string, like "invoice.pdf"; got ${kindOf(name)}`);
	const fileName = name.trim();
	if (/[/\\]/.test(fileName) || /\p{Cc}/u.test(fileName) || fileName.length > 255) {
		return reject(
			400,
			`"file_name" must be a plain file name of at most 255 characters, without "/", "\\" or control characters; got ${shown(name)}`,
		);
	}
	return { url: parsed.href, name: fileName };
}

function parseAccountPhone(body: Record<string, unknown>): string | null | Rejection {
	const given = ACCOUNT_PHONE_FIELDS.filter((field) => !isAbsent(body[field]));
	if (given.length === 0) return null;
	const [first, second] = given;
	if (second !== undefined && body[first] !== body[second]) {
		return reject(
			400,
			`"${first}" and "${second}" name the same setting with different values: give the sending account's phone once`,
		);
	}
	const problem = phoneProblem(first, body[first]);
	if (problem) return reject(400, problem);
	return toE164(body[first] as string) as string;
}

/** The request around the message: JSON content type, size, a JSON object, action "send". */
function readSendBody(
	body: unknown,
	contentType: string | undefined,
	limits: BodyLimits,
): { fields: Record<string, unknown> } | Rejection {
	const type = mediaType(contentType);
	if (type === undefined)
		return reject(
			415,
			'The Content-Type header is missing: send the JSON body with "Content-Type: application/json"',
		);
	if (type !== 'application/json')
		return reject(415, `Content-Type must be "application/json"; got "${type}"`);
	if (limits.bodyBytes > limits.maxBodyBytes) {
		return reject(
			413,
			`The request body is ${limits.bodyBytes} bytes; this webhook accepts at most ${limits.maxBodyBytes} bytes`,
		);
	}
	if (limits.bodyBytes === 0 || body === undefined) {
		return reject(
			400,
			'The request body is empty: send a JSON object like {"action": "send", "phone": "+14151231234", "text": "Hello"}',
		);
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return reject(
			400,
			`The request body must be a JSON object like {"action": "send", "phone": "+14151231234", "text": "Hello"}; got ${kindOf(body)}`,
		);
	}
	const fields = body as Record<string, unknown>;
	if (isAbsent(fields.action))
		return reject(400, '"action" is required; the only supported value is "send"');
	if (fields.action !== 'send')
		return reject(
			400,
			`"action" must be "send", the only action TimelinesAI supports; got ${shown(fields.action)}`,
		);
	return { fields };
}

/** The message text, line breaks normalised; a request needs a text, a file or both. */
function readText(
	fields: Record<string, unknown>,
	hasFile: boolean,
): { text: string; hasText: boolean } | Rejection {
	const text = fields.text;
	if (text !== undefined && text !== null && typeof text !== 'string') {
		return reject(400, `"text" must be a string of plain UTF-8 text; got ${kindOf(text)}`);
	}
	const normalisedText = (text ?? '').replace(/\r\n?/g, '\n');
	const hasText = normalisedText.trim() !== '';
	if (!hasText && !hasFile) {
		return reject(
			400,
			text === undefined || text === null
				? '"text" is required: give the message text, or a file with "file_url" and "file_name"'
				: '"text" is empty and no "file_url" is given: send a non-empty "text", a file, or both',
		);
	}
	return { text: normalisedText, hasText };
}

/**
 * The one recipient. Several in one request are rejected (400, naming the fields): TimelinesAI asks
 * for "one of" them and does not say which would win, so guessing could message the wrong chat.
 */
function readRecipient(fields: Record<string, unknown>): Recipient | Rejection {
	const recipientFields = RECIPIENT_FIELDS.filter((field) => !isAbsent(fields[field]));
	if (recipientFields.length === 0) {
		return reject(
			400,
			'No recipient: give exactly one of "chat_id", "jid", "phone" (like "+14151231234") or "chat_name"',
		);
	}
	if (recipientFields.length > 1) {
		return reject(
			400,
			`Several recipients given (${recipientFields.map((field) => `"${field}"`).join(', ')}): give exactly one of "chat_id", "jid", "phone" or "chat_name"`,
		);
	}
	return parseRecipient(recipientFields[0], fields[recipientFields[0]]);
}

/** Checks a "send message" request the way TimelinesAI documents it and returns it normalised. */
export function validateSendRequest(
	body: unknown,
	contentType: string | undefined,
	limits: BodyLimits,
): Validation {
	const read = readSendBody(body, contentType, limits);
	if ('ok' in read) return read;
	const { fields } = read;

	const file = parseFile(fields);
	if (file !== null && 'ok' in file) return file;
	const text = readText(fields, file !== null);
	if ('ok' in text) return text;
	const recipient = readRecipient(fields);
	if ('ok' in recipient) return recipient;

	// TimelinesAI ignores the account phone for chat_id (each chat already belongs to an account),
	// so it is not validated either: a request TimelinesAI accepts is accepted here too.
	const accountPhoneIgnored =
		recipient.type === 'chat_id' && ACCOUNT_PHONE_FIELDS.some((field) => !isAbsent(fields[field]));
	const accountPhone = recipient.type === 'chat_id' ? null : parseAccountPhone(fields);
	if (accountPhone !== null && typeof accountPhone === 'object') return accountPhone;

	return {
		ok: true,
		request: {
			action: 'send',
			text: text.text,
			file,
			recipient,
			whatsappAccountPhone: accountPhone,
			whatsappAccountPhoneIgnored: accountPhoneIgnored,
			quotaUnits: text.hasText && file !== null ? 2 : 1,
			body: fields,
		},
	};
}
