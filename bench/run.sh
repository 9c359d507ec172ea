#!/usr/bin/env bash
# npm run bench [-- names…]: builds the benchmarks and runs them (see bench/index.ts, which builds the
# package once the arguments are valid; `npm run bench -- --help` lists the names).
# npm run bench:soak: builds the package, then runs the soak instead (bench/soak.ts; SOAK_MINUTES,
# SOAK_RATE, SOAK_SAMPLE_SECONDS).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
rm -rf bench/out
npx tsc -p bench/tsconfig.json
if [ "${1:-}" = soak ]; then
	shift
	npm run build >/dev/null
	# The soak reads n8n's memory through the inspector's WebSocket; Node 20 has WebSocket behind a flag.
	ws_flag=""
	node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' || ws_flag=--experimental-websocket
	exec node $ws_flag bench/out/bench/soak.js "$@"
fi
node bench/out/bench/index.js "$@"
