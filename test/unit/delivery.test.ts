/** helpers/delivery.ts: the Send and Wait status rules. */
import {
	callbackStatus,
	deliveryOutput,
	resumesOn,
	waitDeadline,
	waitKey,
} from '../../nodes/TwilioWhatsApp/helpers/delivery';

describe('send-and-wait rules', () => {
	it('resumes on the target status or anything later, and always on failure', () => {
		expect(resumesOn('sent', 'delivered')).toBe(false);
		expect(resumesOn('delivered', 'delivered')).toBe(true);
		expect(resumesOn('read', 'delivered')).toBe(true);
		expect(resumesOn('delivered', 'read')).toBe(false);
		expect(resumesOn('sent', 'sent')).toBe(true);
		for (const status of ['undelivered', 'failed', 'canceled'])
			expect(resumesOn(status, 'read')).toBe(true);
		for (const status of ['accepted', 'queued', 'sending', 'scheduled'])
			expect(resumesOn(status, 'sent')).toBe(false);
	});

	it('derives a stable, URL-safe round key', () => {
		expect(waitKey('Loop|0|3')).toBe(waitKey('Loop|0|3'));
		expect(waitKey('Loop|0|3')).not.toBe(waitKey('Loop|0|4'));
		expect(waitKey('x')).toMatch(/^[A-Za-z0-9_-]{16}$/);
	});

	it('computes the deadline', () => {
		expect(waitDeadline(2, 'hours', 0)?.getTime()).toBe(7_200_000);
		expect(waitDeadline(0, 'hours', 0)).toBeUndefined();
	});

	it('turns the final callback into the output item', () => {
		// Status callback parameters as Twilio documents them (seed 000: MessageStatus, SmsStatus,
		// ErrorCode).
		const params = {
			MessageSid: 'SM' + '1'.repeat(32),
			SmsSid: 'SM' + '1'.repeat(32),
			MessageStatus: 'undelivered',
			SmsStatus: 'undelivered',
			ErrorCode: '63016',
			To: 'whatsapp:+14155550123',
			From: 'whatsapp:+14155238886',
			AccountSid: 'AC' + '2'.repeat(32),
			ApiVersion: '2010-04-01',
		};
		expect(callbackStatus({ SmsStatus: 'sent' })).toBe('sent');
		const output = deliveryOutput(params, new Date('2030-01-01T00:00:00Z'));
		expect(output).toMatchObject({
			messageSid: params.MessageSid,
			status: 'undelivered',
			isFinal: true,
			isFailed: true,
			errorCode: 63016,
			to: { address: 'whatsapp:+14155550123', number: '+14155550123', channel: 'whatsapp' },
			statusReported: true,
			statusCallbackReceived: true,
			receivedAt: '2030-01-01T00:00:00.000Z',
			raw: params,
		});
		expect(output.errorHint).toMatch(/template/i);
	});
});
