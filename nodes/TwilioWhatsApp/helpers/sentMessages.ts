import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { FormFields } from '../../shared/transport';

/**
 * What the current run of the node has already sent, kept in n8n's node context. Retry On Fail runs
 * the node again with the same execution data and the same run index, and the node context lives in
 * that execution data, so a retried try finds what an earlier try sent and sends only the rest
 * (docs/n8n-behaviour.md). A new run of the node (a loop's next round) has a new run index and
 * starts empty.
 */
interface ItemRecord {
	/** Which message(s) the parts belong to: a changed item is a different message and is sent. */
	fingerprint: string;
	/** The outputs of the parts Twilio accepted, in order. */
	parts: IDataObject[];
	/** The part whose request may have reached Twilio without an answer; never sent again. */
	uncertainPart?: number;
}

interface Ledger {
	runIndex: number;
	items: Record<string, ItemRecord>;
}

const CONTEXT_KEY = 'sentMessages';

/** Identifies the forms of one item's message(s); the same parameters give the same fingerprint. */
export function formsFingerprint(forms: FormFields[]): string {
	const canonical = forms.map((form) =>
		Object.keys(form)
			.sort()
			.map((key) => [key, form[key]]),
	);
	return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 22);
}

export interface SentMessages {
	/** The outputs of the parts an earlier try of this run sent for the item; empty when none. */
	sentParts(itemIndex: number, fingerprint: string): IDataObject[];
	/** The part an earlier try may have sent without learning its fate, if any. */
	uncertainPart(itemIndex: number, fingerprint: string): number | undefined;
	recordSent(itemIndex: number, fingerprint: string, parts: IDataObject[]): void;
	recordUncertain(itemIndex: number, fingerprint: string, part: number): void;
	/**
	 * Drops the records once n8n will not run the node again for this run, keeping the execution data
	 * small.
	 */
	forget(): void;
}

export function sentMessagesOf(ctx: IExecuteFunctions): SentMessages {
	const context = ctx.getContext('node');
	const runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	const stored = context[CONTEXT_KEY] as Ledger | undefined;
	const ledger: Ledger =
		stored?.runIndex === runIndex ? stored : (context[CONTEXT_KEY] = { runIndex, items: {} });
	const matching = (itemIndex: number, fingerprint: string): ItemRecord | undefined => {
		const record = ledger.items[itemIndex];
		return record?.fingerprint === fingerprint ? record : undefined;
	};
	return {
		sentParts: (itemIndex, fingerprint) => matching(itemIndex, fingerprint)?.parts ?? [],
		uncertainPart: (itemIndex, fingerprint) => matching(itemIndex, fingerprint)?.uncertainPart,
		recordSent: (itemIndex, fingerprint, parts) => {
			ledger.items[itemIndex] = { fingerprint, parts: [...parts] };
		},
		recordUncertain: (itemIndex, fingerprint, part) => {
			const parts = matching(itemIndex, fingerprint)?.parts ?? [];
			ledger.items[itemIndex] = { fingerprint, parts, uncertainPart: part };
		},
		forget: () => {
			delete context[CONTEXT_KEY];
		},
	};
}

/**
 * n8n runs the node again under Retry On Fail when it throws, and also when it returns with an
 * error in its first output item (Continue On Fail); otherwise this run is over and its records can
 * go.
 */
export function forgetUnlessRetried(sent: SentMessages, output: INodeExecutionData[]): void {
	if (!output[0]?.json.error) sent.forget();
}
