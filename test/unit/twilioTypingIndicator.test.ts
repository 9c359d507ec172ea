/**
 * "Show Typing Indicator" of the Twilio node, run inside n8n-core's execution context against the
 * Twilio mock, which accepts typing indicators only for inbound WhatsApp messages it delivered (as
 * Twilio does).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { twilioBaseUrl } from '../../nodes/shared/credentials';
import { TwilioWhatsApp } from '../../nodes/TwilioWhatsApp/TwilioWhatsApp.node';
import { executeNode, jsonItems } from '../helpers/inprocess';
import { mockCredentials, useMockTwilio } from '../helpers/mockTwilio';
import { DEFAULT_ACCOUNT, MOCK_NUMBERS } from '../mock-twilio';

const nodeType = new TwilioWhatsApp();
const mock = useMockTwilio();

const parameters: INodeParameters = { resource: 'message', operation: 'showTypingIndicator' };

function run(items: IDataObject[], overrides: INodeParameters = {}, continueOnFail = false) {
	return executeNode(
		{
			nodeType,
			parameters: { ...parameters, ...overrides },
			credentials: mockCredentials(mock().url),
			continueOnFail,
		},
		jsonItems(...items),
	);
}

/**
 * An inbound message as Twilio delivers it; the mock remembers it, as Twilio's message log does.
 */
async function inbound(from: string, to: string): Promise<string> {
	const sid = 'SM' + Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32);
	await mock().sendInbound(`${mock().url}/nowhere`, {
		MessageSid: sid,
		AccountSid: DEFAULT_ACCOUNT.accountSid,
		From: from,
		To: to,
		Body: 'hello',
	});
	return sid;
}

describe('Show Typing Indicator', () => {
	it("shows it for the trigger item's messageSid by default", async () => {
		const sid = await inbound('whatsapp:+15550001234', `whatsapp:${MOCK_NUMBERS.whatsapp}`);
		const before = mock().typingIndicators.length;
		// The parameter's default, as n8n fills it in for a new node.
		const { output } = await run([{ messageSid: sid, channel: 'whatsapp' }], {
			messageSid: '={{ $json.messageSid }}',
		});
		expect(output?.[0].map((item) => item.json)).toEqual([
			{ messageSid: sid, typingIndicator: true },
		]);
		expect(mock().typingIndicators.slice(before)).toEqual([
			expect.objectContaining({ messageId: sid, accountSid: DEFAULT_ACCOUNT.accountSid }),
		]);
		expect(mock().requests[mock().requests.length - 1]).toMatchObject({
			method: 'POST',
			path: '/v2/Indicators/Typing.json',
			form: { channel: 'whatsapp', messageId: sid },
		});
	});

	it('fails with a clear error for an SMS message, saying which messages qualify', async () => {
		const sid = await inbound('+15550001234', MOCK_NUMBERS.sms);
		await expect(run([{}], { messageSid: sid })).rejects.toMatchObject({
			message: expect.stringContaining('invalid or incomplete inbound data'),
			description: expect.stringContaining('only for an inbound WhatsApp message'),
		});
	});

	it('gives an error item for an unknown SID with Continue On Fail, and goes on with the next item', async () => {
		const known = await inbound('whatsapp:+15550009999', `whatsapp:${MOCK_NUMBERS.whatsapp}`);
		const { output } = await run(
			[{ messageSid: 'SM' + 'f'.repeat(32) }, { messageSid: known }],
			{ messageSid: '={{ $json.messageSid }}' },
			true,
		);
		const [failed, shown] = output?.[0] ?? [];
		expect(failed.json.error).toMatchObject({
			kind: 'api',
			httpStatus: 400,
			hint: expect.stringContaining('not for SMS or MMS messages'),
		});
		expect(shown.json).toEqual({ messageSid: known, typingIndicator: true });
	});

	it('refuses something that is not a message SID before calling Twilio', async () => {
		const before = mock().requests.length;
		await expect(run([{}], { messageSid: 'whatsapp:+15550001234' })).rejects.toThrow(
			'"Message SID" "whatsapp:+15550001234" is not a Twilio message SID (item 0)',
		);
		expect(mock().requests.length).toBe(before);
	});

	it.each([
		[{ region: 'ie1', edge: 'dublin' }, 'https://messaging.dublin.ie1.twilio.com'],
		[{ region: 'au1' }, 'https://messaging.au1.twilio.com'],
		[{ baseUrl: 'http://127.0.0.1:9/' }, 'http://127.0.0.1:9'],
	])('goes to messaging.twilio.com as the credential says: %j', (credential, url) => {
		expect(twilioBaseUrl(credential, 'messaging')).toBe(url);
	});
});
