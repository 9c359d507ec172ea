import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const TWILIO_CREDENTIAL_TYPE = 'twilioMessagingApi';
export const WEBHOOK_USER_CREDENTIAL_TYPE = 'twilioWebhookUserApi';

const ACCOUNT_SID_PATTERN = /^AC[0-9a-fA-F]{32}$/;

/**
 * Twilio serves the 2010 API (Messages, numbers), Messaging Services and the Content API from
 * different hosts.
 */
export type TwilioProduct = 'api' | 'messaging' | 'content';

export interface TwilioAccount {
	accountSid: string;
	baseUrls: Record<TwilioProduct, string>;
	/** The Auth Token that signs webhooks, when the credential has one. */
	signingAuthToken?: string;
}

/**
 * For `api`, the same rule as the credential test's baseURL expression in
 * TwilioMessagingApi.credentials.ts. A custom base URL serves every product (the test server does).
 */
export function twilioBaseUrl(
	credentials: ICredentialDataDecryptedObject,
	product: TwilioProduct = 'api',
): string {
	const custom = String(credentials.baseUrl ?? '').trim();
	if (custom) return custom.replace(/\/+$/, '');
	const region = String(credentials.region ?? '');
	if (!region) return `https://${product}.twilio.com`;
	const edge = String(credentials.edge ?? '');
	return `https://${product}.${edge ? `${edge}.` : ''}${region}.twilio.com`;
}

/**
 * The Basic auth Twilio's API takes from this credential: the same rule as the credential type's
 * `authenticate` expressions, for requests made from an already-read credential.
 */
export function twilioBasicAuth(credentials: ICredentialDataDecryptedObject): {
	username: string;
	password: string;
} {
	const apiKey = credentials.authType === 'apiKey';
	return {
		username: String((apiKey ? credentials.apiKeySid : credentials.accountSid) ?? ''),
		password: String((apiKey ? credentials.apiKeySecret : credentials.authToken) ?? ''),
	};
}

/** Returns a user-facing problem with the Account SID, or undefined when it looks right. */
export function accountSidProblem(accountSid: string): string | undefined {
	if (ACCOUNT_SID_PATTERN.test(accountSid)) return undefined;
	return `The Account SID in the Twilio credential must be "AC" followed by 32 hexadecimal characters (34 in all); got ${accountSid ? `${accountSid.length} characters starting with "${accountSid.slice(0, 2)}"` : 'an empty value'}.`;
}

export function toTwilioAccount(credentials: ICredentialDataDecryptedObject): TwilioAccount {
	const accountSid = String(credentials.accountSid ?? '').trim();
	const token =
		credentials.authType === 'apiKey' ? credentials.signingAuthToken : credentials.authToken;
	return {
		accountSid,
		baseUrls: {
			api: twilioBaseUrl(credentials, 'api'),
			messaging: twilioBaseUrl(credentials, 'messaging'),
			content: twilioBaseUrl(credentials, 'content'),
		},
		signingAuthToken: typeof token === 'string' && token !== '' ? token : undefined,
	};
}
