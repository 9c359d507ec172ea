/**
 * The TimelinesAI file check's target policy on an n8n whose helpers have no egress filter (n8n 2.x
 * releases before getSecureEgressFilter): the node then judges the host by its form alone. With the
 * filter, n8n-core's own is exercised in timelinesAiTrigger.test.ts and on the real n8n.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import { fileUrlRefusal } from '../../nodes/TimelinesAiTrigger/fileUrlPolicy';

const withoutEgressFilter = { helpers: {} } as unknown as IWebhookFunctions;

describe('file URL targets without n8n’s egress filter', () => {
	it.each([
		'http://127.0.0.1/file.pdf',
		'http://169.254.169.254/latest/meta-data/',
		'http://[::1]/file.pdf',
		'http://localhost:8080/file.pdf',
	])('refuses %s', async (url) => {
		await expect(fileUrlRefusal(withoutEgressFilter, url, false)).resolves.toBe(
			'it points at a private, local or link-local address',
		);
	});

	it('lets a public host through, and anything when private targets are allowed', async () => {
		await expect(
			fileUrlRefusal(withoutEgressFilter, 'https://files.example.com/a.pdf', false),
		).resolves.toBeUndefined();
		await expect(
			fileUrlRefusal(withoutEgressFilter, 'http://127.0.0.1/a.pdf', true),
		).resolves.toBeUndefined();
	});
});
