import { createHash, timingSafeEqual } from 'crypto';
import type { MockAccountConfig } from './types';
import type { Principal } from './http/router';
import { errors } from './errors';

/** The Basic-auth user name of a header, for the request record (the secret is never kept). */
export function basicUser(header: string | undefined): string | null {
	return parseBasic(header)?.user ?? null;
}

function parseBasic(header: string | undefined): { user: string; secret: string } | undefined {
	const match = /^\s*basic\s+(\S+)\s*$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function sameSecret(a: string, b: string): boolean {
	const digest = (value: string) => createHash('sha256').update(value).digest();
	return timingSafeEqual(digest(a), digest(b));
}

/**
 * HTTP Basic with AccountSid:AuthToken or ApiKeySid:ApiKeySecret
 * (https://www.twilio.com/docs/usage/requests-to-twilio#authenticate-with-http).
 */
export function authenticate(header: string | undefined, accounts: MockAccountConfig[]): Principal {
	const credentials = parseBasic(header);
	if (!credentials) throw errors.authenticate();
	for (const account of accounts) {
		if (credentials.user === account.accountSid) {
			if (!sameSecret(credentials.secret, account.authToken)) break;
			return { accountSid: account.accountSid, user: credentials.user, keyType: 'account' };
		}
		const key = account.apiKeys?.find((candidate) => candidate.sid === credentials.user);
		if (key) {
			if (!sameSecret(credentials.secret, key.secret)) break;
			return { accountSid: account.accountSid, user: key.sid, keyType: key.type ?? 'standard' };
		}
	}
	throw errors.authenticate();
}
