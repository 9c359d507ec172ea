import type { INodeProperties } from 'n8n-workflow';

/**
 * The trigger's parameters. All of them hold plain values (no resource locators): n8n resolves the
 * webhook description natively only while the node's parameters are static (see webhooks.ts).
 */

const whereToPaste =
	'Paste this node\'s <b>Production URL</b> (see Webhook URLs above) into Twilio: <b>Phone Numbers → Manage → Active numbers</b> → a number → <b>Messaging Configuration</b> → "A message comes in"; or <b>Messaging → Services</b> → a service → <b>Integration</b> ("Send a webhook", and "Delivery Status Callback" for status updates); or <b>Messaging → Senders → WhatsApp senders</b> → a sender → webhook URL; or use it as the <code>StatusCallback</code> of the messages you send. Twilio may call it by POST or GET.';

export const TRIGGER_PROPERTIES: INodeProperties[] = [
	{
		displayName: whereToPaste,
		name: 'setupNotice',
		type: 'notice',
		default: '',
		displayOptions: { hide: { autoConfigure: [true] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'options',
		default: 'all',
		options: [
			{
				name: 'Inbound Messages and Status Updates',
				value: 'all',
				description: 'Every request Twilio sends to this URL',
			},
			{
				name: 'Inbound Messages',
				value: 'messages',
				description: 'Messages people send to your number or WhatsApp sender',
			},
			{
				name: 'Status Updates',
				value: 'statuses',
				description:
					'Delivery status callbacks of messages you sent (sent, delivered, read, failed, …)',
			},
		],
		description:
			'Requests for other events are answered with an empty TwiML response and start no execution',
	},
	{
		displayName: 'Respond',
		name: 'respond',
		type: 'options',
		default: 'emptyTwiml',
		options: [
			{
				name: 'Immediately, Without a Reply',
				value: 'emptyTwiml',
				description:
					'Answers with empty TwiML (&lt;Response/&gt;): the message is received, nothing is sent back',
			},
			{
				name: 'Immediately, With a Reply Message',
				value: 'message',
				description: 'Answers inbound messages with a fixed reply to the sender',
			},
			{
				name: 'With TwiML From the Last Node',
				value: 'lastNode',
				description:
					'Waits for the workflow and answers with the "twiml" field of the first item of the last node',
			},
			{
				name: "Using 'Respond to Webhook' Node",
				value: 'responseNode',
				description: 'Waits until a Respond to Webhook node in the workflow answers',
			},
		],
		description: 'How Twilio gets its answer',
	},
	{
		displayName: 'Reply Message',
		name: 'replyMessage',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'Thanks, we got your message and will answer shortly.',
		description:
			'Sent back to whoever sent the inbound message; status updates are answered with empty TwiML. In an expression, the request Twilio sent is the current item (body, query, headers); expressions cost an evaluation per request.',
		displayOptions: { show: { respond: ['message'] } },
	},
	{
		displayName: 'Reply Media URL',
		name: 'replyMediaUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/images/welcome.jpg',
		description: 'Optional public URL of an image or file to send with the reply',
		displayOptions: { show: { respond: ['message'] } },
	},
	{
		displayName:
			'Twilio waits at most 15 seconds for the answer, then gives up (error 11200) and does not wait for the workflow again. The "twiml" field must hold TwiML text, for example <code>&lt;Response&gt;&lt;Message&gt;Hi&lt;/Message&gt;&lt;/Response&gt;</code>; without it Twilio gets an empty answer.',
		name: 'lastNodeNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { respond: ['lastNode'] } },
	},
	{
		displayName:
			'Twilio waits at most 15 seconds for the answer, then gives up (error 11200). Have the Respond to Webhook node answer with text such as <code>&lt;Response&gt;&lt;Message&gt;Hi&lt;/Message&gt;&lt;/Response&gt;</code> and the header Content-Type: text/xml. Note: Respond to Webhook 1.1 and later stop with "No Webhook node found in the workflow" after any trigger other than n8n\'s own Webhook, Form and Chat triggers; use "With TwiML From the Last Node" instead, or a Respond to Webhook node of version 1.',
		name: 'responseNodeNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { respond: ['responseNode'] } },
	},
	{
		displayName: 'Verify Twilio Signature',
		name: 'verifySignature',
		type: 'boolean',
		default: true,
		description:
			"Whether to accept only requests signed by Twilio with the credential's Auth Token (X-Twilio-Signature); others get HTTP 403 and start no execution. Turning it off also hides the credential and automatic configuration.",
	},
	{
		displayName: 'Require Basic Auth',
		name: 'requireBasicAuth',
		type: 'boolean',
		default: false,
		description:
			'Whether callers must also send a user and password (HTTP Basic auth). In Twilio, put them in the URL: https://user:password@your-n8n-host/webhook/…; requests without them get HTTP 401.',
	},
	{
		displayName: 'Configure Twilio Automatically',
		name: 'autoConfigure',
		type: 'boolean',
		default: false,
		description:
			'Whether to point a phone number, Messaging Service or WhatsApp sender at this trigger when the workflow is activated, and restore its previous settings when it is deactivated',
		displayOptions: { show: { verifySignature: [true] } },
	},
	{
		displayName: 'Configure',
		name: 'configureTarget',
		type: 'options',
		default: 'phoneNumber',
		options: [
			{
				name: 'Phone Number',
				value: 'phoneNumber',
				description: 'Its "A message comes in" webhook',
			},
			{
				name: 'Messaging Service',
				value: 'messagingService',
				description:
					'Its inbound webhook for all numbers of the service, and optionally its delivery status callback',
			},
			{
				name: 'WhatsApp Sender',
				value: 'whatsAppSender',
				description:
					'A sender of Messaging → Senders → WhatsApp senders: its webhook URL, and optionally its status callback URL',
			},
		],
		displayOptions: { show: { verifySignature: [true], autoConfigure: [true] } },
	},
	{
		displayName: 'Phone Number Name or ID',
		name: 'phoneNumberSid',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getPhoneNumbers' },
		default: '',
		required: true,
		description:
			'Its inbound message URL is set to this trigger. If the number belongs to a Messaging Service that handles inbound messages itself, configure the service instead. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: {
			show: { verifySignature: [true], autoConfigure: [true], configureTarget: ['phoneNumber'] },
		},
	},
	{
		displayName: 'Messaging Service Name or ID',
		name: 'messagingServiceSid',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getMessagingServices' },
		default: '',
		required: true,
		description:
			'Its inbound request URL is set to this trigger, and it stops deferring to each number\'s own webhook. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: {
			show: {
				verifySignature: [true],
				autoConfigure: [true],
				configureTarget: ['messagingService'],
			},
		},
	},
	{
		displayName: 'WhatsApp Sender Name or ID',
		name: 'whatsAppSenderSid',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getWhatsAppSenders' },
		default: '',
		required: true,
		description:
			'A WhatsApp sender registered through Twilio\'s Senders API: its webhook URL is set to this trigger. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: {
			show: {
				verifySignature: [true],
				autoConfigure: [true],
				configureTarget: ['whatsAppSender'],
			},
		},
	},
	{
		displayName: 'Also Receive Status Updates',
		name: 'configureStatusCallback',
		type: 'boolean',
		default: true,
		description:
			"Whether to also set the service's delivery status callback (or the sender's status callback URL) to this trigger",
		displayOptions: {
			show: {
				verifySignature: [true],
				autoConfigure: [true],
				configureTarget: ['messagingService', 'whatsAppSender'],
			},
		},
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Download Media',
				name: 'downloadMedia',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the files of inbound MMS and WhatsApp messages into binary properties media0, media1, …. Twilio waits for the download in the immediate answer modes, so keep files small. A failed download is noted on its media entry.',
			},
			{
				displayName: 'Ignore Duplicate Deliveries',
				name: 'ignoreDuplicates',
				type: 'boolean',
				default: true,
				description:
					'Whether a request Twilio repeats (same I-Twilio-Idempotency-Token) stops at this node instead of running the workflow again. The repeat still gets its own execution, without items. Certain within one n8n process; across queue-mode workers best effort.',
			},
			{
				displayName: 'Max Media Size (MB)',
				name: 'maxMediaSizeMb',
				type: 'number',
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				default: 20,
				description: 'Larger files are not downloaded; their media entry says so',
			},
			{
				displayName: 'Public URL',
				name: 'publicUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com',
				description:
					"The address Twilio calls, when it differs from n8n's own webhook URL (behind a reverse proxy or tunnel): an origin (the webhook path is added) or the full webhook URL. Used to check signatures and by automatic configuration.",
			},
			{
				displayName: 'Show Typing Indicator on Inbound Messages',
				name: 'showTypingIndicator',
				type: 'boolean',
				default: false,
				description:
					'Whether to mark each inbound WhatsApp message as read and show "typing…" to its sender while the workflow prepares the reply (Twilio public beta). Starts once n8n has stored the execution, so Twilio never waits for it; the item\'s typingIndicator field says whether it was shown, and a warning says why not.',
				displayOptions: { show: { '/verifySignature': [true] } },
			},
		],
	},
];
