/** helpers/addresses.ts: To and From addresses per channel, and list filters. */
import {
	filterAddress,
	recipientAddress,
	senderAddress,
} from '../../nodes/TwilioWhatsApp/helpers/addresses';

import { fail } from '../helpers/fail';

describe('addresses', () => {
	it('prefixes WhatsApp numbers and accepts an existing prefix', () => {
		expect(recipientAddress('whatsapp', '+1 (415) 555-0123', fail)).toBe('whatsapp:+14155550123');
		expect(recipientAddress('whatsapp', 'whatsapp:+14155550123', fail)).toBe(
			'whatsapp:+14155550123',
		);
		expect(senderAddress('whatsapp', '+14155238886', fail)).toBe('whatsapp:+14155238886');
	});

	it('keeps SMS numbers plain and lets short codes and sender IDs through', () => {
		expect(recipientAddress('sms', '+14155550123', fail)).toBe('+14155550123');
		// The international prefix 00 is the same as "+".
		expect(recipientAddress('sms', '0049 151 1234567', fail)).toBe('+491511234567');
		expect(senderAddress('sms', '12345', fail)).toBe('12345');
		expect(senderAddress('sms', 'ACME', fail)).toBe('ACME');
	});

	it('rejects non-E.164 numbers, naming the value', () => {
		expect(() => recipientAddress('sms', '0151 1234567', fail)).toThrow(
			'"0151 1234567" is not in E.164 format',
		);
		expect(() => recipientAddress('whatsapp', '+0123', fail)).toThrow('not in E.164');
		expect(() => recipientAddress('sms', '', fail)).toThrow('empty');
		expect(() => senderAddress('whatsapp', 'ACME', fail)).toThrow('WhatsApp "From" number "ACME"');
	});

	it('rejects a whatsapp: prefix on the SMS channel', () => {
		expect(() => recipientAddress('sms', 'whatsapp:+14155550123', fail)).toThrow(
			'whatsapp: prefix but the channel is SMS',
		);
	});

	it('normalises list filters without forcing a channel', () => {
		expect(filterAddress(' whatsapp:+1 415 555 0123 ')).toBe('whatsapp:+14155550123');
		expect(filterAddress('12345')).toBe('12345');
	});
});
