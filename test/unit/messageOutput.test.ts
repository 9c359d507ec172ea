/**
 * helpers/messageOutput.ts: a Message resource as output fields. Resource shape:
 * https://www.twilio.com/docs/messaging/api/message-resource.
 */
import { isoDate, messageOutput } from '../../nodes/TwilioWhatsApp/helpers/messageOutput';

describe('messageOutput', () => {
	// A Message resource as in Twilio's "Create a Message resource" response example.
	const resource = {
		account_sid: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
		api_version: '2010-04-01',
		body: 'Hi there',
		date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
		date_sent: 'Thu, 24 Aug 2023 05:01:45 +0000',
		date_updated: 'Thu, 24 Aug 2023 05:01:45 +0000',
		direction: 'outbound-api',
		error_code: null,
		error_message: null,
		from: '+14155552345',
		num_media: '0',
		num_segments: '1',
		price: '-0.00750',
		price_unit: 'USD',
		messaging_service_sid: 'MGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
		sid: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
		status: 'queued',
		to: '+14155552345',
	};

	it('gives typed fields and ISO dates, and keeps the resource', () => {
		const output = messageOutput(resource);
		expect(output).toMatchObject({
			messageSid: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
			channel: 'sms',
			from: { address: '+14155552345', number: '+14155552345', channel: 'sms', city: null },
			status: 'queued',
			isFinal: false,
			isFailed: false,
			numSegments: 1,
			numMedia: 0,
			price: -0.0075,
			priceUnit: 'USD',
			errorCode: null,
			dateCreated: '2023-08-24T05:01:45.000Z',
		});
		expect(output.raw).toBe(resource);
	});

	it('reads error codes and leaves unknown prices null', () => {
		const output = messageOutput({
			...resource,
			price: null,
			error_code: 30003,
			error_message: 'Unreachable destination handset',
		});
		expect(output.price).toBeNull();
		expect(output.errorCode).toBe(30003);
		expect(output.errorMeaning).toMatch(/Unreachable/);
		expect(isoDate('not a date')).toBeNull();
	});
});
