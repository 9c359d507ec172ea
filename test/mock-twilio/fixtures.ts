import type { DeliveryOutcome, MockAccountConfig } from './types';
import type { MockState } from './state';
import { buildPhoneNumber } from './resources/phoneNumbers';
import { buildService } from './resources/messagingServices';
import { buildWhatsAppSender } from './resources/channelSenders';
import { MAGIC_VALID_FROM } from './resources/messageRules';

/** The account the mock serves when none is given. SIDs and tokens have Twilio's shapes. */
export const DEFAULT_ACCOUNT: MockAccountConfig = {
	accountSid: 'ACa1b2c3d4e5f60718293a4b5c6d7e8f90',
	authToken: 'f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8',
	friendlyName: 'Mock Twilio account',
	apiKeys: [
		{
			sid: 'SK0a1b2c3d4e5f60718293a4b5c6d7e8f9',
			secret: 'mockStandardKeySecret0123456789a',
			type: 'standard',
		},
		{
			sid: 'SK9f8e7d6c5b4a39281706f5e4d3c2b1a0',
			secret: 'mockMainKeySecret0123456789abcdef',
			type: 'main',
		},
	],
};

/** Numbers every mock account owns. */
export const MOCK_NUMBERS = {
	/** An SMS/MMS long code (the number of Twilio's doc examples). */
	sms: '+15017122661',
	/** A WhatsApp sender (the number of Twilio's WhatsApp Sandbox). */
	whatsapp: '+14155238886',
	/** Twilio's magic From that passes every check with test credentials. */
	magicValidFrom: MAGIC_VALID_FROM,
	/**
	 * The mock's own switch: messages to it end undelivered with 30003 (Unreachable destination
	 * handset).
	 */
	undeliverable: MAGIC_VALID_FROM,
} as const;

export const DEFAULT_DELIVERY_OUTCOMES: Record<string, DeliveryOutcome> = {
	[MOCK_NUMBERS.undeliverable]: { status: 'undelivered', errorCode: 30003 },
};

/**
 * Gives an account its two numbers, a Messaging Service holding both (deferring inbound to the
 * numbers), and a Senders API WhatsApp sender for the WhatsApp number, with no webhook of its own.
 */
export function seedAccount(state: MockState, accountSid: string, now: Date): void {
	const sms = buildPhoneNumber(accountSid, MOCK_NUMBERS.sms, now);
	const whatsapp = buildPhoneNumber(accountSid, MOCK_NUMBERS.whatsapp, now);
	whatsapp.friendly_name = 'WhatsApp Sandbox';
	const service = buildService(accountSid, 'Mock Messaging Service', now);
	service.use_inbound_webhook_on_number = true;
	state.phoneNumbers.push(sms, whatsapp);
	state.messagingServices.push(service);
	for (const pn of [sms, whatsapp])
		state.servicePool.push({ serviceSid: service.sid, phoneNumberSid: pn.sid });
	state.whatsAppSenders.add(MOCK_NUMBERS.whatsapp);
	state.channelSenders.push(buildWhatsAppSender(accountSid, MOCK_NUMBERS.whatsapp));
}
