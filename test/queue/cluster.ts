/**
 * An n8n queue-mode deployment on this machine, the way docs/queue-mode.md tells users to run one:
 * a main process (editor, REST API, activation; no production webhooks), a webhook processor
 * (`n8n webhook`) that takes Twilio's requests and queues executions in Redis, and workers
 * (`n8n worker`) that run them. All share one PostgreSQL database, one Redis and one encryption
 * key; each has its own user folder with this package installed, as separate machines would.
 */
import { randomBytes } from 'crypto';

import { freePorts, startN8n, type N8nInstance } from '../e2e/harness/n8nProcess';
import type { QueueBackends } from './backends';

export interface QueueCluster {
	main: N8nInstance;
	/** The first webhook processor; N8N_WEBHOOK_URL, the URL Twilio is given, points at it. */
	webhook: N8nInstance;
	/**
	 * Every webhook processor, `webhook` first: as behind a load balancer, all serve the same
	 * webhooks.
	 */
	webhooks: N8nInstance[];
	workers: N8nInstance[];
	/**
	 * Every process, main last (it owns the database migrations, so it goes down after the others).
	 */
	all(): N8nInstance[];
}

export interface QueueClusterOptions {
	workers: number;
	/** Webhook processors; default 1. */
	webhooks?: number;
	/** Further environment for every process (e.g. the binary data mode). */
	env?: Record<string, string>;
}

/** The environment every process of the deployment shares. */
function sharedEnv(
	backends: QueueBackends,
	encryptionKey: string,
	webhookBaseUrl: string,
): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: backends.postgres.host,
		DB_POSTGRESDB_PORT: backends.postgres.port,
		DB_POSTGRESDB_USER: backends.postgres.user,
		DB_POSTGRESDB_PASSWORD: backends.postgres.password,
		DB_POSTGRESDB_DATABASE: backends.postgres.database,
		// With n8n's defaults (2 connections, 5-second ping) a webhook processor taking 50 requests at
		// once queues its own database health ping behind them; one ping that times out makes it answer
		// every request 503 "Database is not ready!" until the next ping passes (seen in this test).
		DB_POSTGRESDB_POOL_SIZE: '20',
		DB_PING_TIMEOUT_MS: '30000',
		QUEUE_BULL_REDIS_HOST: backends.redis.host,
		QUEUE_BULL_REDIS_PORT: backends.redis.port,
		N8N_ENCRYPTION_KEY: encryptionKey,
		// The URL Twilio is given, on every process: the trigger checks signatures against it.
		N8N_WEBHOOK_URL: `${webhookBaseUrl}/`,
		// Failed jobs stay in Redis (n8n removes them at once by default), so the test can read why
		// each failed.
		N8N_EXECUTIONS_QUEUE_KEEP_LAST_FAILED: '1000',
		// Info, not the harness's debug: the workers' "started/finished execution" lines are enough,
		// and debug logging of 1,000 requests costs CPU the four processes share.
		N8N_LOG_LEVEL: 'info',
	};
}

/**
 * Starts main first (it creates the schema), then the webhook processor and the workers side by
 * side.
 */
export async function startQueueCluster(
	backends: QueueBackends,
	options: QueueClusterOptions,
): Promise<QueueCluster> {
	const encryptionKey = randomBytes(24).toString('base64url');
	const webhookPorts = await freePorts(options.webhooks ?? 1);
	const env = {
		...sharedEnv(backends, encryptionKey, `http://127.0.0.1:${webhookPorts[0]}`),
		...options.env,
	};
	const started: N8nInstance[] = [];
	try {
		// Production webhooks go to the webhook processor only.
		const main = await startN8n({
			name: 'queue-main',
			env: { ...env, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
		});
		started.push(main);
		const others = await Promise.allSettled([
			...webhookPorts.map(
				async (port, i) =>
					await startN8n({
						name: i === 0 ? 'queue-webhook' : `queue-webhook-${i + 1}`,
						command: 'webhook',
						port,
						env,
					}),
			),
			...Array.from({ length: options.workers }, (_, i) =>
				startN8n({ name: `queue-worker-${i + 1}`, command: 'worker', env }),
			),
		]);
		for (const result of others) if (result.status === 'fulfilled') started.push(result.value);
		const failure = others.find(
			(result): result is PromiseRejectedResult => result.status === 'rejected',
		);
		if (failure) throw failure.reason;
		const processes = others.map((result) => (result as PromiseFulfilledResult<N8nInstance>).value);
		const webhooks = processes.slice(0, webhookPorts.length);
		const workers = processes.slice(webhookPorts.length);
		return {
			main,
			webhook: webhooks[0],
			webhooks,
			workers,
			all: () => [...webhooks, ...workers, main],
		};
	} catch (error) {
		await stopAll(started.reverse());
		throw error;
	}
}

/** Stops the processes one after the other, in the order given; a process already gone is fine. */
export async function stopAll(instances: N8nInstance[]): Promise<void> {
	for (const instance of instances) await instance.stop();
}
