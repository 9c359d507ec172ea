import type { IExecuteFunctions } from 'n8n-workflow';

import type { FormFields, RetryPolicy } from '../../../shared/transport';
import { twilioApiRequest } from '../../../shared/transport';
import { declaredVariablesOf } from '../../helpers/contentDefinition';
import type { Fail } from '../../helpers/items';
import type { TemplateLabels } from '../../helpers/formFields';
import { checkTemplateVariables, CONTENT_SID } from '../../helpers/formFields';
import { CONTENT_PATH } from '../contentTemplate/contentParameters';

/** The variables each picked template declares as Twilio has it now, or why reading it failed. */
export type DeclaredVariables = Map<string, string[] | Error>;

/**
 * Reads each distinct template once, before anything is sent: variables are checked against the
 * template as it is when the node runs, not as the editor loaded it, and a deleted template sends
 * nothing.
 */
export async function readDeclaredVariables(
	ctx: IExecuteFunctions,
	sids: string[],
	retry: RetryPolicy,
): Promise<DeclaredVariables> {
	const declared: DeclaredVariables = new Map();
	for (const sid of new Set(sids.map((value) => value.trim()))) {
		// A malformed SID is named by the item's own check.
		if (!CONTENT_SID.test(sid)) continue;
		try {
			const resource = await twilioApiRequest.call(ctx, {
				method: 'GET',
				product: 'content',
				path: `${CONTENT_PATH}/${sid}`,
				retry,
			});
			declared.set(sid, declaredVariablesOf(resource));
		} catch (error) {
			declared.set(sid, error as Error);
		}
	}
	return declared;
}

/**
 * Checks a template message's variables against the template as read before (a no-op for templates
 * not read: version 1); throws, for the item that picked it, what reading the template failed with.
 */
export function checkAgainstTemplate(
	form: FormFields,
	declared: DeclaredVariables,
	fail: Fail,
	labels?: TemplateLabels,
): void {
	const sid = form.ContentSid;
	if (typeof sid !== 'string') return;
	const entry = declared.get(sid);
	if (entry === undefined) return;
	if (entry instanceof Error) throw entry;
	const given =
		typeof form.ContentVariables === 'string'
			? (JSON.parse(form.ContentVariables) as Record<string, unknown>)
			: {};
	checkTemplateVariables(given, entry, fail, labels?.variables);
}

/** The templates the items pick (version 2); an item whose parameters fail is left to its check. */
export function pickedTemplateSids(ctx: IExecuteFunctions, itemCount: number): string[] {
	if (ctx.getNode().typeVersion < 2) return [];
	const sids: string[] = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			if (ctx.getNodeParameter('content', itemIndex, 'text') !== 'template') continue;
			sids.push(
				String(ctx.getNodeParameter('contentSid', itemIndex, '', { extractValue: true }) ?? ''),
			);
		} catch {
			continue;
		}
	}
	return sids;
}
