import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { toState, type GatewayState } from './gatewayState';

const STATIC_DATA_KEY = 'timelinesAiGateway';

/**
 * The newest state of each gateway node in this process.
 *
 * n8n loads workflow static data from the database when a request arrives and saves it after the
 * node answers, so concurrent requests each start from the same stored copy and the last save
 * wins: a burst would get one pacing slot and one quota charge for all. Keeping the latest state
 * here too (the revision says which copy is newer) makes a burst consistent within one n8n
 * process; static data still carries the state across restarts. Several webhook processes (queue
 * mode) each keep their own copy, so there the budget and pacing are approximate.
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
