import type {
	DeliveryOutcome,
	MockContent,
	MessagingServiceResource,
	MockAccountConfig,
	MockMessage,
	PhoneNumberResource,
	ServicePhoneNumber,
	TypingIndicatorRecord,
	WhatsAppSenderResource,
} from './types';

/** Everything the mock knows; resources read and change it, tests read it through MockTwilio. */
export class MockState {
	readonly accounts: MockAccountConfig[];
	readonly messages: MockMessage[] = [];
	readonly phoneNumbers: PhoneNumberResource[] = [];
	readonly messagingServices: MessagingServiceResource[] = [];
	readonly servicePool: ServicePhoneNumber[] = [];
	/** Content resources, deleted ones included (the API no longer shows those). */
	readonly contents: MockContent[] = [];
	/** Numbers (without `whatsapp:`) registered as WhatsApp senders. */
	readonly whatsAppSenders = new Set<string>();
	/** Last inbound WhatsApp message time by the user's number, for the 24-hour window. */
	readonly whatsAppSessions = new Map<string, number>();
	readonly deliveryOutcomes: Map<string, DeliveryOutcome>;
	/** Senders API resources (WhatsApp senders with their webhook settings). */
	readonly channelSenders: WhatsAppSenderResource[] = [];
	/** Inbound messages the mock delivered, by SID: the account and channel they came in on. */
	readonly inboundMessages = new Map<string, { accountSid: string; channel: string }>();
	/** Files of inbound messages, by Media SID (ME…). */
	readonly mediaFiles = new Map<
		string,
		{ accountSid: string; messageSid: string; contentType: string; content: Buffer }
	>();
	/** Every typing indicator accepted, in order. */
	readonly typingIndicators: TypingIndicatorRecord[] = [];

	constructor(accounts: MockAccountConfig[], deliveryOutcomes: Record<string, DeliveryOutcome>) {
		this.accounts = accounts;
		this.deliveryOutcomes = new Map(Object.entries(deliveryOutcomes));
	}

	account(accountSid: string): MockAccountConfig | undefined {
		return this.accounts.find((account) => account.accountSid === accountSid);
	}

	authTokenOf(accountSid: string): string {
		const account = this.account(accountSid);
		if (!account) throw new Error(`Unknown account ${accountSid}`);
		return account.authToken;
	}

	/** Messages the API still shows (deleted ones stay in the record only). */
	liveMessages(accountSid: string): MockMessage[] {
		return this.messages.filter((message) => message.accountSid === accountSid && !message.deleted);
	}

	/** A Content resource the API still shows. */
	content(accountSid: string, sid: string): MockContent | undefined {
		return this.contents.find(
			(item) =>
				item.resource.account_sid === accountSid && item.resource.sid === sid && !item.deleted,
		);
	}

	phoneNumber(accountSid: string, number: string): PhoneNumberResource | undefined {
		return this.phoneNumbers.find(
			(pn) => pn.account_sid === accountSid && pn.phone_number === number,
		);
	}

	service(accountSid: string, sid: string): MessagingServiceResource | undefined {
		return this.messagingServices.find(
			(service) => service.account_sid === accountSid && service.sid === sid,
		);
	}

	/** The service whose sender pool holds a phone number, if any. */
	serviceOfNumber(phoneNumberSid: string): MessagingServiceResource | undefined {
		const entry = this.servicePool.find((item) => item.phoneNumberSid === phoneNumberSid);
		return entry && this.messagingServices.find((service) => service.sid === entry.serviceSid);
	}

	/** The Senders API sender of a number (without `whatsapp:`), if the account has one. */
	whatsAppSenderOf(accountSid: string, number: string): WhatsAppSenderResource | undefined {
		return this.channelSenders.find(
			(sender) => sender.accountSid === accountSid && sender.sender_id === `whatsapp:${number}`,
		);
	}

	poolNumbers(serviceSid: string): PhoneNumberResource[] {
		const inPool = this.servicePool.filter((item) => item.serviceSid === serviceSid);
		const sids = new Set(inPool.map((item) => item.phoneNumberSid));
		return this.phoneNumbers.filter((pn) => sids.has(pn.sid));
	}
}
