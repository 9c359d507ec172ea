import type { IWebhookFunctions } from 'n8n-workflow';

import { hostOf, isPublicHost } from '../shared/publicHost';

/**
 * Which `file_url` targets n8n may download. The URL comes from whoever calls the webhook, so by
 * default a target on a private, loopback or link-local address (cloud metadata at 169.254.169.254
 * included) is refused, whether or not n8n's own SSRF protection (N8N_SSRF_PROTECTION_ENABLED, off
 * by default in n8n 2.41) is on: n8n's egress filter is asked with the "enforced" policy, so its
 * blocked and allowed ranges and host names apply, names resolved through DNS. With private targets
 * allowed, n8n's own setting decides ("safe" policy).
 *
 * The check runs before each request and each redirect hop; the connection itself re-resolves the
 * name, which only n8n's own protection also checks (against a name that changes its address in
 * between).
 */

export async function fileUrlRefusal(
	context: IWebhookFunctions,
	url: string,
	allowPrivateTargets: boolean,
): Promise<string | undefined> {
	const helpers = context.helpers as Partial<typeof context.helpers>;
	if (typeof helpers.getSecureEgressFilter !== 'function') {
		// n8n versions before the egress filter: judge the host by its form alone.
		const host = hostOf(url);
		if (allowPrivateTargets || (host !== undefined && isPublicHost(host))) return undefined;
		return 'it points at a private, local or link-local address';
	}
	const filter = helpers.getSecureEgressFilter(allowPrivateTargets ? 'safe' : 'enforced');
	const verdict = await filter.validateUrl(url);
	return verdict.ok ? undefined : verdict.error.message;
}
