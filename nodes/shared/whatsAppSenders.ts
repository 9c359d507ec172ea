/** Twilio's Senders API on messaging.twilio.com (twilio_messaging_v2.json). */
export const WHATSAPP_SENDERS_PATH = '/v2/Channels/Senders';

/** One sender's path; `sid` must be checked or encoded already: it becomes part of the URL. */
export const whatsAppSenderPath = (sid: string) => `${WHATSAPP_SENDERS_PATH}/${sid}`;
