import type { IDataObject } from 'n8n-workflow';

import { isoDate, textOrNull } from './messageOutput';

/**
 * A Content resource as flat fields a workflow can use, plus the resource itself. Reads
 * `content.v1.content`, `content.v1.content_and_approvals` (approval under `approval_requests`) and
 * `content.v1.content.approval_fetch` (under `whatsapp`) of twilio-oai's twilio_content_v1.json.
 */
export interface ContentOutput extends IDataObject {
	contentSid: string | null;
	friendlyName: string | null;
	language: string | null;
	contentTypes: string[];
	variables: IDataObject;
	/** WhatsApp approval: unsubmitted, received, pending, approved, rejected, paused or disabled. */
	approvalStatus: string | null;
	approvalName: string | null;
	approvalCategory: string | null;
	rejectionReason: string | null;
	accountSid: string | null;
	dateCreated: string | null;
	dateUpdated: string | null;
	raw: IDataObject;
}

function objectOrEmpty(value: unknown): IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as IDataObject)
		: {};
}

/**
 * The WhatsApp approval as flat fields; `approval` is the API's approval object, when there is one.
 */
export function approvalFields(approval: unknown) {
	const fields = objectOrEmpty(approval);
	return {
		approvalStatus: textOrNull(fields.status),
		approvalName: textOrNull(fields.name),
		approvalCategory: textOrNull(fields.category),
		rejectionReason: textOrNull(fields.rejection_reason),
	};
}

export function contentOutput(resource: IDataObject, approval?: unknown): ContentOutput {
	return {
		contentSid: textOrNull(resource.sid),
		friendlyName: textOrNull(resource.friendly_name),
		language: textOrNull(resource.language),
		contentTypes: Object.keys(objectOrEmpty(resource.types)),
		variables: objectOrEmpty(resource.variables),
		...approvalFields(approval ?? resource.approval_requests),
		accountSid: textOrNull(resource.account_sid),
		dateCreated: isoDate(resource.date_created),
		dateUpdated: isoDate(resource.date_updated),
		raw: resource,
	};
}
