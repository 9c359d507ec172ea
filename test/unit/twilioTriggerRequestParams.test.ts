/** TwilioWhatsAppTrigger/requestParams.ts: reading the request. */
import {
	paramsFromQuery,
	readTwilioRequest,
} from '../../nodes/TwilioWhatsAppTrigger/requestParams';

describe('reading the request', () => {
	it("takes a POST's parameters from the parsed form body and its URL query as callbackQuery", () => {
		const data = readTwilioRequest({
			method: 'POST',
			originalUrl: '/webhook/abc/twilio?order=42&bodySHA256=x',
			body: { MessageSid: 'SM1', MediaUrl: ['a', 'b'], NumMedia: 2, Nested: { a: 1 }, Empty: null },
			rawBody: Buffer.from('MessageSid=SM1'),
		});
		expect(data.params).toEqual({
			MessageSid: 'SM1',
			MediaUrl: ['a', 'b'],
			NumMedia: '2',
			Nested: '{"a":1}',
			Empty: '',
		});
		expect(data.signedParams).toBe(data.params);
		expect(data.callbackQuery).toEqual({ order: '42' });
		expect(data.rawBody).toBe('MessageSid=SM1');
	});

	it("takes a GET's parameters from the query as received, and signs the URL alone", () => {
		const data = readTwilioRequest({
			method: 'GET',
			originalUrl: '/w?Body=Hola+se%C3%B1or&To=%2B1555&To=%2B1666',
			body: {},
		});
		expect(data.params).toEqual({ Body: 'Hola señor', To: ['+1555', '+1666'] });
		expect(data.signedParams).toEqual({});
		expect(data.callbackQuery).toBeUndefined();
	});

	it('reads a query with nothing after the question mark', () => {
		expect(paramsFromQuery('?')).toEqual({});
	});
});
