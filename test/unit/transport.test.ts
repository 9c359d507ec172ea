import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import {
	encodeForm,
	retryAfterMs,
	twilioApiRequest,
	twilioApiRequestAllItems,
	twilioErrorDetailsOf,
} from '../../nodes/shared/transport';
import { executeNode } from '../helpers/inprocess';

const ACCOUNT_SID = 'AC' + 'a'.repeat(32);
const AUTH_TOKEN = 'transport-test-token-1234567890';

/**
 * A node that makes one Twilio request described by its input item and returns the answer or the
 * error fields.
 */
class ProbeNode implements INodeType {
	description = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'twilioMessagingApi', required: true }],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const item = this.getInputData()[0].json as {
			method: 'GET' | 'POST';
			path: string;
			form?: Record<string, string[]>;
			all?: boolean;
			heldCredentials?: ICredentialDataDecryptedObject;
		};
		try {
			const retry = { maxRetries: 2, baseDelayMs: 1 };
			const json = item.all
				? {
						records: await twilioApiRequestAllItems.call(this, {
							method: item.method,
							path: item.path,
							key: 'messages',
							retry,
						}),
					}
				: await twilioApiRequest.call(this, {
						method: item.method,
						path: item.path,
						form: item.form,
						retry,
						credentials: item.heldCredentials,
					});
			return [[{ json, pairedItem: { item: 0 } }]];
		} catch (error) {
			return [
				[
					{
						json: { error: twilioErrorDetailsOf(error), message: (error as Error).message },
						pairedItem: { item: 0 },
					},
				],
			];
		}
	}
}

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let baseUrl: string;
let handler: Handler;
const seen: Array<{ method: string; url: string; body: string; authorization?: string }> = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			seen.push({
				method: req.method!,
				url: req.url!,
				body,
				authorization: req.headers.authorization,
			});
			handler(req, body, res);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => (seen.length = 0));

function run(item: object, accountSid = ACCOUNT_SID) {
	return executeNode(
		{
			nodeType: new ProbeNode(),
			parameters: {},
			credentials: {
				twilioMessagingApi: { accountSid, authType: 'authToken', authToken: AUTH_TOKEN, baseUrl },
			},
		},
		[{ json: item as never }],
	).then((r) => r.output![0][0].json as Record<string, any>);
}

const json = (
	res: ServerResponse,
	status: number,
	body: object,
	headers: Record<string, string> = {},
) => {
	res.writeHead(status, { 'content-type': 'application/json', ...headers });
	res.end(JSON.stringify(body));
};

describe('encodeForm', () => {
	it('repeats keys for arrays, as Twilio wants MediaUrl', () => {
		expect(
			encodeForm({
				To: '+1555',
				MediaUrl: ['https://a/1.jpg', 'https://a/2.jpg'],
				Body: 'hi & bye',
			}),
		).toBe(
			'To=%2B1555&MediaUrl=https%3A%2F%2Fa%2F1.jpg&MediaUrl=https%3A%2F%2Fa%2F2.jpg&Body=hi+%26+bye',
		);
	});
	it('leaves out undefined and empty values', () => {
		expect(encodeForm({ A: undefined, B: '', C: 0, D: false })).toBe('C=0&D=false');
	});
});

describe('retryAfterMs', () => {
	it('reads seconds and HTTP dates', () => {
		expect(retryAfterMs('3')).toBe(3000);
		expect(
			retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
		).toBe(10000);
		expect(retryAfterMs('soon')).toBeUndefined();
		expect(retryAfterMs(undefined)).toBeUndefined();
	});
});

describe('twilioApiRequest in n8n', () => {
	it('authenticates with HTTP Basic from the credential and fills in the Account SID', async () => {
		handler = (_req, _body, res) => json(res, 200, { sid: ACCOUNT_SID });
		const out = await run({ method: 'GET', path: '/2010-04-01/Accounts/{AccountSid}.json' });
		expect(out.sid).toBe(ACCOUNT_SID);
		expect(seen[0].url).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}.json`);
		expect(Buffer.from(seen[0].authorization!.replace('Basic ', ''), 'base64').toString()).toBe(
			`${ACCOUNT_SID}:${AUTH_TOKEN}`,
		);
	});

	it('signs with a credential the caller already holds, by the same rule, also for an API Key', async () => {
		handler = (_req, _body, res) => json(res, 200, { sid: 'SM' + '0'.repeat(32) });
		const basicAuth = () =>
			Buffer.from(seen.at(-1)!.authorization!.replace('Basic ', ''), 'base64').toString();
		// The node's own credential (the one n8n would read) is not what the request is signed with.
		const held = { accountSid: 'AC' + 'b'.repeat(32), baseUrl };
		await run({
			method: 'POST',
			path: '/2010-04-01/Accounts/{AccountSid}/Messages.json',
			heldCredentials: { ...held, authType: 'authToken', authToken: 'held-token' },
		});
		expect(seen.at(-1)!.url).toBe(`/2010-04-01/Accounts/${held.accountSid}/Messages.json`);
		expect(basicAuth()).toBe(`${held.accountSid}:held-token`);
		await run({
			method: 'POST',
			path: '/2010-04-01/Accounts/{AccountSid}/Messages.json',
			heldCredentials: {
				...held,
				authType: 'apiKey',
				apiKeySid: 'SK' + 'c'.repeat(32),
				apiKeySecret: 'held-secret',
			},
		});
		expect(basicAuth()).toBe(`${'SK' + 'c'.repeat(32)}:held-secret`);
	});

	it('sends form bodies with repeated keys', async () => {
		handler = (_req, _body, res) => json(res, 201, { sid: 'SM1' });
		await run({ method: 'POST', path: '/x.json', form: { MediaUrl: ['u1', 'u2'] } });
		expect(seen[0].body).toBe('MediaUrl=u1&MediaUrl=u2');
	});

	it("keeps Twilio's error fields and adds the hint, without the token", async () => {
		handler = (_req, _body, res) =>
			json(res, 400, {
				code: 21211,
				message: "The 'To' number +15005550001 is not a valid phone number.",
				more_info: 'https://www.twilio.com/docs/errors/21211',
				status: 400,
			});
		const out = await run({ method: 'POST', path: '/x.json', form: {} });
		expect(out.error).toMatchObject({
			kind: 'api',
			code: 21211,
			httpStatus: 400,
			moreInfo: 'https://www.twilio.com/docs/errors/21211',
		});
		expect(out.error.hint).toMatch(/E\.164/);
		expect(out.message).toContain('21211');
		expect(JSON.stringify(out)).not.toContain(AUTH_TOKEN);
	});

	it('retries 429 and 503 and then succeeds, sending once per attempt', async () => {
		let calls = 0;
		handler = (_req, _body, res) => {
			calls++;
			if (calls === 1)
				return json(
					res,
					429,
					{ code: 20429, message: 'Too Many Requests', status: 429 },
					{ 'retry-after': '0' },
				);
			if (calls === 2)
				return json(res, 503, { code: 20503, message: 'Service Unavailable', status: 503 });
			json(res, 201, { sid: 'SM2' });
		};
		const out = await run({ method: 'POST', path: '/x.json', form: { Body: 'x' } });
		expect(out.sid).toBe('SM2');
		expect(seen).toHaveLength(3);
	});

	it('gives up after the retry budget with the last Twilio error', async () => {
		handler = (_req, _body, res) =>
			json(
				res,
				429,
				{ code: 20429, message: 'Too Many Requests', status: 429 },
				{ 'retry-after': '0' },
			);
		const out = await run({ method: 'POST', path: '/x.json', form: {} });
		expect(out.error).toMatchObject({ kind: 'api', code: 20429, httpStatus: 429 });
		expect(seen).toHaveLength(3);
	});

	it('does not repeat a POST whose connection dropped after sending: it may have been processed', async () => {
		handler = (req) => req.socket.destroy();
		const out = await run({ method: 'POST', path: '/x.json', form: { Body: 'x' } });
		expect(seen).toHaveLength(1);
		expect(out.error).toMatchObject({ kind: 'call', maybeProcessed: true });
		expect(out.error.message).toMatch(/not repeated/);
	});

	it('does not repeat a 500 for a POST, but does for a GET', async () => {
		handler = (_req, _body, res) =>
			json(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 });
		await run({ method: 'POST', path: '/x.json', form: {} });
		expect(seen).toHaveLength(1);
		seen.length = 0;
		await run({ method: 'GET', path: '/x.json' });
		expect(seen).toHaveLength(3);
	});

	it('reports a refused connection as a call error that was not processed', async () => {
		const out = await executeNode(
			{
				nodeType: new ProbeNode(),
				parameters: {},
				credentials: {
					twilioMessagingApi: {
						accountSid: ACCOUNT_SID,
						authToken: AUTH_TOKEN,
						baseUrl: 'http://127.0.0.1:1',
					},
				},
			},
			[{ json: { method: 'POST', path: '/x.json', form: {} } }],
		);
		expect(out.output![0][0].json.error).toMatchObject({
			kind: 'call',
			code: 'ECONNREFUSED',
			maybeProcessed: false,
		});
	});

	it('rejects a malformed Account SID before calling Twilio', async () => {
		handler = (_req, _body, res) => json(res, 200, {});
		const out = await run({ method: 'GET', path: '/x.json' }, 'AC123');
		expect(seen).toHaveLength(0);
		expect(out.message).toMatch(/"AC" followed by 32 hexadecimal characters/);
	});

	it('follows next_page_uri through every page', async () => {
		handler = (req, _body, res) => {
			const page = Number(new URL(req.url!, 'http://x').searchParams.get('Page') ?? 0);
			json(res, 200, {
				messages: [{ sid: `SM${page}` }],
				next_page_uri: page < 2 ? `/list.json?Page=${page + 1}` : null,
			});
		};
		const out = await run({ method: 'GET', path: '/list.json', all: true });
		expect(out.records.map((r: { sid: string }) => r.sid)).toEqual(['SM0', 'SM1', 'SM2']);
	});
});
