import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { RecentPerTrigger, triggerKey } from '../shared/recentPerTrigger';
import { emptyState, mergeStates, toState, type GatewayState } from './gatewayState';

const STATIC_DATA_KEY = 'timelinesAiGateway';

/*
 * Where the gateway's state (quota ledger, pacing queue, attempt log) lives, and what holds.
 *
 * The record is the node's workflow static data. n8n 2.41 loads it from the database for every
 * request and saves it, if the webhook changed it, from the callback that delivers the node's
 * answer (live-webhooks.ts), but only when that callback runs before n8n sets up the execution:
 * setting it up wraps the same object in a new Workflow, which clears its "changed" flag
 * (WorkflowRunner.establishContextForPersistence).
 *
 * - "Immediately" (the default): the node writes every answer itself and returns
 *   `noWebhookResponse` (handlers.ts), so n8n saves the state of every request, accepted or not,
 *   right after the answer is written and before the execution starts. After a restart, and in
 *   any other n8n process, the budget, the pacing queue and the log include every request that
 *   was answered, except one whose answer left just before the process died, ahead of the save.
 * - "When Last Node Finishes" and "Using 'Respond to Webhook' Node": n8n answers from the
 *   execution, so it never saves what an accepted request changed. Those changes stay in this
 *   process's copy (below) and reach static data with the next request to this node in this
 *   process that starts no execution: a rejection, a quota restore or a log download. A restart
 *   before then loses them; another process does not see them until then.
 *
 * Why a copy in memory too: every request starts from the static data loaded when it arrived and
 * the last save wins, so concurrent requests would each spend from the same ledger and get the
 * same pacing slot. Here each change is load, merge with the copy, change, store, with no await
 * in between, so the requests one process answers are applied one after another. The copy and
 * static data are merged on every request (mergeStates), never just preferred: the copy cannot
 * hide what another process saved, and what a concurrent save elsewhere overwrote comes back
 * with this process's next save.
 *
 * Across processes (queue mode with several webhook processes) that is all: a request sees what
 * other processes had saved when it arrived. Two processes answering at the same moment can each
 * spend the last unit of the budget and hand out slots closer than the pacing gap.
 *
 * The copy holds nothing the static data does not (no URL secret, no credentials; message text
 * only when the user opted in to logging it), each state within its own limits, for at most
 * MAX_REMEMBERED_TRIGGERS nodes. Dropping a node's copy loses nothing static data has.
 */
const copies = new RecentPerTrigger<GatewayState>();

/** Load, change and store with no `await` in between, so no other request interleaves. */
export function updateState<T>(
	context: IWebhookFunctions,
	change: (state: GatewayState) => { state: GatewayState; result: T },
): T {
	const staticData = context.getWorkflowStaticData('node');
	const stored = toState(staticData[STATIC_DATA_KEY]);
	const key = triggerKey(context);
	const copy = copies.get(key);
	const current = copy === undefined ? stored : mergeStates(copy, stored, Date.now());
	const { state, result } = change(current);
	copies.set(key, state);
	// Also when only the merge added something, so that requests which change nothing (a log download) save it.
	if (
		state !== current ||
		(copy !== undefined && JSON.stringify(current) !== JSON.stringify(stored))
	) {
		staticData[STATIC_DATA_KEY] = state as unknown as IDataObject;
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
	if (staticData[STATIC_DATA_KEY] === undefined)
		staticData[STATIC_DATA_KEY] = emptyState() as unknown as IDataObject;
}
