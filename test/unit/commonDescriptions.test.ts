/** actions/common.descriptions.ts: the description helpers shared by the operations. */
import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	alphabetical,
	messageProperties,
	retryOption,
	showOnlyFor,
	twilioMessageOptions,
} from '../../nodes/TwilioWhatsApp/actions/common.descriptions';

describe('description helpers', () => {
	// Both replace n8n-workflow functions that cost milliseconds while n8n loads the node
	// (bench/coldLoad.ts); the description they build must stay exactly what n8n's own functions
	// build.
	it("showOnlyFor builds what updateDisplayOptions builds, keeping each property's own conditions", () => {
		const properties: INodeProperties[] = [
			...messageProperties,
			...twilioMessageOptions,
			retryOption,
		];
		for (const operation of ['send', 'sendAndWait', 'getMany']) {
			const ours = showOnlyFor('message', operation, properties);
			expect(ours).toEqual(
				updateDisplayOptions(
					{ show: { resource: ['message'], operation: [operation] } },
					properties,
				),
			);
			expect(ours.find((p) => p.name === 'mediaUrls')?.displayOptions?.show).toEqual({
				content: ['text'],
				channel: ['whatsapp', 'mms'],
				resource: ['message'],
				operation: [operation],
			});
		}
	});

	it('alphabetical orders options as localeCompare does, without changing the input', () => {
		const options = [retryOption, ...twilioMessageOptions];
		const before = options.map((o) => o.name);
		const expected = [...options]
			.sort((a, b) => a.displayName.localeCompare(b.displayName))
			.map((o) => o.name);
		expect(alphabetical(options).map((o) => o.name)).toEqual(expected);
		expect(options.map((o) => o.name)).toEqual(before);
	});
});
