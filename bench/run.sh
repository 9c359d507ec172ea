#!/usr/bin/env bash
# npm run bench [-- names…]: builds the benchmarks and runs them (see bench/index.ts, which builds the
# package once the arguments are valid; `npm run bench -- --help` lists the names).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
rm -rf bench/out
npx tsc -p bench/tsconfig.json
node bench/out/bench/index.js "$@"
