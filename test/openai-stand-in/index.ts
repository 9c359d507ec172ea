/**
 * A local stand-in for an OpenAI-compatible API, for the AI examples' end-to-end tests:
 * `POST /v1/chat/completions` answers in OpenAI's chat-completions format
 * (https://platform.openai.com/docs/api-reference/chat/object), non-streaming only, with the text
 * the test chooses; `GET /v1/models` lists one model. Every request is recorded. Errors use
 * OpenAI's `{"error": {message, type, param, code}}` body.
 * `POST /v1/audio/transcriptions`
 * (https://platform.openai.com/docs/api-reference/audio/createTranscription): multipart form with
 * `model` and `file`, answered `{"text": …}` with the transcript the test chooses.
 */
import http from 'http';
import type { AddressInfo } from 'net';

export interface ChatMessage {
	role: string;
	content: unknown;
}

export interface ChatRequest {
	at: Date;
	authorization: string | undefined;
	body: { model?: string; messages?: ChatMessage[]; stream?: boolean; [key: string]: unknown };
}

/** An audio file received for transcription, with the form's other fields. */
export interface TranscriptionRequest {
	at: Date;
	fields: Record<string, string>;
	file: { filename: string; contentType: string; content: Buffer } | undefined;
}

export interface OpenAiStandIn {
	/** Base URL to put in n8n's OpenAI credential ("Base URL"), ending in `/v1`. */
	readonly url: string;
	readonly requests: ChatRequest[];
	/** What the model answers; by default "You said: " and the last user message. */
	reply: (messages: ChatMessage[]) => string;
	readonly transcriptions: TranscriptionRequest[];
	/** What the transcription says; by default how many bytes of which type it received. */
	transcribe: (file: NonNullable<TranscriptionRequest['file']>) => string;
	close(): Promise<void>;
}

export const STAND_IN_MODEL = 'gpt-4o-mini';
export const STAND_IN_API_KEY = 'sk-stand-in-0123456789abcdef';

/** The text of a message whose content is a string or a list of `{type: 'text', text}` parts. */
export function textOf(message: ChatMessage | undefined): string {
	if (!message) return '';
	if (typeof message.content === 'string') return message.content;
	if (Array.isArray(message.content))
		return message.content
			.map((part) => (typeof part?.text === 'string' ? (part.text as string) : ''))
			.join('');
	return '';
}

/** The parts of a multipart/form-data body: each field's value, and the one file. */
function parseMultipart(body: Buffer, contentType: string): Omit<TranscriptionRequest, 'at'> {
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	const fields: Record<string, string> = {};
	let file: TranscriptionRequest['file'];
	if (!boundary) return { fields, file };
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
	let start = body.indexOf(delimiter);
	while (start !== -1) {
		const next = body.indexOf(delimiter, start + delimiter.length);
		if (next === -1) break;
		const part = body.subarray(start + delimiter.length + 2, next - 2);
		const split = part.indexOf('\r\n\r\n');
		const head = part.subarray(0, split).toString('utf8');
		const content = part.subarray(split + 4);
		const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
		const filename = /filename="([^"]*)"/.exec(head)?.[1];
		if (filename !== undefined)
			file = {
				filename,
				contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? '',
				content: Buffer.from(content),
			};
		else fields[name] = content.toString('utf8');
		start = next;
	}
	return { fields, file };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function error(res: http.ServerResponse, status: number, message: string, code: string): void {
	send(res, status, { error: { message, type: 'invalid_request_error', param: null, code } });
}

export async function startOpenAiStandIn(): Promise<OpenAiStandIn> {
	const requests: ChatRequest[] = [];
	const transcriptions: TranscriptionRequest[] = [];
	let counter = 0;
	const standIn = {
		url: '',
		requests,
		transcriptions,
		transcribe: (file: NonNullable<TranscriptionRequest['file']>) =>
			`${file.content.length} bytes of ${file.contentType}`,
		reply: (messages: ChatMessage[]) =>
			`You said: ${textOf([...messages].reverse().find((m) => m.role === 'user'))}`,
	};

	const server = http.createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const path = new URL(req.url ?? '/', 'http://stand-in.invalid').pathname;
		if (req.headers.authorization !== `Bearer ${STAND_IN_API_KEY}`)
			return error(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
		if (req.method === 'GET' && path === '/v1/models')
			return send(res, 200, {
				object: 'list',
				data: [{ id: STAND_IN_MODEL, object: 'model', created: 1721172741, owned_by: 'system' }],
			});
		if (req.method === 'POST' && path === '/v1/audio/transcriptions') {
			const received = parseMultipart(Buffer.concat(chunks), req.headers['content-type'] ?? '');
			transcriptions.push({ at: new Date(), ...received });
			if (!received.file) return error(res, 400, "'file' is a required property", 'missing_file');
			return send(res, 200, { text: standIn.transcribe(received.file) });
		}
		if (req.method !== 'POST' || path !== '/v1/chat/completions')
			return error(res, 404, `Unknown request: ${req.method} ${path}`, 'not_found');
		let body: ChatRequest['body'];
		try {
			body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest['body'];
		} catch {
			return error(res, 400, 'The request body is not valid JSON.', 'invalid_json');
		}
		requests.push({ at: new Date(), authorization: req.headers.authorization, body });
		if (!Array.isArray(body.messages) || body.messages.length === 0)
			return error(res, 400, "'messages' is a required property", 'missing_messages');
		// The stand-in answers whole completions only; a streaming client would wait for events
		// forever.
		if (body.stream === true)
			return error(res, 400, 'This stand-in does not stream.', 'stream_unsupported');
		const content = standIn.reply(body.messages);
		counter += 1;
		send(res, 200, {
			id: `chatcmpl-standin${counter}`,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model: body.model ?? STAND_IN_MODEL,
			choices: [
				{
					index: 0,
					message: { role: 'assistant', content, refusal: null },
					logprobs: null,
					finish_reason: 'stop',
				},
			],
			usage: {
				prompt_tokens: JSON.stringify(body.messages).length,
				completion_tokens: content.length,
				total_tokens: JSON.stringify(body.messages).length + content.length,
			},
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
	return Object.assign(standIn, {
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	});
}
