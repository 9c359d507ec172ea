/**
 * Reading HTTP headers as n8n and Node hand them over: a string, an array for a repeated header, or
 * (in a response's header object) sometimes a number.
 */

/** The header's first value as text; undefined when it is absent or not text. */
export function headerText(value: unknown): string | undefined {
	const first: unknown = Array.isArray(value) ? value[0] : value;
	if (typeof first === 'string') return first;
	return typeof first === 'number' ? String(first) : undefined;
}

/**
 * The first entry of a comma-separated header such as X-Forwarded-Host: a proxy chain lists one
 * value per hop, and the first is what the client used.
 */
export function firstListEntry(value: unknown): string | undefined {
	const first = headerText(value)?.split(',')[0]?.trim();
	return first ? first : undefined;
}

/** The media type of a Content-Type header, lower-cased and without parameters (`; charset=…`). */
export function mediaType(contentType: string | undefined): string | undefined {
	const type = contentType?.split(';')[0].trim().toLowerCase();
	return type ? type : undefined;
}
