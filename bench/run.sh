#!/usr/bin/env bash
# npm run bench [-- names…]: builds the package and the benchmarks, then runs them (see bench/index.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
npm run build >/dev/null
rm -rf bench/out
npx tsc -p bench/tsconfig.json
node bench/out/bench/index.js "$@"
