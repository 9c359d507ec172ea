/**
 * Unit and in-process tests run in parallel; end-to-end tests share one real n8n, so they run in
 * band. The queue project runs only through `npm run test:queue`.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
module.exports = {
	// Orders the end-to-end files so the secrets audit runs after the others (the other projects run
	// in parallel anyway).
	testSequencer: '<rootDir>/test/e2e/sequencer.js',
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/inprocess/**/*.test.ts'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
			globalTeardown: '<rootDir>/test/e2e/globalTeardown.ts',
			testTimeout: 120_000,
		},
		{
			// n8n in queue mode under load: needs PostgreSQL and Redis, which scripts/test-queue.sh
			// starts.
			displayName: 'queue',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/queue/**/*.test.ts'],
		},
	],
};
