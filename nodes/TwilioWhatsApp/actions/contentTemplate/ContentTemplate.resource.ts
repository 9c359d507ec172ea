import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteContent from './delete.operation';
import * as get from './get.operation';
import * as getApprovalStatus from './getApprovalStatus.operation';
import * as getMany from './getMany.operation';
import * as submitForApproval from './submitForApproval.operation';

export { create, deleteContent, get, getApprovalStatus, getMany, submitForApproval };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contentTemplate'] } },
		default: 'create',
		options: [
			{
				name: 'Create',
				value: 'create',
				description:
					'Create a text, media, quick reply, call to action, list picker or card template',
				action: 'Create a content template',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a content template',
				action: 'Delete a content template',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a content template with its WhatsApp approval status',
				action: 'Get a content template',
			},
			{
				name: 'Get Approval Status',
				value: 'getApprovalStatus',
				description: 'Get the WhatsApp approval status of a content template',
				action: 'Get the approval status of a content template',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List content templates, filtered by name, language, type and approval',
				action: 'Get many content templates',
			},
			{
				name: 'Submit for WhatsApp Approval',
				value: 'submitForApproval',
				description:
					'Ask WhatsApp to approve a template, so it can start conversations outside the 24-hour window',
				action: 'Request approval of a content template',
			},
		],
	},
	...create.description,
	...get.description,
	...getMany.description,
	...deleteContent.description,
	...submitForApproval.description,
	...getApprovalStatus.description,
];
