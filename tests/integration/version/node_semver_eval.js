#!/usr/bin/env node
// Evaluates (version, range, options) cases with node-semver, for the differential test
// in npm_differential_test.cpp. Input: JSON lines {"v", "r", "loose", "pre"} on stdin.
// Output: one JSON line per case, {"s": satisfies, "n": validRange}. The first line of
// output names the node-semver version used: $CAIRN_NODE_SEMVER when set, otherwise the
// newest copy among node's normal resolution and the global npm folder (npm bundles its
// own copy).
'use strict'
const fs = require('fs')
const path = require('path')
const { execFileSync } = require('child_process')

function findSemver () {
  const candidates = []
  if (process.env.CAIRN_NODE_SEMVER) candidates.push(process.env.CAIRN_NODE_SEMVER)
  candidates.push('semver')
  try {
    const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim()
    candidates.push(path.join(root, 'semver'), path.join(root, 'npm', 'node_modules', 'semver'))
  } catch (e) {}
  let best = null
  for (const c of candidates) {
    try {
      const semver = require(c)
      const version = require(path.join(path.dirname(require.resolve(c)), 'package.json')).version
      if (process.env.CAIRN_NODE_SEMVER) return { semver, version }
      if (!best || semver.gt(version, best.version)) best = { semver, version }
    } catch (e) {}
  }
  return best
}

const found = findSemver()
if (!found) {
  process.stderr.write('node-semver not found\n')
  process.exit(3)
}
const { semver, version } = found
const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.length)
const out = ['{"semver":' + JSON.stringify(version) + '}']
for (const line of lines) {
  const c = JSON.parse(line)
  const options = { loose: c.loose, includePrerelease: c.pre }
  out.push(JSON.stringify({ s: semver.satisfies(c.v, c.r, options), n: semver.validRange(c.r, options) }))
}
process.stdout.write(out.join('\n') + '\n')
