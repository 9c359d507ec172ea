/**
 * The Twilio mock as most test files use it: one instance per file, reached through the
 * credential's API Base URL as the nodes reach Twilio.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { DEFAULT_ACCOUNT, startMockTwilio, type MockTwilio } from '../mock-twilio';

type MockOptions = Parameters<typeof startMockTwilio>[0];

/**
 * Starts the mock before the file's tests and closes it after them; faults set by a test are
 * cleared after it. Returns the running mock (call it inside tests and hooks).
 */
export function useMockTwilio(options: MockOptions = { callbackDelayMs: 1 }): () => MockTwilio {
	let mock: MockTwilio | undefined;
	beforeAll(async () => {
		mock = await startMockTwilio(options);
	});
	afterAll(async () => {
		await mock?.close();
	});
	afterEach(() => mock?.clearFaults());
	return () => {
		if (!mock) throw new Error('The Twilio mock is not running (use it inside tests and hooks)');
		return mock;
	};
}

/** The Twilio credential of the mock's default account, pointed at `baseUrl`. */
export function mockCredentials(baseUrl: string): Record<string, ICredentialDataDecryptedObject> {
	return {
		twilioMessagingApi: {
			accountSid: DEFAULT_ACCOUNT.accountSid,
			authType: 'authToken',
			authToken: DEFAULT_ACCOUNT.authToken,
			baseUrl,
		},
	};
}
