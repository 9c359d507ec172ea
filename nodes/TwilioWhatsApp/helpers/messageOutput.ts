import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import type { MessageFields } from '../../shared/message';
import { channelPrefix, messageError, messageParty } from '../../shared/message';
import { isFailedMessage, isFinalStatus } from '../../shared/messageStatus';

/**
 * A Twilio Message resource as flat, typed fields a workflow can use directly, plus the resource
 * itself.
 */
export type MessageOutput = MessageFields & {
	price: number | null;
	priceUnit: string | null;
	direction: string | null;
	dateCreated: string | null;
	dateSent: string | null;
	dateUpdated: string | null;
	raw: IDataObject;
};

/** Twilio's text fields: an empty string or a missing value is null. */
export function textOrNull(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** Twilio sends counts and prices as strings ("1", "-0.00750"); null stays null. */
export function numberOrNull(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value !== 'string' || value.trim() === '') return null;
	const parsed = Number(value);
	return Number.isFinite(parsed) ? parsed : null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const TWILIO_DATE =
	/^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/**
 * The exact shape Twilio writes, read without luxon, whose general RFC 2822 parser costs about 0.1
 * ms a date: three per message, a tenth of the node's CPU in a large batch. Anything this does not
 * read as a valid date of that shape is left to luxon, so the results are luxon's.
 */
function twilioShapedDate(value: string): string | undefined {
	const match = TWILIO_DATE.exec(value);
	if (!match) return undefined;
	const [, weekday, day, monthName, year, hour, minute, second, sign, offsetHours, offsetMinutes] =
		match;
	const month = MONTHS.indexOf(monthName);
	const local = new Date(
		Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second)),
	);
	const exact =
		month >= 0 &&
		local.getUTCFullYear() === Number(year) &&
		local.getUTCMonth() === month &&
		local.getUTCDate() === Number(day) &&
		local.getUTCHours() === Number(hour) &&
		local.getUTCMinutes() === Number(minute) &&
		local.getUTCSeconds() === Number(second) &&
		WEEKDAYS[local.getUTCDay()] === weekday;
	if (!exact) return undefined;
	const offsetMs = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
	return new Date(local.getTime() - (sign === '-' ? -offsetMs : offsetMs)).toISOString();
}

/**
 * Twilio's 2010 API writes dates in RFC 2822 ("Thu, 24 Aug 2023 05:01:45 +0000"); ISO 8601 in UTC
 * out.
 */
export function isoDate(value: unknown): string | null {
	if (typeof value !== 'string' || value === '') return null;
	const fast = twilioShapedDate(value);
	if (fast !== undefined) return fast;
	const rfc = DateTime.fromRFC2822(value);
	const parsed = rfc.isValid ? rfc : DateTime.fromISO(value);
	return parsed.isValid ? parsed.toUTC().toISO() : null;
}

export function messageOutput(resource: IDataObject): MessageOutput {
	const errorCode = numberOrNull(resource.error_code);
	const status = textOrNull(resource.status);
	const numMedia = numberOrNull(resource.num_media);
	const from = textOrNull(resource.from);
	const to = textOrNull(resource.to);
	const plainChannel = numMedia !== null && numMedia > 0 ? 'mms' : 'sms';
	return {
		messageSid: textOrNull(resource.sid),
		accountSid: textOrNull(resource.account_sid),
		messagingServiceSid: textOrNull(resource.messaging_service_sid),
		channel: channelPrefix(from) ?? channelPrefix(to) ?? plainChannel,
		from: messageParty(from, plainChannel),
		to: messageParty(to, plainChannel),
		body: typeof resource.body === 'string' ? resource.body : null,
		numMedia,
		numSegments: numberOrNull(resource.num_segments),
		status,
		isFinal: isFinalStatus(status),
		isFailed: isFailedMessage(status, errorCode),
		...messageError(errorCode, textOrNull(resource.error_message)),
		price: numberOrNull(resource.price),
		priceUnit: textOrNull(resource.price_unit),
		direction: textOrNull(resource.direction),
		dateCreated: isoDate(resource.date_created),
		dateSent: isoDate(resource.date_sent),
		dateUpdated: isoDate(resource.date_updated),
		raw: resource,
	};
}
