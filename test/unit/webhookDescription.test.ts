import type { INode, INodeParameters, IWebhookDescription } from 'n8n-workflow';
import { resolveWebhookDescriptionField, WEBHOOK_RESOLVERS } from 'n8n-workflow';

import { fieldsOfParameters } from '../../nodes/shared/webhookDescription';

describe('fieldsOfParameters', () => {
	const fields = fieldsOfParameters({
		responseMode: (parameters) => parameters.respond || 'onReceived',
	});

	it('carries the expression template and the native resolver n8n 2.41 calls instead', () => {
		expect(fields.responseMode).toMatch(/^=\{\{\(.*\)\(\$parameter\)\}\}$/s);
		expect(Object.keys((fields as Record<symbol, object>)[WEBHOOK_RESOLVERS])).toEqual([
			'responseMode',
		]);
	});

	it('resolves each field from the parameters as the expression would', () => {
		for (const [parameters, expected] of [
			[{ respond: 'lastNode' }, 'lastNode'],
			[{}, 'onReceived'],
		] as Array<[INodeParameters, string]>) {
			const node = { parameters } as INode;
			const resolved = resolveWebhookDescriptionField(
				node,
				fields as IWebhookDescription,
				'responseMode',
			);
			expect(resolved).toEqual({ resolved: true, value: expected });
		}
	});
});
