import type { ApprovalStatus, FormParams, MockContent, WhatsAppApproval } from '../types';
import type { Router } from '../http/router';
import type { ResourceContext } from './context';
import { errors } from '../errors';
import { all, first, UNREADABLE_JSON } from '../http/form';
import { iso8601, newSid } from '../format';
import { v1Page } from '../paging';

/*
 * Twilio's Content API (https://content.twilio.com), served from the mock's own base URL. Paths,
 * bodies and list envelopes follow twilio/twilio-oai: spec/json/twilio_content_v1.json (Content
 * create / fetch / delete / list, ContentAndApprovals, LegacyContent, ApprovalRequests and
 * ApprovalRequests/whatsapp) and spec/json/twilio_content_v2.json (Content and ContentAndApprovals
 * lists with filters).
 */

const CONTENT_HOST = 'https://content.twilio.com';
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;

/**
 * The `types` the API definition lists, with the fields its schemas require (`required` of each).
 */
const REQUIRED_FIELDS: Record<string, string[]> = {
	'twilio/text': ['body'],
	'twilio/media': ['media'],
	'twilio/location': ['latitude', 'longitude'],
	'twilio/list-picker': ['body', 'button', 'items'],
	'twilio/call-to-action': ['body', 'actions'],
	'twilio/quick-reply': ['body', 'actions'],
	'twilio/card': ['title'],
	'twilio/catalog': [],
	'twilio/carousel': [],
	'twilio/flows': [],
	'twilio/schedule': [],
	'whatsapp/card': [],
	'whatsapp/authentication': [],
	'whatsapp/flows': [],
};

/** Counts the Content API docs allow (docs/content/twilio-quick-reply, twiliolist-picker). */
const ARRAY_LIMITS: Record<string, [string, number]> = {
	'twilio/quick-reply': ['actions', 10],
	'twilio/list-picker': ['items', 10],
};

/**
 * The fields every list-picker item needs and their lengths, from Twilio's list-picker page
 * (docs/content/twiliolist-picker): item ≤ 24, id ≤ 200 and description ≤ 72 characters, all three
 * required. The API definition's listItem requires only id and item; Twilio's page is followed.
 */
const LIST_ITEM_FIELDS: Array<[string, number]> = [
	['item', 24],
	['id', 200],
	['description', 72],
];

/** WhatsApp template categories the approval request accepts. */
const CATEGORIES = ['UTILITY', 'MARKETING', 'AUTHENTICATION'];
/** Docs: list pickers are session-only and cannot be submitted for WhatsApp approval. */
const NOT_SUBMITTABLE = ['twilio/list-picker'];

const UNSUBMITTED: WhatsAppApproval = {
	name: '',
	category: '',
	content_type: '',
	status: 'unsubmitted',
	rejection_reason: '',
	allow_category_change: true,
};

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonBody(json: unknown): Record<string, unknown> {
	if (json === UNREADABLE_JSON || !isObject(json))
		throw errors.invalidParameter('The request body must be a JSON object');
	return json;
}

/**
 * Validates a create body as ContentCreateRequest requires it (`language` and `types` required).
 */
function checkCreate(body: Record<string, unknown>): void {
	if (typeof body.language !== 'string' || body.language === '')
		throw errors.invalidParameter('Missing required parameter language in the post body');
	if (!isObject(body.types) || Object.keys(body.types).length === 0)
		throw errors.invalidParameter('Missing required parameter types in the post body');
	if (body.friendly_name !== undefined && typeof body.friendly_name !== 'string')
		throw errors.invalidParameter('friendly_name must be a string');
	if (body.variables !== undefined) {
		if (
			!isObject(body.variables) ||
			Object.values(body.variables).some((v) => typeof v !== 'string')
		)
			throw errors.invalidParameter('variables must be an object of strings');
	}
	for (const [type, value] of Object.entries(body.types)) {
		const required = REQUIRED_FIELDS[type];
		if (!required) throw errors.invalidParameter(`Unknown content type ${type}`);
		if (!isObject(value)) throw errors.invalidParameter(`${type} must be an object`);
		for (const field of required) {
			if (value[field] === undefined || value[field] === '')
				throw errors.invalidParameter(`Missing required field ${field} in ${type}`);
		}
		const limit = ARRAY_LIMITS[type];
		if (limit) {
			const list = value[limit[0]];
			if (!Array.isArray(list) || list.length < 1 || list.length > limit[1])
				throw errors.invalidParameter(
					`${type} ${limit[0]} must have between 1 and ${limit[1]} entries`,
				);
		}
		if (type === 'twilio/list-picker') checkListItems(value.items as unknown[]);
	}
}

function checkListItems(items: unknown[]): void {
	items.forEach((entry, index) => {
		if (!isObject(entry)) throw errors.invalidParameter(`items[${index}] must be an object`);
		for (const [field, max] of LIST_ITEM_FIELDS) {
			const text = entry[field];
			if (typeof text !== 'string' || text === '')
				throw errors.invalidParameter(
					`Missing required field ${field} in twilio/list-picker items[${index}]`,
				);
			if ([...text].length > max)
				throw errors.invalidParameter(
					`twilio/list-picker items[${index}].${field} must be at most ${max} characters`,
				);
		}
	});
}

/**
 * The type WhatsApp reviews: the richest one the resource has (text only when it has nothing else).
 */
function mainType(types: Record<string, unknown>): string {
	return Object.keys(types).find((type) => type !== 'twilio/text') ?? 'twilio/text';
}

function contentBody(content: MockContent) {
	return content.resource;
}

/** `content.v1.content_and_approvals`: the content without url/links, with `approval_requests`. */
function withApprovals(content: MockContent) {
	const { url: _url, links: _links, ...rest } = content.resource;
	return { ...rest, approval_requests: { ...(content.approval ?? UNSUBMITTED) } };
}

/** The v2 list filters (`ListContentAndApprovals` parameters of twilio_content_v2.json). */
function applyFilters(items: MockContent[], query: FormParams): MockContent[] {
	const name = first(query, 'ContentName');
	const text = first(query, 'Content');
	const languages = all(query, 'Language');
	const types = all(query, 'ContentType');
	const eligibility = all(query, 'ChannelEligibility');
	const after = first(query, 'DateCreatedAfter');
	const before = first(query, 'DateCreatedBefore');
	let result = items.filter((item) => {
		const r = item.resource;
		if (name && !new RegExp(name, 'i').test(r.friendly_name)) return false;
		if (text && !new RegExp(text, 'i').test(JSON.stringify(r.types))) return false;
		if (languages.length > 0 && !languages.includes(r.language)) return false;
		if (types.length > 0 && !Object.keys(r.types).some((type) => types.includes(type)))
			return false;
		if (eligibility.length > 0) {
			const status = `whatsapp:${(item.approval ?? UNSUBMITTED).status}`;
			if (!eligibility.includes(status)) return false;
		}
		if (after && r.date_created < iso8601(new Date(after))) return false;
		if (before && r.date_created > iso8601(new Date(before))) return false;
		return true;
	});
	const byDate = first(query, 'SortByDate');
	const byName = first(query, 'SortByContentName');
	if (byName) {
		const sign = /^desc/i.test(byName) ? -1 : 1;
		result = [...result].sort(
			(a, b) => sign * a.resource.friendly_name.localeCompare(b.resource.friendly_name),
		);
	} else if (byDate) {
		const sign = /^desc/i.test(byDate) ? -1 : 1;
		result = [...result].sort(
			(a, b) => sign * a.resource.date_updated.localeCompare(b.resource.date_updated),
		);
	}
	return result;
}

const FILTER_KEYS = [
	'ContentName',
	'Content',
	'Language',
	'ContentType',
	'ChannelEligibility',
	'DateCreatedAfter',
	'DateCreatedBefore',
	'SortByDate',
	'SortByContentName',
];

function filtersOf(query: FormParams): FormParams {
	const filters: FormParams = {};
	for (const key of FILTER_KEYS) if (query[key] !== undefined) filters[key] = query[key];
	return filters;
}

/**
 * A new Content resource as the create call answers it (the `create` example of
 * twilio_content_v1.json).
 */
export function buildContent(
	accountSid: string,
	body: Record<string, unknown>,
	now: Date,
): MockContent {
	const sid = newSid('HX');
	const url = `${CONTENT_HOST}/v1/Content/${sid}`;
	return {
		resource: {
			account_sid: accountSid,
			date_created: iso8601(now),
			date_updated: iso8601(now),
			friendly_name: typeof body.friendly_name === 'string' ? body.friendly_name : '',
			language: body.language as string,
			links: {
				approval_create: `${url}/ApprovalRequests/whatsapp`,
				approval_fetch: `${url}/ApprovalRequests`,
			},
			sid,
			types: body.types as Record<string, unknown>,
			url,
			variables: (body.variables as Record<string, string> | undefined) ?? {},
		},
		approval: null,
		deleted: false,
		requests: [body],
	};
}

export function registerContent(router: Router, ctx: ResourceContext): void {
	const { state } = ctx;
	const find = (accountSid: string, sid: string, path: string): MockContent => {
		const content = CONTENT_SID.test(sid) ? state.content(accountSid, sid) : undefined;
		if (!content) throw errors.notFound(path);
		return content;
	};
	const live = (accountSid: string) =>
		state.contents.filter((item) => item.resource.account_sid === accountSid && !item.deleted);

	router.add('POST', '/v1/Content', ({ principal, json }) => {
		const body = jsonBody(json);
		checkCreate(body);
		const content = buildContent(principal.accountSid, body, new Date());
		state.contents.push(content);
		return { status: 201, body: contentBody(content) };
	});
	router.add('GET', '/v1/Content', ({ principal, path, query }) => ({
		status: 200,
		body: v1Page(
			'contents',
			live(principal.accountSid).map(contentBody),
			ctx.publicUrl(),
			path,
			query,
		),
	}));
	router.add('GET', '/v1/ContentAndApprovals', ({ principal, path, query }) => ({
		status: 200,
		body: v1Page(
			'contents',
			live(principal.accountSid).map(withApprovals),
			ctx.publicUrl(),
			path,
			query,
		),
	}));
	router.add('GET', '/v1/LegacyContent', ({ path, query }) => ({
		// The mock holds no templates from before the Content API.
		status: 200,
		body: v1Page('contents', [], ctx.publicUrl(), path, query),
	}));
	for (const [path, shape] of [
		['/v2/Content', contentBody],
		['/v2/ContentAndApprovals', withApprovals],
	] as const) {
		router.add('GET', path, ({ principal, query }) => ({
			status: 200,
			body: v1Page(
				'contents',
				applyFilters(live(principal.accountSid), query).map((item) => shape(item)),
				ctx.publicUrl(),
				path,
				query,
				filtersOf(query),
			),
		}));
	}
	router.add('GET', '/v1/Content/:Sid', ({ principal, params, path }) => ({
		status: 200,
		body: contentBody(find(principal.accountSid, params.Sid, path)),
	}));
	router.add('DELETE', '/v1/Content/:Sid', ({ principal, params, path }) => {
		find(principal.accountSid, params.Sid, path).deleted = true;
		return { status: 204 };
	});
	router.add('GET', '/v1/Content/:Sid/ApprovalRequests', ({ principal, params, path }) => {
		const content = find(principal.accountSid, params.Sid, path);
		return {
			status: 200,
			body: {
				sid: content.resource.sid,
				account_sid: content.resource.account_sid,
				whatsapp: { type: 'whatsapp', ...(content.approval ?? UNSUBMITTED) },
				url: content.resource.links.approval_fetch,
			},
		};
	});
	router.add(
		'POST',
		'/v1/Content/:Sid/ApprovalRequests/whatsapp',
		({ principal, params, path, json }) => {
			const content = find(principal.accountSid, params.Sid, path);
			const body = jsonBody(json);
			content.requests.push(body);
			const name = body.name;
			const category = body.category;
			if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name))
				throw errors.invalidParameter(
					'name must be lowercase letters, numbers and underscores (at most 512)',
				);
			if (typeof category !== 'string' || !CATEGORIES.includes(category))
				throw errors.invalidParameter(`category must be one of ${CATEGORIES.join(', ')}`);
			const contentType = mainType(content.resource.types);
			if (NOT_SUBMITTABLE.includes(contentType))
				throw errors.invalidParameter(`${contentType} cannot be submitted for WhatsApp approval`);
			const current = content.approval?.status;
			if (current && current !== 'rejected')
				throw errors.invalidParameter(`The content is already submitted (status ${current})`);
			content.approval = {
				name,
				category,
				content_type: contentType,
				status: 'received',
				rejection_reason: '',
				allow_category_change: body.allow_category_change !== false,
			};
			return { status: 201, body: { ...content.approval } };
		},
	);
}

/** What Meta decides, driven by tests: moves a submitted content's approval to `status`. */
export function decideApproval(
	content: MockContent,
	status: ApprovalStatus,
	rejectionReason = '',
): void {
	if (!content.approval) throw new Error(`${content.resource.sid} was never submitted`);
	content.approval = {
		...content.approval,
		status,
		rejection_reason: status === 'rejected' ? rejectionReason : '',
	};
	content.resource.date_updated = iso8601(new Date());
}
