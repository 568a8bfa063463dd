#!/usr/bin/env bash
# npm installs side by side: cairn, bun, pnpm and npm on the projects in bench/projects/,
# in five scenarios, each tool with its own empty cache folder, lifecycle scripts off for
# every tool. Prints a markdown table and writes it to bench/results/npm-peers-<date>.md.
#
#   bench/npm-peers.sh [options]
#     --projects LIST   comma-separated (default: small,medium,large,peculiar)
#     --scenarios LIST  comma-separated from cold,warm,ci,noop,offline (default: all)
#     --tools LIST      comma-separated from cairn,bun,pnpm,npm (default: all)
#     --runs N          measured runs per cell, median reported (default: 5)
#     --cairn PATH      the cairn binary (default: $CAIRN, else build/cairn)
#     --dir DIR         work folder (default: a new folder under $TMPDIR, removed after;
#                       put it on a tmpfs such as /dev/shm to take the disk out)
#     --out FILE        the results file (default: bench/results/npm-peers-<date>.md)
#     --keep            keep the work folder (logs of every run are in it)
#
# Scenarios (each run starts from the state described; the tool's cache is its own):
#   cold     empty cache, no lockfile, no node_modules
#   warm     warm cache, no lockfile, no node_modules
#   ci       warm cache, lockfile, no node_modules; frozen lockfile (npm ci, pnpm/bun
#            --frozen-lockfile, cairn --frozen)
#   noop     everything installed already
#   offline  warm cache, lockfile, no node_modules, the tool's offline flag (npm/pnpm/cairn
#            --offline; bun has none: --frozen-lockfile), inside `unshare -rn` (a network
#            namespace with no interface) when permitted, so any request fails the run
#
# Needs the registry npm is configured with (`npm config get registry`); every tool is
# pointed at that registry. Runs `scripts/setup --bench` first (bun and pnpm, pinned, into
# tools/node/bench). cairn's column is left out, and the table says why, while its binary
# has no `install` command.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

projects=small,medium,large,peculiar
scenarios=cold,warm,ci,noop,offline
tools=cairn,bun,pnpm,npm
runs=5
cairn=${CAIRN:-$root/build/cairn}
work=
out=
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --projects) projects=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --tools) tools=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --cairn) cairn=$2; shift 2 ;;
    --dir) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "npm-peers: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "npm-peers: --runs wants a positive number" >&2; exit 2; }
IFS=, read -r -a project_list <<< "$projects"
IFS=, read -r -a scenario_list <<< "$scenarios"
IFS=, read -r -a tool_list <<< "$tools"
[ -e "$cairn" ] && cairn=$(realpath "$cairn") # the runs change folder
for p in "${project_list[@]}"; do
  [ -f "$here/projects/$p/package.json" ] || { echo "npm-peers: no project bench/projects/$p" >&2; exit 2; }
done
for s in "${scenario_list[@]}"; do
  case "$s" in cold | warm | ci | noop | offline) ;; *) echo "npm-peers: unknown scenario $s" >&2; exit 2 ;; esac
done
for t in "${tool_list[@]}"; do
  case "$t" in cairn | bun | pnpm | npm) ;; *) echo "npm-peers: unknown tool $t" >&2; exit 2 ;; esac
done

say() { echo "npm-peers: $*" >&2; }

# --- the registry ------------------------------------------------------------------
registry=$(npm config get registry 2>/dev/null)
registry=${registry%/}/
probe=$(node -e 'const d=require(process.argv[1]).dependencies||{};console.log(Object.keys(d)[0]||"")' \
  "$here/projects/${project_list[0]}/package.json")
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 15 "$registry${probe//\//%2f}" 2>/dev/null || true)
if [ "$code" != 200 ]; then
  say "the registry npm is configured with ($registry) is not reachable (GET $probe: ${code:-no answer});"
  say "these benchmarks install real projects from it: nothing was measured"
  exit 1
fi

# --- the tools ---------------------------------------------------------------------
"$root/scripts/setup" --bench >&2
bench_bin=$root/tools/node/bench/node_modules
pnpm_bin=$bench_bin/.bin/pnpm
bun_bin=
for candidate in "$bench_bin"/@oven/bun-linux-*/bin/bun; do
  [ -x "$candidate" ] && "$candidate" --version >/dev/null 2>&1 && { bun_bin=$candidate; break; }
done
[ -x /usr/bin/time ] || { say "/usr/bin/time is missing (Debian package time; scripts/setup installs it)"; exit 1; }

declare -A version note
version[npm]=$(npm --version 2>/dev/null)
version[pnpm]=$("$pnpm_bin" --version 2>/dev/null || true)
version[bun]=$([ -n "$bun_bin" ] && "$bun_bin" --version 2>/dev/null || true)
[ -n "${version[pnpm]}" ] || note[pnpm]="pnpm is not installed (scripts/setup --bench failed)"
[ -n "${version[bun]}" ] || note[bun]="bun is not installed (scripts/setup --bench failed)"
if [ ! -x "$cairn" ]; then
  note[cairn]="no cairn binary at $cairn (build it, or pass --cairn)"
elif ! "$cairn" help install >/dev/null 2>&1; then
  note[cairn]="this cairn binary has no install command yet (\`cairn help install\` fails)"
else
  version[cairn]=$("$cairn" --version 2>/dev/null | head -1 || true)
fi
active=()
for t in "${tool_list[@]}"; do
  if [ -n "${note[$t]:-}" ]; then say "leaving $t out: ${note[$t]}"; else active+=("$t"); fi
done
[ ${#active[@]} -gt 0 ] || { say "no tool to measure"; exit 1; }

netns=()
if unshare -rn true 2>/dev/null; then
  netns=(unshare -rn)
else
  say "unshare -rn is not permitted here: the offline scenario runs with the network up"
fi

# --- the work folder ---------------------------------------------------------------
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-npm-peers.XXXXXX")
  [ "$keep" -eq 1 ] || trap 'rm -rf "$work"' EXIT
else
  mkdir -p "$work"
  work=$(cd "$work" && pwd)
fi
say "work folder: $work"

lockfile_of() {
  case "$1" in
    cairn) echo cairn.lock ;; bun) echo bun.lock ;; pnpm) echo pnpm-lock.yaml ;; npm) echo package-lock.json ;;
  esac
}

# The command line of tool $1 in scenario $2 (the cache folder is $3).
command_of() {
  local tool=$1 scenario=$2 cache=$3
  case "$tool" in
    npm)
      local common=(--ignore-scripts --no-audit --no-fund --loglevel=error --cache "$cache")
      case "$scenario" in
        ci) echo npm ci "${common[@]}" ;;
        offline) echo npm install --offline "${common[@]}" ;;
        *) echo npm install "${common[@]}" ;;
      esac ;;
    pnpm)
      local common=(--ignore-scripts --reporter=silent --store-dir "$cache/store" --cache-dir "$cache/cache")
      case "$scenario" in
        ci) echo "$pnpm_bin" install --frozen-lockfile "${common[@]}" ;;
        offline) echo "$pnpm_bin" install --offline --frozen-lockfile "${common[@]}" ;;
        *) echo "$pnpm_bin" install "${common[@]}" ;;
      esac ;;
    bun)
      local common=(--ignore-scripts --no-progress --silent)
      case "$scenario" in
        ci | offline) echo "$bun_bin" install --frozen-lockfile "${common[@]}" ;;
        *) echo "$bun_bin" install "${common[@]}" ;;
      esac ;;
    cairn)
      case "$scenario" in
        ci) echo "$cairn" install --frozen ;;
        offline) echo "$cairn" install --offline ;;
        *) echo "$cairn" install ;;
      esac ;;
  esac
}

# Puts tool $1's copy of project $2 into the state scenario $3 starts from.
prepare() {
  local tool=$1 project=$2 scenario=$3
  local base=$work/$tool/$project
  local dir=$base/project
  mkdir -p "$dir" "$base/cache" "$base/xdg"
  cp "$here/projects/$project/package.json" "$dir/package.json"
  case "$scenario" in
    cold) rm -rf "$dir/node_modules" "$dir/$(lockfile_of "$tool")" "$base/cache" "$base/xdg"
          mkdir -p "$base/cache" "$base/xdg" ;;
    warm) rm -rf "$dir/node_modules" "$dir/$(lockfile_of "$tool")" ;;
    ci | offline) rm -rf "$dir/node_modules" ;;
    noop) ;;
  esac
}

# Runs tool $1 on project $2 in scenario $3 once; prints "<seconds> <peak RSS KiB> <status>".
measure() {
  local tool=$1 project=$2 scenario=$3 run=$4
  local base=$work/$tool/$project
  local log=$base/$scenario-$run.log
  local -a cmd env_vars
  read -r -a cmd <<< "$(command_of "$tool" "$scenario" "$base/cache")"
  env_vars=(npm_config_registry="$registry" NPM_CONFIG_REGISTRY="$registry"
    XDG_CACHE_HOME="$base/xdg/cache" XDG_DATA_HOME="$base/xdg/data" XDG_STATE_HOME="$base/xdg/state"
    XDG_CONFIG_HOME="$base/xdg/config" BUN_INSTALL_CACHE_DIR="$base/cache" CAIRN_HOME="$base/cache"
    CAIRN_NO_PROGRESS=1 NO_COLOR=1 DISABLE_TELEMETRY=1 DO_NOT_TRACK=1)
  local -a wrap=()
  [ "$scenario" = offline ] && wrap=("${netns[@]}")
  local start end status=0
  start=$(date +%s%N)
  (cd "$base/project" && env "${env_vars[@]}" "${wrap[@]}" /usr/bin/time -f %M -o "$base/rss" \
     "${cmd[@]}") >"$log" 2>&1 || status=$?
  end=$(date +%s%N)
  local rss
  rss=$(tail -1 "$base/rss" 2>/dev/null || echo 0)
  [[ "$rss" =~ ^[0-9]+$ ]] || rss=0
  echo "$(( (end - start) / 1000000 )) $rss $status"
}

# Distinct name@version of the packages installed in $1/node_modules (real folders only,
# so pnpm's virtual store counts once and its symlinks not at all).
count_packages() {
  node - "$1/node_modules" <<'EOF'
const fs = require("fs"), path = require("path");
const seen = new Set();
function walk(nm) {
  let entries;
  try { entries = fs.readdirSync(nm, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const p = path.join(nm, e.name);
    if (e.name === ".bin") continue;
    if (e.name === ".pnpm" && e.isDirectory()) {
      for (const s of fs.readdirSync(p, { withFileTypes: true }))
        if (s.isDirectory()) walk(path.join(p, s.name, "node_modules"));
      continue;
    }
    if (e.name.startsWith("@") && e.isDirectory()) {
      for (const s of fs.readdirSync(p, { withFileTypes: true })) visit(path.join(p, s.name), s);
      continue;
    }
    visit(p, e);
  }
}
function visit(p, e) {
  if (!e.isDirectory()) return; // symlinks (pnpm, workspaces) are not installs
  try {
    const m = JSON.parse(fs.readFileSync(path.join(p, "package.json"), "utf8"));
    if (m.name && m.version) seen.add(m.name + "@" + m.version);
  } catch {}
  walk(path.join(p, "node_modules"));
}
walk(process.argv[2]);
console.log(seen.size);
EOF
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print ""; else if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

# --- the runs ------------------------------------------------------------------------
declare -A times rss fails packages
for project in "${project_list[@]}"; do
  for scenario in "${scenario_list[@]}"; do
    # Every scenario but cold starts from a complete install: make one where missing.
    if [ "$scenario" != cold ]; then
      for tool in "${active[@]}"; do
        base=$work/$tool/$project
        if [ ! -d "$base/project/node_modules" ] || [ ! -f "$base/project/$(lockfile_of "$tool")" ]; then
          prepare "$tool" "$project" warm
          read -r _ _ status <<< "$(measure "$tool" "$project" warm setup)"
          [ "$status" -eq 0 ] || say "$tool could not install $project (log: $base/warm-setup.log)"
        fi
      done
    fi
    for run in $(seq 1 "$runs"); do
      for tool in "${active[@]}"; do # alternate the tools within each round
        prepare "$tool" "$project" "$scenario"
        read -r ms kib status <<< "$(measure "$tool" "$project" "$scenario" "$run")"
        key="$project/$scenario/$tool"
        say "$key run $run: ${ms} ms, ${kib} KiB, exit $status"
        if [ "$status" -eq 0 ]; then
          times[$key]+="$ms "
          rss[$key]+="$kib "
        else
          fails[$key]=$(( ${fails[$key]:-0} + 1 ))
        fi
        if [ -z "${packages[$project/$tool]:-}" ] && [ "$status" -eq 0 ] && [ "$scenario" != noop ]; then
          packages[$project/$tool]=$(count_packages "$work/$tool/$project/project")
        fi
      done
    done
  done
done

# --- the table -----------------------------------------------------------------------
date_utc=$(date -u +%Y-%m-%d)
out=${out:-$here/results/npm-peers-$date_utc.md}
mkdir -p "$(dirname "$out")"
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //' || true)
fs_type=$(df -T "$work" | awk 'NR==2 {print $2}')
{
  echo "# npm installs: cairn, bun, pnpm, npm ($date_utc)"
  echo
  echo "Written by \`bench/npm-peers.sh --projects $projects --scenarios $scenarios --runs $runs\`."
  echo "$(nproc) cores ($cpu), work folder on $fs_type; node $(node --version)."
  printf 'Versions:'
  for t in "${active[@]}"; do printf ' %s %s;' "$t" "${version[$t]}"; done
  echo
  for t in "${tool_list[@]}"; do [ -n "${note[$t]:-}" ] && echo "Not measured: $t: ${note[$t]}."; done
  echo "Lifecycle scripts off for every tool (npm/pnpm/bun \`--ignore-scripts\`; cairn runs none"
  echo "unless allowed). Each tool has its own cache/store folder; layouts are each tool's"
  echo "default (pnpm isolated, the others hoisted). Offline: npm/pnpm/cairn \`--offline\`, bun"
  echo "(no offline flag) \`--frozen-lockfile\`$([ ${#netns[@]} -gt 0 ] && echo ", all inside \`unshare -rn\` (no network)")."
  echo "Median of $runs runs (tools alternating within each round); RSS is the peak of the"
  echo "tool's process (the largest one for npm's and pnpm's children); packages = distinct"
  echo "name@version installed; packages/s = packages / median time."
  echo
  header="| project | scenario |"
  rule="|---|---|"
  for t in "${active[@]}"; do header+=" $t s |"; rule+="---:|"; done
  for t in "${active[@]}"; do header+=" $t MiB |"; rule+="---:|"; done
  for t in "${active[@]}"; do header+=" $t pkg/s |"; rule+="---:|"; done
  has_ratio=0
  if [[ " ${active[*]} " == *" cairn "* && " ${active[*]} " == *" bun "* ]]; then
    header+=" cairn / bun |"; rule+="---:|"; has_ratio=1
  fi
  echo "$header"
  echo "$rule"
  for project in "${project_list[@]}"; do
    for scenario in "${scenario_list[@]}"; do
      row="| $project | $scenario |"
      declare -A med=()
      for t in "${active[@]}"; do
        key="$project/$scenario/$t"
        m=$(tr ' ' '\n' <<< "${times[$key]:-}" | grep . | median || true)
        med[$t]=$m
        if [ -z "$m" ]; then row+=" failed |";
        else
          cell=$(awk -v m="$m" 'BEGIN {printf "%.2f", m/1000}')
          [ -n "${fails[$key]:-}" ] && cell+=" (${fails[$key]} failed)"
          row+=" $cell |"
        fi
      done
      for t in "${active[@]}"; do
        m=$(tr ' ' '\n' <<< "${rss[$project/$scenario/$t]:-}" | grep . | sort -n | tail -1 || true)
        row+=" $([ -n "$m" ] && awk -v k="$m" 'BEGIN {printf "%.0f", k/1024}' || echo -) |"
      done
      for t in "${active[@]}"; do
        n=${packages[$project/$t]:-}
        m=${med[$t]}
        row+=" $([ -n "$n" ] && [ -n "$m" ] && awk -v n="$n" -v m="$m" 'BEGIN {printf "%.0f", n*1000/(m>0?m:1)}' || echo -) |"
      done
      if [ "$has_ratio" -eq 1 ]; then
        if [ -n "${med[cairn]}" ] && [ -n "${med[bun]}" ]; then
          row+=" $(awk -v a="${med[cairn]}" -v b="${med[bun]}" 'BEGIN {printf "%.2f", a/(b>0?b:1)}') |"
        else
          row+=" - |"
        fi
      fi
      echo "$row"
    done
  done
  echo
  printf 'Packages installed:'
  for project in "${project_list[@]}"; do
    printf ' %s:' "$project"
    for t in "${active[@]}"; do printf ' %s %s' "$t" "${packages[$project/$t]:--}"; done
    printf ';'
  done
  echo
} | tee "$out"
say "written to ${out#"$root"/}"
