#!/usr/bin/env bash
# `npm start`: a real n8n with this package loaded, on a fresh clone too. Installs what is missing,
# builds, installs the package as a community package into the git-ignored data folder .n8n-data
# (SQLite database, owner account and credentials persist there), and runs n8n until Ctrl-C.
#
#   npm start                      http://localhost:5678
#   npm start -- --with-mock       also starts the Twilio API mock (test/mock-twilio)
#
# Environment: N8N_PORT (5678), N8N_LISTEN_ADDRESS (127.0.0.1; 0.0.0.0 to reach it from elsewhere),
# MOCK_TWILIO_PORT (the mock's port with --with-mock, 5680), and any other n8n setting.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root="$PWD"

with_mock=false
for arg in "$@"; do
	case "$arg" in
	--with-mock) with_mock=true ;;
	*)
		echo "usage: npm start [-- --with-mock]" >&2
		exit 2
		;;
	esac
done

if [[ ! -d node_modules ]]; then
	echo "==> npm ci"
	npm ci
fi
echo "==> npm run build"
npm run build
echo "==> n8n $(node -p "require('./package.json').config.n8nVersion")"
eval "$(bash scripts/ensure-n8n.sh --print-env)"

user_folder="$repo_root/.n8n-data"
mkdir -p "$user_folder"
echo "==> installing the package into $user_folder"
bash scripts/install-package.sh "$user_folder" >/dev/null

export N8N_USER_FOLDER="$user_folder"
export N8N_PORT="${N8N_PORT:-5678}"
export N8N_LISTEN_ADDRESS="${N8N_LISTEN_ADDRESS:-127.0.0.1}"
export DB_TYPE=sqlite
export N8N_DIAGNOSTICS_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
export N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_SECURE_COOKIE=false

children=()
stop_children() {
	local pid
	for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait
}
trap stop_children EXIT
trap 'exit 130' INT TERM

mock_url=''
if [[ $with_mock == true ]]; then
	if [[ -f test/mock-twilio/index.ts ]]; then
		mock_port="${MOCK_TWILIO_PORT:-5680}"
		bash scripts/mock-twilio.sh --port "$mock_port" &
		mock_pid=$!
		children+=("$mock_pid")
		mock_url="http://127.0.0.1:$mock_port"
	else
		echo "==> --with-mock: the Twilio mock (test/mock-twilio/index.ts) is not there; starting without it" >&2
	fi
fi

echo "==> starting n8n (log below; Ctrl-C stops it)"
# n8n starts its JavaScript task runner with the `node` found on PATH, which must be Node 24 too.
export PATH="$(dirname "$N8N_NODE"):$PATH"
"$N8N_NODE" "$N8N_BIN" start &
n8n_pid=$!
children+=("$n8n_pid")

url="http://localhost:$N8N_PORT"
case "$N8N_LISTEN_ADDRESS" in
0.0.0.0 | :: | '') probe_host=127.0.0.1 ;;
*:*) probe_host="[$N8N_LISTEN_ADDRESS]" ;;
*) probe_host="$N8N_LISTEN_ADDRESS" ;;
esac
until curl -fs -o /dev/null "http://$probe_host:$N8N_PORT/healthz/readiness"; do
	if ! kill -0 "$n8n_pid" 2>/dev/null; then
		echo "==> n8n stopped during start-up (see its log above)" >&2
		exit 1
	fi
	sleep 0.5
done
if [[ -n $mock_url ]]; then
	until curl -s -o /dev/null "$mock_url"; do
		if ! kill -0 "$mock_pid" 2>/dev/null; then
			echo "==> the Twilio mock stopped during start-up (see above)" >&2
			exit 1
		fi
		sleep 0.5
	done
fi

# Node and credential names as the editor shows them, read from the build.
names="$(node -e '
	const pkg = require("./package.json");
	const displayName = (file) => {
		const Class = require("./" + file)[require("path").basename(file).split(".")[0]];
		const instance = new Class();
		return (instance.description ?? instance).displayName;
	};
	for (const kind of ["nodes", "credentials"]) {
		const names = [];
		for (const file of pkg.n8n[kind]) {
			try { names.push(`"${displayName(file)}"`); } catch { names.push(`(${file} did not load)`); }
		}
		console.log(names.join(", "));
	}
')"
node_names="$(sed -n 1p <<<"$names")"
credential_names="$(sed -n 2p <<<"$names")"

cat <<EOF

================================================================================
 n8n $(node -p "require('./package.json').config.n8nVersion") is running with $(node -p "require('./package.json').name") at $url

 1. Open $url
 2. First start only: create the owner account (any e-mail; stored in .n8n-data/).
 3. Create a workflow, open the nodes panel (+) and search for "Twilio".
    This package's nodes: $node_names
    (n8n lists a trigger inside the node of the same name: open it for its Actions and Triggers.)
 4. Credentials (Overview > Credentials > Create credential): $credential_names
EOF
if [[ -n $mock_url ]]; then
	cat <<EOF
 5. Twilio API mock: $mock_url
    In a "Twilio Messaging API" credential, set "API Base URL" to it and use an
    Account SID and Auth Token printed by [mock-twilio] above.
EOF
fi
cat <<EOF

 Ctrl-C stops n8n. Data lives in .n8n-data/ (delete it for a fresh start).
================================================================================

EOF

wait "$n8n_pid"
