/**
 * The end-to-end harness. globalSetup starts one n8n for the whole e2e run and logs in as its
 * owner; tests call getN8n() for a client of that instance. startN8n() starts further instances
 * when a test needs its own (different environment); such a test must stop() it.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { N8nClient, type Session } from './client';
import type { N8nProcessInfo } from './n8nProcess';

export * from './client';
export { parseFlatted } from './flatted';
export {
	ensureN8nInstall,
	REPO_ROOT,
	startN8n,
	stopN8n,
	type N8nInstance,
	type N8nProcessInfo,
	type StartN8nOptions,
} from './n8nProcess';

/**
 * What globalSetup hands to the tests and to globalTeardown (through a file named in this
 * variable).
 */
const STATE_ENV = 'E2E_N8N_STATE';

export interface SharedN8n {
	n8n: N8nProcessInfo;
	session: Session;
}

export function shareN8n(state: SharedN8n): void {
	const file = join(state.n8n.userFolder, 'e2e-state.json');
	writeFileSync(file, JSON.stringify(state));
	process.env[STATE_ENV] = file;
}

export function sharedN8n(): SharedN8n {
	const file = process.env[STATE_ENV];
	if (!file)
		throw new Error(
			`${STATE_ENV} is not set: run end-to-end tests through jest's e2e project (its globalSetup starts n8n)`,
		);
	return JSON.parse(readFileSync(file, 'utf8')) as SharedN8n;
}

/** A client of the shared n8n, logged in as its owner. */
export function getN8n(): N8nClient {
	const { n8n, session } = sharedN8n();
	return new N8nClient({ baseUrl: n8n.baseUrl, session, logFile: n8n.logFile });
}
