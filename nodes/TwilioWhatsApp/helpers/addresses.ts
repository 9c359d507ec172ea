/**
 * Phone-number and channel-address rules for the Messages API. Pure: plain data in, plain data out;
 * problems are reported through `fail`, so callers decide which error type to raise.
 */
import { toE164 } from '../../shared/e164';
import type { Fail } from './items';

export type Channel = 'whatsapp' | 'sms' | 'mms';

export const WHATSAPP_PREFIX = 'whatsapp:';
const E164_HINT =
	'Use E.164: a + followed by the country code and the number, at most 15 digits, for example +14155550123.';

function stripWhatsAppPrefix(value: string): { bare: string; prefixed: boolean } {
	const trimmed = value.trim();
	const prefixed = trimmed.toLowerCase().startsWith(WHATSAPP_PREFIX);
	return { bare: prefixed ? trimmed.slice(WHATSAPP_PREFIX.length).trim() : trimmed, prefixed };
}

/**
 * The `To` address for the channel: E.164 for SMS and MMS, `whatsapp:` + E.164 for WhatsApp
 * (an existing `whatsapp:` prefix is accepted).
 */
export function recipientAddress(channel: Channel, value: string, fail: Fail): string {
	const { bare, prefixed } = stripWhatsAppPrefix(value);
	if (!bare) fail('The "To" number is empty', E164_HINT);
	if (prefixed && channel !== 'whatsapp') {
		fail(
			`The "To" number "${value}" has a whatsapp: prefix but the channel is ${channel.toUpperCase()}`,
			'Choose the WhatsApp channel, or remove the prefix.',
		);
	}
	const number = toE164(bare);
	if (!number) fail(`The "To" number "${value}" is not in E.164 format`, E164_HINT);
	return channel === 'whatsapp' ? WHATSAPP_PREFIX + number : number;
}

/**
 * The `From` address for the channel. WhatsApp senders are numbers (`whatsapp:` + E.164); SMS
 * senders may also be short codes or alphanumeric sender IDs, so only values that start with + are
 * checked as E.164.
 */
export function senderAddress(channel: Channel, value: string, fail: Fail): string {
	const { bare, prefixed } = stripWhatsAppPrefix(value);
	if (!bare)
		fail(
			'The "From" sender is empty',
			'Give a Twilio number of this account, or send through a Messaging Service.',
		);
	if (channel === 'whatsapp') {
		const number = toE164(bare);
		if (!number)
			fail(
				`The WhatsApp "From" number "${value}" is not in E.164 format`,
				`${E164_HINT} The sandbox sender is +14155238886.`,
			);
		return WHATSAPP_PREFIX + number;
	}
	if (prefixed) {
		fail(
			`The "From" sender "${value}" has a whatsapp: prefix but the channel is ${channel.toUpperCase()}`,
			'Choose the WhatsApp channel, or remove the prefix.',
		);
	}
	if (bare.startsWith('+')) {
		const number = toE164(bare);
		if (!number) fail(`The "From" number "${value}" is not in E.164 format`, E164_HINT);
		return number;
	}
	return bare;
}

/**
 * A Twilio number filter for Get Many: E.164 numbers are normalised, anything else (whatsapp:…,
 * short codes) kept as typed.
 */
export function filterAddress(value: string): string {
	const trimmed = value.trim();
	const { bare, prefixed } = stripWhatsAppPrefix(trimmed);
	const number = toE164(bare);
	if (!number) return trimmed;
	return prefixed ? WHATSAPP_PREFIX + number : number;
}
