#!/usr/bin/env bash
# `make demo`: cairn's main job on the bundled example, no network needed. An npm project
# (examples/npm-demo) installed from an npm registry folder bundled in the repository
# (examples/npm-registry, read over file://), then run with node; re-installed as a no-op,
# explained, and installed again offline from the store alone.
set -euo pipefail
cairn=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CAIRN_HOME="$work/store"       # a fresh store, so the first install starts cold
export XDG_CONFIG_HOME="$work/config" # no user configuration of this machine
export npm_config_userconfig="$work/npmrc-user"
unset CAIRN_CONFIG npm_config_registry NPM_CONFIG_REGISTRY
cp -r "$here/npm-demo" "$work/app"
printf 'registry=file://%s/npm-registry/\n' "$here" > "$work/app/.npmrc"
cd "$work/app"

run() {
  printf '\n$ %s\n' "$*"
  "$@"
}
cairn() { "$cairn" "$@"; }

echo "The demo project (package.json):"
cat package.json
run cairn install
run node app.js
run node_modules/.bin/greet demo
run cairn install          # nothing changed: a no-op, no resolution, no network
run cairn tree
run cairn why color-words
run rm -rf node_modules
run cairn --offline install --layout isolated   # the store alone, pnpm-style layout
run node app.js
printf '\n$ cairn tree --depth 0 --json    # the same graph for machines\n'
"$cairn" tree --depth 0 --json
echo
if [ -x "$here/cairn-demo.sh" ]; then
  "$here/cairn-demo.sh" "$cairn"
fi
