import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

type TriggerContext = Pick<
	IWebhookFunctions | IExecuteFunctions,
	'getWorkflow' | 'getNode' | 'getMode'
>;

/** Triggers whose state one process keeps in memory; the least recently used is dropped first. */
export const MAX_REMEMBERED_TRIGGERS = 100;

/**
 * Which trigger a request or the execution it started is for: workflow, node and mode, so that the
 * editor's test listener and the published workflow keep apart.
 */
export function triggerKey(context: TriggerContext): string {
	return `${context.getWorkflow().id ?? ''}\u0000${context.getNode().id}\u0000${context.getMode()}`;
}

/**
 * What a trigger keeps in process memory between its requests, beside its workflow static data. n8n
 * loads static data when a request arrives and saves it after the answer, without a lock, so
 * concurrent requests overwrite each other's changes; merging this process's latest copy into every
 * save puts them back. Each user merges on every request, so dropping an entry loses nothing static
 * data has.
 */
export class RecentPerTrigger<T> {
	private readonly entries = new Map<string, T>();

	get(key: string): T | undefined {
		return this.entries.get(key);
	}

	set(key: string, value: T): void {
		this.entries.delete(key);
		this.entries.set(key, value);
		if (this.entries.size > MAX_REMEMBERED_TRIGGERS)
			this.entries.delete(this.entries.keys().next().value as string);
	}
}
