#!/usr/bin/env bash
# `npm run test:queue`: this package in n8n's queue mode under load (test/queue/queueMode.test.ts).
#
# Installs PostgreSQL and Redis from Debian's packages when they are missing (as root, no questions
# asked), starts one of each on loopback on free ports with throw-away data folders, builds the package
# if its sources changed, and runs the jest project `queue`, which starts an n8n main process, a webhook
# processor and two workers against them. Everything it started and every temporary folder is removed on
# exit, however the run ends. The last line is `queue: <n> passed, <n> failed`; the exit status is
# non-zero if anything failed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root="$(pwd)"

log() { echo "[test-queue] $*" >&2; }

results_dir=.e2e/results
mkdir -p "$results_dir"
results_file="$results_dir/queue.json"
rm -f "$results_file"

work="$(mktemp -d /tmp/n8n-queue-test.XXXXXX)"
pg_bin=''
pg_data="$work/pg"
redis_pidfile="$work/redis.pid"

cleanup() {
	local status=$?
	trap - EXIT INT TERM HUP
	if [[ -n "$pg_bin" && -f "$pg_data/postmaster.pid" ]]; then
		su postgres -s /bin/sh -c "'$pg_bin/pg_ctl' -D '$pg_data' -m immediate -w -t 20 stop" >/dev/null 2>&1 || true
	fi
	if [[ -f "$redis_pidfile" ]]; then
		local pid
		pid="$(cat "$redis_pidfile")"
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

summary() {
	local passed="$1" failed="$2"
	echo "queue: $passed passed, $failed failed"
}

fail_setup() {
	log "$*"
	summary 0 1
	exit 1
}

find_pg_bin() {
	local dir
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
			echo "$dir"
			return 0
		fi
	done
	return 1
}

install_missing() {
	local packages=()
	find_pg_bin >/dev/null || packages+=(postgresql)
	command -v redis-server >/dev/null || packages+=(redis-server)
	[[ ${#packages[@]} -eq 0 ]] && return 0
	# Package scripts would start the system's own PostgreSQL and Redis services; this run starts its own.
	local made_policy=0
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	log "installing ${packages[*]} from Debian's packages ..."
	local status=0
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$work/apt.log" 2>&1 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >>"$work/apt.log" 2>&1 ||
		status=$?
	[[ $made_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
	if [[ $status -ne 0 ]]; then
		tail -n 20 "$work/apt.log" >&2
		return 1
	fi
}

free_ports() {
	node -e '
		const net = require("net");
		const count = Number(process.argv[1]);
		const servers = Array.from({ length: count }, () => net.createServer());
		Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", ok)))).then(() => {
			console.log(servers.map((s) => s.address().port).join(" "));
			servers.forEach((s) => s.close());
		});
	' "$1"
}

start_postgres() {
	local port="$1" password="$2"
	# initdb and the server refuse to run as root; the Debian package created the postgres user.
	mkdir -p "$pg_data"
	chown postgres: "$work" "$pg_data"
	chmod 700 "$pg_data"
	printf '%s\n' "$password" >"$work/pgpass"
	chown postgres: "$work/pgpass"
	chmod 600 "$work/pgpass"
	su postgres -s /bin/sh -c "'$pg_bin/initdb' -D '$pg_data' -U n8n --pwfile='$work/pgpass' --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale" \
		>"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; return 1; }
	rm -f "$work/pgpass"
	su postgres -s /bin/sh -c "'$pg_bin/pg_ctl' -D '$pg_data' -l '$work/postgres.log' -w -t 60 \
		-o \"-p $port -c listen_addresses=127.0.0.1 -k $pg_data -c fsync=off -c max_connections=200\" start" \
		>/dev/null 2>&1 || { tail -n 20 "$work/postgres.log" >&2; return 1; }
	su postgres -s /bin/sh -c "'$pg_bin/createdb' -h '$pg_data' -p $port -U n8n n8n" || return 1
}

start_redis() {
	local port="$1"
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
		--daemonize yes --pidfile "$redis_pidfile" --logfile "$work/redis.log" || return 1
	for _ in $(seq 1 100); do
		redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return 0
		sleep 0.1
	done
	tail -n 20 "$work/redis.log" >&2
	return 1
}

needs_build() {
	[[ ! -d dist ]] && return 0
	[[ -n "$(find nodes credentials package.json tsconfig.json tsconfig.build.json -newer dist -print -quit 2>/dev/null)" ]]
}

if [[ ! -d node_modules ]]; then
	log "npm ci ..."
	npm ci || fail_setup "npm ci failed"
fi
# initdb and pg_ctl run as the postgres user, which takes root (as in CI) to switch to.
[[ $(id -u) -eq 0 ]] || fail_setup "run as root: PostgreSQL is started as the postgres user"
install_missing || fail_setup "could not install PostgreSQL/Redis"
pg_bin="$(find_pg_bin)" || fail_setup "PostgreSQL's initdb/pg_ctl not found under /usr/lib/postgresql"
if needs_build; then
	log "building the package ..."
	npm run build || fail_setup "npm run build failed"
fi
bash scripts/ensure-n8n.sh >/dev/null || fail_setup "could not install n8n (scripts/ensure-n8n.sh)"

read -r pg_port redis_port < <(free_ports 2)
pg_password="$(node -p 'require("crypto").randomBytes(18).toString("base64url")')"
log "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (data in $work)"
start_postgres "$pg_port" "$pg_password" || fail_setup "PostgreSQL did not start"
start_redis "$redis_port" || fail_setup "Redis did not start"

export QUEUE_TEST_PG_HOST=127.0.0.1 QUEUE_TEST_PG_PORT="$pg_port" QUEUE_TEST_PG_USER=n8n
export QUEUE_TEST_PG_PASSWORD="$pg_password" QUEUE_TEST_PG_DATABASE=n8n
export QUEUE_TEST_REDIS_HOST=127.0.0.1 QUEUE_TEST_REDIS_PORT="$redis_port"

npx jest --selectProjects queue --runInBand --forceExit --json --outputFile="$results_file" "$@"
jest_status=$?

# A suite that could not run, or a run that ran no test, counts as one failed test.
node - "$results_file" <<'EOF'
const fs = require('fs');
const file = process.argv[2];
const r = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
const passed = r?.numPassedTests ?? 0;
const failed = r ? r.numFailedTests + r.numRuntimeErrorTestSuites + (r.numTotalTests === 0 ? 1 : 0) : 1;
console.log(`queue: ${passed} passed, ${failed} failed`);
EOF
[[ $jest_status -eq 0 ]]
