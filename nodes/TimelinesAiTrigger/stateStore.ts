import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { emptyState, toState, type GatewayState } from './gatewayState';

const STATIC_DATA_KEY = 'timelinesAiGateway';

/**
 * The newest state of each gateway node in this process.
 *
 * n8n loads workflow static data from the database when a request arrives and saves it after the
 * node answers, so concurrent requests each start from the same stored copy and the last save
 * wins: a burst would get one pacing slot and one quota charge for all. Keeping the latest state
 * here too (the revision says which copy is newer) makes a burst consistent within one n8n
 * process. Several webhook processes (queue mode) each keep their own copy, so there the budget
 * and pacing are approximate.
 *
 * Across restarts the state is what n8n last saved. n8n 2.41 saves a request's changes only when
 * the request starts no execution (a rejection, a quota restore): setting up an execution wraps
 * the same static data in a new Workflow, which clears its "changed" flag
 * (WorkflowRunner.establishContextForPersistence). So accepted requests after the last such save
 * are missing from the budget and the log after a restart.
 */
const latest = new Map<string, GatewayState>();

function keyOf(context: IWebhookFunctions): string {
	return `${context.getWorkflow().id ?? ''}\u0000${context.getNode().id}\u0000${context.getMode()}`;
}

/** Load, change and save with no `await` in between, so no other request interleaves. */
export function updateState<T>(context: IWebhookFunctions, change: (state: GatewayState) => { state: GatewayState; result: T }): T {
	const staticData = context.getWorkflowStaticData('node');
	const stored = toState(staticData[STATIC_DATA_KEY]);
	const key = keyOf(context);
	const mine = latest.get(key);
	const current = mine !== undefined && mine.revision >= stored.revision ? mine : stored;
	const { state, result } = change(current);
	if (state !== current) {
		const next = { ...state, revision: current.revision + 1 };
		latest.set(key, next);
		staticData[STATIC_DATA_KEY] = next as unknown as IDataObject;
	}
	return result;
}

export function readState(context: IWebhookFunctions): GatewayState {
	return updateState(context, (state) => ({ state, result: state }));
}

/**
 * Stores an empty state when the node has none, at activation (which n8n saves afterwards).
 *
 * n8n 2.41 answers a "Respond to Webhook" request by ending the response on the next tick, while
 * the answer itself waits for n8n to save the static data the webhook changed. That save only
 * happens when the workflow had no static data before the request (later changes lose n8n's
 * "changed" flag when the execution is set up), so without a stored state the first accepted
 * request of a new workflow would get an empty 200.
 */
export function ensureStoredState(staticData: IDataObject): void {
	if (staticData[STATIC_DATA_KEY] === undefined) staticData[STATIC_DATA_KEY] = emptyState() as unknown as IDataObject;
}
