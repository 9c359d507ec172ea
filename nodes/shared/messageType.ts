/**
 * The kind of content a message carries. Twilio sends `MessageType` on WhatsApp inbound messages in
 * lower case (text, image, audio, video, document, sticker, location, button, interactive, …:
 * Twilio's incoming message webhook reference,
 * https://www.twilio.com/docs/messaging/guides/webhook-request). Some contact-center senders spell
 * them in upper case and video as VEDIO. Without a usable `MessageType` the kind comes from the
 * fields that are present.
 */
export type TwilioMessageType =
	| 'text'
	| 'image'
	| 'audio'
	| 'video'
	| 'document'
	| 'sticker'
	| 'location'
	| 'button'
	| 'interactive'
	| 'contacts'
	| 'reaction'
	| 'unknown';

const MESSAGE_TYPE_ALIASES: Readonly<Record<string, TwilioMessageType>> = {
	text: 'text',
	image: 'image',
	audio: 'audio',
	voice: 'audio',
	video: 'video',
	vedio: 'video',
	document: 'document',
	file: 'document',
	sticker: 'sticker',
	location: 'location',
	button: 'button',
	interactive: 'interactive',
	contacts: 'contacts',
	contact: 'contacts',
	reaction: 'reaction',
	unknown: 'unknown',
	unsupported: 'unknown',
};

/** `MessageType` as sent, in any case; undefined for a value this package does not know. */
export function messageTypeFromParam(value: string): TwilioMessageType | undefined {
	const type = MESSAGE_TYPE_ALIASES[value.toLowerCase()];
	return typeof type === 'string' ? type : undefined;
}

/** The kind of one media file from its MIME type; image/webp on WhatsApp is how stickers arrive. */
export function messageTypeFromContentType(
	contentType: string,
	isWhatsApp: boolean,
): TwilioMessageType {
	const mime = contentType.toLowerCase();
	if (mime.startsWith('image/'))
		return isWhatsApp && mime.startsWith('image/webp') ? 'sticker' : 'image';
	if (mime.startsWith('audio/')) return 'audio';
	if (mime.startsWith('video/')) return 'video';
	if (mime.startsWith('text/vcard') || mime.startsWith('text/x-vcard')) return 'contacts';
	return 'document';
}

export interface MessageContent {
	hasLocation: boolean;
	hasButton: boolean;
	firstMediaContentType: string | undefined;
	body: string | null;
	isWhatsApp: boolean;
}

/** The kind of message from what it contains, for requests without a usable `MessageType`. */
export function deriveMessageType(content: MessageContent): TwilioMessageType {
	if (content.hasLocation) return 'location';
	if (content.hasButton) return 'button';
	if (content.firstMediaContentType !== undefined) {
		return messageTypeFromContentType(content.firstMediaContentType, content.isWhatsApp);
	}
	if (content.body) return 'text';
	return 'unknown';
}
