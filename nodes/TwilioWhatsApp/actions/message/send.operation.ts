import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runForEachItem } from '../../helpers/items';
import type { PacingSettings } from '../../helpers/pacing';
import { createPacer, pacingProblem } from '../../helpers/pacing';
import { sendParts, sentItem } from '../../helpers/sendParts';
import { forgetUnlessRetried, sentMessagesOf } from '../../helpers/sentMessages';
import type { CorrelationValue } from '../../helpers/statusCallback';
import { statusCallbackUrl } from '../../helpers/statusCallback';
import {
	longTextOption,
	messageProperties,
	retryOption,
	sendingOptionsCollection,
	showOnlyFor,
	statusCallbackProperty,
} from '../common.descriptions';
import { pickedTemplateSids, readDeclaredVariables } from './declaredVariables';
import { longTextOf, readMessageForms, retryPolicyOf } from './messageParameters';

// Twilio queues what it accepts and allows an account many concurrent API requests (20429 above
// that), so 20 in flight costs nothing there and sends a batch about 20 round trips at a time.
export const DEFAULT_CONCURRENCY = 20;
export const MAX_CONCURRENCY = 50;

const sendingOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		default: DEFAULT_CONCURRENCY,
		typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
		description: `How many messages may be on their way to Twilio at once (1 to ${MAX_CONCURRENCY}). The output keeps the order of the input.`,
	},
	{
		displayName: 'Correlation Values',
		name: 'correlationValues',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Value',
		typeOptions: { multipleValues: true },
		description:
			'Added to the Status Callback URL as query parameters, for example the execution ID or a CRM record ID. The Twilio Trigger returns them as callbackQuery.',
		options: [
			{
				displayName: 'Value',
				name: 'values',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'recordId',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: '={{ $json.recordId }}',
					},
				],
			},
		],
	},
	{
		displayName: 'Pacing',
		name: 'pacing',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Pacing',
		description:
			'Spaces the start of consecutive messages. With concurrency above 1, messages still start at least this far apart.',
		options: [
			{
				displayName: 'Pacing',
				name: 'settings',
				values: [
					{
						displayName: 'Mode',
						name: 'mode',
						type: 'options',
						default: 'fixed',
						options: [
							{ name: 'None', value: 'none' },
							{ name: 'Fixed Delay', value: 'fixed' },
							{
								name: 'Random Delay',
								value: 'random',
								description: 'A random delay between a minimum and a maximum, for each message',
							},
						],
					},
					{
						displayName: 'Delay (Ms)',
						name: 'delayMs',
						type: 'number',
						default: 1000,
						typeOptions: { minValue: 0 },
						displayOptions: { show: { mode: ['fixed'] } },
					},
					{
						displayName: 'Minimum Delay (Ms)',
						name: 'minMs',
						type: 'number',
						default: 1500,
						typeOptions: { minValue: 0 },
						displayOptions: { show: { mode: ['random'] } },
					},
					{
						displayName: 'Maximum Delay (Ms)',
						name: 'maxMs',
						type: 'number',
						default: 2500,
						typeOptions: { minValue: 0 },
						displayOptions: { show: { mode: ['random'] } },
					},
				],
			},
		],
	},
	longTextOption,
	retryOption,
];

const properties: INodeProperties[] = [
	{
		displayName:
			"Twilio accepts a message before WhatsApp or the carrier delivers it, so a later failure (such as 63016, outside WhatsApp's 24-hour window) is not an error here: use Send and Wait for Delivery Status, which can fall back to a template, or a Status Callback URL to a Twilio Trigger. Retry On Fail (node settings) sends only the messages an earlier try did not send.",
		name: 'sendNotice',
		type: 'notice',
		default: '',
	},
	...messageProperties,
	statusCallbackProperty,
	sendingOptionsCollection(sendingOptions),
];

export const description = showOnlyFor('message', 'send', properties);

export function correlationValuesOf(options: IDataObject): CorrelationValue[] {
	const values = (options.correlationValues as IDataObject | undefined)?.values;
	return Array.isArray(values)
		? values.map((entry) => ({
				name: String((entry as IDataObject).name ?? ''),
				value: String((entry as IDataObject).value ?? ''),
			}))
		: [];
}

export function pacingSettingsOf(options: IDataObject): PacingSettings {
	const settings = (options.pacing as IDataObject | undefined)?.settings as IDataObject | undefined;
	if (!settings || settings.mode === 'none') return { mode: 'none' };
	if (settings.mode === 'random')
		return {
			mode: 'random',
			minMs: Number(settings.minMs ?? 0),
			maxMs: Number(settings.maxMs ?? 0),
		};
	return { mode: 'fixed', delayMs: Number(settings.delayMs ?? 0) };
}

export function concurrencyOf(options: IDataObject): number {
	const value = Number(options.concurrency ?? DEFAULT_CONCURRENCY);
	return Number.isFinite(value)
		? Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(value)))
		: DEFAULT_CONCURRENCY;
}

/**
 * Sends one message per item (several for a split text). Every item is checked before the first
 * message goes out; each message is sent once: the transport repeats only requests Twilio refused
 * with 429/503, and Retry On Fail sends only what earlier tries did not (helpers/sentMessages).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	// Throughput settings apply to the whole run, so they are read from the first item.
	const runOptions = this.getNodeParameter('options', 0, {}) as IDataObject;
	const pacing = pacingSettingsOf(runOptions);
	const problem = pacingProblem(pacing);
	if (problem) throw new NodeOperationError(this.getNode(), problem);
	const sent = sentMessagesOf(this);
	const declared = await readDeclaredVariables(
		this,
		pickedTemplateSids(this, items.length),
		retryPolicyOf(runOptions),
	);

	const output = await runForEachItem(this, items, {
		prepare: (itemIndex, fail) => {
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const callback = statusCallbackUrl(
				String(this.getNodeParameter('statusCallback', itemIndex, '') ?? ''),
				correlationValuesOf(options),
				fail,
			);
			const longText = longTextOf(options);
			const forms = readMessageForms.call(
				this,
				itemIndex,
				callback,
				fail,
				{ longText, statusCallbackOnLastPartOnly: false },
				declared,
			);
			return { forms, retry: retryPolicyOf(options), listParts: longText === 'split' };
		},
		perform: async ({ forms, retry, listParts }, itemIndex) => [
			sentItem(await sendParts(this, sent, itemIndex, forms, retry), listParts),
		],
		concurrency: concurrencyOf(runOptions),
		beforeEach: createPacer(pacing),
	});
	forgetUnlessRetried(sent, output);
	return output;
}
