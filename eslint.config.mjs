import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

// n8n's own configuration (`n8n-node lint`, with the n8n Cloud rules), for what the package ships:
// nodes/, credentials/ and package.json. The development folders are left out because tests,
// benchmarks and scripts must use process, fs and child_process, which the node rules forbid; that
// exclusion is why package.json sets `"strict": false` (n8n-node's strict mode allows no change
// to this file). n8n's verification scan is run by scripts/scan-package.mjs with the scanner's own
// rules.
export default [
	globalIgnores(['test/', 'bench/', 'scripts/', 'examples/', 'docs/', '.e2e/', '.n8n-data/']),
	...config,
];
