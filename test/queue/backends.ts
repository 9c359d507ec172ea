/**
 * The PostgreSQL and Redis that scripts/test-queue.sh started, and the few direct reads the test
 * makes of them: n8n's own tables and Bull's keys are the ground truth for what exists and what
 * failed.
 */
import { execFileSync } from 'child_process';

export interface QueueBackends {
	postgres: { host: string; port: string; user: string; password: string; database: string };
	redis: { host: string; port: string };
}

const ENV_NAMES = {
	pgHost: 'QUEUE_TEST_PG_HOST',
	pgPort: 'QUEUE_TEST_PG_PORT',
	pgUser: 'QUEUE_TEST_PG_USER',
	pgPassword: 'QUEUE_TEST_PG_PASSWORD',
	pgDatabase: 'QUEUE_TEST_PG_DATABASE',
	redisHost: 'QUEUE_TEST_REDIS_HOST',
	redisPort: 'QUEUE_TEST_REDIS_PORT',
} as const;

/**
 * Where scripts/test-queue.sh started PostgreSQL and Redis; throws a clear message when run
 * otherwise.
 */
export function backendsFromEnv(env: NodeJS.ProcessEnv = process.env): QueueBackends {
	const missing = Object.values(ENV_NAMES).filter((name) => !env[name]);
	if (missing.length > 0) {
		throw new Error(
			`${missing.join(', ')} not set: run the queue-mode test with \`npm run test:queue\`, which starts PostgreSQL and Redis`,
		);
	}
	const read = (name: string) => env[name] as string;
	return {
		postgres: {
			host: read(ENV_NAMES.pgHost),
			port: read(ENV_NAMES.pgPort),
			user: read(ENV_NAMES.pgUser),
			password: read(ENV_NAMES.pgPassword),
			database: read(ENV_NAMES.pgDatabase),
		},
		redis: { host: read(ENV_NAMES.redisHost), port: read(ENV_NAMES.redisPort) },
	};
}

/**
 * Every execution of the workflow with its status, from n8n's table. Not from
 * `GET /rest/executions`: n8n 2.41 pages that list with `id < cursor` while ordering by start time,
 * so when executions start out of id order, as queued ones do, its pages repeat some executions and
 * skip others.
 */
export function executionStatuses(
	pg: QueueBackends['postgres'],
	workflowId: string,
): Array<{ id: string; status: string }> {
	return psql(
		pg,
		`SELECT id, status FROM execution_entity WHERE "workflowId" = '${checkedId(workflowId)}' ORDER BY id`,
	)
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const [id, status] = line.split(' ');
			return { id, status };
		});
}

function checkedId(id: string): string {
	if (!/^[\w-]+$/.test(id)) throw new Error(`unexpected id ${id}`);
	return id;
}

function psql(pg: QueueBackends['postgres'], sql: string): string {
	return execFileSync(
		'psql',
		[
			'-h',
			pg.host,
			'-p',
			pg.port,
			'-U',
			pg.user,
			'-d',
			pg.database,
			'-v',
			'ON_ERROR_STOP=1',
			'-At',
			'-F',
			' ',
			'-c',
			sql,
		],
		{
			encoding: 'utf8',
			env: { ...process.env, PGPASSWORD: pg.password },
		},
	);
}

function redisCli(redis: QueueBackends['redis'], ...args: string[]): string {
	return execFileSync('redis-cli', ['-h', redis.host, '-p', redis.port, ...args], {
		encoding: 'utf8',
	});
}

/**
 * Jobs waiting or being worked on in n8n's queue (Bull's lists under the default prefix and queue
 * name).
 */
export function queuedJobs(redis: QueueBackends['redis']): { waiting: number; active: number } {
	const length = (key: string) => Number(redisCli(redis, 'LLEN', key).trim());
	return { waiting: length('bull:jobs:wait'), active: length('bull:jobs:active') };
}

export interface FailedJob {
	executionId: string;
	failedReason: string;
}

/** Jobs Bull failed, with its reason (kept in Redis by N8N_EXECUTIONS_QUEUE_KEEP_LAST_FAILED). */
export function failedJobs(redis: QueueBackends['redis']): FailedJob[] {
	const ids = redisCli(redis, 'ZRANGE', 'bull:jobs:failed', '0', '-1').split('\n').filter(Boolean);
	return ids.map((id) => {
		const [data, failedReason] = redisCli(
			redis,
			'HMGET',
			`bull:jobs:${id}`,
			'data',
			'failedReason',
		).split('\n');
		return {
			executionId: String((JSON.parse(data) as { executionId: unknown }).executionId),
			failedReason,
		};
	});
}

/**
 * The reason Bull gives a job whose lock expired while a worker had it (bull's
 * moveStalledJobsToWait-7.lua).
 */
export const STALLED = 'job stalled more than allowable limit';

/**
 * The workflow's static data as n8n stored it (where the trigger keeps its duplicate-delivery log).
 */
export function workflowStaticData(
	pg: QueueBackends['postgres'],
	workflowId: string,
): Record<string, unknown> {
	const text = psql(
		pg,
		`SELECT COALESCE("staticData"::text, '{}') FROM workflow_entity WHERE id = '${checkedId(workflowId)}'`,
	).trim();
	return JSON.parse(text || '{}') as Record<string, unknown>;
}

/**
 * A fresh, empty database beside the one scripts/test-queue.sh created, and an emptied Redis, for a
 * second deployment in the same run: n8n binds a database to the encryption key of the main that
 * created it, and caches webhooks in Redis in queue mode (the first deployment's would conflict).
 */
export function withFreshStores(backends: QueueBackends, name: string): QueueBackends {
	psql(backends.postgres, `CREATE DATABASE ${checkedId(name)}`);
	redisCli(backends.redis, 'FLUSHALL');
	return { ...backends, postgres: { ...backends.postgres, database: name } };
}
