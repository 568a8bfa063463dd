#!/bin/sh
# The cairn-format demo: installs examples/cairn-registry/app, which depends on three
# packages of the bundled registry folder, offline, with an empty store, and prints the
# summary. Usage: examples/cairn-demo.sh [path/to/cairn]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cairn=${1:-${CAIRN:-$here/../build/cairn}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$here/cairn-registry/app" "$tmp/app"
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" CAIRN_HOME="$tmp/store"
"$cairn" -C "$tmp/app" --offline install --registry "file://$here/cairn-registry/registry"
echo "--- cairn_modules/.paths.json"
cat "$tmp/app/cairn_modules/.paths.json"
