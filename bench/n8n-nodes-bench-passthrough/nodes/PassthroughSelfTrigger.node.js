'use strict';
// Diagnostic twin of PassthroughTrigger (bench/, BENCH_DIAGNOSE=1): the same, except that it writes
// the answer itself before n8n creates the execution (noWebhookResponse with workflowData), as this
// package's triggers do, so that the effect of answering early can be told apart from a node's own
// cost.
class PassthroughSelfTrigger {
	constructor() {
		this.description = {
			displayName: 'Passthrough Self-Answering Trigger',
			name: 'passthroughSelfTrigger',
			group: ['trigger'],
			version: 2,
			description: 'Benchmark diagnostic',
			defaults: { name: 'Passthrough Self-Answering Trigger' },
			inputs: [],
			outputs: ['main'],
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
		this.getResponseObject().status(200).end();
		return { noWebhookResponse: true, workflowData: [[{ json: this.getBodyData() }]] };
	}
}
module.exports = { PassthroughSelfTrigger };
