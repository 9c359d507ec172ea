/** helpers/statusCallback.ts: the Status Callback URL with correlation values. */
import { statusCallbackUrl } from '../../nodes/TwilioWhatsApp/helpers/statusCallback';

import { fail } from '../helpers/fail';

describe('statusCallbackUrl', () => {
	it('appends correlation values as query parameters', () => {
		const url = statusCallbackUrl(
			'https://n8n.example.com/webhook/abc/twilio?x=1',
			[
				{ name: 'executionId', value: '42' },
				{ name: 'record id', value: 'a&b' },
			],
			fail,
		);
		expect(url).toBe(
			'https://n8n.example.com/webhook/abc/twilio?x=1&executionId=42&record+id=a%26b',
		);
		expect(new URL(url).searchParams.get('record id')).toBe('a&b');
	});

	it('keeps a URL without correlation values exactly as written', () => {
		expect(statusCallbackUrl(' https://n8n.example.com/webhook/abc/twilio ', [], fail)).toBe(
			'https://n8n.example.com/webhook/abc/twilio',
		);
	});

	it('rejects what Twilio would reject', () => {
		expect(() => statusCallbackUrl('not a url', [], fail)).toThrow('is not a URL');
		expect(() => statusCallbackUrl('ftp://example.com/x', [], fail)).toThrow('http or https');
		expect(() => statusCallbackUrl('https://my_host.example.com/x', [], fail)).toThrow(
			'underscore',
		);
		expect(() => statusCallbackUrl('', [{ name: 'a', value: 'b' }], fail)).toThrow(
			'need a Status Callback URL',
		);
	});
});
