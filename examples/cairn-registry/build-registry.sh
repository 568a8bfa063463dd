#!/bin/sh
# Rebuilds registry/ from packages/ with a throwaway identity: what a publisher runs.
# Usage: examples/cairn-registry/build-registry.sh [path/to/cairn]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cairn=${1:-${CAIRN:-$here/../../build/cairn}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" CAIRN_HOME="$tmp/store"
rm -rf "$here/registry"
"$cairn" identity new
"$cairn" registry init "$here/registry"
"$cairn" index new demo --registry "$here/registry"
for p in strings logging config; do   # dependencies first: publish checks closure
  "$cairn" -C "$here/packages/$p" publish --registry "$here/registry" --index demo
done
"$cairn" index check --registry "$here/registry" --index demo
