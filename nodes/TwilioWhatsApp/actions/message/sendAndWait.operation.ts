import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
	IWebhookResponseData,
	NodeParameterValueType,
} from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { TWILIO_CREDENTIAL_TYPE, toTwilioAccount } from '../../../shared/credentials';
import { headerText } from '../../../shared/headers';
import type { RetryPolicy } from '../../../shared/transport';
import { twilioApiRequest } from '../../../shared/transport';
import { firstText, paramsFromBody } from '../../../shared/twilioParams';
import { verifyTwilioSignature } from '../../../shared/twilioSignature';
import { writeAnswer } from '../../../shared/webhookAnswer';
import type { Fail } from '../../helpers/items';
import type { WaitUnit, WaitUntil } from '../../helpers/delivery';
import {
	callbackStatus,
	deliveryOutput,
	endedOutsideWindow,
	fallbackUsedFields,
	lookupOutput,
	MESSAGE_SID_CUSTOM_DATA_KEY,
	REPLACED_SID_PARAM,
	resumesOn,
	WAIT_KEY_PARAM,
	WAIT_ROUND_EXPRESSION,
	waitDeadline,
	waitKey,
} from '../../helpers/delivery';
import { errorFields, failFor, runForEachItem } from '../../helpers/items';
import type { MessageOutput } from '../../helpers/messageOutput';
import { messageOutput, textOrNull } from '../../helpers/messageOutput';
import { sendParts, sentItem } from '../../helpers/sendParts';
import { forgetUnlessRetried, sentMessagesOf } from '../../helpers/sentMessages';
import {
	longTextOption,
	messageProperties,
	optionsNamedAfterValues,
	retryOption,
	sendingOptionsCollection,
	showOnlyFor,
} from '../common.descriptions';
import {
	fallbackTemplateFields,
	fallbackTemplateOf,
	fallbackTemplateOption,
	fallbackTemplateProperties,
	pickedFallbackSid,
} from './fallbackTemplate';
import {
	checkAgainstTemplate,
	pickedTemplateSids,
	readDeclaredVariables,
} from './declaredVariables';
import type { TemplateChoice } from './messageParameters';
import {
	longTextOf,
	MESSAGES_PATH,
	messagePath,
	parameterReader,
	readMessageForms,
	retryPolicyOf,
} from './messageParameters';

/*
 * n8n's send-and-wait mechanism (as in the Slack and Gmail nodes): the message's StatusCallback is
 * this node's signed resume URL, and webhook() resumes the execution on a final status. One item a
 * run, as n8n resumes a waiting execution once (docs/n8n-behaviour.md, "Send and wait").
 */

function optionsOf(versionOptions: INodeProperties[]): INodeProperties {
	return sendingOptionsCollection([...versionOptions, longTextOption, retryOption]);
}

const properties: INodeProperties[] = [
	{
		displayName:
			'Sends one message, then pauses the workflow until Twilio reports its delivery. It resumes with the final status (the item then has statusReported = true), or after the time limit with this node\'s input item unchanged (a Code node then finds the message SID with $execution.customData.get("twilioMessageSid")). One item per run: put a Loop Over Items node (batch size 1) in front to send several, or use Send with a Status Callback URL and a Twilio Trigger. A text split into several messages waits for the last one. Retry On Fail (node settings) sends only what an earlier try did not.',
		name: 'sendAndWaitNotice',
		type: 'notice',
		default: '',
	},
	...messageProperties,
	{
		displayName: 'Resume When',
		name: 'waitUntil',
		type: 'options',
		default: 'delivered',
		options: [
			{
				name: 'Sent',
				value: 'sent',
				description:
					'Twilio handed the message to the carrier or WhatsApp; for SMS routes without delivery receipts',
			},
			{
				name: 'Delivered',
				value: 'delivered',
				description: 'The message reached the phone (or a later status arrived)',
			},
			{
				name: 'Read (WhatsApp)',
				value: 'read',
				description:
					'The recipient opened the message; users who turned read receipts off never send this',
			},
		],
		description: 'Undelivered, failed and canceled always resume the workflow',
	},
	{
		displayName: 'Limit Wait Time',
		name: 'waitAmount',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		description:
			"How long to wait for the status at most; then the workflow resumes with this node's input item",
	},
	{
		displayName: 'Unit',
		name: 'waitUnit',
		type: 'options',
		default: 'hours',
		options: optionsNamedAfterValues(['minutes', 'hours', 'days']),
	},
	...fallbackTemplateProperties,
	{
		...optionsOf([fallbackTemplateOption]),
		displayOptions: { show: { '@version': [1] } },
	},
	{
		...optionsOf([]),
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
	},
];

export const description = showOnlyFor('message', SEND_AND_WAIT_OPERATION, properties);

/** The round this run waits in; see WAIT_ROUND_EXPRESSION. */
function currentWaitKey(ctx: IExecuteFunctions | IWebhookFunctions): string {
	return waitKey(ctx.evaluateExpression(WAIT_ROUND_EXPRESSION, 0));
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (items.length > 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Send and Wait sends one message per run, but it received ${items.length} items`,
			{
				description:
					'n8n resumes a waiting workflow once. Put a Loop Over Items node with batch size 1 before this node to wait for each message in turn, or use the Send operation with a Status Callback URL pointing at a Twilio Trigger.',
			},
		);
	}
	const fail: Fail = failFor(this, 0);
	const amount = Number(this.getNodeParameter('waitAmount', 0, 1));
	const deadline = waitDeadline(
		amount,
		this.getNodeParameter('waitUnit', 0, 'hours') as WaitUnit,
		Date.now(),
	);
	if (!deadline) fail(`"Limit Wait Time" must be more than 0; got ${amount}`);
	const waitUntil = this.getNodeParameter('waitUntil', 0, 'delivered') as WaitUntil;

	// Checked first: without the Auth Token no callback could be verified; the wait would time out.
	const account = toTwilioAccount(await this.getCredentials(TWILIO_CREDENTIAL_TYPE, 0));
	if (!account.signingAuthToken) {
		fail(
			"Send and Wait needs the Auth Token to verify Twilio's callbacks",
			'The credential uses an API Key: fill in "Auth Token (for Webhook Signatures)" in the Twilio Messaging API credential.',
		);
	}
	const waitKeyNow = currentWaitKey(this);
	const resumeUrl = this.getSignedResumeUrl(resumeParams(waitKeyNow));
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const retry = retryPolicyOf(options);
	const fallbackSid = pickedFallbackSid(this);
	const declared = await readDeclaredVariables(
		this,
		[...pickedTemplateSids(this, items.length), ...fallbackSid],
		retry,
	);
	// Checked before sending, so a mistyped template stops the run before the text goes out.
	const fallbackTemplate = fallbackTemplateOf(parameterReader(this, 0));
	if (fallbackTemplate)
		checkAgainstTemplate(
			fallbackTemplateFields(fallbackTemplate, fail),
			declared,
			fail,
			fallbackTemplate.templateLabels,
		);
	const longText = longTextOf(options);
	const sent = sentMessagesOf(this);
	let parts: MessageOutput[] = [];

	const output = await runForEachItem(this, items, {
		prepare: (itemIndex) => {
			const forms = readMessageForms.call(
				this,
				itemIndex,
				resumeUrl,
				fail,
				{ longText, statusCallbackOnLastPartOnly: true },
				declared,
			);
			return forms;
		},
		perform: async (forms, itemIndex) => {
			parts = await sendParts(this, sent, itemIndex, forms, retry);
			return [sentItem(parts, longText === 'split')];
		},
	});
	forgetUnlessRetried(sent, output);

	// The wait is for the last part: only it carries the resume URL as its StatusCallback.
	const awaited = parts.at(-1);
	if (awaited === undefined || awaited.messageSid === null) return output;
	const reached = await statusReachedBeforeWaiting(this, awaited, waitUntil, retry);
	if (reached === undefined) {
		await this.putExecutionToWait(deadline);
		return output;
	}
	const ended = lookupOutput(reached);
	if (!fallbackTemplate) return [{ json: ended, pairedItem: { item: 0 } }];
	if (!endedOutsideWindow(reached.status, reached.errorCode))
		return [{ json: { ...ended, fallbackUsed: false }, pairedItem: { item: 0 } }];

	const outcome = await sendFallbackTemplate(this, fallbackTemplate, reached, waitKeyNow, retry);
	if ('error' in outcome)
		return [
			{
				json: { ...ended, fallbackUsed: false, fallbackError: outcome.error },
				pairedItem: { item: 0 },
			},
		];
	const template = await statusReachedBeforeWaiting(this, outcome.sent, waitUntil, retry);
	if (template === undefined) {
		await this.putExecutionToWait(deadline);
		return [{ json: outcome.sent, pairedItem: { item: 0 } }];
	}
	return [
		{
			json: { ...lookupOutput(template), ...fallbackUsedFields(reached.messageSid ?? '') },
			pairedItem: { item: 0 },
		},
	];
}

/**
 * The message when it has already reached the awaited status, else undefined (the run waits). A
 * callback that comes before n8n has stored the execution as waiting is lost (n8n answers it 409:
 * docs/n8n-behaviour.md, "Send and wait"); reading the message once more narrows that window.
 */
async function statusReachedBeforeWaiting(
	ctx: IExecuteFunctions,
	message: MessageOutput,
	waitUntil: WaitUntil,
	retry: RetryPolicy,
): Promise<MessageOutput | undefined> {
	if (message.messageSid === null) return undefined;
	ctx.customData.set(MESSAGE_SID_CUSTOM_DATA_KEY, message.messageSid);
	if (resumesOn(message.status ?? '', waitUntil)) return message;
	const latest = await readMessageBeforeWaiting(ctx, message.messageSid, retry);
	return latest && resumesOn(latest.status ?? '', waitUntil) ? latest : undefined;
}

/** The resume URL's query: its wait and, for a fallback template, the message it replaces. */
function resumeParams(waitKeyValue: string, replacedSid?: string): Record<string, string> {
	return replacedSid === undefined
		? { [WAIT_KEY_PARAM]: waitKeyValue }
		: { [WAIT_KEY_PARAM]: waitKeyValue, [REPLACED_SID_PARAM]: replacedSid };
}

/**
 * Sends the fallback template to the recipient of the message WhatsApp refused, from the same
 * sender, with the resume URL (marked with the replaced message) as its StatusCallback. Never
 * throws: the item reports a failure, since the free-form message's outcome is already known.
 */
async function sendFallbackTemplate(
	ctx: IExecuteFunctions | IWebhookFunctions,
	template: TemplateChoice,
	replaced: IDataObject,
	waitKeyValue: string,
	retry: RetryPolicy,
): Promise<{ sent: MessageOutput } | { error: IDataObject }> {
	const text = (value: unknown) => textOrNull(value) ?? undefined;
	const address = (party: unknown) => text((party as IDataObject | undefined)?.address);
	try {
		const fields = fallbackTemplateFields(template, (message, description) => {
			throw new NodeOperationError(ctx.getNode(), message, { description });
		});
		const response = await twilioApiRequest.call(ctx, {
			method: 'POST',
			path: MESSAGES_PATH,
			form: {
				To: address(replaced.to),
				From: address(replaced.from),
				MessagingServiceSid: text(replaced.messagingServiceSid),
				...fields,
				StatusCallback: ctx.getSignedResumeUrl(
					resumeParams(waitKeyValue, String(replaced.messageSid)),
				),
			},
			retry,
			itemIndex: 0,
		});
		return { sent: messageOutput(response) };
	} catch (error) {
		ctx.logger.warn(
			`Send and Wait could not send the fallback template: ${(error as Error).message}`,
		);
		return { error: errorFields(error) };
	}
}

/** The message as Twilio has it now; undefined when unreadable: its callback can still come. */
async function readMessageBeforeWaiting(
	ctx: IExecuteFunctions,
	sid: string,
	retry: RetryPolicy,
): Promise<MessageOutput | undefined> {
	try {
		return messageOutput(
			await twilioApiRequest.call(ctx, {
				method: 'GET',
				path: messagePath(sid, failFor(ctx, 0)),
				retry,
				itemIndex: 0,
			}),
		);
	} catch (error) {
		// Failing the node now would invite a re-run, which sends the message a second time.
		ctx.logger.warn(
			`Send and Wait could not read message ${sid} before waiting for its status: ${(error as Error).message}`,
		);
		return undefined;
	}
}

/**
 * Receives Twilio's status callbacks for the waiting execution. Answers Twilio itself and returns
 * workflowData only for the status that ends the wait. Never throws: n8n would resume with the
 * error.
 */
export async function webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = this.getResponseObject();
	const answer = (statusCode: number, text: string) =>
		writeAnswer(res, statusCode, 'text/plain; charset=utf-8', text);
	try {
		const params = paramsFromBody(this.getBodyData());
		const query = this.getQueryData() as IDataObject;
		const requestKey = String(query[WAIT_KEY_PARAM] ?? '');
		const replacedSid =
			typeof query[REPLACED_SID_PARAM] === 'string' ? query[REPLACED_SID_PARAM] : undefined;
		const account = toTwilioAccount(await this.getCredentials(TWILIO_CREDENTIAL_TYPE));
		// Twilio signed the URL it called: the resume URL execute() gave it, rebuilt the same way.
		const url = this.getSignedResumeUrl(resumeParams(requestKey, replacedSid));
		const signature = headerText(this.getHeaderData()['x-twilio-signature']);
		const rawBody = (this.getRequestObject() as { rawBody?: Buffer }).rawBody?.toString('utf8');
		const verified =
			account.signingAuthToken !== undefined &&
			verifyTwilioSignature({
				authToken: account.signingAuthToken,
				signature,
				url,
				params,
				rawBody,
			});
		if (!verified) return answer(403, 'Invalid X-Twilio-Signature');

		// A late callback of a message from an earlier round of a loop: acknowledged, not resumed on.
		if (requestKey !== currentWaitKey(this)) return answer(200, 'Callback for an earlier message');
		// Once the run sent a fallback template before waiting, it waits for that one only.
		const awaitedSid = this.customData.get(MESSAGE_SID_CUSTOM_DATA_KEY);
		const messageSid = firstText(params.MessageSid) || firstText(params.SmsSid);
		if (replacedSid === undefined && awaitedSid !== undefined && messageSid !== awaitedSid)
			return answer(200, 'Callback for a message this run no longer waits for');
		const status = callbackStatus(params);
		const waitUntil = this.getNodeParameter('waitUntil', 'delivered') as WaitUntil;
		if (!status || !resumesOn(status, waitUntil))
			return answer(200, `Status ${status ?? 'missing'} noted, still waiting`);

		const ended = deliveryOutput(params, new Date());
		const resume = (json: IDataObject): IWebhookResponseData => ({
			noWebhookResponse: true,
			workflowData: [[{ json, pairedItem: { item: 0 } }]],
		});
		if (replacedSid !== undefined) {
			answer(200, `Status ${status} received`);
			return resume({ ...ended, ...fallbackUsedFields(replacedSid) });
		}
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const fallbackTemplate = fallbackTemplateOf((name, fallback, parameterOptions) =>
			this.getNodeParameter(name, fallback as NodeParameterValueType, parameterOptions),
		);
		if (fallbackTemplate === undefined) {
			answer(200, `Status ${status} received`);
			return resume(ended);
		}
		if (!endedOutsideWindow(status, ended.errorCode as number | null)) {
			answer(200, `Status ${status} received`);
			return resume({ ...ended, fallbackUsed: false });
		}
		// Twilio is answered first: the template's request must not hold up its callback.
		answer(200, `Status ${status} received, sending the fallback template`);
		const outcome = await sendFallbackTemplate(
			this,
			fallbackTemplate,
			ended,
			requestKey,
			retryPolicyOf(options),
		);
		if ('error' in outcome)
			return resume({ ...ended, fallbackUsed: false, fallbackError: outcome.error });
		return { noWebhookResponse: true };
	} catch (error) {
		this.logger.error(`Twilio status callback could not be processed: ${(error as Error).message}`);
		return answer(500, 'The status callback could not be processed');
	}
}
