/**
 * "Configure Twilio Automatically": the trigger's checkExists/create/delete and its dropdowns, run
 * in-process through n8n-core's HookContext and LoadOptionsContext against the local Twilio mock
 * (test/mock-twilio), which serves IncomingPhoneNumbers and Messaging Services as Twilio does.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	currentFields,
	desiredFields,
	isConfigured,
	type ConfigurationTarget,
} from '../../nodes/TwilioWhatsAppTrigger/autoConfigure';
import { TwilioWhatsAppTrigger } from '../../nodes/TwilioWhatsAppTrigger/TwilioWhatsAppTrigger.node';
import {
	callLoadOptions,
	callWebhookMethod,
	type CredentialsData,
	type NodeSetup,
} from '../helpers/inprocess';
import { mockCredentials, useMockTwilio } from '../helpers/mockTwilio';
import { DEFAULT_ACCOUNT, MOCK_NUMBERS } from '../mock-twilio';

const WEBHOOK_ID = '3c2b1a09-8f7e-46d5-8c4b-3a2f1e0d9c8b';
const PROD_URL = `http://localhost:5678/webhook/${WEBHOOK_ID}/twilio`;
const TEST_URL = `http://localhost:5678/webhook-test/${WEBHOOK_ID}/twilio`;

const mock = useMockTwilio({});

function credentials(): CredentialsData {
	return mockCredentials(mock().url);
}

function numberNamed(phone: string) {
	const found = mock().phoneNumbers.find((number) => number.phone_number === phone);
	if (!found) throw new Error(`mock has no ${phone}`);
	return found;
}

/**
 * One trigger node whose static data is kept between calls as n8n keeps it: saved as JSON, read
 * back.
 */
class Trigger {
	staticData: IDataObject = {};

	constructor(
		public parameters: INodeParameters,
		public creds: CredentialsData = credentials(),
	) {}

	private setup(): NodeSetup {
		return {
			nodeType: new TwilioWhatsAppTrigger(),
			parameters: this.parameters,
			credentials: this.creds,
			webhookId: WEBHOOK_ID,
			staticData: this.staticData,
		};
	}

	async run(
		method: 'checkExists' | 'create' | 'delete',
		mode: 'webhook' | 'manual' = 'webhook',
	): Promise<boolean | undefined> {
		const { result, staticData } = await callWebhookMethod(this.setup(), method, { mode });
		this.staticData = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		return result;
	}

	/** What n8n does on activation, for each of the two webhooks (POST and GET). */
	async activate(mode: 'webhook' | 'manual' = 'webhook') {
		for (let i = 0; i < 2; i++)
			if (!(await this.run('checkExists', mode))) await this.run('create', mode);
	}

	async deactivate() {
		for (let i = 0; i < 2; i++) await this.run('delete');
	}

	dropdown(method: string) {
		return callLoadOptions(this.setup(), method);
	}
}

function configuredFor(parameters: INodeParameters): INodeParameters {
	return { autoConfigure: true, ...parameters };
}

const updates = () => mock().requests.filter((request) => request.method === 'POST').length;

describe('a phone number', () => {
	it('is pointed at the trigger on activation and restored on deactivation', async () => {
		const number = numberNamed(MOCK_NUMBERS.sms);
		Object.assign(number, {
			sms_url: 'https://old.example.com/sms',
			sms_method: 'GET',
			sms_application_sid: '',
		});
		const trigger = new Trigger(
			configuredFor({ configureTarget: 'phoneNumber', phoneNumberSid: number.sid }),
		);

		expect(await trigger.run('checkExists')).toBe(false);
		const before = updates();
		await trigger.activate();
		expect(updates() - before).toBe(1);
		expect(number).toMatchObject({ sms_url: PROD_URL, sms_method: 'POST' });
		expect(await trigger.run('checkExists')).toBe(true);

		await trigger.deactivate();
		expect(number).toMatchObject({ sms_url: 'https://old.example.com/sms', sms_method: 'GET' });
		expect(JSON.stringify(trigger.staticData)).not.toContain('twilioConfiguration');
	});

	it('takes inbound messages away from a TwiML app and gives them back', async () => {
		const number = numberNamed(MOCK_NUMBERS.whatsapp);
		Object.assign(number, {
			sms_url: '',
			sms_method: 'POST',
			sms_application_sid: 'AP0123456789abcdef0123456789abcdef',
		});
		const trigger = new Trigger(configuredFor({ phoneNumberSid: number.sid }));
		await trigger.activate();
		expect(number).toMatchObject({ sms_url: PROD_URL, sms_application_sid: '' });
		await trigger.deactivate();
		expect(number).toMatchObject({
			sms_url: '',
			sms_application_sid: 'AP0123456789abcdef0123456789abcdef',
		});
	});

	it('is left alone on deactivation when someone pointed it elsewhere meanwhile', async () => {
		const number = numberNamed(MOCK_NUMBERS.sms);
		Object.assign(number, { sms_url: 'https://old.example.com/sms', sms_method: 'POST' });
		const trigger = new Trigger(configuredFor({ phoneNumberSid: number.sid }));
		await trigger.activate();
		number.sms_url = 'https://someone-else.example.com/in';
		await trigger.deactivate();
		expect(number.sms_url).toBe('https://someone-else.example.com/in');
	});

	it('gets the test URL while the editor listens for a test event', async () => {
		const number = numberNamed(MOCK_NUMBERS.sms);
		number.sms_url = '';
		const trigger = new Trigger(configuredFor({ phoneNumberSid: number.sid }));
		await trigger.activate('manual');
		expect(number.sms_url).toBe(TEST_URL);
		await trigger.deactivate();
		expect(number.sms_url).toBe('');
	});

	it('gets the Public URL when one is set', async () => {
		const number = numberNamed(MOCK_NUMBERS.sms);
		const trigger = new Trigger(
			configuredFor({
				phoneNumberSid: number.sid,
				options: { publicUrl: 'https://n8n.example.com/' },
			}),
		);
		await trigger.activate();
		expect(number.sms_url).toBe(`https://n8n.example.com/webhook/${WEBHOOK_ID}/twilio`);
		await trigger.deactivate();
	});

	it('that no longer exists does not keep the workflow from deactivating', async () => {
		const trigger = new Trigger(configuredFor({ phoneNumberSid: 'PN' + '0'.repeat(32) }));
		trigger.staticData = {
			'node:Twilio WhatsApp/SMS Trigger': {
				twilioConfiguration: {
					kind: 'phoneNumber',
					sid: 'PN' + '0'.repeat(32),
					url: PROD_URL,
					previous: { SmsUrl: '' },
				},
			},
		};
		expect(await trigger.run('delete')).toBe(true);
		expect(JSON.stringify(trigger.staticData)).not.toContain('twilioConfiguration');
	});

	it("that cannot be found fails activation with Twilio's error", async () => {
		const trigger = new Trigger(configuredFor({ phoneNumberSid: 'PN' + '0'.repeat(32) }));
		await expect(trigger.run('checkExists')).rejects.toThrow(/20404|not found/i);
	});
});

describe('a Messaging Service', () => {
	it('gets the inbound URL and the status callback, stops deferring to its numbers, and is restored', async () => {
		const service = mock().messagingServices[0];
		Object.assign(service, {
			inbound_request_url: null,
			inbound_method: 'POST',
			use_inbound_webhook_on_number: true,
			status_callback: null,
		});
		const trigger = new Trigger(
			configuredFor({ configureTarget: 'messagingService', messagingServiceSid: service.sid }),
		);
		await trigger.activate();
		expect(service).toMatchObject({
			inbound_request_url: PROD_URL,
			inbound_method: 'POST',
			use_inbound_webhook_on_number: false,
			status_callback: PROD_URL,
		});
		await trigger.deactivate();
		expect(service).toMatchObject({
			inbound_request_url: null,
			use_inbound_webhook_on_number: true,
			status_callback: null,
		});
	});

	it('keeps its status callback when that is not wanted', async () => {
		const service = mock().messagingServices[0];
		service.status_callback = 'https://crm.example.com/status';
		const trigger = new Trigger(
			configuredFor({
				configureTarget: 'messagingService',
				messagingServiceSid: service.sid,
				configureStatusCallback: false,
			}),
		);
		await trigger.activate();
		expect(service).toMatchObject({
			inbound_request_url: PROD_URL,
			status_callback: 'https://crm.example.com/status',
		});
		await trigger.deactivate();
	});
});

describe('without automatic configuration', () => {
	it('registers nothing and calls no Twilio API', async () => {
		const before = mock().requests.length;
		const trigger = new Trigger({});
		expect(await trigger.run('checkExists')).toBe(true);
		expect(await trigger.run('create')).toBe(true);
		expect(await trigger.run('delete')).toBe(true);
		expect(mock().requests.length).toBe(before);
	});
});

describe('activation refuses a setup that cannot work', () => {
	it('when the credential has no Auth Token to check signatures with', async () => {
		const creds = {
			twilioMessagingApi: {
				accountSid: DEFAULT_ACCOUNT.accountSid,
				authType: 'apiKey',
				apiKeySid: 'SK' + 'b'.repeat(32),
				apiKeySecret: 's',
				baseUrl: mock().url,
			},
		};
		await expect(new Trigger({}, creds).run('checkExists')).rejects.toThrow(
			'The Twilio credential has no Auth Token to check signatures with',
		);
		await expect(new Trigger({ verifySignature: false }, {}).run('checkExists')).resolves.toBe(
			true,
		);
	});

	it('when the webhook user cannot be sent by Basic auth', async () => {
		const creds = { ...credentials(), twilioWebhookUserApi: { user: 'a:b', password: 'pw' } };
		await expect(new Trigger({ requireBasicAuth: true }, creds).run('checkExists')).rejects.toThrow(
			/colon/,
		);
	});
});

describe('dropdowns', () => {
	it("list the account's phone numbers with where their messages go now", async () => {
		const number = numberNamed(MOCK_NUMBERS.whatsapp);
		number.sms_url = 'https://old.example.com/sms';
		const options = await new Trigger({}).dropdown('getPhoneNumbers');
		expect(options).toContainEqual({
			name: `${MOCK_NUMBERS.whatsapp} (WhatsApp Sandbox)`,
			value: number.sid,
			description: 'Messages now go to https://old.example.com/sms',
		});
		expect(options.map((option) => option.value)).toEqual(
			expect.arrayContaining(mock().phoneNumbers.map((pn) => pn.sid)),
		);
	});

	it("list the account's Messaging Services", async () => {
		const options = await new Trigger({}).dropdown('getMessagingServices');
		expect(options).toEqual(
			mock().messagingServices.map((service) => ({
				name: service.friendly_name,
				value: service.sid,
				description: service.sid,
			})),
		);
	});
});

describe('a WhatsApp sender (Senders API)', () => {
	const sender = () => mock().whatsAppSenders[0];

	it('gets the webhook URL and the status callback URL, and is restored', async () => {
		Object.assign(sender().webhook, {
			callback_url: 'https://old.example.com/wa',
			callback_method: 'PUT',
			status_callback_url: null,
			status_callback_method: 'POST',
		});
		const trigger = new Trigger(
			configuredFor({ configureTarget: 'whatsAppSender', whatsAppSenderSid: sender().sid }),
		);
		expect(await trigger.run('checkExists')).toBe(false);
		const before = updates();
		await trigger.activate();
		expect(updates() - before).toBe(1);
		const update = mock()
			.requests.filter((request) => request.method === 'POST')
			.pop();
		expect(update?.json).toEqual({
			webhook: {
				callback_url: PROD_URL,
				callback_method: 'POST',
				status_callback_url: PROD_URL,
				status_callback_method: 'POST',
			},
		});
		expect(sender().webhook).toMatchObject({
			callback_url: PROD_URL,
			callback_method: 'POST',
			status_callback_url: PROD_URL,
		});
		expect(await trigger.run('checkExists')).toBe(true);

		await trigger.deactivate();
		expect(sender().webhook).toMatchObject({
			callback_url: 'https://old.example.com/wa',
			callback_method: 'PUT',
			status_callback_url: null,
			status_callback_method: 'POST',
		});
		expect(JSON.stringify(trigger.staticData)).not.toContain('twilioConfiguration');
	});

	it('receives inbound WhatsApp messages at the trigger once configured', async () => {
		sender().webhook.callback_url = null;
		const trigger = new Trigger(
			configuredFor({
				configureTarget: 'whatsAppSender',
				whatsAppSenderSid: sender().sid,
				configureStatusCallback: false,
				options: { publicUrl: 'http://127.0.0.1:9/' },
			}),
		);
		sender().webhook.status_callback_url = 'https://crm.example.com/status';
		await trigger.activate();
		expect(sender().webhook).toMatchObject({
			callback_url: `http://127.0.0.1:9/webhook/${WEBHOOK_ID}/twilio`,
			status_callback_url: 'https://crm.example.com/status',
		});
		// The mock now routes the sender's inbound messages to that URL, as Twilio does.
		await mock()
			.receiveMessage({ to: `whatsapp:${MOCK_NUMBERS.whatsapp}`, from: 'whatsapp:+15550001111' })
			.catch(() => undefined);
		expect(mock().webhooks[mock().webhooks.length - 1].url).toBe(
			`http://127.0.0.1:9/webhook/${WEBHOOK_ID}/twilio`,
		);
		await trigger.deactivate();
		expect(sender().webhook).toMatchObject({
			callback_url: null,
			status_callback_url: 'https://crm.example.com/status',
		});
	});

	it('is left alone on deactivation when someone pointed it elsewhere meanwhile', async () => {
		const trigger = new Trigger(
			configuredFor({ configureTarget: 'whatsAppSender', whatsAppSenderSid: sender().sid }),
		);
		await trigger.activate();
		sender().webhook.callback_url = 'https://someone-else.example.com/in';
		await trigger.deactivate();
		expect(sender().webhook.callback_url).toBe('https://someone-else.example.com/in');
	});

	it("that cannot be found fails activation with Twilio's error", async () => {
		const trigger = new Trigger(
			configuredFor({
				configureTarget: 'whatsAppSender',
				whatsAppSenderSid: 'XE' + '0'.repeat(32),
			}),
		);
		await expect(trigger.run('checkExists')).rejects.toThrow(/20404|not found/i);
	});

	it('are listed in the dropdown with where their messages go now', async () => {
		sender().webhook.callback_url = 'https://old.example.com/wa';
		const options = await new Trigger({}).dropdown('getWhatsAppSenders');
		expect(options).toEqual([
			{
				name: MOCK_NUMBERS.whatsapp,
				value: sender().sid,
				description: 'Messages now go to https://old.example.com/wa',
			},
		]);
		expect(mock().requests[mock().requests.length - 1].query).toMatchObject({
			Channel: 'whatsapp',
		});
	});
});

describe('auto-configuration plans', () => {
	const URL = 'https://n8n.example.com/webhook/abc/twilio';
	const number: ConfigurationTarget = { kind: 'phoneNumber', sid: 'PN1' };
	const service: ConfigurationTarget = {
		kind: 'messagingService',
		sid: 'MG1',
		statusCallback: true,
	};

	it('points a phone number at the trigger by POST and takes it away from a TwiML app', () => {
		expect(desiredFields(number, URL)).toEqual({
			SmsUrl: URL,
			SmsMethod: 'POST',
			SmsApplicationSid: '',
		});
	});

	it('points a service at the trigger, stops it deferring to the numbers, and sets its status callback', () => {
		expect(desiredFields(service, URL)).toEqual({
			InboundRequestUrl: URL,
			InboundMethod: 'POST',
			UseInboundWebhookOnNumber: 'false',
			StatusCallback: URL,
		});
		expect(desiredFields({ ...service, statusCallback: false }, URL)).not.toHaveProperty(
			'StatusCallback',
		);
	});

	it('reads the current values of the same fields as form values', () => {
		expect(
			currentFields(service, {
				inbound_request_url: null,
				inbound_method: 'POST',
				use_inbound_webhook_on_number: true,
				status_callback: 'https://old',
			}),
		).toEqual({
			InboundRequestUrl: '',
			InboundMethod: 'POST',
			UseInboundWebhookOnNumber: 'true',
			StatusCallback: 'https://old',
		});
	});

	it('sees a target as configured only when every field matches (methods in any case)', () => {
		expect(
			isConfigured(number, { sms_url: URL, sms_method: 'post', sms_application_sid: '' }, URL),
		).toBe(true);
		expect(
			isConfigured(number, { sms_url: URL, sms_method: 'GET', sms_application_sid: '' }, URL),
		).toBe(false);
		expect(
			isConfigured(number, { sms_url: URL, sms_method: 'POST', sms_application_sid: 'AP1' }, URL),
		).toBe(false);
	});
});
