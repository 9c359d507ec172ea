/**
 * TwiML answers for Twilio's messaging webhooks (https://www.twilio.com/docs/messaging/twiml).
 * Pure: strings in, XML text out.
 */

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** The answer that tells Twilio "received, nothing to send back". */
export const EMPTY_TWIML = `${XML_DECLARATION}<Response/>`;

export const TWIML_CONTENT_TYPE = 'text/xml; charset=utf-8';

// Characters XML 1.0 cannot carry at all, even escaped: C0 controls other than tab, LF and CR,
// lone surrogates, U+FFFE and U+FFFF. Twilio would reject the whole document for one of them.
const NOT_XML_CHARACTER =
	// eslint-disable-next-line no-control-regex -- these control characters are what it removes
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&apos;',
};

/** Text safe inside an XML element or attribute. */
export function escapeXml(text: string): string {
	return text.replace(NOT_XML_CHARACTER, '').replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/**
 * A reply to the sender of the inbound message. Without media the text is the `<Message>` itself,
 * as in Twilio's examples; with media Twilio needs the nested `<Body>` and `<Media>` nouns.
 */
export function messageTwiml(body: string, mediaUrls: readonly string[] = []): string {
	if (mediaUrls.length === 0)
		return `${XML_DECLARATION}<Response><Message>${escapeXml(body)}</Message></Response>`;
	const bodyPart = body === '' ? '' : `<Body>${escapeXml(body)}</Body>`;
	const mediaPart = mediaUrls.map((url) => `<Media>${escapeXml(url)}</Media>`).join('');
	return `${XML_DECLARATION}<Response><Message>${bodyPart}${mediaPart}</Message></Response>`;
}
