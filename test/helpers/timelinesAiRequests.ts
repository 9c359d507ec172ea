import {
	validateSendRequest,
	type SendRequest,
	type Validation,
} from '../../nodes/TimelinesAiTrigger/contract';

const JSON_TYPE = 'application/json';

/**
 * Validates a send request as the trigger does; `contentType` null sends no Content-Type header.
 */
export function checkSendRequest(
	body: unknown,
	contentType: string | null = JSON_TYPE,
	bodyBytes?: number,
): Validation {
	const bytes = bodyBytes ?? (body === undefined ? 0 : Buffer.byteLength(JSON.stringify(body)));
	return validateSendRequest(body, contentType ?? undefined, {
		bodyBytes: bytes,
		maxBodyBytes: 64 * 1024,
	});
}

/** The request the contract accepts from `body`; throws when it refuses it. */
export function acceptedSendRequest(body: unknown): SendRequest {
	const result = checkSendRequest(body);
	if (!result.ok) throw new Error(`expected acceptance, got ${result.status} ${result.message}`);
	return result.request;
}
