import type { MockAccountConfig } from '../types';
import type { Router } from '../http/router';
import type { ResourceContext } from './context';
import { forAccount } from './context';
import { errors } from '../errors';
import { rfc2822 } from '../format';

const API = '/2010-04-01';

const SUBRESOURCES = [
	'addresses',
	'conferences',
	'signing_keys',
	'transcriptions',
	'connect_apps',
	'sip',
	'authorized_connect_apps',
	'usage',
	'keys',
	'applications',
	'recordings',
	'short_codes',
	'calls',
	'notifications',
	'incoming_phone_numbers',
	'queues',
	'messages',
	'outgoing_caller_ids',
	'available_phone_numbers',
	'balance',
];
const PATH_NAMES: Record<string, string> = {
	signing_keys: 'SigningKeys',
	connect_apps: 'ConnectApps',
	authorized_connect_apps: 'AuthorizedConnectApps',
	short_codes: 'SMS/ShortCodes',
	incoming_phone_numbers: 'IncomingPhoneNumbers',
	outgoing_caller_ids: 'OutgoingCallerIds',
	available_phone_numbers: 'AvailablePhoneNumbers',
};

/**
 * The Account resource (https://www.twilio.com/docs/iam/api/account). Like Twilio, it carries the
 * account's Auth Token, so a node that passes this response on would leak it: the secrets tests
 * rely on that being visible.
 */
function accountResource(account: MockAccountConfig, created: Date) {
	const uri = `${API}/Accounts/${account.accountSid}`;
	const pascal = (name: string) =>
		name.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
	return {
		auth_token: account.authToken,
		date_created: rfc2822(created),
		date_updated: rfc2822(created),
		friendly_name: account.friendlyName ?? 'My first Twilio account',
		owner_account_sid: account.accountSid,
		sid: account.accountSid,
		status: 'active',
		subresource_uris: Object.fromEntries(
			SUBRESOURCES.map((name) => [name, `${uri}/${PATH_NAMES[name] ?? pascal(name)}.json`]),
		),
		type: 'Full',
		uri: `${uri}.json`,
	};
}

export function registerAccounts(router: Router, ctx: ResourceContext, created: Date): void {
	router.add(
		'GET',
		`${API}/Accounts/:AccountSid.json`,
		forAccount(ctx.state, ({ params, principal }) => {
			// Standard API keys cannot read /Accounts
			// (https://www.twilio.com/docs/iam/api-keys#types-of-keys).
			if (principal.keyType === 'standard') throw errors.authenticate();
			const account = ctx.state.account(params.AccountSid);
			if (!account) throw errors.notFound(`${API}/Accounts/${params.AccountSid}.json`);
			return { status: 200, body: accountResource(account, created) };
		}),
	);
}
