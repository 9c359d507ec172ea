#!/usr/bin/env bash
# `npm test`: everything, on a fresh clone too. Installs what is missing, builds, typechecks, lints,
# runs the unit and in-process tests, then the end-to-end tests on the real n8n (installed on first use
# into a cache outside the clone by scripts/ensure-n8n.sh).
#
# Every step runs even if an earlier one failed (except the end-to-end tests, which need the build), so
# one run shows every problem. The last line is `tests: <n> passed, <n> failed[, <n> skipped]`; the exit
# status is non-zero if any step or test failed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

results_dir=.e2e/results
rm -rf "$results_dir"
mkdir -p "$results_dir"
failed_steps=()

step() {
	local name="$1"
	shift
	echo
	echo "==> $name: $*"
	if ! "$@"; then
		echo "==> $name FAILED"
		failed_steps+=("$name")
		return 1
	fi
}

if [[ ! -d node_modules ]]; then
	step install npm ci || {
		echo "failed steps: install"
		echo "tests: 0 passed, 1 failed"
		exit 1
	}
fi

step build npm run build
built=$?
step typecheck npx tsc -p tsconfig.json
step lint npm run lint
step unit npx jest --selectProjects unit --json --outputFile="$results_dir/unit.json"
if [[ $built -eq 0 ]]; then
	step n8n bash scripts/ensure-n8n.sh &&
		step e2e npx jest --selectProjects e2e --runInBand --testTimeout=120000 --forceExit \
			--json --outputFile="$results_dir/e2e.json" ||
		echo "==> n8n's log of this run: .e2e/n8n.log"
else
	echo "==> e2e skipped: the build failed"
	failed_steps+=(e2e)
fi

echo
if [[ ${#failed_steps[@]} -gt 0 ]]; then echo "failed steps: ${failed_steps[*]}"; fi

# Counts from jest's JSON results. A test file that could not run counts as one failed test; so does a
# jest run that failed without writing results (for example when n8n did not start).
node - "$results_dir" unit e2e <<'EOF'
const fs = require('fs');
const [dir, ...runs] = process.argv.slice(2);
let passed = 0, failed = 0, skipped = 0;
for (const run of runs) {
	const file = `${dir}/${run}.json`;
	if (!fs.existsSync(file)) {
		failed += 1;
		continue;
	}
	const r = JSON.parse(fs.readFileSync(file, 'utf8'));
	passed += r.numPassedTests;
	failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
	skipped += r.numPendingTests + r.numTodoTests;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
EOF

[[ ${#failed_steps[@]} -eq 0 ]]
