/**
 * Faults on the send side, against the Twilio mock's fault switches: each reaches the
 * workflow as the right kind of error, only what is safe is retried, and no message is ever created
 * twice (checked against the mock's record of created messages).
 */
import type { INodeParameters } from 'n8n-workflow';

import { TwilioWhatsApp } from '../../nodes/TwilioWhatsApp/TwilioWhatsApp.node';
import { executeNode, jsonItems } from '../helpers/inprocess';
import { mockCredentials, useMockTwilio } from '../helpers/mockTwilio';
import { MOCK_NUMBERS } from '../mock-twilio';

const nodeType = new TwilioWhatsApp();
const mock = useMockTwilio();

function send(to: string, options: INodeParameters = {}) {
	const parameters: INodeParameters = {
		resource: 'message',
		operation: 'send',
		channel: 'sms',
		sender: 'phoneNumber',
		from: MOCK_NUMBERS.sms,
		to,
		content: 'text',
		body: 'fault test',
		options,
	};
	const credentials = mockCredentials(mock().url);
	return executeNode({ nodeType, parameters, credentials, continueOnFail: true }, jsonItems({}));
}

const createsTo = (to: string) =>
	mock().requests.filter(
		(r) => r.method === 'POST' && /\/Messages\.json$/.test(r.path) && r.form.To === to,
	);
const createdTo = (to: string) => mock().messages.filter((m) => m.params.To === to);

describe('send-side faults', () => {
	it('500 on create: reported as an API error and not repeated, since Twilio may have acted on it', async () => {
		mock().setFault({ kind: '500', count: 1, on: 'create' });
		const to = '+14155550201';
		const { output } = await send(to);
		expect(output![0][0].json.error).toMatchObject({ kind: 'api', httpStatus: 500 });
		expect(createsTo(to)).toHaveLength(1);
	});

	it('503 on create: retried, then sent exactly once', async () => {
		mock().setFault({ kind: '503', count: 2, on: 'create' });
		const to = '+14155550202';
		const { output } = await send(to, { maxRetries: 3 });
		expect(output![0][0].json).toMatchObject({
			status: expect.any(String),
			messageSid: expect.stringMatching(/^SM/),
		});
		expect(createsTo(to)).toHaveLength(3);
		expect(createdTo(to)).toHaveLength(1);
	});

	it('a dropped connection before Twilio created anything: a call error, and nothing created', async () => {
		mock().setFault({ kind: 'drop', count: 1, on: 'create' });
		const to = '+14155550203';
		const { output } = await send(to);
		expect(output![0][0].json.error).toMatchObject({ kind: 'call', maybeProcessed: true });
		expect(createdTo(to)).toHaveLength(0);
	});

	it('a stalled answer: a time-out call error after the request was sent, not repeated', async () => {
		mock().setFault({ kind: 'stall', count: 1, on: 'create', afterCreate: true });
		const to = '+14155550204';
		const { output } = await send(to);
		expect(output![0][0].json.error).toMatchObject({
			kind: 'call',
			code: 'ETIMEDOUT',
			maybeProcessed: true,
		});
		expect(createsTo(to)).toHaveLength(1);
		expect(createdTo(to)).toHaveLength(1);
	}, 90_000);
});
