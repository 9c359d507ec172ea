/**
 * The Twilio trigger's media download, in-process through n8n-core's WebhookContext and its real
 * HTTP helpers, against two local servers: one plays Twilio's API host (media behind the account's
 * Basic auth, answered with a redirect as Twilio does), the other its CDN (a different origin).
 */
import { mkdtempSync } from 'fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { TwilioWhatsAppTrigger } from '../../nodes/TwilioWhatsAppTrigger/TwilioWhatsAppTrigger.node';
import { callWebhook, type WebhookCallResult } from '../helpers/inprocess';
import { ACCOUNT_SID, CUSTOMER, SANDBOX } from '../fixtures/twilio/messages';

// n8n-core's InstanceSettings writes a settings file into the n8n user folder when first used.
process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'twilio-trigger-media-'));

const AUTH_TOKEN = '4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a';
const WEBHOOK_ID = '7a6b5c4d-3e2f-4102-9384-a5b6c7d8e9f0';
const PATH = `/webhook/${WEBHOOK_ID}/twilio`;
const MESSAGE_SID = 'MM0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const JPEG = Buffer.concat([
	Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
	Buffer.alloc(2048, 7),
	Buffer.from([0xff, 0xd9]),
]);
const PDF = Buffer.from('%PDF-1.4\n% a small document\n%%EOF\n');

interface Seen {
	path: string;
	authorization?: string;
}

let api: Server;
let cdn: Server;
let apiUrl = '';
let cdnUrl = '';
const seenByApi: Seen[] = [];
const seenByCdn: Seen[] = [];

function listen(server: Server): Promise<string> {
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
		),
	);
}

/** Twilio's media endpoint: Basic auth with the account, then a redirect to the file on the CDN. */
function apiHandler(req: IncomingMessage, res: ServerResponse): void {
	seenByApi.push({ path: req.url!, authorization: req.headers.authorization });
	const expected = 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');
	if (req.headers.authorization !== expected) {
		res.writeHead(401, { 'www-authenticate': 'Basic realm="Twilio API"' }).end();
		return;
	}
	const name = req.url!.split('/').pop()!;
	if (name === 'MEmissing') {
		res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":20404}');
		return;
	}
	res
		.writeHead(307, { location: `${cdnUrl}/files/${name}?Expires=1700000000&Signature=abc` })
		.end();
}

/** The CDN: serves files, never with credentials. */
function cdnHandler(req: IncomingMessage, res: ServerResponse): void {
	seenByCdn.push({ path: req.url!, authorization: req.headers.authorization });
	const name = new URL(req.url!, cdnUrl).pathname.split('/').pop();
	if (name === 'MEphoto') {
		res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': JPEG.length }).end(JPEG);
		return;
	}
	if (name === 'MEdoc') {
		res.writeHead(200, { 'content-type': 'application/pdf' }).end(PDF);
		return;
	}
	if (name === 'MEhuge') {
		res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': 50 * 1024 * 1024 }).end();
		return;
	}
	if (name === 'MEstream') {
		// No Content-Length: the limit must hold while reading.
		res.writeHead(200, { 'content-type': 'video/mp4' });
		for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024, i));
		res.end();
		return;
	}
	res.writeHead(404).end();
}

beforeAll(async () => {
	api = createServer(apiHandler);
	cdn = createServer(cdnHandler);
	apiUrl = await listen(api);
	cdnUrl = await listen(cdn);
});
afterAll(async () => {
	await new Promise((resolve) => api.close(resolve));
	await new Promise((resolve) => cdn.close(resolve));
});
beforeEach(() => {
	seenByApi.length = 0;
	seenByCdn.length = 0;
});

let generation = 0;

/** A signed WhatsApp inbound with these media URLs, delivered to a trigger that downloads media. */
async function deliverWithMedia(
	media: Array<[url: string, contentType: string]>,
	options: IDataObject = {},
	verifySignature = true,
): Promise<WebhookCallResult> {
	const params: Record<string, string> = {
		MessageSid: MESSAGE_SID,
		SmsMessageSid: MESSAGE_SID,
		AccountSid: ACCOUNT_SID,
		From: CUSTOMER,
		To: SANDBOX,
		Body: '',
		SmsStatus: 'received',
		NumMedia: String(media.length),
		ApiVersion: '2010-04-01',
	};
	media.forEach(([url, contentType], index) => {
		params[`MediaUrl${index}`] = url;
		params[`MediaContentType${index}`] = contentType;
	});
	const signature = getExpectedTwilioSignature(AUTH_TOKEN, `http://localhost:5678${PATH}`, params);
	generation++;
	return await callWebhook(
		{
			nodeType: new TwilioWhatsAppTrigger(),
			parameters: { verifySignature, options: { downloadMedia: true, ...options } },
			credentials: verifySignature
				? {
						twilioMessagingApi: {
							accountSid: ACCOUNT_SID,
							authType: 'authToken',
							authToken: AUTH_TOKEN,
							baseUrl: apiUrl,
						},
					}
				: {},
			credentialIds: { twilioMessagingApi: `media-${generation}` },
			webhookId: WEBHOOK_ID,
		},
		{
			method: 'POST',
			url: PATH,
			headers: {
				host: 'localhost:5678',
				'content-type': 'application/x-www-form-urlencoded',
				'x-twilio-signature': signature,
			},
			body: params,
		},
	);
}

const mediaUrl = (mediaSid: string) =>
	`${apiUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${MESSAGE_SID}/Media/${mediaSid}`;

function theItem(call: WebhookCallResult) {
	expect(call.result.workflowData?.[0]).toHaveLength(1);
	return call.result.workflowData![0][0];
}

/** n8n's default binary mode keeps the bytes in the item, base64-encoded. */
function contentOf(binary: IBinaryData): Buffer {
	return Buffer.from(binary.data, 'base64');
}

describe('media download', () => {
	it("stores each file in media0, media1, … with the account's Basic auth, following Twilio's redirect", async () => {
		const call = await deliverWithMedia([
			[mediaUrl('MEphoto'), 'image/jpeg'],
			[mediaUrl('MEdoc'), 'application/pdf'],
		]);
		const item = theItem(call);
		expect(item.json.media).toEqual([
			{
				url: mediaUrl('MEphoto'),
				contentType: 'image/jpeg',
				index: 0,
				binaryProperty: 'media0',
				fileName: 'MEphoto.jpg',
				fileSize: JPEG.length,
			},
			{
				url: mediaUrl('MEdoc'),
				contentType: 'application/pdf',
				index: 1,
				binaryProperty: 'media1',
				fileName: 'MEdoc.pdf',
				fileSize: PDF.length,
			},
		]);
		expect(item.binary?.media0).toMatchObject({
			mimeType: 'image/jpeg',
			fileName: 'MEphoto.jpg',
			fileExtension: 'jpg',
		});
		expect(item.binary?.media1).toMatchObject({
			mimeType: 'application/pdf',
			fileName: 'MEdoc.pdf',
		});
		expect(contentOf(item.binary!.media0)).toEqual(JPEG);
		expect(contentOf(item.binary!.media1)).toEqual(PDF);
		expect(seenByApi.every((request) => request.authorization?.startsWith('Basic '))).toBe(true);
	});

	it("does not send the account's credentials to the CDN it is redirected to", async () => {
		await deliverWithMedia([[mediaUrl('MEphoto'), 'image/jpeg']]);
		expect(seenByCdn).toHaveLength(1);
		expect(seenByCdn[0].authorization).toBeUndefined();
	});

	it('notes a failed download on its media entry and still starts the execution with the others', async () => {
		const call = await deliverWithMedia([
			[mediaUrl('MEmissing'), 'image/jpeg'],
			[mediaUrl('MEphoto'), 'image/jpeg'],
		]);
		const item = theItem(call);
		const [missing, photo] = item.json.media as IDataObject[];
		expect(missing).toMatchObject({ index: 0, error: 'Download failed: HTTP 404.' });
		expect(missing).not.toHaveProperty('binaryProperty');
		expect(photo).toMatchObject({ binaryProperty: 'media1' });
		expect(Object.keys(item.binary ?? {})).toEqual(['media1']);
		expect(call.result.webhookResponse).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
	});

	it('refuses a file whose declared size is over the limit without reading it', async () => {
		const item = theItem(await deliverWithMedia([[mediaUrl('MEhuge'), 'video/mp4']]));
		expect((item.json.media as IDataObject[])[0].error).toBe(
			`Not downloaded: ${50 * 1024 * 1024} bytes is larger than the limit of ${20 * 1024 * 1024} bytes.`,
		);
		expect(item.binary).toBeUndefined();
	});

	it('stops reading a file without a declared size once it passes the limit', async () => {
		const item = theItem(
			await deliverWithMedia([[mediaUrl('MEstream'), 'video/mp4']], { maxMediaSizeMb: 1 }),
		);
		expect((item.json.media as IDataObject[])[0].error).toBe(
			`Download failed: larger than the limit of ${1024 * 1024} bytes`,
		);
		expect(item.binary).toBeUndefined();
	});

	it("fetches nothing from a host that is not Twilio's", async () => {
		const item = theItem(await deliverWithMedia([[`${cdnUrl}/files/MEphoto`, 'image/jpeg']]));
		expect((item.json.media as IDataObject[])[0].error).toBe(
			'Not downloaded: the URL is not on a Twilio host.',
		);
		expect(seenByCdn).toHaveLength(0);
	});

	it("without the credential (signature check off), fetches only Twilio's hosts and sends no credentials", async () => {
		const item = theItem(await deliverWithMedia([[mediaUrl('MEphoto'), 'image/jpeg']], {}, false));
		expect((item.json.media as IDataObject[])[0].error).toBe(
			'Not downloaded: the URL is not on a Twilio host.',
		);
		expect(seenByApi).toHaveLength(0);
	});

	it('leaves media alone unless the option is on', async () => {
		const call = await deliverWithMedia([[mediaUrl('MEphoto'), 'image/jpeg']], {
			downloadMedia: false,
		});
		expect(theItem(call).binary).toBeUndefined();
		expect((theItem(call).json.media as IDataObject[])[0]).toEqual({
			url: mediaUrl('MEphoto'),
			contentType: 'image/jpeg',
			index: 0,
		});
		expect(seenByApi).toHaveLength(0);
	});
});
