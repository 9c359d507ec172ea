import { createHash, timingSafeEqual } from 'crypto';

export interface BasicAuthUser {
	user: string;
	password: string;
}

/** Compares two secrets in constant time, whatever their lengths. */
export function secretsEqual(received: string, expected: string): boolean {
	// Hashing first gives equal-length buffers, so neither the comparison nor an early length
	// check leaks how long the expected secret is.
	const a = createHash('sha256').update(received, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b);
}

/** Reads `Authorization: Basic base64(user:password)`; anything else gives undefined. */
export function parseBasicAuthorization(header: string | undefined): BasicAuthUser | undefined {
	if (!header) return undefined;
	const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** True when the header carries exactly the expected user and password. */
export function isAuthorized(header: string | undefined, expected: BasicAuthUser): boolean {
	const received = parseBasicAuthorization(header);
	if (!received) return false;
	// Both comparisons always run, so a right user with a wrong password takes as long as a wrong
	// user.
	const userOk = secretsEqual(received.user, expected.user);
	const passwordOk = secretsEqual(received.password, expected.password);
	return userOk && passwordOk;
}

/** Problems with a webhook user credential, for the credential test; empty when usable. */
export function basicAuthUserProblems(user: BasicAuthUser): string[] {
	const problems: string[] = [];
	if (!user.user) problems.push('The webhook user is empty.');
	if (user.user.includes(':'))
		problems.push(
			'The webhook user cannot contain a colon (":"), because Basic auth separates user and password with one.',
		);
	if (!user.password) problems.push('The password is empty.');
	return problems;
}

export const BASIC_AUTH_CHALLENGE = 'Basic realm="n8n webhook", charset="UTF-8"';
