'use strict';
// Baseline for bench/: a community trigger that does nothing but hand the request body to the
// workflow, with a fully static webhook description (no expressions) and n8n's own response.
// Version 2, like this package's triggers: for a version-1 trigger n8n 2.41 evaluates one more
// expression per request (webhook-helpers.js parseRequestBody,
// `$parameter["options"]["binaryData"]`). It declares the Twilio credential as optional and never
// reads it: a workflow that attaches one shows what n8n itself charges every execution of a node
// with a credential (its access checks).
class PassthroughTrigger {
	constructor() {
		this.description = {
			displayName: 'Passthrough Trigger',
			name: 'passthroughTrigger',
			group: ['trigger'],
			version: 2,
			description: 'Benchmark baseline',
			defaults: { name: 'Passthrough Trigger' },
			inputs: [],
			outputs: ['main'],
			credentials: [{ name: 'twilioMessagingApi', required: false }],
			webhooks: [
				{
					name: 'default',
					httpMethod: 'POST',
					responseMode: 'onReceived',
					responseData: '',
					path: 'in',
				},
			],
			properties: [],
		};
	}

	async webhook() {
		return { workflowData: [[{ json: this.getBodyData() }]] };
	}
}
module.exports = { PassthroughTrigger };
