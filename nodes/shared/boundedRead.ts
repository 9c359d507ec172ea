/** A response body requested with `encoding: 'stream'`: a Node readable stream. */
export type BodyStream = AsyncIterable<Buffer | string> & { destroy?: () => void };

/**
 * Reads a stream until its end or until it has passed `maxBytes`, whichever comes first, and closes
 * it either way, so an endless or oversized body never fills memory. `overLimit` says the stream
 * had more.
 */
export async function readAtMost(
	stream: BodyStream,
	maxBytes: number,
): Promise<{ data: Buffer; overLimit: boolean }> {
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of stream) {
			const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			chunks.push(buffer);
			size += buffer.length;
			if (size > maxBytes) return { data: Buffer.concat(chunks), overLimit: true };
		}
		return { data: Buffer.concat(chunks), overLimit: false };
	} finally {
		stream.destroy?.();
	}
}
