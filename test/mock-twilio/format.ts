import { randomBytes } from 'crypto';

/**
 * A Twilio SID: two-letter type prefix and 32 lowercase hex digits (for example `SM…`, `PN…`,
 * `MG…`).
 */
export function newSid(prefix: string): string {
	return prefix + randomBytes(16).toString('hex');
}

/** RFC 2822 as the 2010-04-01 API writes it: `Thu, 24 Aug 2023 05:01:45 +0000`. */
export function rfc2822(date: Date): string {
	return date.toUTCString().replace('GMT', '+0000');
}

/**
 * ISO 8601 without milliseconds, as the v1 APIs (messaging.twilio.com) write dates:
 * `2015-07-30T20:12:31Z`.
 */
export function iso8601(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `RawDlrDoneDate` of SMS status callbacks: the carrier's done date as YYMMDDhhmm (UTC). */
export function dlrDoneDate(date: Date): string {
	const two = (n: number) => String(n).padStart(2, '0');
	return (
		two(date.getUTCFullYear() % 100) +
		two(date.getUTCMonth() + 1) +
		two(date.getUTCDate()) +
		two(date.getUTCHours()) +
		two(date.getUTCMinutes())
	);
}
