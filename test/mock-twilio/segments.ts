/**
 * Segment count of an SMS body, as Twilio bills it
 * (https://www.twilio.com/docs/glossary/what-sms-character-limit): GSM-7 bodies fit 160 characters
 * in one segment and 153 per segment when split; any other character switches the whole body to
 * UCS-2, 70 and 67 code units.
 */
const GSM7_BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// The extension table costs an escape septet each.
const GSM7_EXTENDED = '\f^{}\\[~]|€';

const basic = new Set(GSM7_BASIC);
const extended = new Set(GSM7_EXTENDED);

export function gsm7Septets(body: string): number | undefined {
	let septets = 0;
	for (const char of body) {
		if (basic.has(char)) septets += 1;
		else if (extended.has(char)) septets += 2;
		else return undefined;
	}
	return septets;
}

export function countSegments(body: string): number {
	if (body.length === 0) return 1;
	const septets = gsm7Septets(body);
	if (septets !== undefined) return septets <= 160 ? 1 : Math.ceil(septets / 153);
	// UCS-2 counts UTF-16 code units, so an emoji takes two.
	return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
}
