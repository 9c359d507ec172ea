import type { Router } from '../http/router';
import type { ResourceContext } from './context';
import { errors } from '../errors';
import { first } from '../http/form';

// Real Twilio serves this on https://messaging.twilio.com; the mock serves it from its own base
// URL.
const TYPING_PATH = '/v2/Indicators/Typing.json';
const MESSAGE_ID = /^(SM|MM)[0-9a-fA-F]{32}$/;

/**
 * `POST /v2/Indicators/Typing.json` (twilio-oai spec/json/twilio_messaging_v2.json,
 * CreateTypingIndicator): form `channel=whatsapp` and `messageId` = an inbound WhatsApp message's
 * SID → 200 `{"success": true}`. The definition documents no error answers; the mock answers what
 * Twilio was seen answering (errors.ts).
 */
export function registerTypingIndicators(router: Router, ctx: ResourceContext): void {
	const { state } = ctx;
	router.add('POST', TYPING_PATH, ({ principal, form }) => {
		const channel = first(form, 'channel');
		const messageId = first(form, 'messageId') ?? '';
		if (channel !== 'whatsapp') throw errors.typingChannelInvalid(channel);
		if (!MESSAGE_ID.test(messageId)) throw errors.typingMessageIdInvalid(messageId);
		const outbound = state.messages.some(
			(message) => message.sid === messageId && message.accountSid === principal.accountSid,
		);
		if (outbound) throw errors.typingMessageIdInvalid(messageId);
		const inbound = state.inboundMessages.get(messageId);
		if (!inbound || inbound.accountSid !== principal.accountSid || inbound.channel !== 'whatsapp')
			throw errors.typingNoInboundMessage();
		state.typingIndicators.push({ at: new Date(), accountSid: principal.accountSid, messageId });
		return { status: 200, body: { success: true } };
	});
}
