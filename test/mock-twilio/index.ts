/**
 * A local Twilio: the REST API parts the nodes use (Messages, Accounts, IncomingPhoneNumbers,
 * Messaging Services), Twilio's errors and magic numbers, fault switches, and signed status
 * callbacks and inbound webhooks. Start it from tests with `startMockTwilio()`.
 */
export { startMockTwilio } from './server';
export type { MockTwilio } from './server';
export { DEFAULT_ACCOUNT, MOCK_NUMBERS } from './fixtures';
export { MAGIC_VALID_FROM } from './resources/messageRules';
export { twilioSignature } from './webhooks/client';
export { countSegments } from './segments';
export type * from './types';
