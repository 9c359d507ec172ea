import type {
	FormParams,
	InboundMessage,
	MessagingServiceResource,
	PhoneNumberResource,
	WhatsAppSenderResource,
} from '../types';
import { newSid } from '../format';
import { parseAddress } from '../resources/messageRules';
import { countSegments } from '../segments';

/**
 * Parameters of Twilio's inbound message webhook
 * (https://www.twilio.com/docs/messaging/guides/webhook-request, seed document 000): the standard
 * ones, MediaUrl{N}/MediaContentType{N}, geographic fields for SMS, ProfileName and WaId for
 * WhatsApp, then any extra ones the test gives.
 */
export function inboundParams(
	message: InboundMessage,
	accountSid: string,
	service: MessagingServiceResource | undefined,
): FormParams {
	const media = message.media ?? [];
	const sid = newSid(media.length > 0 ? 'MM' : 'SM');
	const body = message.body ?? '';
	const params: FormParams = {
		MessageSid: sid,
		SmsSid: sid,
		SmsMessageSid: sid,
		AccountSid: accountSid,
		From: message.from,
		To: message.to,
		Body: body,
		NumMedia: String(media.length),
		NumSegments: String(countSegments(body)),
		SmsStatus: 'received',
		ApiVersion: '2010-04-01',
	};
	if (service) params.MessagingServiceSid = service.sid;
	media.forEach((item, index) => {
		params[`MediaContentType${index}`] = item.contentType;
		// A file the mock keeps gets its URL from the caller, which knows the mock's base URL.
		params[`MediaUrl${index}`] = 'url' in item ? item.url : '';
	});
	const from = parseAddress(message.from);
	if (from.channel === 'whatsapp') {
		params.ProfileName = message.profileName ?? 'Mock User';
		params.WaId = from.number.replace(/^\+/, '');
	} else {
		const to = parseAddress(message.to);
		const country = (number: string) => (number.startsWith('+1') ? 'US' : '');
		Object.assign(params, {
			FromCity: '',
			FromState: '',
			FromZip: '',
			FromCountry: country(from.number),
			ToCity: '',
			ToState: '',
			ToZip: '',
			ToCountry: country(to.number),
		});
	}
	return { ...params, ...message.extra };
}

/**
 * Where Twilio sends an inbound message: the WhatsApp sender's callback URL when the Senders API
 * set one, else the Messaging Service's inbound URL when the number is in a service that does not
 * defer to the number, otherwise the number's SmsUrl.
 */
export function inboundTarget(
	pn: PhoneNumberResource,
	service: MessagingServiceResource | undefined,
	sender?: WhatsAppSenderResource,
): { url: string; method: 'GET' | 'POST' } | undefined {
	// The Senders API allows POST or PUT; the mock delivers both as POST.
	if (sender?.webhook.callback_url) return { url: sender.webhook.callback_url, method: 'POST' };
	if (service && !service.use_inbound_webhook_on_number) {
		if (!service.inbound_request_url) return undefined;
		return {
			url: service.inbound_request_url,
			method: service.inbound_method === 'GET' ? 'GET' : 'POST',
		};
	}
	if (!pn.sms_url) return undefined;
	return { url: pn.sms_url, method: pn.sms_method === 'GET' ? 'GET' : 'POST' };
}
