import { configs } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';

// The cloud rule set that n8n's verification (@n8n/scan-community-package) applies.
export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', '*.js', '*.mjs'] },
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: (await import('@typescript-eslint/parser')).default },
	},
	configs.recommended,
];
