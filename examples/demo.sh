#!/usr/bin/env bash
# `make demo`: cairn on the bundled example project, no network needed.
# Until the install workflow lands, the demo shows the layered configuration (the example
# project's .config/cairn/, a user level and a system level, merged and explained) and
# version ranges in the npm and caret flavours.
set -euo pipefail
cairn=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)

export XDG_CONFIG_HOME="$here/user-config"
export CAIRN_SYSTEM_CONFIG="$here/system-config"
export CAIRN_DEMO_ROOT="$here"
export CAIRN_DEMO_NPM_REGISTRY="https://npm.mirror.example/"
unset CAIRN_CONFIG
cd "$here/hello-project"

run() {
  printf '\n$ cairn %s\n' "$*"
  "$cairn" "$@"
}

run --version
run config validate
run config explain network.maxConnections
run config explain network.metadataTtl
run --offline config explain network.mode
run config get formats.npm.authorities.public.registries.upstream.url
run config list
run semver -r '^1.2.0' 1.2.3 1.3.0-beta.1 2.0.0 1.10.0 0.9.0
run semver --flavor caret -r '0.2' -r '>=0.2.3' 0.2.1 0.2.5 0.3.0
printf '\n$ cairn config get network.nope    # errors come with a code, a hint and an exit status\n'
set +e
"$cairn" config get network.nope 2>&1
echo "(exit status $?)"
