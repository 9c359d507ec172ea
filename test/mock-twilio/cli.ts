/**
 * Runs the mock as a standalone server for manual development, until stopped:
 *   node <compiled>/test/mock-twilio/cli.js \
 *     [--port 5680] [--host 127.0.0.1] [--latency 0] [--callback-delay 50]
 * (scripts/mock-twilio.sh compiles the mock first). Prints the URL, the test accounts and their
 * numbers.
 */
import { MOCK_NUMBERS, startMockTwilio } from './index';

function option(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

function numberOption(name: string, fallback: number): number {
	const raw = option(name);
	const value = raw === undefined ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < 0)
		throw new Error(`--${name} must be a whole number, got ${raw}`);
	return value;
}

async function main(): Promise<void> {
	const mock = await startMockTwilio({
		port: numberOption('port', 5680),
		host: option('host') ?? '127.0.0.1',
		latencyMs: numberOption('latency', 0),
		callbackDelayMs: numberOption('callback-delay', 50),
	});
	const log = (line: string) => console.log(`[mock-twilio] ${line}`);
	log(`Twilio API mock at ${mock.url} (use it as the credential's API Base URL)`);
	for (const account of mock.accounts) {
		log(`  Account SID ${account.accountSid}  Auth Token ${account.authToken}`);
		for (const key of account.apiKeys ?? [])
			log(`  API Key (${key.type ?? 'standard'}) ${key.sid}  Secret ${key.secret}`);
	}
	log(
		`  Numbers: SMS ${MOCK_NUMBERS.sms}, WhatsApp ${MOCK_NUMBERS.whatsapp}; ${MOCK_NUMBERS.undeliverable} as To ends undelivered`,
	);
	const stop = () => void mock.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
