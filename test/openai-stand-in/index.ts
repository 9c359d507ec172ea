/**
 * A local stand-in for an OpenAI-compatible chat API, for the AI assistant example's end-to-end test:
 * `POST /v1/chat/completions` answers in OpenAI's chat-completions format
 * (https://platform.openai.com/docs/api-reference/chat/object), non-streaming only, with the text the test
 * chooses; `GET /v1/models` lists one model. Every request is recorded. Errors use OpenAI's
 * `{"error": {message, type, param, code}}` body.
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

export interface OpenAiStandIn {
	/** Base URL to put in n8n's OpenAI credential ("Base URL"), ending in `/v1`. */
	readonly url: string;
	readonly requests: ChatRequest[];
	/** What the model answers; by default "You said: " and the last user message. */
	reply: (messages: ChatMessage[]) => string;
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

function send(res: http.ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function error(res: http.ServerResponse, status: number, message: string, code: string): void {
	send(res, status, { error: { message, type: 'invalid_request_error', param: null, code } });
}

export async function startOpenAiStandIn(): Promise<OpenAiStandIn> {
	const requests: ChatRequest[] = [];
	let counter = 0;
	const standIn = {
		url: '',
		requests,
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
		// The stand-in answers whole completions only; a streaming client would wait for events forever.
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
