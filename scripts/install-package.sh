#!/usr/bin/env bash
# Installs the built package into an n8n user folder the way n8n 2.x installs a community package:
# `npm pack`, unpack into <user folder>/.n8n/nodes/node_modules/<name>, drop dev/peer/optional
# dependencies from its package.json. Being a copy without node_modules, the package's code resolves
# luxon and n8n-workflow from n8n itself, as on a user's machine. n8n reads packages only at start.
#
#   scripts/install-package.sh <n8n user folder>
set -euo pipefail

user_folder="${1:?usage: $0 <n8n user folder>}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ ! -d "$repo_root/dist" ]]; then
	echo "[install-package] $repo_root/dist is missing: run \`npm run build\` first" >&2
	exit 1
fi

package_name="$(node -p "require('$repo_root/package.json').name")"
target="$user_folder/.n8n/nodes/node_modules/$package_name"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(cd "$repo_root" && npm pack --silent --pack-destination "$work")"
mkdir -p "$work/package"
tar -xzf "$work/$tarball" -C "$work/package" --strip-components=1
node -e '
	const fs = require("fs");
	const file = process.argv[1];
	const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(fs.readFileSync(file, "utf8"));
	fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
' "$work/package/package.json"

rm -rf "$target"
mkdir -p "$(dirname "$target")"
mv "$work/package" "$target"
echo "$target"
