import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	ResourceMapperFields,
} from 'n8n-workflow';

import { encodeForm, twilioApiRequest } from '../../shared/transport';
import { FALLBACK_TEMPLATE } from '../actions/message/fallbackTemplate';
import { MESSAGE_TEMPLATE } from '../actions/common.descriptions';
import { literalPattern } from '../actions/contentTemplate/getMany.operation';
import {
	CONTENT_AND_APPROVALS_PATH,
	CONTENT_PATH,
} from '../actions/contentTemplate/contentParameters';
import { declaredVariablesOf } from '../helpers/contentDefinition';
import { approvalFields } from '../helpers/contentOutput';
import { CONTENT_SID } from '../helpers/formFields';

const PAGE_SIZE = 50;

/** What the picker shows of a template: name, language, type and WhatsApp approval. */
export function templateLabel(resource: IDataObject): string {
	const types = Object.keys((resource.types as IDataObject | undefined) ?? {});
	const type = (types.find((t) => t !== 'twilio/text') ?? types[0] ?? '').replace(/^\w+\//, '');
	const status = approvalFields(resource.approval_requests).approvalStatus ?? 'unsubmitted';
	const name = String(resource.friendly_name || resource.sid);
	return `${name} (${resource.language ?? '?'}, ${type}, WhatsApp: ${status.replace('unsubmitted', 'not submitted')})`;
}

/**
 * The Content Template picker's list: Twilio's `/v2/ContentAndApprovals`, searched by name and
 * paged with Twilio's own next-page link as n8n's pagination token.
 */
export async function searchContentTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const search = (filter ?? '').trim();
	const path =
		paginationToken && paginationToken.startsWith(`${CONTENT_AND_APPROVALS_PATH}?`)
			? paginationToken
			: `${CONTENT_AND_APPROVALS_PATH}?${encodeForm({
					PageSize: PAGE_SIZE,
					ContentName: search ? literalPattern(search) : undefined,
				})}`;
	const page = await twilioApiRequest.call(this, { method: 'GET', product: 'content', path });
	const contents = Array.isArray(page.contents) ? (page.contents as IDataObject[]) : [];
	const next = (page.meta as IDataObject | undefined)?.next_page_url;
	return {
		results: contents.map((resource) => ({
			name: templateLabel(resource),
			value: String(resource.sid),
			url: `https://console.twilio.com/us1/develop/sms/content-template-builder/template/${String(resource.sid)}`,
		})),
		paginationToken:
			typeof next === 'string' && next ? new URL(next).pathname + new URL(next).search : undefined,
	};
}

/** The variables of the template picked in `locatorName` as fields, with Twilio's sample values. */
async function variablesOfPickedTemplate(
	ctx: ILoadOptionsFunctions,
	locatorName: string,
): Promise<ResourceMapperFields> {
	const sid = String(
		ctx.getNodeParameter(locatorName, undefined, { extractValue: true }) ?? '',
	).trim();
	if (!CONTENT_SID.test(sid))
		return { fields: [], emptyFieldsNotice: 'Pick a content template first' };
	const resource = await twilioApiRequest.call(ctx, {
		method: 'GET',
		product: 'content',
		path: `${CONTENT_PATH}/${sid}`,
	});
	const samples = (resource.variables as IDataObject | undefined) ?? {};
	return {
		fields: declaredVariablesOf(resource).map((name) => ({
			id: name,
			displayName:
				samples[name] !== undefined ? `{{${name}}} (e.g. ${String(samples[name])})` : `{{${name}}}`,
			required: true,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: 'string',
		})),
		emptyFieldsNotice: 'This template has no variables',
	};
}

/** The message template's variables as fields. */
export async function getTemplateVariables(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	return await variablesOfPickedTemplate(this, MESSAGE_TEMPLATE.locator);
}

/** The fallback template's variables (Send and Wait) as fields. */
export async function getFallbackTemplateVariables(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	return await variablesOfPickedTemplate(this, FALLBACK_TEMPLATE.locator);
}
