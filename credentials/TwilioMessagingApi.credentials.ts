import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Twilio account access for the Messages API and for verifying Twilio's webhook signatures.
 *
 * The type name differs from n8n's built-in `twilioApi` so both can be installed side by side.
 */
export class TwilioMessagingApi implements ICredentialType {
	name = 'twilioMessagingApi';

	displayName = 'Twilio Messaging API';

	icon: Icon = {
		light: 'file:../nodes/TwilioWhatsApp/twilio.svg',
		dark: 'file:../nodes/TwilioWhatsApp/twilio.dark.svg',
	};

	documentationUrl = 'https://www.twilio.com/docs/iam/credentials/api';

	properties: INodeProperties[] = [
		{
			displayName: 'Account SID',
			name: 'accountSid',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
			hint: 'Starts with AC followed by 32 hexadecimal characters. Find it on the Twilio Console home page under Account Info.',
		},
		{
			displayName: 'Authenticate With',
			name: 'authType',
			type: 'options',
			default: 'authToken',
			options: [
				{
					name: 'Auth Token',
					value: 'authToken',
					description: 'The account Auth Token from the Twilio Console home page',
				},
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'An API Key SID and Secret, created under Account → API keys & tokens',
				},
			],
		},
		{
			displayName: 'Auth Token',
			name: 'authToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['authToken'] } },
			required: true,
			description: 'Used to call the API and to verify the X-Twilio-Signature of incoming webhooks',
		},
		{
			displayName: 'API Key SID',
			name: 'apiKeySid',
			type: 'string',
			default: '',
			placeholder: 'SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
			displayOptions: { show: { authType: ['apiKey'] } },
			required: true,
		},
		{
			displayName: 'API Key Secret',
			name: 'apiKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['apiKey'] } },
			required: true,
		},
		{
			displayName: 'Auth Token (for Webhook Signatures)',
			name: 'signingAuthToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['apiKey'] } },
			description:
				'Twilio signs webhooks with the account Auth Token only, never with an API Key. Needed only if a Twilio Trigger using this credential verifies signatures.',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			default: '',
			description:
				'Twilio Region that processes your requests. Leave as Default (United States) unless your account uses another region.',
			options: [
				{ name: 'Default (United States)', value: '' },
				{ name: 'Australia (AU1)', value: 'au1' },
				{ name: 'Ireland (IE1)', value: 'ie1' },
				{ name: 'Japan (JP1)', value: 'jp1' },
				{ name: 'United States (US1)', value: 'us1' },
			],
		},
		{
			displayName: 'Edge Location',
			name: 'edge',
			type: 'options',
			default: '',
			displayOptions: { hide: { region: [''] } },
			description: 'Twilio edge location that your requests enter Twilio through',
			options: [
				{ name: 'Ashburn', value: 'ashburn' },
				{ name: 'Default for Region', value: '' },
				{ name: 'Dublin', value: 'dublin' },
				{ name: 'Frankfurt', value: 'frankfurt' },
				{ name: 'Sao Paulo', value: 'sao-paulo' },
				{ name: 'Singapore', value: 'singapore' },
				{ name: 'Sydney', value: 'sydney' },
				{ name: 'Tokyo', value: 'tokyo' },
				{ name: 'Umatilla', value: 'umatilla' },
			],
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.twilio.com',
			description:
				'Leave empty. Only for pointing the nodes at a Twilio-compatible test server; when set it overrides Region and Edge Location.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username:
					'={{ $credentials.authType === "apiKey" ? $credentials.apiKeySid : $credentials.accountSid }}',
				password:
					'={{ $credentials.authType === "apiKey" ? $credentials.apiKeySecret : $credentials.authToken }}',
			},
		},
	};

	// Mirrors twilioBaseUrl() in nodes/shared/credentials.ts, which cannot be imported into an
	// expression.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ ($credentials.baseUrl || ($credentials.region ? "https://api." + ($credentials.edge ? $credentials.edge + "." : "") + $credentials.region + ".twilio.com" : "https://api.twilio.com")).replace(/\\/+$/, "") }}',
			// Standard API Keys may not read the Account resource (Twilio answers 20003), so a key is
			// tested on the first page of the account's messages instead.
			url: '=/2010-04-01/Accounts/{{ encodeURIComponent($credentials.accountSid.trim()) }}{{ $credentials.authType === "apiKey" ? "/Messages.json?PageSize=1" : ".json" }}',
			method: 'GET',
		},
		// n8n reports only the HTTP status text of a failed test request, so Twilio's answers for the
		// two usual mistakes are spelled out here with Twilio's own error code and message.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Twilio error 20003 "Authenticate": the Account SID and Auth Token (or API Key SID and Secret) were not accepted',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Twilio error 20404: no account with this Account SID was found. Copy it from the Twilio Console home page (AC followed by 32 characters).',
				},
			},
		],
	};
}
