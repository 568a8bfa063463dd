#!/usr/bin/env node
// node-semver on the corpus written by `bench_version --write-corpus=FILE`.
// usage: node_semver_bench.js CORPUS.json SEMVER_DIR
// Prints JSON: nanoseconds per item for each measurement, named like the C++ benchmarks.
'use strict'
const fs = require('fs')
const corpus = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const semver = require(process.argv[3])

// Runs fn (which handles `items` items) until at least a second has passed, after a
// warm-up; returns ns per item.
function measure (items, fn) {
  for (let i = 0; i < 3; i++) fn()
  let rounds = 0
  const start = process.hrtime.bigint()
  let elapsed = 0n
  while (elapsed < 1000000000n) {
    fn()
    rounds++
    elapsed = process.hrtime.bigint() - start
  }
  return Number(elapsed) / (rounds * items)
}

let sink = 0
const { ranges, versions, pairs } = corpus
const parsedRanges = ranges.map((r) => new semver.Range(r))
const parsedVersions = versions.map((v) => new semver.SemVer(v))
const result = {
  semver: require(require('path').join(process.argv[3], 'package.json')).version,
  BM_ParseRange: measure(ranges.length, () => { for (const r of ranges) sink += new semver.Range(r).set.length }),
  BM_ParseVersion: measure(versions.length, () => { for (const v of versions) sink += new semver.SemVer(v).major }),
  BM_SatisfiesText: measure(pairs.length, () => { for (const [v, r] of pairs) sink += semver.satisfies(versions[v], ranges[r]) ? 1 : 0 }),
  BM_SatisfiesParsed: measure(pairs.length, () => { for (const [v, r] of pairs) sink += parsedRanges[r].test(parsedVersions[v]) ? 1 : 0 }),
}
if (sink < 0) console.error(sink)
console.log(JSON.stringify(result))
