import { isE164 } from './e164';
import { twilioErrorCodeInfo } from './errorCodes';

/**
 * The fields every node's message item shares: the Twilio Trigger's items, the send node's Send,
 * Get, Get Many and Cancel outputs, and Send and Wait's result. One fact has one name and one type
 * across them; README's field table lists them.
 */

/** One side of a message (`from` or `to`). */
export type MessageParty = {
	/** The address exactly as Twilio gave it, e.g. `whatsapp:+14155238886`. */
	address: string | null;
	/**
	 * The address without its channel prefix: a phone number, short code, alphanumeric sender or
	 * channel id.
	 */
	id: string | null;
	/** The E.164 phone number when the address is one, else null. */
	number: string | null;
	channel: string;
	/**
	 * Where Twilio's number data places the sender or recipient; only inbound webhooks carry these.
	 */
	city: string | null;
	state: string | null;
	zip: string | null;
	country: string | null;
};

export type PartyPlace = Pick<MessageParty, 'city' | 'state' | 'zip' | 'country'>;

const NO_PLACE: PartyPlace = { city: null, state: null, zip: null, country: null };

/**
 * A Twilio error code with Twilio's own text, the package's short meaning and what to do about it.
 */
export type MessageError = {
	errorCode: number | null;
	/** Twilio's own error text, when it sent one. */
	errorMessage: string | null;
	/** What the code means, for the codes messaging workflows meet most. */
	errorMeaning: string | null;
	/** What to do about it, where there is something to do. */
	errorHint: string | null;
};

export type MessageFields = MessageError & {
	messageSid: string | null;
	accountSid: string | null;
	messagingServiceSid: string | null;
	channel: string;
	from: MessageParty;
	to: MessageParty;
	body: string | null;
	numMedia: number | null;
	numSegments: number | null;
	status: string | null;
	/** The status ends delivery: no further progress follows (see messageStatus.ts). */
	isFinal: boolean;
	/** The message did not and will not reach the recipient, or Twilio reported an error code. */
	isFailed: boolean;
};

const CHANNEL_PREFIX = /^([a-z][a-z0-9_-]*):/i;

/** The lower-cased channel prefix of an address (`whatsapp` of `whatsapp:+1…`), if it has one. */
export function channelPrefix(address: string | null): string | undefined {
	if (address === null) return undefined;
	const match = CHANNEL_PREFIX.exec(address);
	return match ? match[1].toLowerCase() : undefined;
}

/** A side of a message; `plainChannel` is the channel of an address without prefix (sms or mms). */
export function messageParty(
	address: string | null,
	plainChannel: string,
	place: PartyPlace = NO_PLACE,
): MessageParty {
	const prefix = channelPrefix(address);
	const id =
		address === null
			? null
			: (prefix === undefined ? address : address.slice(prefix.length + 1)).trim();
	return {
		address,
		id: id === '' ? null : id,
		number: id !== null && isE164(id) ? id : null,
		channel: prefix ?? plainChannel,
		...place,
	};
}

export function messageError(errorCode: number | null, errorMessage: string | null): MessageError {
	const info = errorCode === null || errorCode === 0 ? undefined : twilioErrorCodeInfo(errorCode);
	return {
		errorCode,
		errorMessage,
		errorMeaning: info?.meaning ?? null,
		errorHint: info?.hint ?? null,
	};
}
