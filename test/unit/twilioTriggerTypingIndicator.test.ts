/**
 * The Twilio Trigger's "Show Typing Indicator on Inbound Messages": the trigger's execute() (which
 * n8n runs first in the execution a request started, after storing it and answering Twilio) run
 * in-process on items parsed from Twilio's documented webhooks, against the Twilio mock().
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { parseTwilioWebhook } from '../../nodes/shared/messageEvent';
import { TwilioWhatsAppTrigger } from '../../nodes/TwilioWhatsAppTrigger/TwilioWhatsAppTrigger.node';
import * as twilio from '../fixtures/twilio/messages';
import { executeNode } from '../helpers/inprocess';
import { mockCredentials, useMockTwilio } from '../helpers/mockTwilio';
import { DEFAULT_ACCOUNT } from '../mock-twilio';

const nodeType = new TwilioWhatsAppTrigger();
const mock = useMockTwilio();

const withOption: INodeParameters = { options: { showTypingIndicator: true } };

function itemOf(params: Record<string, string>): INodeExecutionData {
	return {
		json: {
			...(parseTwilioWebhook(params) as unknown as IDataObject),
			idempotencyToken: null,
		},
	};
}

let nextCredentialId = 0;

async function run(
	parameters: INodeParameters,
	params: Record<string, string>,
	credential: { id?: string; authToken?: string } = {},
) {
	const credentials = mockCredentials(mock().url);
	if (credential.authToken) credentials.twilioMessagingApi.authToken = credential.authToken;
	const { output } = await executeNode(
		{
			nodeType,
			parameters,
			credentials,
			// A new id per call unless given: the node keeps a credential per id for a minute.
			credentialIds: { twilioMessagingApi: credential.id ?? `typing-${nextCredentialId++}` },
		},
		[itemOf(params)],
		'webhook',
	);
	return output?.[0].map((item) => item.json) ?? [];
}

/**
 * The fixture as the mock delivers it to this account, so the mock knows the message as Twilio
 * would.
 */
async function delivered(params: Record<string, string>, sid: string) {
	const message = { ...params, MessageSid: sid, AccountSid: DEFAULT_ACCOUNT.accountSid };
	await mock().sendInbound(`${mock().url}/nowhere`, message);
	return message;
}

const typingCalls = () =>
	mock().requests.filter((request) => request.path === '/v2/Indicators/Typing.json').length;

describe('Show Typing Indicator on Inbound Messages', () => {
	it('shows it for an inbound WhatsApp message and says so on the item', async () => {
		const message = await delivered(twilio.whatsappText, 'SM' + '1'.repeat(32));
		const [json] = await run(withOption, message);
		expect(json).toMatchObject({ messageSid: message.MessageSid, typingIndicator: true });
		expect(json.warnings).toEqual([]);
		expect(mock().typingIndicators.map((record) => record.messageId)).toContain(message.MessageSid);
	});

	it('is off by default: no call, no field', async () => {
		const message = await delivered(twilio.whatsappText, 'SM' + '2'.repeat(32));
		const before = typingCalls();
		const [json] = await run({}, message);
		expect(json).not.toHaveProperty('typingIndicator');
		expect(typingCalls()).toBe(before);
	});

	it('puts a warning on an SMS message without calling Twilio', async () => {
		const before = typingCalls();
		const [json] = await run(withOption, twilio.smsWithGeo);
		expect(json.typingIndicator).toBe(false);
		expect(json.warnings).toContainEqual(
			'No typing indicator: Twilio shows one only for WhatsApp messages, and this one came by sms.',
		);
		expect(typingCalls()).toBe(before);
	});

	it("passes the item on with Twilio's refusal as a warning when the SID is unknown to Twilio", async () => {
		const [json] = await run(withOption, {
			...twilio.whatsappText,
			MessageSid: 'SM' + '3'.repeat(32),
		});
		expect(json.typingIndicator).toBe(false);
		expect(json.warnings).toContainEqual(
			'Typing indicator not shown: invalid or incomplete inbound data in MDR',
		);
	});

	it('passes the item on when Twilio cannot be reached, without retrying', async () => {
		const message = await delivered(twilio.whatsappText, 'SM' + '4'.repeat(32));
		mock().setFault({ kind: '503', count: 1 });
		const before = typingCalls();
		const [json] = await run(withOption, message);
		mock().clearFaults();
		expect(json.typingIndicator).toBe(false);
		expect(json.warnings).toContainEqual('Typing indicator not shown: Service Unavailable');
		expect(typingCalls() - before).toBe(1);
	});

	it('leaves status updates alone', async () => {
		const before = typingCalls();
		const [json] = await run(withOption, twilio.whatsappRead);
		expect(json).not.toHaveProperty('typingIndicator');
		expect(typingCalls()).toBe(before);
	});

	describe('the Twilio credential', () => {
		const wrongToken = 'f'.repeat(32);
		let now = Date.UTC(2026, 0, 1);
		beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
		afterEach(() => jest.restoreAllMocks());

		it('is read once and kept: an edit made since is not read while the kept one works', async () => {
			const id = 'typing-kept';
			const first = await delivered(twilio.whatsappText, 'SM' + '5'.repeat(32));
			expect((await run(withOption, first, { id }))[0].typingIndicator).toBe(true);
			// Reading the credential again would send the wrong token, which Twilio refuses.
			const second = await delivered(twilio.whatsappText, 'SM' + '6'.repeat(32));
			const [json] = await run(withOption, second, { id, authToken: wrongToken });
			expect(json.typingIndicator).toBe(true);
			expect(mock().typingIndicators.map((record) => record.messageId)).toContain(
				second.MessageSid,
			);
		});

		it('is read again when Twilio refuses the kept one (a rotated Auth Token)', async () => {
			const id = 'typing-rotated';
			const first = await delivered(twilio.whatsappText, 'SM' + '7'.repeat(32));
			const [refused] = await run(withOption, first, { id, authToken: wrongToken });
			expect(refused.typingIndicator).toBe(false);
			expect(refused.warnings).toContainEqual(expect.stringMatching(/^Typing indicator not shown/));
			now += 11_000;
			const second = await delivered(twilio.whatsappText, 'SM' + '8'.repeat(32));
			const [json] = await run(withOption, second, { id });
			expect(json.typingIndicator).toBe(true);
			expect(json.warnings).toEqual([]);
		});
	});
});
