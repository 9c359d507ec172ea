/**
 * The per-process credential cache's "kept, then fresh after a refusal" helpers, with a reader that
 * counts how often the credential is read through n8n and whose stored secret can be rotated.
 */
import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';

import type { CachedCredentials, CacheTiming } from '../../nodes/shared/credentialCache';
import {
	cachedCredentials,
	passesWithFreshCredentials,
	withFreshCredentialsIfRefused,
} from '../../nodes/shared/credentialCache';

const TYPE = 'twilioMessagingApi';
// Every refusal may re-read at once, so the tests need no clock.
const REREAD_AT_ONCE: CacheTiming = { maxAgeMs: 60_000, refreshAfterFailureMs: 0 };

let nextId = 0;

/** A node's context as the cache sees it, with one credential whose secret `rotate` changes. */
function readerWithSecret(secret: string) {
	const node = {
		credentials: { [TYPE]: { id: `cache-test-${nextId++}`, name: 'Test credential' } },
	} as unknown as INode;
	const reader = {
		stored: secret,
		reads: 0,
		getNode: () => node,
		async getCredentials(): Promise<ICredentialDataDecryptedObject> {
			reader.reads++;
			return { authToken: reader.stored };
		},
	};
	return reader;
}

/** An asynchronous call that the remote side accepts only with the current secret. */
function callAccepting(reader: { stored: string }) {
	const secretsTried: unknown[] = [];
	const call = async ({ data }: CachedCredentials) => {
		await Promise.resolve();
		secretsTried.push(data.authToken);
		return data.authToken === reader.stored ? 'accepted' : 'refused';
	};
	return { call, secretsTried };
}

const isRefused = (answer: string) => answer === 'refused';

/** A credential kept by the cache whose secret was then rotated where n8n stores it. */
async function keptThenRotated(timing: CacheTiming = REREAD_AT_ONCE) {
	const reader = readerWithSecret('old-token');
	const kept = await cachedCredentials(reader, TYPE, timing);
	reader.stored = 'new-token';
	return { reader, kept, ...callAccepting(reader) };
}

describe('withFreshCredentialsIfRefused', () => {
	it('retries a refused first attempt exactly once, with the credential read afresh', async () => {
		const { reader, kept, call, secretsTried } = await keptThenRotated();

		const answer = await withFreshCredentialsIfRefused(kept, call, isRefused);

		expect(answer).toBe('accepted');
		expect(secretsTried).toEqual(['old-token', 'new-token']);
		expect(reader.reads).toBe(2);
	});

	it('does not read the credential again when the first attempt is accepted', async () => {
		const reader = readerWithSecret('token');
		const kept = await cachedCredentials(reader, TYPE, REREAD_AT_ONCE);
		const { call, secretsTried } = callAccepting(reader);

		const answer = await withFreshCredentialsIfRefused(kept, call, isRefused);

		expect(answer).toBe('accepted');
		expect(secretsTried).toEqual(['token']);
		expect(reader.reads).toBe(1);
	});

	it('returns the second refusal without trying a third time', async () => {
		const reader = readerWithSecret('token');
		const kept = await cachedCredentials(reader, TYPE, REREAD_AT_ONCE);
		let attempts = 0;

		const answer = await withFreshCredentialsIfRefused(
			kept,
			async () => {
				attempts++;
				return `refused ${attempts}`;
			},
			(result) => result.startsWith('refused'),
		);

		expect(answer).toBe('refused 2');
		expect(attempts).toBe(2);
		expect(reader.reads).toBe(2);
	});

	it('returns the first refusal when the credential was read too recently to read again', async () => {
		const { reader, kept, call, secretsTried } = await keptThenRotated({
			maxAgeMs: 60_000,
			refreshAfterFailureMs: 60_000,
		});

		const answer = await withFreshCredentialsIfRefused(kept, call, isRefused);

		expect(answer).toBe('refused');
		expect(secretsTried).toEqual(['old-token']);
		expect(reader.reads).toBe(1);
	});
});

describe('passesWithFreshCredentials', () => {
	it('takes an asynchronous check and passes with the rotated secret', async () => {
		const { kept, call, secretsTried } = await keptThenRotated();

		const passed = await passesWithFreshCredentials(
			kept,
			async (credentials) => (await call(credentials)) === 'accepted',
		);

		expect(passed).toBe(true);
		expect(secretsTried).toEqual(['old-token', 'new-token']);
	});

	it.each([
		['passes with the kept secret without reading it again', 'token', true, 1],
		['fails when the freshly read secret fails too', 'other', false, 2],
	])('with a synchronous check: %s', async (_title, accepted, expected, reads) => {
		const reader = readerWithSecret('token');
		const kept = await cachedCredentials(reader, TYPE, REREAD_AT_ONCE);

		const passed = await passesWithFreshCredentials(
			kept,
			({ data }) => data.authToken === accepted,
		);

		expect(passed).toBe(expected);
		expect(reader.reads).toBe(reads);
	});
});
