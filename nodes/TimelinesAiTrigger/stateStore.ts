import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { RecentPerTrigger, triggerKey } from '../shared/recentPerTrigger';
import { emptyState, mergeStates, toState, type GatewayState } from './gatewayState';

const STATIC_DATA_KEY = 'timelinesAiGateway';

/*
 * The gateway's state (quota ledger, pacing queue, attempt log) is the node's workflow static data,
 * plus a copy in this process's memory. When n8n saves static data a webhook changed, and when it
 * does not: docs/n8n-behaviour.md, "Trigger answers and stored executions". Requests that start no
 * execution are saved by n8n after the answer; an accepted request's change is saved by its
 * execution (saveWithExecution), best effort: a crash before then loses the bookkeeping, never the
 * message.
 *
 * Why the copy: every request starts from the static data loaded when it arrived and the last save
 * wins, so concurrent requests would spend from the same ledger. Each change here is load, merge
 * with the copy (mergeStates, so neither hides the other), change, store, with no await in between.
 * Across processes a request sees only what others had saved when it arrived. The copy holds
 * nothing static data does not, for at most MAX_REMEMBERED_TRIGGERS nodes.
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
	// Also when only the merge added something, so that requests which change nothing (a log
	// download) save it.
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
 * request changed, into the execution's static data, which n8n saves when the execution ends. Only
 * when the copy holds this message's attempt: a queue-mode worker has none, and saving its view
 * would erase the state.
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
 * Stores an empty state when the node has none, at activation (which n8n saves afterwards):
 * otherwise the first "Respond to Webhook" request of a new workflow would get an empty 200
 * (docs/n8n-behaviour.md).
 */
export function ensureStoredState(staticData: IDataObject): void {
	if (staticData[STATIC_DATA_KEY] === undefined)
		staticData[STATIC_DATA_KEY] = emptyState() as unknown as IDataObject;
}
