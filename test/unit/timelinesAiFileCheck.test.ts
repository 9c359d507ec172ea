/** TimelinesAiTrigger/fileCheck.ts: the file URL check (pure part). */
import { ATTACHMENT_MAX_BYTES } from '../../nodes/TimelinesAiTrigger/contract';
import { attachmentProblem, declaredProblem } from '../../nodes/TimelinesAiTrigger/fileCheck';

describe('file URL check (pure part)', () => {
	const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

	it('accepts a small file of any non-HTML type', () => {
		expect(attachmentProblem('image/png', png.length, png)).toBeUndefined();
		expect(attachmentProblem(undefined, undefined, png)).toBeUndefined();
	});

	it('rejects an HTML page by its content type or by its first bytes', () => {
		const reason =
			'it answers with a web page (HTML), not the file: use a direct download link, which starts downloading at once in a private browser window';
		expect(declaredProblem('text/html; charset=utf-8', undefined)).toBe(reason);
		expect(
			attachmentProblem(
				'application/octet-stream',
				undefined,
				Buffer.from('\n  <!DOCTYPE html><html></html>'),
			),
		).toBe(reason);
		expect(
			attachmentProblem('application/octet-stream', undefined, Buffer.from('<html lang="en">')),
		).toBe(reason);
	});

	it('rejects more than 2 MB, declared or downloaded, and an empty download', () => {
		expect(declaredProblem('image/png', ATTACHMENT_MAX_BYTES + 1)).toBe(
			`the file is ${ATTACHMENT_MAX_BYTES + 1} bytes; attachments may be at most 2 MB (${ATTACHMENT_MAX_BYTES} bytes)`,
		);
		expect(declaredProblem('image/png', ATTACHMENT_MAX_BYTES)).toBeUndefined();
		expect(attachmentProblem('image/png', undefined, Buffer.alloc(ATTACHMENT_MAX_BYTES + 1))).toBe(
			`the file is larger than 2 MB (${ATTACHMENT_MAX_BYTES} bytes), the attachment limit`,
		);
		expect(attachmentProblem('image/png', undefined, Buffer.alloc(0))).toBe(
			'the download is empty (0 bytes)',
		);
	});
});
