/**
 * `npm run docs:screenshots`: screenshots of the package in a real n8n editor, saved to docs/.
 *
 * Starts the pinned n8n through the e2e harness (package installed as a community package) and a
 * local Twilio mock, so that the credential test and the trigger's dropdowns answer without the
 * internet. Then drives Debian's Chromium with playwright-core: each example workflow's canvas, the
 * three nodes' panels (the send node twice: text, and a template with its variables) and the Twilio
 * credential dialog. Chromium comes from apt, never from playwright's download.
 */
import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'fs';
import { basename, join } from 'path';

import { chromium, type Browser, type Page } from 'playwright-core';

import {
	N8nClient,
	REPO_ROOT,
	startN8n,
	type N8nInstance,
	type Session,
} from '../test/e2e/harness';
import {
	DEFAULT_ACCOUNT,
	MOCK_NUMBERS,
	startMockTwilio,
	type MockTwilio,
} from '../test/mock-twilio';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = join(REPO_ROOT, 'docs');
const EXAMPLES = join(REPO_ROOT, 'examples');
const PACKAGE = 'n8n-nodes-twilio-whatsapp';
const VIEWPORT = { width: 1440, height: 900 };
/** The whole run, build and n8n start included, stays under five minutes; past this it gives up. */
const DEADLINE_MS = 240_000;
const UI_TIMEOUT_MS = 20_000;
/** The sample values of the template the template panel picks. */
const TEMPLATE_SAMPLES = { '1': 'Ana', '2': 'Tuesday 10:00' };

/** What the trigger panels show as their webhook URLs, instead of the local port of this run. */
const PUBLIC_URL = 'https://n8n.example.com/';

/** Fixed names, so that README.md can show them. */
const SHOT = {
	twilioTrigger: 'twilio-trigger-panel.png',
	send: 'twilio-send-panel.png',
	sendTemplate: 'twilio-send-template-panel.png',
	timelinesAiTrigger: 'timelinesai-trigger-panel.png',
	credential: 'twilio-credential-dialog.png',
	example: (file: string) => `example-${basename(file, '.json')}.png`,
};

interface WorkflowJson {
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		credentials?: Record<string, { id?: string; name: string }>;
		[key: string]: unknown;
	}>;
	connections: unknown;
	[key: string]: unknown;
}

type CredentialRefs = Record<string, { id: string; name: string }>;

/** What has been started, so that every exit path stops it. */
const running: { n8n?: N8nInstance; mock?: MockTwilio; browser?: Browser; page?: Page } = {};

async function main(): Promise<void> {
	buildIfStale();
	ensureChromium();

	running.mock = await startMockTwilio({ host: '127.0.0.1' });
	const { client, session } = await startN8nWithPackage();

	const credentials = await createCredentials(client, running.mock.url);
	const examples: Array<{ file: string; id: string }> = [];
	for (const file of exampleFiles()) {
		const workflow = withCredentials(
			JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson,
			credentials,
		);
		examples.push({ file, id: (await client.importWorkflow(workflow)).id });
	}
	// An approved template with two variables, for the template picker and its variables' fields.
	const templateSid = running.mock.addContent({
		friendly_name: 'appointment_reminder',
		language: 'en',
		variables: TEMPLATE_SAMPLES,
		types: { 'twilio/text': { body: 'Hi {{1}}, a reminder of your appointment on {{2}}.' } },
	});
	const submitted = await fetch(
		`${running.mock.url}/v1/Content/${templateSid}/ApprovalRequests/whatsapp`,
		{
			method: 'POST',
			headers: {
				Authorization: `Basic ${Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken}`).toString('base64')}`,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify({ name: 'appointment_reminder', category: 'UTILITY' }),
		},
	);
	if (submitted.status !== 201) throw new Error(`submitting the template: ${submitted.status}`);
	running.mock.setApprovalStatus(templateSid, 'approved');
	const panels = await client.importWorkflow(await panelWorkflow(client, credentials, templateSid));

	running.browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		// Playwright gives Chromium a fresh temporary profile. No network beyond 127.0.0.1 here:
		// without these flags, Chromium keeps trying Google's services.
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	const context = await running.browser.newContext({
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		baseURL: client.baseUrl,
	});
	const { hostname } = new URL(client.baseUrl);
	const [cookieName, cookieValue] = session.cookie.split(/=(.*)/s, 2);
	await context.addCookies([{ name: cookieName, value: cookieValue, domain: hostname, path: '/' }]);
	// n8n binds the auth cookie to the browser id the editor sends from localStorage.
	await context.addInitScript(
		`localStorage.setItem('n8n-browserId', ${JSON.stringify(session.browserId)});`,
	);
	const page = await context.newPage();
	running.page = page;
	page.setDefaultTimeout(UI_TIMEOUT_MS);

	mkdirSync(DOCS, { recursive: true });
	const saved: string[] = [];
	for (const { file, id } of examples) {
		await openWorkflow(page, id);
		saved.push(await shoot(page, SHOT.example(file)));
	}

	await openWorkflow(page, panels.id);
	for (const [node, shot, view] of [
		[PANEL_NODES.twilioTrigger, SHOT.twilioTrigger, 'webhookUrls'],
		[PANEL_NODES.send, SHOT.send, 'top'],
		[PANEL_NODES.sendTemplate, SHOT.sendTemplate, 'end'],
		[PANEL_NODES.timelinesAiTrigger, SHOT.timelinesAiTrigger, 'webhookUrls'],
	] as const) {
		await openNode(page, node);
		if (view === 'webhookUrls') await showProductionUrls(page);
		if (view === 'end') await scrollParametersToEnd(page);
		saved.push(await shoot(page, shot));
		await closeNode(page);
	}

	await page.goto(`/home/credentials/${credentials.twilioMessagingApi.id}`);
	const dialog = page.locator('[data-test-id="editCredential-modal"]');
	await dialog.waitFor();
	await settle(page);
	saved.push(await shoot(page, SHOT.credential));

	removeOrphanedExampleShots(examples.map(({ file }) => file));
	log(`saved:\n${saved.map((file) => `  ${file}`).join('\n')}`);
}

const started = Date.now();

function log(message: string): void {
	console.log(`[screenshots ${Math.round((Date.now() - started) / 1000)} s] ${message}`);
}

/**
 * Starts n8n and logs in as its owner. n8n copies dist/ at start; when someone rebuilt it at that
 * moment (others work in the same clone), n8n misses some types, so it is started once more.
 */
async function startN8nWithPackage(): Promise<{ client: N8nClient; session: Session }> {
	for (let attempt = 1; ; attempt++) {
		running.n8n = await startN8n({
			name: 'screenshots',
			env: { N8N_LOG_LEVEL: 'warn', N8N_WEBHOOK_URL: PUBLIC_URL },
		});
		const client = new N8nClient({ baseUrl: running.n8n.baseUrl });
		const session = await client.setupOwner();
		const known = new Set(
			[...(await client.nodeTypes()), ...(await client.credentialTypes())].map((type) => type.name),
		);
		const missing = PACKAGE_TYPES.filter((name) => !known.has(name));
		if (missing.length === 0) {
			log(`n8n ready at ${running.n8n.baseUrl}`);
			return { client, session };
		}
		await running.n8n.stop();
		running.n8n = undefined;
		if (attempt === 2) throw new Error(`n8n did not load ${missing.join(', ')} from dist/`);
		log(`n8n started without ${missing.join(', ')} (dist/ was being rebuilt?); starting it again`);
		buildIfStale();
	}
}

/** Builds the package when dist/ is missing or older than a source file. */
function buildIfStale(): void {
	const dist = join(REPO_ROOT, 'dist');
	const sources = ['nodes', 'credentials', 'package.json'].map((path) => join(REPO_ROOT, path));
	if (existsSync(dist) && Math.max(...sources.map(newestMtime)) <= newestMtime(dist)) return;
	log('building the package ...');
	execFileSync('npm', ['run', 'build'], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'inherit', 'inherit'],
		timeout: 120_000,
	});
}

function newestMtime(path: string): number {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(
		stat.mtimeMs,
		...readdirSync(path).map((entry) => newestMtime(join(path, entry))),
	);
}

function ensureChromium(): void {
	if (existsSync(CHROMIUM)) return;
	log("installing Debian's chromium package ...");
	const asRoot = process.getuid?.() === 0;
	const apt = (...args: string[]) =>
		execFileSync(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['apt-get', ...args], {
			stdio: ['ignore', 'ignore', 'inherit'],
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
	apt('update');
	apt('install', '-y', '--no-install-recommends', 'chromium');
}

async function createCredentials(client: N8nClient, mockUrl: string) {
	const twilio = await client.createCredential('Twilio account', 'twilioMessagingApi', {
		accountSid: DEFAULT_ACCOUNT.accountSid,
		authType: 'authToken',
		authToken: DEFAULT_ACCOUNT.authToken,
		region: '',
		edge: '',
		baseUrl: mockUrl,
	});
	const webhookUser = await client.createCredential('Webhook user', 'twilioWebhookUserApi', {
		user: 'twilio-webhook',
		password: 'Example-Passw0rd',
	});
	return {
		twilioMessagingApi: { id: twilio.id, name: twilio.name },
		twilioWebhookUserApi: { id: webhookUser.id, name: webhookUser.name },
	};
}

function exampleFiles(): string[] {
	if (!existsSync(EXAMPLES)) return [];
	return readdirSync(EXAMPLES)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => join(EXAMPLES, file));
}

/**
 * Points the nodes' credentials of this package's types at the stored ones, so the editor shows
 * them selected.
 */
function withCredentials(workflow: WorkflowJson, credentials: CredentialRefs): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => {
			if (!node.credentials) return node;
			const resolved = Object.fromEntries(
				Object.entries(node.credentials).map(([type, ref]) => [type, credentials[type] ?? ref]),
			);
			return { ...node, credentials: resolved };
		}),
	};
}

const PACKAGE_TYPES = [
	`${PACKAGE}.twilioWhatsAppTrigger`,
	`${PACKAGE}.twilioWhatsApp`,
	`${PACKAGE}.timelinesAiTrigger`,
	'twilioMessagingApi',
	'twilioWebhookUserApi',
];

const PANEL_NODES = {
	twilioTrigger: 'Twilio WhatsApp/SMS Trigger',
	send: 'Send WhatsApp reply',
	sendTemplate: 'Send appointment reminder',
	timelinesAiTrigger: 'TimelinesAI-Compatible Trigger',
};

/**
 * A workflow holding the three nodes (the send node with text and with a template) with typical
 * settings, at the newest versions n8n reports.
 */
async function panelWorkflow(
	client: N8nClient,
	credentials: CredentialRefs,
	templateSid: string,
): Promise<WorkflowJson> {
	const versions = new Map(
		(await client.nodeTypes()).map((type) => [type.name, Math.max(...[type.version].flat())]),
	);
	const node = (
		name: string,
		type: string,
		position: [number, number],
		parameters: Record<string, unknown>,
		extra = {},
	) => {
		const fullType = `${PACKAGE}.${type}`;
		const typeVersion = versions.get(fullType);
		if (typeVersion === undefined) throw new Error(`n8n does not know the node type ${fullType}`);
		return { id: randomUUID(), name, type: fullType, typeVersion, position, parameters, ...extra };
	};
	// Both send nodes answer the trigger's sender.
	const whatsAppReply = {
		resource: 'message',
		operation: 'send',
		channel: 'whatsapp',
		sender: 'phoneNumber',
		from: MOCK_NUMBERS.whatsapp,
		to: '={{ $json.from.number }}',
	};
	return {
		name: 'Node panels (screenshots)',
		nodes: [
			node(
				PANEL_NODES.twilioTrigger,
				'twilioWhatsAppTrigger',
				[0, 0],
				{ events: 'messages', respond: 'emptyTwiml' },
				{
					webhookId: '6f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
					credentials: { twilioMessagingApi: credentials.twilioMessagingApi },
				},
			),
			node(
				PANEL_NODES.send,
				'twilioWhatsApp',
				[300, 0],
				{
					...whatsAppReply,
					content: 'text',
					body: '=Thanks {{ $json.profileName }}, we got your message and will answer shortly.',
					options: {},
				},
				{ credentials: { twilioMessagingApi: credentials.twilioMessagingApi } },
			),
			node(
				PANEL_NODES.sendTemplate,
				'twilioWhatsApp',
				[300, 300],
				{
					...whatsAppReply,
					content: 'template',
					contentSid: {
						__rl: true,
						mode: 'list',
						value: templateSid,
						// What the picker stored when the template was picked from the list.
						cachedResultName: 'appointment_reminder (en, text, WhatsApp: approved)',
					},
					variablesMode: 'fields',
					templateVariables: {
						mappingMode: 'defineBelow',
						value: { '1': '={{ $json.profileName }}', '2': '={{ $json.appointment }}' },
						matchingColumns: [],
						// As the editor saves the fields it loaded for this template.
						schema: Object.entries(TEMPLATE_SAMPLES).map(([id, sample]) => ({
							id,
							displayName: `{{${id}}} (e.g. ${sample})`,
							required: true,
							defaultMatch: false,
							canBeUsedToMatch: false,
							display: true,
							type: 'string',
						})),
					},
					options: {},
				},
				{ credentials: { twilioMessagingApi: credentials.twilioMessagingApi } },
			),
			node(
				PANEL_NODES.timelinesAiTrigger,
				'timelinesAiTrigger',
				[0, 300],
				{ urlSecret: 'c1f0e8a5b7d24e6f9a3b5c7d9e1f2a4b', options: {} },
				{
					webhookId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
				},
			),
		],
		connections: {
			[PANEL_NODES.twilioTrigger]: { main: [[{ node: PANEL_NODES.send, type: 'main', index: 0 }]] },
		},
	};
}

async function openWorkflow(page: Page, id: string): Promise<void> {
	await page.goto(`/workflow/${id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
	await settle(page);
}

async function openNode(page: Page, name: string): Promise<void> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	await page.locator('[data-test-id="ndv"]').waitFor();
	await settle(page);
}

/**
 * Unfolds the trigger's "Webhook URLs" on the production URL: what the user pastes into Twilio or a
 * CRM.
 */
async function showProductionUrls(page: Page): Promise<void> {
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.getByText('Webhook URLs', { exact: true }).click();
	await ndv.getByText('Production URL', { exact: true }).click();
	await ndv.getByText(`${PUBLIC_URL}webhook/`).first().waitFor();
	await settle(page);
}

/** Scrolls the open node's parameters to their end (for a panel whose point is its last fields). */
async function scrollParametersToEnd(page: Page): Promise<void> {
	await page
		.locator('.node-parameters-wrapper')
		.first()
		.evaluate((parameters) => {
			for (let element: Element | null = parameters; element; element = element.parentElement) {
				if (element.scrollHeight > element.clientHeight + 1) {
					element.scrollTop = element.scrollHeight;
					return;
				}
			}
		});
	await settle(page);
}

async function closeNode(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}

/** Lets requests, fonts and transitions finish. (The harness turns n8n's first-run survey off.) */
async function settle(page: Page): Promise<void> {
	await page.waitForLoadState('networkidle');
	await page.evaluate('document.fonts.ready');
	await page.waitForTimeout(800);
}

async function shoot(page: Page, file: string): Promise<string> {
	const path = join(DOCS, file);
	await page.screenshot({ path });
	return `docs/${file} (${Math.round(statSync(path).size / 1024)} KB)`;
}

function removeOrphanedExampleShots(examples: string[]): void {
	const wanted = new Set(examples.map(SHOT.example));
	for (const file of readdirSync(DOCS)) {
		if (file.startsWith('example-') && file.endsWith('.png') && !wanted.has(file))
			unlinkSync(join(DOCS, file));
	}
}

async function stopAll(): Promise<void> {
	await running.browser?.close().catch(() => undefined);
	await running.n8n?.stop().catch(() => undefined);
	await running.mock?.close().catch(() => undefined);
}

/** Where a failed run leaves the page it was on, to see what the editor showed instead. */
const FAILURE_SHOT = join(REPO_ROOT, '.e2e', 'screenshots-failure.png');

let failed = false;

/**
 * Reports the first failure only: a signal or the deadline also makes the pending browser call
 * fail.
 */
function fail(reason: unknown): void {
	if (failed) return;
	failed = true;
	console.error(
		`[screenshots] FAILED: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
	);
	void (running.page?.screenshot({ path: FAILURE_SHOT, timeout: 5_000 }) ?? Promise.resolve())
		.then(
			() => running.page && console.error(`[screenshots] the page at that moment: ${FAILURE_SHOT}`),
		)
		.catch(() => undefined)
		.finally(() => void stopAll().finally(() => process.exit(1)));
}

const deadline = setTimeout(
	() => fail(new Error(`gave up after ${DEADLINE_MS / 1000} s`)),
	DEADLINE_MS,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
	process.once(signal, () => fail(new Error(`stopped by ${signal}`)));

main()
	.then(async () => {
		clearTimeout(deadline);
		await stopAll();
	})
	.catch(fail);
