/**
 * E.164: "+", a country code that does not start with 0, and at most 15 digits in all (at least 7
 * in practice).
 */
const E164 = /^\+[1-9][0-9]{6,14}$/;
// Spaces, dashes, dots and brackets are only formatting; removing them never changes the number.
const FORMATTING = /[\s().-]/g;

/** Whether the text is exactly an E.164 number, with nothing to tidy. */
export function isE164(text: string): boolean {
	return E164.test(text);
}

/**
 * Accepts the usual ways of writing an international number ("+1 (415) 555-0123", "0044 20 …") and
 * returns it as E.164, or undefined when it is not one.
 */
export function toE164(raw: string): string | undefined {
	let compact = raw.replace(FORMATTING, '');
	if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
	return E164.test(compact) ? compact : undefined;
}
