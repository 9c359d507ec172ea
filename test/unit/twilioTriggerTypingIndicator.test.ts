/**
 * The Twilio Trigger's "Show Typing Indicator on Inbound Messages": the trigger's execute() (which n8n
 * runs first in the execution a request started, after storing it and answering Twilio) run in-process
 * on items parsed from Twilio's documented webhooks, against the Twilio mock().
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

async function run(parameters: INodeParameters, params: Record<string, string>) {
	const { output } = await executeNode(
		{
			nodeType,
			parameters,
			credentials: mockCredentials(mock().url),
		},
		[itemOf(params)],
		'webhook',
	);
	return output?.[0].map((item) => item.json) ?? [];
}

/** The fixture as the mock delivers it to this account, so the mock knows the message as Twilio would. */
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
});
