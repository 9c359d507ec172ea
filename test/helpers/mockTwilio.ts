/**
 * The Twilio mock as most test files use it: one instance per file, reached through the
 * credential's API Base URL as the nodes reach Twilio.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { TwilioWhatsApp } from '../../nodes/TwilioWhatsApp/TwilioWhatsApp.node';
import { DEFAULT_ACCOUNT, startMockTwilio, type MockTwilio } from '../mock-twilio';
import { executeNode, jsonItems } from './inprocess';

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

/**
 * Runs the Twilio WhatsApp/SMS node on one resource against the mock: `run` returns what
 * executeNode returns, `json` the first output's items as JSON.
 */
export function resourceRunner(resource: string, mock: () => MockTwilio) {
	const nodeType = new TwilioWhatsApp();
	const run = (parameters: INodeParameters, items: IDataObject[] = [{}], continueOnFail = false) =>
		executeNode(
			{
				nodeType,
				parameters: { resource, ...parameters },
				credentials: mockCredentials(mock().url),
				continueOnFail,
			},
			jsonItems(...items),
		);
	const json = async (parameters: INodeParameters, items?: IDataObject[]) => {
		const { output } = await run(parameters, items);
		return output![0].map((item) => item.json);
	};
	return { nodeType, run, json };
}
