import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { twilioErrorDetailsOf } from '../../shared/transport';
import { mapWithConcurrency } from './pool';

/**
 * The error fields a failed item carries with "Continue On Fail": Twilio's own fields for API and
 * call errors (kind `api` / `call`, from the transport), and kind `validation` for everything the
 * node rejected before reaching Twilio (parameters, expressions, the credential). The item holds
 * only `error`, so n8n's error output picks it up.
 */
export function errorFields(error: unknown): IDataObject {
	const context = (error as { context?: IDataObject } | undefined)?.context;
	// A split text that failed part-way lists the parts that did go out.
	if (context?.twilioError)
		return {
			...twilioErrorDetailsOf(error),
			...(context.sentParts ? { sentParts: context.sentParts } : {}),
		};
	const description = (error as { description?: unknown } | undefined)?.description;
	return {
		kind: 'validation',
		code: 'INVALID_PARAMETER',
		message: error instanceof Error ? error.message : String(error),
		...(typeof description === 'string' && description ? { hint: description } : {}),
	};
}

function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/**
 * Reports a parameter problem and stops: `message` says what is wrong, `description` what to do.
 * Pure helpers take one, so their callers decide which error it raises.
 */
export type Fail = (message: string, description?: string) => never;

/** Raises a parameter problem of one item as a NodeOperationError that names the item. */
export function failFor(ctx: IExecuteFunctions, itemIndex: number): Fail {
	return (message, description) => {
		throw new NodeOperationError(ctx.getNode(), `${message} (item ${itemIndex})`, {
			itemIndex,
			description,
		});
	};
}

export interface ItemRun<Prepared> {
	/**
	 * Reads and checks one item's parameters, without calling Twilio; `fail` raises a problem of this
	 * item. Every item is prepared before the first one is performed, so an invalid item stops the
	 * node before anything was sent.
	 */
	prepare: (itemIndex: number, fail: Fail) => Prepared;
	/** Calls Twilio for one prepared item and returns its output records. */
	perform: (prepared: Prepared, itemIndex: number) => Promise<IDataObject[]>;
	concurrency?: number;
	/** Awaited before each item is performed (pacing). */
	beforeEach?: () => Promise<void>;
}

type Outcome<Prepared> = { prepared: Prepared } | { failed: INodeExecutionData };

function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	return { json: { error: errorFields(error) }, pairedItem: { item: itemIndex } };
}

/**
 * Runs an operation for every input item: all items are prepared first, then performed in parallel
 * up to `concurrency`, with the output in input order and each record paired with its item.
 * "Continue On Fail" turns a failed item into an error item and lets the others go on; otherwise
 * the first failure stops new items from starting and is thrown.
 */
export async function runForEachItem<Prepared>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	run: ItemRun<Prepared>,
): Promise<INodeExecutionData[]> {
	const continueOnFail = ctx.continueOnFail();
	const outcomes = items.map((_item, itemIndex): Outcome<Prepared> => {
		try {
			return { prepared: run.prepare(itemIndex, failFor(ctx, itemIndex)) };
		} catch (error) {
			if (!continueOnFail) throw asNodeError(ctx, error, itemIndex);
			return { failed: errorItem(error, itemIndex) };
		}
	});
	const pending = outcomes.flatMap((outcome, itemIndex) =>
		'prepared' in outcome ? [{ itemIndex, prepared: outcome.prepared }] : [],
	);
	const performed = await mapWithConcurrency(
		pending.length,
		run.concurrency ?? 1,
		async (position): Promise<INodeExecutionData[]> => {
			const { itemIndex, prepared } = pending[position];
			try {
				const records = await run.perform(prepared, itemIndex);
				return records.map((json) => ({ json, pairedItem: { item: itemIndex } }));
			} catch (error) {
				if (!continueOnFail) throw asNodeError(ctx, error, itemIndex);
				return [errorItem(error, itemIndex)];
			}
		},
		run.beforeEach,
	);
	const byItem = new Map(
		pending.map(({ itemIndex }, position) => [itemIndex, performed[position]]),
	);
	return outcomes.flatMap((outcome, itemIndex) =>
		'failed' in outcome ? [outcome.failed] : (byItem.get(itemIndex) ?? []),
	);
}

/**
 * The execute function of an operation that does `run` for every input item (see runForEachItem).
 */
export function executeForEachItem<Prepared>(
	run: (ctx: IExecuteFunctions) => ItemRun<Prepared>,
): (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[]> {
	return async function (this: IExecuteFunctions, items: INodeExecutionData[]) {
		return await runForEachItem(this, items, run(this));
	};
}
