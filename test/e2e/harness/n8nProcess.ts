import { execFileSync, spawn } from 'child_process';
import {
	closeSync,
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	rmSync,
	symlinkSync,
} from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { delimiter, dirname, join, resolve } from 'path';
import { setTimeout as delay } from 'timers/promises';

/**
 * The clone: the nearest folder above this file with a package.json (also when compiled elsewhere,
 * as by bench/).
 */
export const REPO_ROOT = repoRootAbove(__dirname);

function repoRootAbove(folder: string): string {
	for (let dir = folder; dir !== dirname(dir); dir = dirname(dir)) {
		if (existsSync(join(dir, 'package.json'))) return dir;
	}
	throw new Error(`no package.json above ${folder}`);
}

/**
 * What identifies a running n8n; plain data, so that globalTeardown can stop what globalSetup
 * started.
 */
export interface N8nProcessInfo {
	baseUrl: string;
	port: number;
	pid: number;
	userFolder: string;
	/**
	 * n8n's log while it runs, in its user folder (its own file, also when several runs share the
	 * clone).
	 */
	logFile: string;
	/** Where stopping leaves a copy of the log for after the run: `.e2e/<name>.log` in the clone. */
	keptLogFile: string;
}

export interface N8nInstance extends N8nProcessInfo {
	stop(): Promise<void>;
}

export interface StartN8nOptions {
	/** Extra environment for n8n, applied last (e.g. `{ N8N_LOG_LEVEL: 'info' }`). */
	env?: Record<string, string>;
	/** Names the log kept after the run: `.e2e/<name>.log` in the clone. Default `n8n`. */
	name?: string;
	/**
	 * Folders of further community packages (each with its package.json) to load next to this one,
	 * e.g. a benchmark baseline.
	 */
	extraPackages?: string[];
	/**
	 * The n8n command. In queue mode (`EXECUTIONS_MODE=queue` in `env`): `webhook` starts a webhook
	 * processor, `worker` a worker, which listens on `port` for its health check only. Default
	 * `start`.
	 */
	command?: 'start' | 'webhook' | 'worker';
	/**
	 * The port to listen on; default a free one (pass one when other processes must know it
	 * beforehand).
	 */
	port?: number;
}

interface N8nInstall {
	node: string;
	n8n: string;
	dir: string;
}

/**
 * Runs n8n (the arguments after the owner's pid) as the child of a shell that leads n8n's process
 * group (`detached`) and kills the whole group, task runners included, once the owner process is
 * gone however it ended: a crash, Ctrl-C, SIGKILL, or a test that never called stop(). Its exit
 * status is n8n's.
 */
const SUPERVISOR = `
owner=$1
shift
"$@" &
n8n=$!
while kill -0 "$n8n" 2>/dev/null; do
	kill -0 "$owner" 2>/dev/null || kill -KILL 0
	sleep 1
done
wait "$n8n"
`;

const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;

/**
 * Runs scripts/ensure-n8n.sh, which installs the pinned n8n on first use and is quick afterwards.
 */
export function ensureN8nInstall(): N8nInstall {
	const output = execFileSync('bash', [join(REPO_ROOT, 'scripts/ensure-n8n.sh'), '--print-env'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const vars = Object.fromEntries(
		output
			.trim()
			.split('\n')
			.map((line) => line.split(/=(.*)/s, 2)),
	);
	return { dir: vars.N8N_INSTALL_DIR, node: vars.N8N_NODE, n8n: vars.N8N_BIN };
}

/**
 * Starts the pinned n8n with SQLite in a throw-away user folder, on free ports, with the built
 * package installed as a community package, and resolves once `/healthz/readiness` answers 200.
 * n8n runs in its own process group, which `stop()` (or the exit of this process) kills.
 */
export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance> {
	if (!existsSync(join(REPO_ROOT, 'dist'))) {
		throw new Error(
			`${join(REPO_ROOT, 'dist')} is missing: run \`npm run build\` before the end-to-end tests`,
		);
	}
	const install = ensureN8nInstall();
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-'));
	execFileSync('bash', [join(REPO_ROOT, 'scripts/install-package.sh'), userFolder], {
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	for (const folder of options.extraPackages ?? []) {
		const { name } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
			name: string;
		};
		const link = join(userFolder, '.n8n', 'nodes', 'node_modules', name);
		mkdirSync(dirname(link), { recursive: true });
		symlinkSync(resolve(folder), link, 'dir');
	}

	const [freePort, brokerPort] = await freePorts(2);
	const port = options.port ?? freePort;
	const command = options.command ?? 'start';
	const baseUrl = `http://127.0.0.1:${port}`;
	const logDir = join(REPO_ROOT, '.e2e');
	mkdirSync(logDir, { recursive: true });
	const keptLogFile = join(logDir, `${options.name ?? 'n8n'}.log`);
	const logFile = join(userFolder, 'n8n.log');
	const logFd = openSync(logFile, 'w');

	// Jest sets NODE_ENV=test, under which n8n refuses to load nodes.
	const { NODE_OPTIONS: _nodeOptions, NODE_ENV: _nodeEnv, ...inherited } = process.env;
	const child = spawn(
		'bash',
		['-c', SUPERVISOR, 'n8n-supervisor', String(process.pid), install.node, install.n8n, command],
		{
			cwd: userFolder,
			detached: true,
			stdio: ['ignore', logFd, logFd],
			env: {
				...inherited,
				NODE_ENV: 'production',
				// n8n starts its JavaScript task runner with the `node` found on PATH, which must be Node
				// 24 too.
				PATH: `${dirname(install.node)}${delimiter}${process.env.PATH ?? ''}`,
				N8N_USER_FOLDER: userFolder,
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				N8N_EDITOR_BASE_URL: `${baseUrl}/`,
				N8N_WEBHOOK_URL: `${baseUrl}/`,
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				DB_TYPE: 'sqlite',
				N8N_DIAGNOSTICS_ENABLED: 'false',
				N8N_PERSONALIZATION_ENABLED: 'false',
				N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
				N8N_TEMPLATES_ENABLED: 'false',
				N8N_SECURE_COOKIE: 'false',
				// Debug level, so that a test searching the log for secrets sees as much as n8n can write.
				N8N_LOG_LEVEL: 'debug',
				N8N_LOG_OUTPUT: 'console',
				// A worker serves no editor or webhooks; its health check is what tells that it is ready.
				...(command === 'worker'
					? {
							QUEUE_HEALTH_CHECK_ACTIVE: 'true',
							QUEUE_HEALTH_CHECK_PORT: String(port),
							N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
						}
					: {}),
				...options.env,
			},
		},
	);
	closeSync(logFd);
	const pid = child.pid;
	if (pid === undefined) throw new Error(`could not start ${install.node} ${install.n8n}`);
	child.unref();

	const info: N8nProcessInfo = { baseUrl, port, pid, userFolder, logFile, keptLogFile };
	const stop = async () => await stopN8n(info);

	let exited: string | undefined;
	child.once(
		'exit',
		(code, signal) =>
			(exited = `n8n ${command} exited during start-up (code ${code}, signal ${signal})`),
	);
	try {
		await waitForReady(baseUrl, () => exited);
	} catch (error) {
		await stop();
		throw new Error(
			`${(error as Error).message}\n--- last lines of ${keptLogFile} ---\n${tail(keptLogFile, 40)}`,
		);
	}
	return { ...info, stop };
}

/**
 * Stops n8n and everything it started (task runners), keeps its log, and deletes its user folder.
 */
export async function stopN8n(info: N8nProcessInfo): Promise<void> {
	signalGroup(info.pid, 'SIGTERM');
	const deadline = Date.now() + STOP_TIMEOUT_MS;
	while (groupAlive(info.pid) && Date.now() < deadline) await delay(100);
	if (groupAlive(info.pid)) signalGroup(info.pid, 'SIGKILL');
	if (existsSync(info.logFile)) copyFileSync(info.logFile, info.keptLogFile);
	rmSync(info.userFolder, { recursive: true, force: true });
}

function tail(file: string, lines: number): string {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

async function waitForReady(baseUrl: string, exitReason: () => string | undefined): Promise<void> {
	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline) {
		const reason = exitReason();
		if (reason) throw new Error(reason);
		try {
			const response = await fetch(`${baseUrl}/healthz/readiness`);
			if (response.status === 200) return;
		} catch {
			// Not listening yet.
		}
		await delay(250);
	}
	throw new Error(`n8n at ${baseUrl} was not ready after ${READY_TIMEOUT_MS / 1000} s`);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Ports that are free right now, all different (each is held until all are found). */
export async function freePorts(count: number): Promise<number[]> {
	const servers = await Promise.all(
		Array.from({ length: count }, () => {
			const server = createServer();
			return new Promise<typeof server>((done, fail) => {
				server.once('error', fail);
				server.listen(0, '127.0.0.1', () => done(server));
			});
		}),
	);
	const ports = servers.map((server) => {
		const address = server.address();
		if (address === null || typeof address === 'string') throw new Error('no TCP address');
		return address.port;
	});
	await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
	return ports;
}
