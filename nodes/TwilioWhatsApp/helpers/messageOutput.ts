import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { twilioErrorCodeInfo } from '../../shared/errorCodes';

/** A Twilio Message resource as flat, typed fields a workflow can use directly, plus the resource itself. */
export interface MessageOutput extends IDataObject {
	sid: string | null;
	status: string | null;
	to: string | null;
	from: string | null;
	body: string | null;
	numSegments: number | null;
	numMedia: number | null;
	price: number | null;
	priceUnit: string | null;
	errorCode: number | null;
	errorMessage: string | null;
	errorMeaning: string | null;
	direction: string | null;
	messagingServiceSid: string | null;
	accountSid: string | null;
	dateCreated: string | null;
	dateSent: string | null;
	dateUpdated: string | null;
	raw: IDataObject;
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** Twilio sends counts and prices as strings ("1", "-0.00750"); null stays null. */
export function numberOrNull(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value !== 'string' || value.trim() === '') return null;
	const parsed = Number(value);
	return Number.isFinite(parsed) ? parsed : null;
}

/** Twilio's 2010 API writes dates in RFC 2822 ("Thu, 24 Aug 2023 05:01:45 +0000"); ISO 8601 in UTC out. */
export function isoDate(value: unknown): string | null {
	if (typeof value !== 'string' || value === '') return null;
	const rfc = DateTime.fromRFC2822(value);
	const parsed = rfc.isValid ? rfc : DateTime.fromISO(value);
	return parsed.isValid ? parsed.toUTC().toISO() : null;
}

export function messageOutput(resource: IDataObject): MessageOutput {
	const errorCode = numberOrNull(resource.error_code);
	return {
		sid: text(resource.sid),
		status: text(resource.status),
		to: text(resource.to),
		from: text(resource.from),
		body: typeof resource.body === 'string' ? resource.body : null,
		numSegments: numberOrNull(resource.num_segments),
		numMedia: numberOrNull(resource.num_media),
		price: numberOrNull(resource.price),
		priceUnit: text(resource.price_unit),
		errorCode,
		errorMessage: text(resource.error_message),
		errorMeaning: errorCode === null ? null : (twilioErrorCodeInfo(errorCode)?.meaning ?? null),
		direction: text(resource.direction),
		messagingServiceSid: text(resource.messaging_service_sid),
		accountSid: text(resource.account_sid),
		dateCreated: isoDate(resource.date_created),
		dateSent: isoDate(resource.date_sent),
		dateUpdated: isoDate(resource.date_updated),
		raw: resource,
	};
}
