import type { IWebhookFunctions } from 'n8n-workflow';

import type { BodyStream } from '../shared/boundedRead';
import { readAtMost } from '../shared/boundedRead';
import { headerText, mediaType } from '../shared/headers';
import { ATTACHMENT_MAX_BYTES } from './contract';
import { fileUrlRefusal } from './fileUrlPolicy';

/**
 * TimelinesAI's advice for `file_url`: it must start a download at once; a file-hosting page
 * (HTML) gets sent as a "damaged" file, and attachments are limited to 2 MB. This module checks a
 * URL the same way before a request is accepted.
 */

export interface DownloadedFile {
	data: Buffer;
	contentType: string | undefined;
}

export type FileCheck = { ok: true; file: DownloadedFile } | { ok: false; reason: string };

const HTML_START = /^(?:\s|\uFEFF)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i;

const NOT_A_FILE =
	'it answers with a web page (HTML), not the file: use a direct download link, which starts downloading at once in a private browser window';

/** Pure: what the response headers alone show to be wrong, before any of the body is read. */
export function declaredProblem(
	contentType: string | undefined,
	declaredLength: number | undefined,
): string | undefined {
	const type = mediaType(contentType);
	if (type === 'text/html' || type === 'application/xhtml+xml') return NOT_A_FILE;
	if (declaredLength !== undefined && declaredLength > ATTACHMENT_MAX_BYTES)
		return `the file is ${declaredLength} bytes; attachments may be at most 2 MB (${ATTACHMENT_MAX_BYTES} bytes)`;
	return undefined;
}

/** Pure: why a downloaded body cannot be sent as the attachment, or undefined when it can. */
export function attachmentProblem(
	contentType: string | undefined,
	declaredLength: number | undefined,
	data: Buffer,
): string | undefined {
	const declared = declaredProblem(contentType, declaredLength);
	if (declared) return declared;
	// File hosts often serve their share pages with a generic type, so look at the bytes too.
	if (HTML_START.test(data.subarray(0, 1024).toString('latin1'))) return NOT_A_FILE;
	if (data.length > ATTACHMENT_MAX_BYTES)
		return `the file is larger than 2 MB (${ATTACHMENT_MAX_BYTES} bytes), the attachment limit`;
	if (data.length === 0) return 'the download is empty (0 bytes)';
	return undefined;
}

interface StreamResponse {
	body: BodyStream;
	headers: Record<string, unknown>;
	statusCode: number;
}

export interface FileCheckOptions {
	timeoutMs: number;
	/**
	 * Whether targets on private, local and link-local addresses may be downloaded
	 * (fileUrlPolicy.ts).
	 */
	allowPrivateTargets: boolean;
}

const MAX_REDIRECTS = 5;

type Fetched = { ok: true; response: StreamResponse } | { ok: false; reason: string };

/**
 * GETs `url`, following redirects one hop at a time so that each target is checked before it is
 * requested.
 */
async function fetchChecked(
	context: IWebhookFunctions,
	url: string,
	options: FileCheckOptions,
): Promise<Fetched> {
	let target = url;
	for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
		const refusal = await fileUrlRefusal(context, target, options.allowPrivateTargets);
		if (refusal)
			return {
				ok: false,
				reason: `${hop === 0 ? 'it' : `its redirect to ${new URL(target).origin}`} was not downloaded (${refusal})`,
			};
		let response: StreamResponse;
		try {
			response = (await context.helpers.httpRequest({
				url: target,
				method: 'GET',
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: options.timeoutMs,
				abortSignal: AbortSignal.timeout(options.timeoutMs),
			})) as StreamResponse;
		} catch (error) {
			return { ok: false, reason: `it could not be downloaded (${(error as Error).message})` };
		}
		const location = headerText(response.headers.location);
		if (response.statusCode < 300 || response.statusCode >= 400 || !location)
			return { ok: true, response };
		response.body.destroy?.();
		try {
			target = new URL(location, target).href;
		} catch {
			return { ok: false, reason: `it redirects to an invalid URL` };
		}
	}
	return { ok: false, reason: `it redirects more than ${MAX_REDIRECTS} times` };
}

/** Downloads `url`, stopping as soon as it is known to be too large, and checks it. */
export async function checkFileUrl(
	context: IWebhookFunctions,
	url: string,
	options: FileCheckOptions,
): Promise<FileCheck> {
	const { timeoutMs } = options;
	const fetched = await fetchChecked(context, url, options);
	if (!fetched.ok) return fetched;
	const response = fetched.response;
	const { body, headers, statusCode } = response;
	if (statusCode < 200 || statusCode >= 300) {
		body.destroy?.();
		return { ok: false, reason: `the server answered HTTP ${statusCode} instead of the file` };
	}
	const contentType = headerText(headers['content-type']);
	const lengthHeader = Number(headerText(headers['content-length']));
	const declaredLength = Number.isFinite(lengthHeader) ? lengthHeader : undefined;
	const early = declaredProblem(contentType, declaredLength);
	if (early) {
		body.destroy?.();
		return { ok: false, reason: early };
	}
	let data: Buffer;
	try {
		({ data } = await readAtMost(body, ATTACHMENT_MAX_BYTES));
	} catch (error) {
		return {
			ok: false,
			reason: `the download failed or took longer than ${Math.round(timeoutMs / 1000)} s (${(error as Error).message})`,
		};
	}
	const problem = attachmentProblem(contentType, declaredLength, data);
	return problem ? { ok: false, reason: problem } : { ok: true, file: { data, contentType } };
}
