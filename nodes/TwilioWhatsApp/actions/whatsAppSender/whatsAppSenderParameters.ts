import type { INodeProperties } from 'n8n-workflow';

import { whatsAppSenderPath } from '../../../shared/whatsAppSenders';
import type { Fail } from '../../helpers/items';

const SENDER_SID = /^XE[0-9a-fA-F]{32}$/;

export const senderSidProperty: INodeProperties = {
	displayName: 'WhatsApp Sender SID',
	name: 'senderSid',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'XExxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
	description: 'The senderSid of the sender, as Get Many outputs it',
	hint: 'In the Twilio Console: Messaging → Senders → WhatsApp senders',
};

/** The path of one sender; the SID is checked first since it becomes part of the URL. */
export function senderPath(value: unknown, fail: Fail): string {
	const sid = String(value ?? '').trim();
	if (SENDER_SID.test(sid)) return whatsAppSenderPath(sid);
	return fail(
		`"WhatsApp Sender SID" "${sid}" is not a sender SID`,
		'Sender SIDs start with XE followed by 32 hexadecimal characters.',
	);
}
