'use strict';
// Baseline for bench/: a community trigger that does nothing but hand the request body to the
// workflow, with a fully static webhook description (no expressions) and n8n's own response.
class PassthroughTrigger {
	constructor() {
		this.description = {
			displayName: 'Passthrough Trigger',
			name: 'passthroughTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Benchmark baseline',
			defaults: { name: 'Passthrough Trigger' },
			inputs: [],
			outputs: ['main'],
			webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: 'in' }],
			properties: [],
		};
	}

	async webhook() {
		return { workflowData: [[{ json: this.getBodyData() }]] };
	}
}
module.exports = { PassthroughTrigger };
