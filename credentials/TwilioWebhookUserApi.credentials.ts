import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The user name and password a webhook URL demands with HTTP Basic auth.
 *
 * Twilio sends them when the URL configured in the console carries `https://user:password@host/...`
 * (the contact-center pattern of protecting the URL Twilio posts to); other callers send an
 * `Authorization: Basic ...` header. Nothing remote can confirm them, so the trigger nodes test the
 * values locally: each trigger node lists this credential with `testedBy:
 * 'twilioWebhookUserApiTest'`.
 */
export class TwilioWebhookUserApi implements ICredentialType {
	name = 'twilioWebhookUserApi';

	displayName = 'Webhook User (Basic Auth) API';

	icon: Icon = {
		light: 'file:../nodes/TwilioWhatsApp/twilio.svg',
		dark: 'file:../nodes/TwilioWhatsApp/twilio.dark.svg',
	};

	documentationUrl = 'https://www.twilio.com/docs/usage/security#http-authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Webhook User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			description: 'User name callers must send. Cannot contain a colon.',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
	];
}
