import type { FormParams } from './types';
import { encodeForm, first } from './http/form';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

interface PageWindow<T> {
	items: T[];
	page: number;
	pageSize: number;
	start: number;
	hasNext: boolean;
	nextToken: string | null;
}

function toInt(value: string | undefined, fallback: number): number {
	const parsed = Number.parseInt(value ?? '', 10);
	return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

/**
 * Cuts one page out of a list: `PageSize` (1–1000, default 50), `Page`, and `PageToken`
 * (`PA` + the SID of the last record of the previous page), as Twilio's paging works
 * (https://www.twilio.com/docs/usage/twilios-response#response-formats-list-paging-information).
 */
function cutPage<T extends { sid: string }>(items: T[], query: FormParams): PageWindow<T> {
	const pageSize = Math.min(
		Math.max(toInt(first(query, 'PageSize'), DEFAULT_PAGE_SIZE), 1),
		MAX_PAGE_SIZE,
	);
	const page = toInt(first(query, 'Page'), 0);
	const token = first(query, 'PageToken');
	const afterSid = token?.startsWith('PA') ? token.slice(2) : undefined;
	const tokenIndex = afterSid === undefined ? -1 : items.findIndex((item) => item.sid === afterSid);
	const start = tokenIndex >= 0 ? tokenIndex + 1 : page * pageSize;
	const slice = items.slice(start, start + pageSize);
	const hasNext = start + pageSize < items.length;
	return {
		items: slice,
		page,
		pageSize,
		start: page * pageSize,
		hasNext,
		nextToken: hasNext && slice.length > 0 ? `PA${slice[slice.length - 1].sid}` : null,
	};
}

function link(
	path: string,
	filters: FormParams,
	pageSize: number,
	page: number,
	token?: string | null,
): string {
	const params: FormParams = { ...filters, PageSize: String(pageSize), Page: String(page) };
	if (token) params.PageToken = token;
	return `${path}?${encodeForm(params)}`;
}

/** The 2010-04-01 list envelope: records under `key`, relative `*_page_uri` links. */
export function legacyPage<T extends { sid: string }>(
	key: string,
	items: T[],
	path: string,
	query: FormParams,
	filters: FormParams,
): Record<string, unknown> {
	const w = cutPage(items, query);
	return {
		[key]: w.items,
		end: w.items.length > 0 ? w.start + w.items.length - 1 : w.start,
		first_page_uri: link(path, filters, w.pageSize, 0),
		next_page_uri: w.hasNext ? link(path, filters, w.pageSize, w.page + 1, w.nextToken) : null,
		page: w.page,
		page_size: w.pageSize,
		previous_page_uri: w.page > 0 ? link(path, filters, w.pageSize, w.page - 1) : null,
		start: w.start,
		uri: link(path, filters, w.pageSize, w.page, first(query, 'PageToken')),
	};
}

/**
 * The v1 list envelope (messaging.twilio.com, content.twilio.com): records under `key`, absolute
 * links in `meta` that keep the list's filters.
 */
export function v1Page<T extends { sid: string }>(
	key: string,
	items: T[],
	baseUrl: string,
	path: string,
	query: FormParams,
	filters: FormParams = {},
): Record<string, unknown> {
	const w = cutPage(items, query);
	const url = (page: number, token?: string | null) =>
		baseUrl + link(path, filters, w.pageSize, page, token);
	return {
		[key]: w.items,
		meta: {
			first_page_url: url(0),
			key,
			next_page_url: w.hasNext ? url(w.page + 1, w.nextToken) : null,
			page: w.page,
			page_size: w.pageSize,
			previous_page_url: w.page > 0 ? url(w.page - 1) : null,
			url: url(w.page, first(query, 'PageToken')),
		},
	};
}
