/**
 * The package loads into a real n8n as a community package: its credential and node types are
 * listed, and the Twilio credential's test reaches the Twilio API (the mock) and reports Twilio's
 * own error.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import { startMockTwilio } from '../mock-twilio';
import { getN8n, REPO_ROOT } from './harness';

const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};

/**
 * The node types the package declares (package.json `n8n.nodes`), by their description's `name`.
 */
const NODE_TYPES = ['twilioWhatsApp', 'twilioWhatsAppTrigger', 'timelinesAiTrigger'];

function builtFilesRequiring(module: string): string[] {
	const dist = join(REPO_ROOT, 'dist');
	return readdirSync(dist, { recursive: true, encoding: 'utf8' })
		.filter((file) => file.endsWith('.js'))
		.filter((file) => readFileSync(join(dist, file), 'utf8').includes(`require("${module}")`));
}

// Shapes from Twilio's console: Account SID "AC" + 32 hex digits, Auth Token 32 hex digits.
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';

describe('the package in a real n8n', () => {
	const n8n = getN8n();

	it('lists both credential types', async () => {
		const types = await n8n.credentialTypes();
		const ours = types.filter(
			(type) => type.name === 'twilioMessagingApi' || type.name === 'twilioWebhookUserApi',
		);
		expect(ours.map((type) => type.name).sort()).toEqual([
			'twilioMessagingApi',
			'twilioWebhookUserApi',
		]);
		expect(ours.find((type) => type.name === 'twilioMessagingApi')?.displayName).toBe(
			'Twilio Messaging API',
		);
	});

	// n8n requires every node file at start, and the package is installed without node_modules, as
	// n8n installs community packages; so a node whose imports (luxon, n8n-workflow) did not resolve
	// from n8n's own would be missing here, and its error would be in the n8n log. (n8n adds `…Tool`
	// variants of nodes usable as AI tools; they are not checked here.)
	it('lists every node of the package, their imports (luxon) resolved inside n8n', async () => {
		expect(NODE_TYPES).toHaveLength(PACKAGE.n8n.nodes.length);
		expect(builtFilesRequiring('luxon').length).toBeGreaterThan(0);
		const listed = (await n8n.nodeTypes()).map((type) => type.name);
		expect(listed).toEqual(
			expect.arrayContaining(NODE_TYPES.map((name) => `${PACKAGE.name}.${name}`)),
		);
		expect(n8n.readLog()).not.toMatch(new RegExp(`Failed to load package "?${PACKAGE.name}`));
	});

	describe('Twilio Messaging API credential', () => {
		let mock: Awaited<ReturnType<typeof startMockTwilio>>;

		beforeAll(async () => {
			mock = await startMockTwilio({
				accounts: [{ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }],
			});
		});

		afterAll(async () => {
			await mock.close();
		});

		const credentialData = (authToken: string) => ({
			accountSid: ACCOUNT_SID,
			authType: 'authToken',
			authToken,
			baseUrl: mock.url,
		});

		it('is created, and its test passes with the right Auth Token', async () => {
			const credential = await n8n.createCredential(
				'Twilio (mock)',
				'twilioMessagingApi',
				credentialData(AUTH_TOKEN),
			);
			expect(credential).toMatchObject({ name: 'Twilio (mock)', type: 'twilioMessagingApi' });
			expect(credential.id).toEqual(expect.any(String));

			await expect(n8n.testCredential(credential)).resolves.toMatchObject({ status: 'OK' });
		});

		it("fails its test with a wrong Auth Token, showing Twilio's error", async () => {
			const wrongToken = AUTH_TOKEN.replace(/^f0/, '0f');
			const credential = await n8n.createCredential(
				'Twilio (wrong token)',
				'twilioMessagingApi',
				credentialData(wrongToken),
			);

			const result = await n8n.testCredential(credential);

			expect(result.status).toBe('Error');
			// Twilio answers a failed HTTP Basic login with 401 {"code": 20003, "message":
			// "Authenticate"}.
			expect(result.message).toMatch(/Authenticate|20003/);
			expect(result.message).not.toContain(wrongToken);
		});
	});
});
