#!/usr/bin/env bash
# Runs the Twilio API mock (test/mock-twilio) as a standalone server for manual testing with
# `npm start -- --with-mock`, until stopped. Prints its URL and account credentials.
#
#   scripts/mock-twilio.sh [--port 5680]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

port=5680
while [[ $# -gt 0 ]]; do
	case "$1" in
	--port)
		port="$2"
		shift 2
		;;
	*)
		echo "usage: $0 [--port <port>]" >&2
		exit 2
		;;
	esac
done

# The mock is test code in TypeScript; compile it on its own (its imports resolve from the clone's node_modules).
out=.e2e/mock-twilio-build
rm -rf "$out"
npx tsc --outDir "$out" --rootDir . --module commonjs --moduleResolution node --target es2022 \
	--esModuleInterop --skipLibCheck --strict --types node test/mock-twilio/index.ts

exec node -e '
	const { startMockTwilio } = require(process.argv[1]);
	startMockTwilio({ port: Number(process.argv[2]), host: "127.0.0.1" }).then((mock) => {
		console.log(`[mock-twilio] Twilio API mock at ${mock.url}`);
		for (const account of mock.accounts) {
			console.log(`[mock-twilio]   Account SID ${account.accountSid}  Auth Token ${account.authToken}`);
			for (const key of account.apiKeys ?? []) console.log(`[mock-twilio]   API Key SID ${key.sid}  Secret ${key.secret}`);
		}
		const stop = () => mock.close().then(() => process.exit(0));
		process.on("SIGINT", stop);
		process.on("SIGTERM", stop);
	});
' "$PWD/$out/test/mock-twilio/index.js" "$port"
