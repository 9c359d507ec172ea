import { configs } from '@n8n/eslint-plugin-community-nodes';
import { buildScanConfig } from '@n8n/scan-community-package/scanner/scanner.mjs';

// Exactly the rules n8n's verification (@n8n/scan-community-package) applies, plus the cloud rule set of
// the newest @n8n/eslint-plugin-community-nodes (registered under another name, since the scanner
// brings its own older copy), so `npm run lint:fix` fixes what the scan reports.
const latest = configs.recommended;
const LATEST = 'community-nodes-latest';
const latestRules = Object.fromEntries(
	Object.entries(latest.rules).map(([name, level]) => [
		name.replace('@n8n/community-nodes/', `${LATEST}/`),
		level,
	]),
);

export default [
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'test/**',
			'bench/**',
			'scripts/**',
			'examples/**',
			'docs/**',
			'*.js',
			'*.mjs',
		],
	},
	...(await buildScanConfig()),
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		plugins: { [LATEST]: latest.plugins['@n8n/community-nodes'] },
		rules: latestRules,
	},
];
