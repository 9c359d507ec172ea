import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { failFor } from '../../helpers/items';
import type { RetryPolicy } from '../../../shared/transport';
import {
	encodeForm,
	twilioApiRequest,
	twilioApiRequestAllItems,
	twilioErrorDetailsOf,
} from '../../../shared/transport';
import { CONTENT_PATH, contentPath } from '../contentTemplate/contentParameters';
import { literalPattern } from '../contentTemplate/getMany.operation';

/** A Content resource to find by its deterministic name, or to create with these fields. */
export interface ContentDraft {
	friendlyName: string;
	language: string;
	types: IDataObject;
	variables: Record<string, string>;
}

export interface FoundContent {
	contentSid: string;
	/** Whether this run created the resource (false when an earlier run or another execution had). */
	contentCreated: boolean;
	/** What went wrong without stopping the message, such as a duplicate left behind. */
	warnings: string[];
}

const V2_CONTENT_PATH = '/v2/Content';

/** Oldest first, then by SID: every execution picks the same resource among duplicates. */
function oldestFirst(a: IDataObject, b: IDataObject): number {
	const byDate = String(a.date_created).localeCompare(String(b.date_created));
	return byDate !== 0 ? byDate : String(a.sid).localeCompare(String(b.sid));
}

/**
 * The resources named like the draft, through every page of the v2 list. ContentName is a regular
 * expression to Twilio, so it is anchored and the names are compared exactly as well.
 */
async function namedLike(
	ctx: IExecuteFunctions,
	draft: ContentDraft,
	itemIndex: number,
	retry: RetryPolicy,
): Promise<IDataObject[]> {
	const query = encodeForm({
		PageSize: 50,
		ContentName: `^${literalPattern(draft.friendlyName)}$`,
		Language: draft.language,
	});
	const contents = await twilioApiRequestAllItems.call(ctx, {
		method: 'GET',
		product: 'content',
		path: `${V2_CONTENT_PATH}?${query}`,
		key: 'contents',
		itemIndex,
		retry,
	});
	return contents
		.filter(
			(content) =>
				content.friendly_name === draft.friendlyName && content.language === draft.language,
		)
		.sort(oldestFirst);
}

/**
 * The Content resource holding the draft's definition: found by its name, or created when missing.
 * Two executions that both miss it create one each; both then list again and use the oldest, and
 * the one whose own resource is not the oldest deletes it, so later runs find a single resource.
 * The message goes out with the oldest either way, so a failed delete is a warning, not a failed
 * item.
 */
export async function findOrCreateContent(
	ctx: IExecuteFunctions,
	draft: ContentDraft,
	itemIndex: number,
	retry: RetryPolicy,
): Promise<FoundContent> {
	const existing = await namedLike(ctx, draft, itemIndex, retry);
	if (existing.length > 0)
		return { contentSid: String(existing[0].sid), contentCreated: false, warnings: [] };
	const created = await twilioApiRequest.call(ctx, {
		method: 'POST',
		product: 'content',
		path: CONTENT_PATH,
		json: {
			friendly_name: draft.friendlyName,
			language: draft.language,
			variables: draft.variables,
			types: draft.types,
		},
		itemIndex,
		retry,
	});
	const createdSid = String(created.sid);
	// A list that does not show the new resource yet leaves this run with its own.
	const oldest = (await namedLike(ctx, draft, itemIndex, retry))[0];
	if (!oldest || oldest.sid === createdSid)
		return { contentSid: createdSid, contentCreated: true, warnings: [] };
	const found = { contentSid: String(oldest.sid), contentCreated: false };
	try {
		await twilioApiRequest.call(ctx, {
			method: 'DELETE',
			product: 'content',
			path: contentPath(createdSid, failFor(ctx, itemIndex)),
			itemIndex,
			retry,
		});
	} catch (error) {
		const { message } = twilioErrorDetailsOf(error);
		return {
			...found,
			warnings: [
				`Another execution created the same content at the same time; the message used the older one (${found.contentSid}), and deleting this execution's duplicate ${createdSid} failed: ${message}. Delete it with Content Template → Delete or in the Twilio Console; until then later runs still use ${found.contentSid}.`,
			],
		};
	}
	return { ...found, warnings: [] };
}
