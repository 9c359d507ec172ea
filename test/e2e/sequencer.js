/**
 * Runs the end-to-end files in a stable order, with the secrets audit last: it searches everything
 * the other files left in n8n (executions, log) for secrets.
 */
const Sequencer = require('@jest/test-sequencer').default;

const LAST = /secretsAudit\.test\.ts$/;

class E2eSequencer extends Sequencer {
	sort(tests) {
		return [...tests].sort(
			(a, b) =>
				Number(LAST.test(a.path)) - Number(LAST.test(b.path)) || a.path.localeCompare(b.path),
		);
	}
}

module.exports = E2eSequencer;
