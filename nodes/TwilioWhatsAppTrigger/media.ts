import type {
	IBinaryKeyData,
	ICredentialsDecrypted,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { BodyStream } from '../shared/boundedRead';
import { readAtMost } from '../shared/boundedRead';
import { TWILIO_CREDENTIAL_TYPE } from '../shared/credentials';
import { headerText, mediaType } from '../shared/headers';
import type { TwilioMedia } from '../shared/messageEvent';

/**
 * Downloads the media of an inbound message into binary properties `media0`, `media1`, … A failed
 * download is reported on its media entry (`error`) and never fails the request: Twilio must still
 * get its answer, and the workflow can decide what a missing file means.
 */

export interface DownloadedMedia extends TwilioMedia {
	binaryProperty?: string;
	fileName?: string;
	fileSize?: number;
	error?: string;
}

export interface MediaDownloadOptions {
	maxBytes: number;
	/**
	 * The Twilio credential, when the node has one: Twilio serves media behind the account's Basic
	 * auth if the account asks for it.
	 */
	credentials?: ICredentialsDecrypted;
	/** Origin of the credential's API host (api.twilio.com, a region's host, or a test server). */
	apiOrigin?: string;
}

// Twilio answers quickly or redirects to its CDN; the whole request waits at most 15 s for this
// node.
const DOWNLOAD_TIMEOUT_MS = 10_000;

export function binaryPropertyFor(media: TwilioMedia): string {
	return `media${media.index}`;
}

/**
 * Only Twilio's own hosts are fetched, so an unsigned request (signature check off) cannot make n8n
 * fetch arbitrary addresses, or send the account's credentials there.
 */
export function isTwilioMediaUrl(url: string, apiOrigin?: string): boolean {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return false;
	}
	if (apiOrigin && parsed.origin === apiOrigin) return true;
	return (
		parsed.protocol === 'https:' &&
		(parsed.hostname === 'twilio.com' || parsed.hostname.endsWith('.twilio.com'))
	);
}

function fileNameOf(url: string, index: number): string {
	const last = new URL(url).pathname.split('/').filter(Boolean).pop();
	return last ? decodeURIComponent(last) : `media${index}`;
}

async function downloadOne(
	ctx: IWebhookFunctions,
	media: TwilioMedia,
	options: MediaDownloadOptions,
): Promise<{ entry: DownloadedMedia; binary?: IBinaryKeyData }> {
	if (!isTwilioMediaUrl(media.url, options.apiOrigin)) {
		return { entry: { ...media, error: 'Not downloaded: the URL is not on a Twilio host.' } };
	}
	try {
		const response = await requestMedia(ctx, media.url, options.credentials);
		const stream = response.body as BodyStream;
		const refusal = refusalOf(response, options.maxBytes);
		if (refusal) {
			stream.destroy?.();
			return { entry: { ...media, error: refusal } };
		}
		const { data: content, overLimit } = await readAtMost(stream, options.maxBytes);
		if (overLimit) throw new Error(`larger than the limit of ${options.maxBytes} bytes`);
		return await storedMedia(ctx, media, content, headerText(response.headers?.['content-type']));
	} catch (error) {
		// Only the error's own message: a request error can carry its configuration, credentials too.
		const reason = error instanceof Error ? error.message : String(error);
		return {
			entry: { ...media, error: `Download failed: ${reason.replace(/\s+/g, ' ').slice(0, 200)}` },
		};
	}
}

/** The media URL's response as a stream, with the Twilio credential's Basic auth if one is set. */
async function requestMedia(
	ctx: IWebhookFunctions,
	url: string,
	credentials: ICredentialsDecrypted | undefined,
): Promise<IN8nHttpFullResponse> {
	const request: IHttpRequestOptions = {
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: DOWNLOAD_TIMEOUT_MS,
		abortSignal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
		// Twilio redirects to a signed CDN URL, which must not receive the account's credentials.
		sendCredentialsOnCrossOriginRedirect: false,
	};
	return (
		credentials
			? await ctx.helpers.httpRequestWithAuthentication.call(ctx, TWILIO_CREDENTIAL_TYPE, request, {
					credentialsDecrypted: { ...credentials, data: { ...credentials.data } },
				})
			: await ctx.helpers.httpRequest(request)
	) as IN8nHttpFullResponse;
}

/** Why the response is not read: an HTTP error, or a declared size over the limit. */
function refusalOf(response: IN8nHttpFullResponse, maxBytes: number): string | undefined {
	if (response.statusCode >= 400) {
		const hint =
			response.statusCode === 401 || response.statusCode === 403
				? ' (the account protects media with Basic auth: select the Twilio credential)'
				: '';
		return `Download failed: HTTP ${response.statusCode}${hint}.`;
	}
	const declared = Number(headerText(response.headers?.['content-length']));
	if (Number.isFinite(declared) && declared > maxBytes)
		return `Not downloaded: ${declared} bytes is larger than the limit of ${maxBytes} bytes.`;
	return undefined;
}

/** The downloaded file as n8n binary data in the media's binary property. */
async function storedMedia(
	ctx: IWebhookFunctions,
	media: TwilioMedia,
	content: Buffer,
	contentTypeHeader: string | undefined,
): Promise<{ entry: DownloadedMedia; binary: IBinaryKeyData }> {
	const mimeType = media.contentType || mediaType(contentTypeHeader);
	const binaryData = await ctx.helpers.prepareBinaryData(
		content,
		fileNameOf(media.url, media.index),
		mimeType,
	);
	if (binaryData.fileName && !binaryData.fileName.includes('.') && binaryData.fileExtension) {
		binaryData.fileName = `${binaryData.fileName}.${binaryData.fileExtension}`;
	}
	const property = binaryPropertyFor(media);
	return {
		entry: {
			...media,
			binaryProperty: property,
			fileName: binaryData.fileName,
			fileSize: content.length,
		},
		binary: { [property]: binaryData },
	};
}

/** Downloads every media file in parallel. */
export async function downloadMedia(
	ctx: IWebhookFunctions,
	media: readonly TwilioMedia[],
	options: MediaDownloadOptions,
): Promise<{ media: DownloadedMedia[]; binary: IBinaryKeyData }> {
	const results = await Promise.all(
		media.map(async (item) => await downloadOne(ctx, item, options)),
	);
	const binary: IBinaryKeyData = {};
	for (const result of results) Object.assign(binary, result.binary);
	return { media: results.map((result) => result.entry), binary };
}
