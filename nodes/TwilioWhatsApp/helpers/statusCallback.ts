import type { Fail } from './items';

export interface CorrelationValue {
	name: string;
	value: string;
}

/**
 * The StatusCallback URL with the correlation values appended as query parameters. Twilio calls the
 * URL exactly as given (and signs it so), so the Twilio Trigger receives the values back as
 * `callbackQuery`.
 */
export function statusCallbackUrl(
	url: string,
	correlation: CorrelationValue[],
	fail: Fail,
): string {
	const trimmed = url.trim();
	if (!trimmed) {
		if (correlation.length)
			fail(
				'"Correlation Values" need a Status Callback URL',
				'Paste the production URL of a Twilio Trigger node into "Status Callback URL".',
			);
		return '';
	}
	let parsed: URL;
	try {
		parsed = new URL(trimmed);
	} catch {
		fail(
			`"Status Callback URL" "${trimmed}" is not a URL`,
			'Paste the production URL of a Twilio Trigger node, for example https://n8n.example.com/webhook/…/twilio.',
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
		fail(`"Status Callback URL" must use http or https; got ${parsed.protocol}`);
	// Twilio rejects hostnames with underscores (Message resource, StatusCallback).
	if (parsed.hostname.includes('_'))
		fail(
			`"Status Callback URL" host "${parsed.hostname}" contains an underscore, which Twilio does not accept`,
		);
	for (const { name, value } of correlation) {
		if (!name.trim())
			fail(
				'A correlation value has no name',
				'Give each correlation value a name; it becomes the query parameter name.',
			);
		parsed.searchParams.append(name.trim(), value);
	}
	return correlation.length ? parsed.toString() : trimmed;
}
