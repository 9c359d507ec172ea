import type { IDataObject } from 'n8n-workflow';

import type { SendRequest } from './contract';

export interface Acceptance {
	messageId: string;
	/** ms since the epoch */
	receivedAt: number;
	/** Earliest time (ms) to send this message, so accepted messages keep the pacing gap. */
	notBefore: number;
	/** What the file check saw, when the file was downloaded. */
	downloaded?: { contentType: string | null; size: number };
}

/** Pure: the item an accepted request becomes. */
export function buildItem(request: SendRequest, acceptance: Acceptance): IDataObject {
	return {
		action: request.action,
		text: request.text,
		file: request.file && { ...request.file, ...acceptance.downloaded },
		recipient: { ...request.recipient },
		whatsappAccountPhone: request.whatsappAccountPhone,
		whatsappAccountPhoneIgnored: request.whatsappAccountPhoneIgnored,
		quotaUnits: request.quotaUnits,
		messageId: acceptance.messageId,
		receivedAt: new Date(acceptance.receivedAt).toISOString(),
		notBefore: new Date(acceptance.notBefore).toISOString(),
		waitMs: Math.max(0, acceptance.notBefore - acceptance.receivedAt),
		body: request.body as IDataObject,
	};
}
