import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { RecentPerTrigger, triggerKey } from '../shared/recentPerTrigger';
import { emptyState, mergeStates, toState, type GatewayState } from './gatewayState';

const STATIC_DATA_KEY = 'timelinesAiGateway';

/*
 * Where the gateway's state (quota ledger, pacing queue, attempt log) lives, and what holds.
 *
 * The record is the node's workflow static data. n8n 2.41 loads it from the database for every
 * request and saves what the webhook changed from the callback that delivers the answer
 * (live-webhooks.ts), but only when that callback runs before n8n sets up an execution: setting it
 * up wraps the same object in a new Workflow, which clears its "changed" flag
 * (WorkflowRunner.establishContextForPersistence). At the end of an execution n8n saves the static
 * data again if the execution changed it (WorkflowExecute, `workflowExecuteAfter`).
 *
 * - Requests that start no execution (rejections, quota restores, log downloads): n8n saves the
 *   state right after the node's answer.
 * - Accepted requests are answered only once n8n has stored their execution, in every mode, so the
 *   callback cannot save their change. The execution saves it instead: the node's execute() puts this
 *   process's copy (below), which holds the change, into the execution's static data
 *   (saveWithExecution), and n8n writes it when the execution ends. Until then, and if n8n dies
 *   before, the change exists only in the copy: a crash loses it (a restarted n8n under-counts the
 *   quota and its log lacks the attempt), never the message. Not in "Using 'Respond to Webhook'
 *   Node": there n8n ends the answer while it saves static data, and the caller would get an empty
 *   200; those changes reach static data with the next save of this process.
 * - Queue mode: a worker runs the execution without this process's copy, so execute() changes
 *   nothing there, and an accepted request's change reaches static data with the webhook process's
 *   next save (any later request to it that starts no execution).
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
 * In the execution an accepted request started: puts this process's copy, which holds what the
 * request changed, into the execution's static data, so that n8n saves it when the execution ends.
 * The execution does not get the object webhook() changed but a copy of the stored static data
 * (measured on n8n 2.41: it lacks the request's change). Only when the merge holds the attempt with
 * this message id, i.e. the request was taken by this process: a queue-mode worker has no copy (and
 * an empty static data), and saving its view would erase the stored state.
 */
export function saveWithExecution(context: IExecuteFunctions, messageId: string): void {
	const key = triggerKey(context);
	const copy = copies.get(key);
	if (copy === undefined) return;
	const staticData = context.getWorkflowStaticData('node');
	const state = mergeStates(copy, toState(staticData[STATIC_DATA_KEY]), Date.now());
	if (!state.log.some((attempt) => attempt.messageId === messageId)) return;
	copies.set(key, state);
	staticData[STATIC_DATA_KEY] = state as unknown as IDataObject;
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
