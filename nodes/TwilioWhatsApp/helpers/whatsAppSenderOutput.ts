import type { IDataObject } from 'n8n-workflow';

import type { MessageError, MessageParty } from '../../shared/message';
import { messageError, messageParty } from '../../shared/message';
import { numberOrNull, textOrNull } from './messageOutput';

/**
 * A sender of Twilio's Senders API (`messaging.v2.channels_sender_response` of twilio-oai's
 * twilio_messaging_v2.json) as flat fields a workflow can use, plus the resource itself.
 */
export interface WhatsAppSenderOutput extends IDataObject {
	senderSid: string | null;
	/** The sender's address (`sender_id`, `whatsapp:+1…`), read as a message's `from` is. */
	sender: MessageParty;
	/** As Twilio writes it: ONLINE, OFFLINE, CREATING, PENDING_VERIFICATION, VERIFYING … */
	status: string | null;
	friendlyName: string | null;
	/** The business name WhatsApp users see. */
	profileName: string | null;
	wabaId: string | null;
	/** Where Twilio posts the sender's inbound messages, and the fallback when that fails. */
	webhookUrl: string | null;
	webhookMethod: string | null;
	fallbackUrl: string | null;
	fallbackMethod: string | null;
	statusCallbackUrl: string | null;
	statusCallbackMethod: string | null;
	qualityRating: string | null;
	messagingLimit: string | null;
	/** Why the sender is offline: Twilio's error codes with the package's meanings. */
	offlineReasons: MessageError[];
	raw: IDataObject;
}

/** A nested object of the resource; Twilio sends null for an absent one. */
const part = (value: unknown) => (value ?? {}) as IDataObject;

export function whatsAppSenderOutput(resource: IDataObject): WhatsAppSenderOutput {
	const webhook = part(resource.webhook);
	const properties = part(resource.properties);
	const reasons = Array.isArray(resource.offline_reasons) ? resource.offline_reasons : [];
	return {
		senderSid: textOrNull(resource.sid),
		sender: messageParty(textOrNull(resource.sender_id), 'whatsapp'),
		status: textOrNull(resource.status),
		friendlyName: textOrNull(resource.friendly_name),
		profileName: textOrNull(part(resource.profile).name),
		wabaId: textOrNull(part(resource.configuration).waba_id),
		webhookUrl: textOrNull(webhook.callback_url),
		webhookMethod: textOrNull(webhook.callback_method),
		fallbackUrl: textOrNull(webhook.fallback_url),
		fallbackMethod: textOrNull(webhook.fallback_method),
		statusCallbackUrl: textOrNull(webhook.status_callback_url),
		statusCallbackMethod: textOrNull(webhook.status_callback_method),
		qualityRating: textOrNull(properties.quality_rating),
		messagingLimit: textOrNull(properties.messaging_limit),
		offlineReasons: reasons.map((reason) =>
			messageError(numberOrNull(part(reason).code), textOrNull(part(reason).message)),
		),
		raw: resource,
	};
}
