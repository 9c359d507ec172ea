/**
 * `file_url` is chosen by whoever calls the TimelinesAI-compatible webhook, and the file check
 * makes n8n download it. On a real n8n 2.41: with n8n's own SSRF protection off (its default), the
 * node still refuses loopback, link-local (cloud metadata) and private targets with TimelinesAI's
 * 400, and the file server sees no request; the node's option hands the decision back to n8n, which
 * then downloads anything. With N8N_SSRF_PROTECTION_ENABLED=true, n8n's own ranges and allowed host
 * names apply, redirects included.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import {
	errorBody,
	executionIds,
	GatewayCaller,
	triggerWorkflow,
	type Answer,
} from './fixtures/timelinesai/gateway';
import { getN8n, N8nClient, startN8n, type N8nInstance } from './harness';

jest.setTimeout(180_000);

// A 1x1 transparent PNG, the smallest real image file.
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);
const BLOCKED = 'The request was blocked because it resolves to a restricted IP address';

let server: Server;
const requested: string[] = [];
const port = () => (server.address() as AddressInfo).port;

beforeAll(async () => {
	server = createServer((request, response) => {
		requested.push(request.url ?? '');
		if (request.url === '/logo.png')
			response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
		else if (request.url === '/to-loopback')
			response.writeHead(302, { location: `http://127.0.0.1:${port()}/logo.png` }).end();
		else response.writeHead(404).end();
	});
	// Both address families, so that "localhost" reaches it whichever one n8n resolves it to.
	await new Promise<void>((resolve) => server.listen(0, resolve));
});

afterAll(async () => await new Promise((resolve) => server.close(resolve)));

const withFile = (fileUrl: string) => ({
	action: 'send',
	phone: '+14151231234',
	text: 'see attached',
	file_url: fileUrl,
	file_name: 'logo.png',
});

async function deploy(n8n: N8nClient, webhookId: string, options: Record<string, unknown>) {
	const secret = `e2e-File-Target-${webhookId.slice(0, 8)}`;
	const { id } = await n8n.importWorkflow(
		triggerWorkflow(
			`timelinesai e2e: file targets ${webhookId}`,
			{ nodeId: `node-${webhookId}`, webhookId },
			{ urlSecret: secret, options: { checkFileUrl: true, ...options } },
		),
	);
	await n8n.activate(id);
	const caller = new GatewayCaller(n8n, webhookId, secret);
	let accepted = 0;
	return {
		id,
		/**
		 * Sends a message with this file_url; a refusal must start no execution and reach no file
		 * server.
		 */
		async send(fileUrl: string): Promise<Answer> {
			const before = await executionIds(n8n, id);
			const seen = requested.length;
			const answer = await caller.send(withFile(fileUrl));
			if (answer.status === 200) {
				// Its execution finishes before the next request, so that one can be told to start none.
				await n8n.waitForExecutions(id, ++accepted);
			} else {
				expect(await executionIds(n8n, id)).toEqual(before);
				expect(requested.slice(seen)).not.toContain('/logo.png');
			}
			return answer;
		},
	};
}

function expectRefused(answer: Answer, reason: string) {
	expect({ status: answer.status, body: answer.json }).toEqual({
		status: 400,
		body: errorBody(400, `"file_url" cannot be sent: ${reason}`),
	});
}

describe("n8n's SSRF protection off (n8n 2.41's default)", () => {
	const n8n = getN8n();
	const ids: string[] = [];

	afterAll(async () => {
		for (const id of ids) await n8n.deactivate(id);
	});

	it('refuses loopback, link-local and private targets with 400 and fetches nothing', async () => {
		const gateway = await deploy(n8n, '3d1f7a52-0c6b-4e8d-9f21-5a4b3c2d1e01', {});
		ids.push(gateway.id);
		for (const fileUrl of [
			`http://127.0.0.1:${port()}/logo.png`,
			`http://[::1]:${port()}/logo.png`,
			`http://localhost:${port()}/logo.png`,
			'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
			'http://10.11.12.13/logo.png',
			'http://192.168.0.1/logo.png',
		])
			expectRefused(await gateway.send(fileUrl), `it was not downloaded (${BLOCKED})`);
	});

	it('with "Allow File URLs on Private Networks", n8n downloads from loopback: n8n itself protects nothing', async () => {
		const gateway = await deploy(n8n, '3d1f7a52-0c6b-4e8d-9f21-5a4b3c2d1e02', {
			allowPrivateFileUrls: true,
		});
		ids.push(gateway.id);
		const seen = requested.length;
		expect((await gateway.send(`http://127.0.0.1:${port()}/to-loopback`)).status).toBe(200);
		expect(requested.slice(seen)).toEqual(['/to-loopback', '/logo.png']);
	});
});

describe('n8n with N8N_SSRF_PROTECTION_ENABLED=true and N8N_SSRF_ALLOWED_HOSTNAMES=localhost', () => {
	let instance: N8nInstance | undefined;
	let n8n: N8nClient;

	beforeAll(async () => {
		instance = await startN8n({
			name: 'timelinesai-ssrf-on',
			env: { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost' },
		});
		n8n = new N8nClient({ baseUrl: instance.baseUrl, logFile: instance.logFile });
		await n8n.setupOwner();
	});

	afterAll(async () => {
		await instance?.stop();
	});

	it.each([
		['the node default', {}],
		["n8n's settings (private targets allowed on the node)", { allowPrivateFileUrls: true }],
	])(
		'%s: downloads from an allowed host name, refuses its redirect into loopback and loopback itself',
		async (_name, options) => {
			const webhookId = `3d1f7a52-0c6b-4e8d-9f21-5a4b3c2d1e1${Object.keys(options).length}`;
			const gateway = await deploy(n8n, webhookId, options);
			expect((await gateway.send(`http://localhost:${port()}/logo.png`)).status).toBe(200);
			const seen = requested.length;
			expectRefused(
				await gateway.send(`http://localhost:${port()}/to-loopback`),
				`its redirect to http://127.0.0.1:${port()} was not downloaded (${BLOCKED})`,
			);
			expect(requested.slice(seen)).toEqual(['/to-loopback']);
			expectRefused(
				await gateway.send(`http://127.0.0.1:${port()}/logo.png`),
				`it was not downloaded (${BLOCKED})`,
			);
			expectRefused(
				await gateway.send('http://169.254.169.254/latest/meta-data/'),
				`it was not downloaded (${BLOCKED})`,
			);
		},
	);
});
