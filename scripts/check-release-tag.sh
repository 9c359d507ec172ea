#!/usr/bin/env bash
# The publish workflow's first check: the pushed tag must be `v` followed by package.json's version, so
# what npm gets is what the tag says.
#   bash scripts/check-release-tag.sh v1.2.3
set -euo pipefail
tag="${1:?usage: check-release-tag.sh <tag>, for example v1.2.3}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="$(node -p "require('./package.json').version")"
if [[ "$tag" != "v$version" ]]; then
	# GitHub Actions shows ::error:: lines as annotations on the run.
	echo "::error::tag $tag does not match package.json's version $version (expected v$version)"
	exit 1
fi
echo "tag $tag matches package.json's version"
