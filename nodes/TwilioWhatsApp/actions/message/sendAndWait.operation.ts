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
import type { TwilioParams } from '../../../shared/twilioSignature';
import { verifyTwilioSignature } from '../../../shared/twilioSignature';
import { writeAnswer } from '../../../shared/webhookAnswer';
import type { LongText } from '../../helpers/formFields';
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
import type { DeclaredVariables } from './declaredVariables';
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
	const run = await prepareRun(this, items.length);
	const { output, parts } = await sendMessageParts(this, items, run);
	// The wait is for the last part: only it carries the resume URL as its StatusCallback.
	const awaited = parts.at(-1);
	if (awaited === undefined || awaited.messageSid === null) return output;
	return await endOrWait(this, run, awaited, output);
}

/** What one run of Send and Wait works with, read and checked before anything is sent. */
interface WaitRun {
	fail: Fail;
	deadline: Date;
	waitUntil: WaitUntil;
	waitKey: string;
	resumeUrl: string;
	retry: RetryPolicy;
	longText: LongText;
	declared: DeclaredVariables;
	fallbackTemplate: TemplateChoice | undefined;
}

async function prepareRun(ctx: IExecuteFunctions, itemCount: number): Promise<WaitRun> {
	if (itemCount > 1) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Send and Wait sends one message per run, but it received ${itemCount} items`,
			{
				description:
					'n8n resumes a waiting workflow once. Put a Loop Over Items node with batch size 1 before this node to wait for each message in turn, or use the Send operation with a Status Callback URL pointing at a Twilio Trigger.',
			},
		);
	}
	const fail: Fail = failFor(ctx, 0);
	const amount = Number(ctx.getNodeParameter('waitAmount', 0, 1));
	const deadline = waitDeadline(
		amount,
		ctx.getNodeParameter('waitUnit', 0, 'hours') as WaitUnit,
		Date.now(),
	);
	if (!deadline) fail(`"Limit Wait Time" must be more than 0; got ${amount}`);
	const waitUntil = ctx.getNodeParameter('waitUntil', 0, 'delivered') as WaitUntil;
	await checkSigningAuthToken(ctx, fail);
	const waitKey = currentWaitKey(ctx);
	const resumeUrl = ctx.getSignedResumeUrl(resumeParams(waitKey));
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const retry = retryPolicyOf(options);
	const fallbackSid = pickedFallbackSid(ctx);
	const declared = await readDeclaredVariables(
		ctx,
		[...pickedTemplateSids(ctx, itemCount), ...fallbackSid],
		retry,
	);
	// Checked before sending, so a mistyped template stops the run before the text goes out.
	const fallbackTemplate = fallbackTemplateOf(parameterReader(ctx, 0));
	if (fallbackTemplate)
		checkAgainstTemplate(
			fallbackTemplateFields(fallbackTemplate, fail),
			declared,
			fail,
			fallbackTemplate.templateLabels,
		);
	return {
		fail,
		deadline,
		waitUntil,
		waitKey,
		resumeUrl,
		retry,
		longText: longTextOf(options),
		declared,
		fallbackTemplate,
	};
}

/** Without the Auth Token no callback could be verified, so the wait could only time out. */
async function checkSigningAuthToken(ctx: IExecuteFunctions, fail: Fail): Promise<void> {
	const account = toTwilioAccount(await ctx.getCredentials(TWILIO_CREDENTIAL_TYPE, 0));
	if (!account.signingAuthToken) {
		fail(
			"Send and Wait needs the Auth Token to verify Twilio's callbacks",
			'The credential uses an API Key: fill in "Auth Token (for Webhook Signatures)" in the Twilio Messaging API credential.',
		);
	}
}

/** Sends the item's message (several for a split text); only the last part names the resume URL. */
async function sendMessageParts(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	run: WaitRun,
): Promise<{ output: INodeExecutionData[]; parts: MessageOutput[] }> {
	const sent = sentMessagesOf(ctx);
	let parts: MessageOutput[] = [];
	const output = await runForEachItem(ctx, items, {
		prepare: (itemIndex) => {
			return readMessageForms.call(
				ctx,
				itemIndex,
				run.resumeUrl,
				run.fail,
				{ longText: run.longText, statusCallbackOnLastPartOnly: true },
				run.declared,
			);
		},
		perform: async (forms, itemIndex) => {
			parts = await sendParts(ctx, sent, itemIndex, forms, run.retry);
			return [sentItem(parts, run.longText === 'split')];
		},
	});
	forgetUnlessRetried(sent, output);
	return { output, parts };
}

function onlyItem(json: IDataObject): INodeExecutionData[] {
	return [{ json, pairedItem: { item: 0 } }];
}

/**
 * The output when the awaited status has already come (with the fallback template sent when the
 * message ended outside WhatsApp's 24-hour window); otherwise the run is put to wait.
 */
async function endOrWait(
	ctx: IExecuteFunctions,
	run: WaitRun,
	awaited: MessageOutput,
	output: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const reached = await statusReachedBeforeWaiting(ctx, awaited, run.waitUntil, run.retry);
	if (reached === undefined) {
		await ctx.putExecutionToWait(run.deadline);
		return output;
	}
	const ended = lookupOutput(reached);
	if (!run.fallbackTemplate) return onlyItem(ended);
	if (!endedOutsideWindow(reached.status, reached.errorCode))
		return onlyItem({ ...ended, fallbackUsed: false });

	const outcome = await sendFallbackTemplate(
		ctx,
		run.fallbackTemplate,
		reached,
		run.waitKey,
		run.retry,
	);
	if ('error' in outcome)
		return onlyItem({ ...ended, fallbackUsed: false, fallbackError: outcome.error });
	const template = await statusReachedBeforeWaiting(ctx, outcome.sent, run.waitUntil, run.retry);
	if (template === undefined) {
		await ctx.putExecutionToWait(run.deadline);
		return onlyItem(outcome.sent);
	}
	return onlyItem({ ...lookupOutput(template), ...fallbackUsedFields(reached.messageSid ?? '') });
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
	const answer: Answer = (statusCode, text) =>
		writeAnswer(res, statusCode, 'text/plain; charset=utf-8', text);
	try {
		const params = paramsFromBody(this.getBodyData());
		const query = this.getQueryData() as IDataObject;
		const requestKey = String(query[WAIT_KEY_PARAM] ?? '');
		const replacedSid =
			typeof query[REPLACED_SID_PARAM] === 'string' ? query[REPLACED_SID_PARAM] : undefined;
		if (!(await isSignedByTwilio(this, params, resumeParams(requestKey, replacedSid))))
			return answer(403, 'Invalid X-Twilio-Signature');
		const notAwaited = notAwaitedCallback(this, params, requestKey, replacedSid);
		if (notAwaited) return answer(200, notAwaited);
		const status = callbackStatus(params);
		const waitUntil = this.getNodeParameter('waitUntil', 'delivered') as WaitUntil;
		if (!status || !resumesOn(status, waitUntil))
			return answer(200, `Status ${status ?? 'missing'} noted, still waiting`);
		return await resumeOnStatus(this, answer, { params, status, requestKey, replacedSid });
	} catch (error) {
		this.logger.error(`Twilio status callback could not be processed: ${(error as Error).message}`);
		return answer(500, 'The status callback could not be processed');
	}
}

type Answer = (statusCode: number, text: string) => IWebhookResponseData;

/** Twilio signed the URL it called: the resume URL execute() gave it, rebuilt the same way. */
async function isSignedByTwilio(
	ctx: IWebhookFunctions,
	params: TwilioParams,
	query: Record<string, string>,
): Promise<boolean> {
	const account = toTwilioAccount(await ctx.getCredentials(TWILIO_CREDENTIAL_TYPE));
	const url = ctx.getSignedResumeUrl(query);
	const signature = headerText(ctx.getHeaderData()['x-twilio-signature']);
	const rawBody = (ctx.getRequestObject() as { rawBody?: Buffer }).rawBody?.toString('utf8');
	return (
		account.signingAuthToken !== undefined &&
		verifyTwilioSignature({
			authToken: account.signingAuthToken,
			signature,
			url,
			params,
			rawBody,
		})
	);
}

/** Why a verified callback does not concern this wait, if it does not. */
function notAwaitedCallback(
	ctx: IWebhookFunctions,
	params: TwilioParams,
	requestKey: string,
	replacedSid: string | undefined,
): string | undefined {
	// A late callback of a message from an earlier round of a loop: acknowledged, not resumed on.
	if (requestKey !== currentWaitKey(ctx)) return 'Callback for an earlier message';
	// Once the run sent a fallback template before waiting, it waits for that one only.
	const awaitedSid = ctx.customData.get(MESSAGE_SID_CUSTOM_DATA_KEY);
	const messageSid = firstText(params.MessageSid) || firstText(params.SmsSid);
	if (replacedSid === undefined && awaitedSid !== undefined && messageSid !== awaitedSid)
		return 'Callback for a message this run no longer waits for';
	return undefined;
}

/** Resumes the run on the status that ends the wait, or first sends the fallback template. */
async function resumeOnStatus(
	ctx: IWebhookFunctions,
	answer: Answer,
	callback: { params: TwilioParams; status: string; requestKey: string; replacedSid?: string },
): Promise<IWebhookResponseData> {
	const { status, replacedSid } = callback;
	const ended = deliveryOutput(callback.params, new Date());
	const resume = (json: IDataObject): IWebhookResponseData => ({
		noWebhookResponse: true,
		workflowData: [onlyItem(json)],
	});
	if (replacedSid !== undefined) {
		answer(200, `Status ${status} received`);
		return resume({ ...ended, ...fallbackUsedFields(replacedSid) });
	}
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const fallbackTemplate = fallbackTemplateOf((name, fallback, parameterOptions) =>
		ctx.getNodeParameter(name, fallback as NodeParameterValueType, parameterOptions),
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
		ctx,
		fallbackTemplate,
		ended,
		callback.requestKey,
		retryPolicyOf(options),
	);
	if ('error' in outcome)
		return resume({ ...ended, fallbackUsed: false, fallbackError: outcome.error });
	return { noWebhookResponse: true };
}
