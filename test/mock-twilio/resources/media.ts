import type { Router } from '../http/router';
import type { ResourceContext } from './context';
import { forAccount } from './context';
import { errors } from '../errors';
import { newSid } from '../format';

const MEDIA_PATH = '/2010-04-01/Accounts/:AccountSid/Messages/:MessageSid/Media/:Sid';

/** Keeps an inbound message's file and returns the URL Twilio would give it (MediaUrl{N}). */
export function storeMediaFile(
	ctx: ResourceContext,
	file: { accountSid: string; messageSid: string; contentType: string; content: Buffer },
): string {
	const sid = newSid('ME');
	ctx.state.mediaFiles.set(sid, file);
	return `${ctx.publicUrl()}/2010-04-01/Accounts/${file.accountSid}/Messages/${file.messageSid}/Media/${sid}`;
}

/**
 * An inbound message's media file at its MediaUrl, with the account's Basic auth (as Twilio serves
 * it when HTTP auth for media is on). Twilio answers with a redirect to its CDN; the mock serves
 * the bytes itself.
 */
export function registerMedia(router: Router, ctx: ResourceContext): void {
	router.add(
		'GET',
		MEDIA_PATH,
		forAccount(ctx.state, ({ params, path }) => {
			const file = ctx.state.mediaFiles.get(params.Sid);
			if (!file || file.messageSid !== params.MessageSid) throw errors.notFound(path);
			return {
				status: 200,
				body: file.content,
				headers: { 'Content-Type': file.contentType },
			};
		}),
	);
}
