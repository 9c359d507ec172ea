import type { INodeProperties } from 'n8n-workflow';

import { twilioApiRequest } from '../../../shared/transport';
import { approvalFields } from '../../helpers/contentOutput';
import { executeForEachItem } from '../../helpers/items';
import { showOnlyFor } from '../common.descriptions';
import { contentSidProperty, readContentRef } from './contentParameters';

/** WhatsApp template names: lowercase letters, digits and underscores, at most 512. */
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;

const properties: INodeProperties[] = [
	contentSidProperty,
	{
		displayName: 'WhatsApp Template Name',
		name: 'templateName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'order_shipped',
		description: 'Lowercase letters, digits and underscores, as WhatsApp requires',
	},
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		default: 'UTILITY',
		options: [
			{
				name: 'Utility',
				value: 'UTILITY',
				description: 'About a transaction or account the user has',
			},
			{ name: 'Marketing', value: 'MARKETING', description: 'Promotions, offers, news' },
			{
				name: 'Authentication',
				value: 'AUTHENTICATION',
				description: 'One-time codes (whatsapp/authentication content)',
			},
		],
	},
];

export const description = showOnlyFor('contentTemplate', 'submitForApproval', properties);

export const execute = executeForEachItem((ctx) => ({
	prepare: (itemIndex, fail) => {
		const { contentSid, path } = readContentRef(ctx, itemIndex, fail);
		const name = String(ctx.getNodeParameter('templateName', itemIndex, '')).trim();
		if (!TEMPLATE_NAME.test(name))
			fail(
				`"WhatsApp Template Name" "${name}" is not a WhatsApp template name`,
				'Use lowercase letters, digits and underscores only, for example order_shipped.',
			);
		return {
			contentSid,
			path,
			// ContentApprovalRequest of twilio_content_v1.json: name and category only.
			json: {
				name,
				category: String(ctx.getNodeParameter('category', itemIndex, 'UTILITY')),
			},
		};
	},
	perform: async ({ contentSid, path, json }, itemIndex) => {
		const approval = await twilioApiRequest.call(ctx, {
			method: 'POST',
			product: 'content',
			path: `${path}/ApprovalRequests/whatsapp`,
			json,
			itemIndex,
		});
		return [{ contentSid, ...approvalFields(approval), raw: approval }];
	},
}));
