import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { BASIC_AUTH_CHALLENGE, isAuthorized, secretsEqual } from '../shared/basicAuth';
import { cachedCredentials, passesWithFreshCredentials } from '../shared/credentialCache';
import { WEBHOOK_USER_CREDENTIAL_TYPE } from '../shared/credentials';
import { headerText, mediaType } from '../shared/headers';
import {
	answerOnceStored,
	JSON_CONTENT_TYPE,
	writeAnswer,
	writeJsonAnswer,
} from '../shared/webhookAnswer';
import {
	errorBody,
	MESSAGE_ID_PATTERN,
	newMessageId,
	RECIPIENT_FIELDS,
	successBody,
	validateSendRequest,
	type RejectStatus,
	type SendRequest,
} from './contract';
import { checkFileUrl } from './fileCheck';
import {
	appendLog,
	logToCsv,
	nextSlot,
	restoreQuota,
	spendQuota,
	unitsUsed,
	type AttemptLogEntry,
} from './gatewayState';
import { buildItem } from './item';
import { readState, updateState } from './stateStore';

/**
 * Request handling for the four webhooks of the node. Every rejection is written here, in
 * TimelinesAI's error shape and with its own status, and returns `noWebhookResponse` without
 * `workflowData`, which makes n8n start no execution. In "Immediately" mode n8n sends the success
 * answer, the node's JSON, once it has stored the execution (shared/webhookAnswer.ts): a caller
 * told "success" with a message_id can rely on n8n having the message.
 */

export type Route = 'send' | 'wrongMethod' | 'log' | 'quotaRestore';

const NOT_FOUND = 'Webhook not found';

const URL_SECRET = /^[A-Za-z0-9._~-]{16,}$/;

/** Why the configured URL Secret cannot protect the webhook, or undefined when it can. */
export function urlSecretProblem(secret: string): string | undefined {
	if (URL_SECRET.test(secret)) return undefined;
	return 'The URL Secret must be at least 16 characters of letters, digits, "-", "_", "." or "~" (for example the output of "openssl rand -hex 16").';
}

interface Settings {
	enabled: boolean;
	secret: string;
	basicAuth: boolean;
	respondAtOnce: boolean;
	quotaBudget: number;
	maxBodyBytes: number;
	checkFile: boolean;
	fileOnItem: boolean;
	binaryPropertyName: string;
	fileTimeoutMs: number;
	allowPrivateFileUrls: boolean;
	pacing: { minMs: number; maxMs: number };
	logText: boolean;
}

function readSettings(context: IWebhookFunctions): Settings {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const number = (value: unknown, fallback: number) =>
		typeof value === 'number' && Number.isFinite(value) ? value : fallback;
	return {
		enabled: context.getNodeParameter('webhookEnabled', true) as boolean,
		secret: String(context.getNodeParameter('urlSecret', '')),
		basicAuth: context.getNodeParameter('authentication', 'none') === 'basicAuth',
		respondAtOnce: context.getNodeParameter('responseMode', 'onReceived') === 'onReceived',
		quotaBudget: Math.max(0, Math.floor(number(context.getNodeParameter('quotaBudget', 0), 0))),
		maxBodyBytes: Math.round(number(options.maxBodyKb, 64) * 1024),
		checkFile: options.checkFileUrl === true,
		fileOnItem: options.downloadFile === true,
		binaryPropertyName: String(options.binaryPropertyName ?? 'data') || 'data',
		fileTimeoutMs: Math.round(number(options.fileTimeoutSeconds, 10) * 1000),
		allowPrivateFileUrls: options.allowPrivateFileUrls === true,
		pacing: {
			minMs: number(options.pacingMinSeconds, 1.5) * 1000,
			maxMs: number(options.pacingMaxSeconds, 2.5) * 1000,
		},
		logText: options.logMessageText === true,
	};
}

/** Writes a rejection in TimelinesAI's error shape; n8n starts no execution for it. */
function answerRejection(
	context: IWebhookFunctions,
	status: RejectStatus,
	message: string,
	headers?: Record<string, string>,
): IWebhookResponseData {
	return writeJsonAnswer(context.getResponseObject(), status, errorBody(status, message), headers);
}

type Attempt = Omit<AttemptLogEntry, 'time'>;

function logAttempt(context: IWebhookFunctions, attempt: Attempt): void {
	updateState(context, (state) => ({
		state: appendLog(state, { time: new Date().toISOString(), ...attempt }),
		result: undefined,
	}));
}

/** What the log says about a request that was turned away before it could be read as a message. */
function rejectedAttempt(
	context: IWebhookFunctions,
	settings: Settings,
	status: number,
	message: string,
): Attempt {
	const body = context.getBodyData() as unknown;
	const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
	const present = RECIPIENT_FIELDS.filter(
		(field) => fields[field] !== undefined && fields[field] !== null && fields[field] !== '',
	);
	const attempt: Attempt = {
		accepted: false,
		status,
		message,
		recipientType: present.join(',') || null,
		messageId: null,
		quotaUnits: null,
	};
	if (settings.logText && typeof fields.text === 'string') attempt.text = fields.text;
	return attempt;
}

/** A rejection of a send request, also written to the attempt log. */
function answerRejectionAndLog(
	context: IWebhookFunctions,
	settings: Settings,
	status: RejectStatus,
	message: string,
	logMessage = message,
	headers?: Record<string, string>,
): IWebhookResponseData {
	logAttempt(context, rejectedAttempt(context, settings, status, logMessage));
	return answerRejection(context, status, message, headers);
}

/** The checks every route shares: the URL secret, the enable switch and Basic auth. */
async function admit(
	context: IWebhookFunctions,
	settings: Settings,
	route: Route,
): Promise<IWebhookResponseData | undefined> {
	const logged = route === 'send' || route === 'wrongMethod';
	const turnAway = (
		status: RejectStatus,
		message: string,
		reason: string,
		headers?: Record<string, string>,
	) =>
		logged
			? answerRejectionAndLog(context, settings, status, message, reason, headers)
			: answerRejection(context, status, message, headers);

	const secretProblem = urlSecretProblem(settings.secret);
	if (secretProblem) return turnAway(404, NOT_FOUND, `${NOT_FOUND}: ${secretProblem}`);
	const given = (context.getQueryData() as Record<string, unknown>).secret;
	if (typeof given !== 'string' || !secretsEqual(given, settings.secret)) {
		return turnAway(
			404,
			NOT_FOUND,
			`${NOT_FOUND}: the URL's ?secret= is missing or is not the current URL Secret`,
		);
	}
	if (logged && !settings.enabled)
		return turnAway(404, NOT_FOUND, `${NOT_FOUND}: Webhook Enabled is off`);
	if (settings.basicAuth) {
		const header = context.getHeaderData().authorization;
		let allowed: boolean;
		try {
			const user = await cachedCredentials(context, WEBHOOK_USER_CREDENTIAL_TYPE);
			allowed = await passesWithFreshCredentials(user, ({ data }) =>
				isAuthorized(header, {
					user: String(data.user ?? ''),
					password: String(data.password ?? ''),
				}),
			);
		} catch {
			const message = 'Basic auth is on but the node has no usable Webhook User credential';
			return turnAway(500, message, message);
		}
		if (!allowed) {
			const message = header
				? 'Authorization failed: wrong user or password'
				: 'Authorization required: send the webhook user and password with HTTP Basic auth';
			return turnAway(401, message, message, { 'www-authenticate': BASIC_AUTH_CHALLENGE });
		}
	}
	return undefined;
}

function bodySize(context: IWebhookFunctions): number {
	const request = context.getRequestObject() as {
		rawBody?: Buffer;
		headers: Record<string, unknown>;
	};
	if (Buffer.isBuffer(request.rawBody)) return request.rawBody.length;
	const declared = Number(headerText(request.headers['content-length']));
	if (Number.isFinite(declared)) return declared;
	const body = context.getBodyData() as unknown;
	return body === undefined ? 0 : Buffer.byteLength(JSON.stringify(body));
}

type FileOutcome =
	| { ok: true; downloaded?: DownloadedFile; binary?: INodeExecutionData['binary'] }
	| { ok: false; reason: string };

interface DownloadedFile {
	contentType: string | null;
	size: number;
}

/**
 * Checks the request's file_url when the settings ask for it, and puts the file on the item if
 * asked.
 */
async function fetchRequestFile(
	context: IWebhookFunctions,
	settings: Settings,
	request: SendRequest,
): Promise<FileOutcome> {
	if (!request.file || (!settings.checkFile && !settings.fileOnItem)) return { ok: true };
	const check = await checkFileUrl(context, request.file.url, {
		timeoutMs: settings.fileTimeoutMs,
		allowPrivateTargets: settings.allowPrivateFileUrls,
	});
	if (!check.ok) return { ok: false, reason: check.reason };
	const downloaded = { contentType: check.file.contentType ?? null, size: check.file.data.length };
	if (!settings.fileOnItem) return { ok: true, downloaded };
	const binary = {
		[settings.binaryPropertyName]: await context.helpers.prepareBinaryData(
			check.file.data,
			request.file.name,
			check.file.contentType,
		),
	};
	return { ok: true, downloaded, binary };
}

type SlotOutcome = { ok: false; message: string } | { ok: true; notBefore: number };

/**
 * Spends the request's quota and takes its pacing slot, logging the attempt either way: the slot's
 * time, or the reason the quota refused it. Pacing and quota count from `now`, after any file
 * download.
 */
function takeQuotaAndSlot(
	context: IWebhookFunctions,
	settings: Settings,
	request: SendRequest,
	messageId: string,
	receivedAt: number,
): SlotOutcome {
	const now = Date.now();
	return updateState<SlotOutcome>(context, (state) => {
		const base = {
			recipientType: request.recipient.type,
			quotaUnits: request.quotaUnits,
			...(settings.logText ? { text: request.text } : {}),
		};
		const time = new Date(receivedAt).toISOString();
		let next = state;
		if (settings.quotaBudget > 0) {
			const spent = spendQuota(next, now, settings.quotaBudget, request.quotaUnits, messageId);
			if (!spent.ok) {
				const entry = {
					time,
					accepted: false,
					status: 429,
					message: spent.message,
					messageId: null,
					...base,
				};
				return {
					state: appendLog(next, entry),
					result: { ok: false, message: spent.message },
				};
			}
			next = spent.state;
		}
		const paced = nextSlot(next, now, settings.pacing, Math.random());
		const entry = { time, accepted: true, status: 200, message: 'Accepted', messageId, ...base };
		return {
			state: appendLog(paced.state, entry),
			result: { ok: true, notBefore: paced.slot },
		};
	});
}

/**
 * A send request: checked, its file fetched if asked, quota and pacing taken, then handed to the
 * workflow as one item (the workflow sends the message), answered once n8n has stored the
 * execution.
 */
async function acceptSendRequest(
	context: IWebhookFunctions,
	settings: Settings,
): Promise<IWebhookResponseData> {
	const receivedAt = Date.now();
	const validation = validateSendRequest(
		context.getBodyData() as unknown,
		context.getHeaderData()['content-type'],
		{ bodyBytes: bodySize(context), maxBodyBytes: settings.maxBodyBytes },
	);
	if (!validation.ok)
		return answerRejectionAndLog(context, settings, validation.status, validation.message);
	const { request } = validation;

	const file = await fetchRequestFile(context, settings, request);
	if (!file.ok)
		return answerRejectionAndLog(
			context,
			settings,
			400,
			`"file_url" cannot be sent: ${file.reason}`,
		);

	const messageId = newMessageId();
	const outcome = takeQuotaAndSlot(context, settings, request, messageId, receivedAt);
	if (!outcome.ok) return answerRejection(context, 429, outcome.message);

	const item: INodeExecutionData = {
		json: buildItem(request, {
			messageId,
			receivedAt,
			notBefore: outcome.notBefore,
			downloaded: file.downloaded,
		}),
		pairedItem: { item: 0 },
	};
	if (file.binary) item.binary = file.binary;
	if (!settings.respondAtOnce) return { workflowData: [[item]] };
	return answerOnceStored(context.getResponseObject(), JSON_CONTENT_TYPE, successBody(messageId), [
		[item],
	]);
}

function wrongMethod(context: IWebhookFunctions, settings: Settings): IWebhookResponseData {
	const method = context.getRequestObject().method;
	return answerRejectionAndLog(
		context,
		settings,
		405,
		`Method ${method} is not allowed: send the message with POST`,
		undefined,
		{ allow: 'POST' },
	);
}

function downloadLog(context: IWebhookFunctions): IWebhookResponseData {
	const format = (context.getQueryData() as Record<string, unknown>).format ?? 'json';
	if (format !== 'json' && format !== 'csv')
		return answerRejection(
			context,
			400,
			`"format" must be "json" or "csv"; got ${JSON.stringify(format)}`,
		);
	const { log } = readState(context);
	const res = context.getResponseObject();
	if (format === 'csv') {
		return writeAnswer(res, 200, 'text/csv; charset=utf-8', logToCsv(log), {
			'content-disposition': 'attachment; filename="timelinesai-webhook-log.csv"',
		});
	}
	return writeJsonAnswer(res, 200, { status: 'success', data: { attempts: log } });
}

function giveQuotaBack(context: IWebhookFunctions, settings: Settings): IWebhookResponseData {
	const type = mediaType(context.getHeaderData()['content-type']);
	if (type !== 'application/json')
		return answerRejection(
			context,
			415,
			`Content-Type must be "application/json"; got ${type ? `"${type}"` : 'none'}`,
		);
	const body = context.getBodyData() as unknown;
	const messageId =
		typeof body === 'object' && body !== null
			? (body as Record<string, unknown>).message_id
			: undefined;
	if (typeof messageId !== 'string' || !MESSAGE_ID_PATTERN.test(messageId)) {
		return answerRejection(
			context,
			400,
			'"message_id" must be the id this webhook answered with, like "wa_backend:3EB09FCC85FE99662E46"',
		);
	}
	if (settings.quotaBudget === 0)
		return answerRejection(
			context,
			400,
			'No Quota Budget is set on this node, so there are no units to give back',
		);
	const now = Date.now();
	const restored = updateState(context, (state) => {
		const outcome = restoreQuota(state, now, messageId);
		return outcome.ok
			? {
					state: outcome.state,
					result: {
						units: outcome.units,
						left: settings.quotaBudget - unitsUsed(outcome.state, now),
					},
				}
			: { state, result: undefined };
	});
	if (!restored) {
		return answerRejection(
			context,
			404,
			`No quota use of message "${messageId}" in the last 24 hours: it was already given back, is older, or was not accepted here`,
		);
	}
	return writeJsonAnswer(context.getResponseObject(), 200, {
		status: 'success',
		data: {
			message_id: messageId,
			restored_units: restored.units,
			units_left: Math.max(0, restored.left),
		},
	});
}

export async function handleWebhook(
	context: IWebhookFunctions,
	route: Route,
): Promise<IWebhookResponseData> {
	const settings = readSettings(context);
	const turnedAway = await admit(context, settings, route);
	if (turnedAway) return turnedAway;
	switch (route) {
		case 'send':
			return await acceptSendRequest(context, settings);
		case 'wrongMethod':
			return wrongMethod(context, settings);
		case 'log':
			return downloadLog(context);
		case 'quotaRestore':
			return giveQuotaBack(context, settings);
	}
}
