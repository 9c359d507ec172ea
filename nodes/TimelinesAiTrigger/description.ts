import type { INodeProperties } from 'n8n-workflow';

export const SEND_PATH = 'timelinesai';
export const LOG_PATH = 'timelinesai/log';
export const QUOTA_RESTORE_PATH = 'timelinesai/quota/restore';

export const nodeProperties: INodeProperties[] = [
	{
		displayName:
			'Callers POST TimelinesAI "send message" JSON to the Production URL below with <code>?secret=</code> and the URL Secret appended, e.g. <code>…/timelinesai?secret=YOUR_SECRET</code>. A request naming several recipients (chat_id, jid, phone, chat_name) is rejected with 400. Download the log of the last 100 attempts with GET <code>…/timelinesai/log?secret=…</code> (add <code>&format=csv</code> for CSV); give quota units back for a failed send with POST <code>…/timelinesai/quota/restore?secret=…</code> and <code>{"message_id": "wa_backend:…"}</code>.',
		name: 'usageNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Webhook Enabled',
		name: 'webhookEnabled',
		type: 'boolean',
		default: true,
		description:
			'Whether to accept messages. When off, every send request gets 404 "Webhook not found" and starts no execution, while the workflow stays active.',
	},
	{
		displayName: 'URL Secret',
		name: 'urlSecret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		placeholder: 'e.g. 9f86d081884c7d659a2feaa0c55ad015',
		description:
			'Callers put it in the URL as ?secret=…, since many CRMs cannot send headers. At least 16 letters, digits, "-", "_", "." or "~"; generate one with e.g. "openssl rand -hex 16". To generate a new URL, replace it and publish the workflow: the old URL answers 404 "Webhook not found" at once.',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		default: 'none',
		options: [
			{ name: 'None (URL Secret Only)', value: 'none' },
			{
				name: 'Basic Auth',
				value: 'basicAuth',
				description:
					'Callers also send a user and password, as an Authorization header or as user:password@ in the URL',
			},
		],
	},
	{
		displayName: 'Respond',
		name: 'responseMode',
		type: 'options',
		default: 'onReceived',
		options: [
			{
				name: 'Immediately',
				value: 'onReceived',
				description:
					'Answer as TimelinesAI does, with the message_id generated for the item, as soon as the request is accepted',
			},
			{
				name: 'When Last Node Finishes',
				value: 'lastNode',
				description:
					'Answer with the first item of the last node, e.g. an Edit Fields node that outputs {"status": "success", "data": {"message_id": "SM…"}} carrying the Twilio message SID',
			},
			{
				name: "Using 'Respond to Webhook' Node",
				value: 'responseNode',
				description:
					"Answer from a Respond to Webhook node. Only its version 1 accepts a community trigger; newer versions stop with 'No Webhook node found in the workflow'.",
			},
		],
	},
	{
		displayName:
			'In this mode n8n does not save what an accepted request changes in the quota use, pacing and attempt log right away: the node keeps it in memory and it is saved with the next rejected request, quota restore or log download. A restart of n8n before then loses it.',
		name: 'workflowAnswersNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { responseMode: ['lastNode', 'responseNode'] } },
	},
	{
		displayName: 'Quota Budget (Units Per 24 Hours)',
		name: 'quotaBudget',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description:
			'Quota units accepted per rolling 24 hours, 0 for no limit. A message costs 1 unit, 2 with both text and a file; over budget, requests get 429. Give units back for failed sends through the quota restore URL.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allow File URLs on Private Networks',
				name: 'allowPrivateFileUrls',
				type: 'boolean',
				default: false,
				description:
					"Whether Check File URL and Put File on Item may download from localhost, private or link-local addresses (such as a cloud's metadata address 169.254.169.254). Off, such URLs, and redirects to them, get 400 even when n8n's own SSRF protection is off; on, n8n's SSRF settings decide.",
			},
			{
				displayName: 'Binary Property',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description:
					'Name of the binary property the downloaded file goes to, when Put File on Item is on',
			},
			{
				displayName: 'Check File URL',
				name: 'checkFileUrl',
				type: 'boolean',
				default: false,
				description:
					'Whether to download file_url before accepting, and reject with 400 a web page (a file-hosting share page) or a file over 2 MB. Private, local and link-local addresses are refused unless Allow File URLs on Private Networks is on.',
			},
			{
				displayName: 'File Download Timeout (Seconds)',
				name: 'fileTimeoutSeconds',
				type: 'number',
				default: 10,
				typeOptions: { minValue: 1 },
			},
			{
				displayName: 'Log Message Text',
				name: 'logMessageText',
				type: 'boolean',
				default: false,
				description:
					'Whether the attempt log keeps the message text (first 500 characters). Off, it keeps only time, outcome, status, message and recipient type.',
			},
			{
				displayName: 'Max Body Size (KB)',
				name: 'maxBodyKb',
				type: 'number',
				default: 64,
				typeOptions: { minValue: 1 },
				description: 'Larger request bodies get 413',
			},
			{
				displayName: 'Pacing Max Gap (Seconds)',
				name: 'pacingMaxSeconds',
				type: 'number',
				default: 2.5,
				typeOptions: { minValue: 0, numberPrecision: 1 },
				description: 'Longest random gap between the notBefore times of two accepted messages',
			},
			{
				displayName: 'Pacing Min Gap (Seconds)',
				name: 'pacingMinSeconds',
				type: 'number',
				default: 1.5,
				typeOptions: { minValue: 0, numberPrecision: 1 },
				description:
					'Shortest random gap between the notBefore times of two accepted messages. TimelinesAI waits about 2 s between messages and queues faster requests.',
			},
			{
				displayName: 'Put File on Item',
				name: 'downloadFile',
				type: 'boolean',
				default: false,
				description:
					'Whether to download file_url (checked as with Check File URL) and put it on the item as binary data',
			},
		],
	},
];
