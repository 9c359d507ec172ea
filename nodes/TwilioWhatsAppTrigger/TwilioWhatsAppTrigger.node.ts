import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { basicAuthUserProblems, isAuthorized, parseBasicAuthorization } from '../shared/basicAuth';
import {
	TWILIO_CREDENTIAL_TYPE,
	toTwilioAccount,
	WEBHOOK_USER_CREDENTIAL_TYPE,
} from '../shared/credentials';
import type { CachedCredentials } from '../shared/credentialCache';
import { cachedCredentials, passesWithFreshCredentials } from '../shared/credentialCache';
import { headerText } from '../shared/headers';
import type { TwilioEventKind } from '../shared/messageEvent';
import { classifyTwilioEvent, parseTwilioWebhook } from '../shared/messageEvent';
import { verifyTwilioSignature } from '../shared/twilioSignature';
import { testWebhookUserCredential } from '../shared/webhookUserCredentialTest';
import {
	acceptOnceStored,
	acknowledgeWithoutExecution,
	rejectForbidden,
	rejectUnauthorized,
} from './answers';
import {
	applyConfiguration,
	configurationExists,
	configurationTarget,
	messagingServiceOptions,
	phoneNumberOptions,
	restoreConfiguration,
	whatsAppSenderOptions,
} from './autoConfigure';
import { TRIGGER_PROPERTIES } from './description/parameters';
import { TRIGGER_WEBHOOKS } from './description/webhooks';
import { isRepeatedDelivery, noteReceivedHere } from './idempotency';
import { downloadMedia } from './media';
import type { TwilioRequestData } from './requestParams';
import { readTwilioRequest } from './requestParams';
import { signedUrlCandidates } from './signedUrl';
import { EMPTY_TWIML, messageTwiml } from './twiml';
import { showTypingIndicators } from './typingOnReceipt';

/*
 * One request, in order: Basic auth (401) → Twilio signature (403) → event selection (200, no
 * execution) → parse → optional media download → execution. The node writes the answers of requests
 * that start no execution itself; an accepted request is answered by n8n once it has stored the
 * execution (in the immediate modes with the node's TwiML, answers.ts), or by the workflow. The
 * execution then runs the node's execute(), which stops a repeated delivery at the trigger
 * (idempotency.ts). Per-request cost on n8n 2.x: docs/n8n-behaviour.md, "A trigger's webhook
 * description".
 */

type EventSelection = 'all' | 'messages' | 'statuses';
type RespondMode = 'emptyTwiml' | 'message' | 'lastNode' | 'responseNode';

interface TriggerOptions {
	downloadMedia?: boolean;
	ignoreDuplicates?: boolean;
	maxMediaSizeMb?: number;
	publicUrl?: string;
	showTypingIndicator?: boolean;
}

function isSelected(events: EventSelection, kind: TwilioEventKind | undefined): boolean {
	if (events === 'messages') return kind === 'message.received';
	if (events === 'statuses') return kind === 'message.status';
	return true;
}

/**
 * The TwiML the node answers with itself: the fixed reply for an inbound message in that mode,
 * otherwise empty.
 */
function immediateTwiml(
	ctx: IWebhookFunctions,
	respond: RespondMode,
	kind: TwilioEventKind | undefined,
): string {
	if (respond !== 'message' || kind !== 'message.received') return EMPTY_TWIML;
	const mediaUrl = String(ctx.getNodeParameter('replyMediaUrl', '')).trim();
	return messageTwiml(String(ctx.getNodeParameter('replyMessage', '')), mediaUrl ? [mediaUrl] : []);
}

function noSigningTokenError(node: INode): NodeOperationError {
	return new NodeOperationError(
		node,
		'The Twilio credential has no Auth Token to check signatures with',
		{
			description:
				'Twilio signs webhooks with the account Auth Token. In a credential that authenticates with an API Key, fill in "Auth Token (for Webhook Signatures)", or turn off "Verify Twilio Signature".',
		},
	);
}

/**
 * Refuses activation (and test listening) with a clear message when a check the node makes per
 * request cannot work.
 */
async function assertUsableSetup(ctx: IHookFunctions): Promise<void> {
	if (ctx.getNodeParameter('verifySignature', true) as boolean) {
		const account = toTwilioAccount(await ctx.getCredentials(TWILIO_CREDENTIAL_TYPE));
		if (!account.signingAuthToken) throw noSigningTokenError(ctx.getNode());
	}
	if (ctx.getNodeParameter('requireBasicAuth', false) as boolean) {
		const user = await ctx.getCredentials(WEBHOOK_USER_CREDENTIAL_TYPE);
		const problems = basicAuthUserProblems({
			user: String(user.user ?? ''),
			password: String(user.password ?? ''),
		});
		if (problems.length > 0)
			throw new NodeOperationError(
				ctx.getNode(),
				`The webhook user credential cannot be used: ${problems.join(' ')}`,
			);
	}
}

interface SignedRequest {
	twilio: CachedCredentials;
	/** Set when only the URL the request named itself matched (n8n knows no public URL). */
	warning?: string;
}

function unconfiguredUrlWarning(url: string): string {
	return `The signature was checked against the URL this request named itself (${url.replace(/[?#].*$/, '')}), because n8n knows no public webhook URL: set N8N_WEBHOOK_URL to the address Twilio calls, or the trigger's Public URL option, so that only that URL is accepted.`;
}

/**
 * The Twilio credential, when the request carries Twilio's signature made with its Auth Token for
 * one of the URLs Twilio may have called; false when it does not.
 */
async function signedByTwilio(
	ctx: IWebhookFunctions,
	request: TwilioRequestData,
	publicUrl: string | undefined,
	authorization: string | undefined,
): Promise<SignedRequest | false> {
	const req = ctx.getRequestObject();
	const twilio = await cachedCredentials(ctx, TWILIO_CREDENTIAL_TYPE);
	const n8nProductionUrl = ctx.getNodeWebhookUrl('default');
	const { configured, fromRequest } = signedUrlCandidates({
		request: {
			originalUrl: req.originalUrl ?? req.url,
			headers: req.headers,
			protocol: req.protocol,
		},
		// The endpoint the request arrived on: /webhook-test/… while the editor listens for a test
		// event.
		n8nUrl: ctx.getWebhookResourceUrl?.('default') ?? n8nProductionUrl,
		n8nProductionUrl,
		publicUrl,
		basicAuth: parseBasicAuthorization(authorization),
	});
	const signature = headerText(req.headers['x-twilio-signature']);
	let matchedRequestUrl: string | undefined;
	const signed = await passesWithFreshCredentials(twilio, ({ data }) => {
		const authToken = toTwilioAccount(data).signingAuthToken;
		if (!authToken) throw noSigningTokenError(ctx.getNode());
		const signs = (url: string) =>
			verifyTwilioSignature({
				authToken,
				signature,
				url,
				params: request.signedParams,
				rawBody: request.rawBody,
			});
		if (configured.some(signs)) return true;
		matchedRequestUrl = fromRequest.find(signs);
		return matchedRequestUrl !== undefined;
	});
	if (!signed) return false;
	return {
		twilio,
		warning: matchedRequestUrl === undefined ? undefined : unconfiguredUrlWarning(fromRequest[0]),
	};
}

export class TwilioWhatsAppTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Twilio WhatsApp/SMS Trigger',
		name: 'twilioWhatsAppTrigger',
		icon: {
			light: 'file:../TwilioWhatsApp/twilio.svg',
			dark: 'file:../TwilioWhatsApp/twilio.dark.svg',
		},
		group: ['trigger'],
		// Version 2 from the start: n8n evaluates an expression per request for version 1 nodes.
		version: 2,
		subtitle:
			'={{ {"all": "Messages and status updates", "messages": "Inbound messages", "statuses": "Status updates"}[$parameter["events"]] }}',
		description:
			'Starts the workflow when Twilio delivers a WhatsApp, SMS or MMS message, or a message status update',
		defaults: {
			name: 'Twilio WhatsApp/SMS Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: TWILIO_CREDENTIAL_TYPE,
				required: true,
				displayOptions: { show: { verifySignature: [true] } },
			},
			{
				name: WEBHOOK_USER_CREDENTIAL_TYPE,
				required: true,
				testedBy: 'twilioWebhookUserApiTest',
				displayOptions: { show: { requireBasicAuth: [true] } },
			},
		],
		webhooks: TRIGGER_WEBHOOKS,
		properties: TRIGGER_PROPERTIES,
	};

	methods = {
		loadOptions: {
			getPhoneNumbers: phoneNumberOptions,
			getMessagingServices: messagingServiceOptions,
			getWhatsAppSenders: whatsAppSenderOptions,
		},
		credentialTest: {
			twilioWebhookUserApiTest: testWebhookUserCredential,
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				await assertUsableSetup(this);
				const target = configurationTarget(this);
				// With automatic configuration off there is nothing to register: the user pastes the URL
				// into Twilio.
				return target ? await configurationExists(this, target) : true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const target = configurationTarget(this);
				if (target) await applyConfiguration(this, target);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await restoreConfiguration(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const headers = req.headers;

		const authorization = headerText(headers.authorization);
		if (this.getNodeParameter('requireBasicAuth', false) as boolean) {
			const user = await cachedCredentials(this, WEBHOOK_USER_CREDENTIAL_TYPE);
			const allowed = await passesWithFreshCredentials(user, ({ data }) =>
				isAuthorized(authorization, {
					user: String(data.user ?? ''),
					password: String(data.password ?? ''),
				}),
			);
			if (!allowed) return rejectUnauthorized(res);
		}

		const request = readTwilioRequest({
			method: req.method,
			originalUrl: req.originalUrl ?? req.url,
			body: req.body,
			rawBody: (req as { rawBody?: Buffer }).rawBody,
		});
		const options = this.getNodeParameter('options', {}) as TriggerOptions;

		let signed: SignedRequest | undefined;
		if (this.getNodeParameter('verifySignature', true) as boolean) {
			const verified = await signedByTwilio(this, request, options.publicUrl, authorization);
			if (!verified) return rejectForbidden(res);
			signed = verified;
		}
		const twilio = signed?.twilio;

		const kind = classifyTwilioEvent(request.params);
		if (!isSelected(this.getNodeParameter('events', 'all') as EventSelection, kind))
			return acknowledgeWithoutExecution(res);

		const respond = this.getNodeParameter('respond', 'emptyTwiml') as RespondMode;
		const answersAtOnce = respond === 'emptyTwiml' || respond === 'message';

		const event = parseTwilioWebhook(request.params, { callbackQuery: request.callbackQuery });
		if (signed?.warning) event.warnings.push(signed.warning);
		const idempotencyToken = headerText(headers['i-twilio-idempotency-token']) ?? null;
		const item: INodeExecutionData = {
			json: { ...(event as unknown as IDataObject), idempotencyToken },
			pairedItem: { item: 0 },
		};
		if (options.downloadMedia && event.media.length > 0) {
			const downloaded = await downloadMedia(this, event.media, {
				maxBytes: Math.round((options.maxMediaSizeMb ?? 20) * 1024 * 1024),
				credentials: twilio?.credentials,
				apiOrigin: twilio ? new URL(toTwilioAccount(twilio.data).baseUrls.api).origin : undefined,
			});
			item.json.media = downloaded.media as unknown as IDataObject[];
			if (Object.keys(downloaded.binary).length > 0) item.binary = downloaded.binary;
		}

		if (idempotencyToken && options.ignoreDuplicates !== false)
			noteReceivedHere(this, idempotencyToken);
		if (!answersAtOnce) return { workflowData: [[item]] };
		return acceptOnceStored(res, immediateTwiml(this, respond, kind), [[item]]);
	}

	/**
	 * Runs first in every execution a request started: passes the item on, unless it repeats an
	 * earlier delivery.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const options = this.getNodeParameter('options', 0, {}) as TriggerOptions;
		const token = items[0]?.json.idempotencyToken;
		// Test events from the editor are not recorded: the published workflow must not take them for
		// repeats.
		const checkRepeat =
			options.ignoreDuplicates !== false &&
			this.getMode() !== 'manual' &&
			typeof token === 'string' &&
			token !== '';
		if (checkRepeat && (await isRepeatedDelivery(this, token))) return [[]];
		if (options.showTypingIndicator) await showTypingIndicators(this, items);
		return [items];
	}
}
