#!/usr/bin/env bash
# Rebuilds the demo's npm registry folder from src/ (one folder per package version,
# src/<name>/<version>/ holding the package's files with its package.json). The result is
# the static registry layout cairn reads over file:// (docs/configuration.md, "npm registry
# folders"): <name>/index.json packuments and <name>/-/<base>-<version>.tgz tarballs with
# relative tarball URLs. Archives are deterministic (sorted, fixed owner and time, gzip -n),
# so rebuilding gives the same bytes and the same integrity strings.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
for old in */index.json @*/*/index.json; do
  [ -e "$old" ] && rm -rf "$(dirname "$old")"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for manifest in src/*/*/package.json src/@*/*/*/package.json; do
  [ -e "$manifest" ] || continue
  dir=$(dirname "$manifest")
  version=$(basename "$dir")
  name=${dir#src/}; name=${name%/*}
  base=${name#*/}; [ "${name:0:1}" = "@" ] || base=$name
  mkdir -p "$name/-" "$work/$name/$version"
  rm -rf "$work/$name/$version/package"
  cp -r "$dir" "$work/$name/$version/package"
  tarball="$name/-/$base-$version.tgz"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode='u+rw,go+r' \
      -C "$work/$name/$version" -cf - package | gzip -n -9 > "$tarball"
done
node - <<'JS'
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const names = new Set();
for (const top of fs.readdirSync('src')) {
  if (top.startsWith('@')) for (const n of fs.readdirSync(path.join('src', top))) names.add(`${top}/${n}`);
  else names.add(top);
}
for (const name of [...names].sort()) {
  const base = name.startsWith('@') ? name.split('/')[1] : name;
  const versions = {}, time = {};
  const list = fs.readdirSync(path.join('src', name)).sort((a, b) => a.localeCompare(b, 'en', {numeric: true}));
  for (const v of list) {
    const pkg = JSON.parse(fs.readFileSync(path.join('src', name, v, 'package.json'), 'utf8'));
    const tarball = `${name}/-/${base}-${v}.tgz`;
    const bytes = fs.readFileSync(tarball);
    const entry = {name, version: v};
    for (const k of ['description', 'dependencies', 'optionalDependencies', 'peerDependencies',
                     'peerDependenciesMeta', 'bin', 'os', 'cpu', 'deprecated', 'engines'])
      if (pkg[k] !== undefined) entry[k] = pkg[k];
    const scripts = pkg.scripts || {};
    if (scripts.preinstall || scripts.install || scripts.postinstall) entry.hasInstallScript = true;
    entry.dist = {
      tarball,
      integrity: 'sha512-' + crypto.createHash('sha512').update(bytes).digest('base64'),
      shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
    };
    versions[v] = entry;
    time[v] = '2026-01-01T00:00:00.000Z';
  }
  const latest = list.filter(v => !v.includes('-')).pop();
  const doc = {name, 'dist-tags': {latest}, versions, time};
  fs.writeFileSync(path.join(name, 'index.json'), JSON.stringify(doc, null, 2) + '\n');
}
JS
echo "registry written: $(ls -d */index.json @*/*/index.json 2>/dev/null | wc -l) packages"
