/**
 * Meanings of the Twilio error codes that messaging workflows meet most, with what to do about
 * them. Source: https://www.twilio.com/docs/api/errors (each code's page).
 */
export interface TwilioErrorCodeInfo {
	meaning: string;
	hint?: string;
}

const TWILIO_ERROR_CODES: Record<number, TwilioErrorCodeInfo> = {
	20003: {
		meaning: 'Authentication failed',
		hint: 'Check the Account SID and Auth Token (or API Key) in the Twilio credential.',
	},
	20404: { meaning: 'The requested resource was not found' },
	20429: {
		meaning: 'Too many requests',
		hint: "Lower the node's concurrency or add pacing between messages.",
	},
	20500: { meaning: 'Twilio internal server error' },
	20503: { meaning: 'Twilio service unavailable' },
	21211: {
		meaning: "Invalid 'To' phone number",
		hint: 'Use E.164 format: + then country code and number, for example +14155550123.',
	},
	21212: {
		meaning: "Invalid 'From' phone number",
		hint: 'Use a Twilio number or sender of this account, in E.164 format (whatsapp:+14155238886 for WhatsApp).',
	},
	21408: {
		meaning: 'Permission to send to this region is not enabled',
		hint: 'Enable the destination country under Messaging → Settings → Geo permissions in the Twilio Console.',
	},
	21602: {
		meaning: 'Message body is required',
		hint: 'Give a Body, at least one Media URL, or a Content Template.',
	},
	21603: { meaning: "'From' phone number is required" },
	21604: { meaning: "'To' phone number is required" },
	21606: {
		meaning:
			"The 'From' phone number is not a valid, message-capable Twilio number for this account",
	},
	21608: {
		meaning: 'Trial accounts can only send to verified numbers',
		hint: 'Verify the recipient in the Twilio Console or upgrade the account.',
	},
	21610: {
		meaning: 'The recipient has unsubscribed (replied STOP)',
		hint: 'Do not message this number again unless they reply START.',
	},
	21611: {
		meaning: "This 'From' number has too many queued messages",
		hint: 'Slow down: lower concurrency or add pacing.',
	},
	21612: { meaning: "The 'To' number cannot be reached from this 'From' number" },
	21614: {
		meaning: "The 'To' number is not a valid mobile number",
		hint: 'SMS cannot be sent to landlines.',
	},
	21617: { meaning: 'The message body exceeds the 1,600 character limit' },
	21620: { meaning: 'Invalid media URL' },
	21655: {
		meaning: 'The Content Template SID is not a template of this account (unknown or deleted)',
		hint: 'Pick the Content Template again: it may have been deleted, or belong to another account.',
	},
	21656: {
		meaning: 'The Content Variables are not valid',
		hint: 'Give a JSON object of text values, one per variable of the template, for example {"1": "Anna"}.',
	},
	21910: {
		meaning: "Invalid 'From' and 'To' pair: both must use the same channel",
		hint: 'For WhatsApp, prefix both numbers with whatsapp:.',
	},
	30001: { meaning: 'Queue overflow: too many messages queued for this sender' },
	30002: { meaning: 'Account suspended' },
	30003: { meaning: 'Unreachable destination handset (switched off or out of coverage)' },
	30004: { meaning: 'Message blocked by the recipient or their carrier' },
	30005: { meaning: 'Unknown destination handset (the number does not exist)' },
	30006: { meaning: 'Landline or unreachable carrier' },
	30007: { meaning: 'Message filtered by the carrier as spam' },
	30008: { meaning: 'Unknown error from the carrier' },
	30034: {
		meaning: 'Message from an unregistered US A2P 10DLC number',
		hint: 'Register the number with an A2P 10DLC campaign.',
	},
	63003: { meaning: 'The WhatsApp channel could not find the destination' },
	63007: {
		meaning: 'Twilio could not find a WhatsApp sender for the From address',
		hint: 'Use an approved WhatsApp sender, or the sandbox number whatsapp:+14155238886 for tests.',
	},
	63016: {
		meaning:
			'Outside the WhatsApp 24-hour window: the customer has not written in the last 24 hours, so WhatsApp delivers only an approved template to them',
		hint: 'Send a Content Template that WhatsApp approved (Content Template → Get Approval Status says approved; an unapproved template counts as free-form), or use Send and Wait with "Fallback Template When Outside the 24-Hour Window". Free-form messages work again once the customer writes.',
	},
	63027: {
		meaning: 'WhatsApp has no approved template for this content in its language and locale',
		hint: 'Check the approval with Content Template → Get Approval Status; only an approved template can start a conversation.',
	},
	63028: {
		meaning: 'The number of template variables does not match the template WhatsApp approved',
		hint: 'Fill in every variable of the template, and no others.',
	},
	63018: { meaning: 'WhatsApp rate limit for this sender exceeded' },
	63024: { meaning: 'Invalid message recipient for WhatsApp' },
	63032: {
		meaning:
			'The user cannot receive this message because of WhatsApp restrictions (for example an ecosystem limit)',
	},
	// Codes status callbacks commonly carry (appended for the trigger's errorMessage).
	30009: { meaning: 'Missing segment: part of a multi-part message never arrived' },
	30010: { meaning: 'Message price exceeds the MaxPrice set for it' },
	30032: {
		meaning: 'Toll-free number has not been verified',
		hint: 'Complete toll-free verification for this number in the Twilio Console.',
	},
	63015: {
		meaning: 'The WhatsApp Sandbox can only message numbers that have joined it',
		hint: "Have the recipient send the sandbox's join code first.",
	},
	63049: { meaning: 'Meta chose not to deliver this WhatsApp marketing message' },
};

export function twilioErrorCodeInfo(code: number | undefined): TwilioErrorCodeInfo | undefined {
	return code === undefined ? undefined : TWILIO_ERROR_CODES[code];
}

export function twilioErrorDocsUrl(code: number): string {
	return `https://www.twilio.com/docs/errors/${code}`;
}
