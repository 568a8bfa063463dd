// Loads every direct dependency of an installed npm project the way node would, and writes a
// JSON report to a file (tests/live/live_install_test.cpp judges it): not to stdout, which
// packages loaded here may write to.
//
//   node check_project.cjs <project dir> <report.json>
//
// For each name in dependencies, devDependencies, optionalDependencies and
// peerDependencies: whether node_modules/<name>/package.json is there, its version, and how
// it loaded: "require", else (ESM-only packages) "import" through a dynamic import() made
// from inside the project, or "manifest" for packages with nothing to load (type-only
// packages such as @types/*, bin-only packages without main, exports or index.js, and
// packages whose main is their command line, which loading would run).
// Packages that only load inside a test runner are loaded through the entry point the
// runner itself uses (see k_runner_entry). A package that fails to load while its
// engines.node excludes this node is reported as "engine" (a project problem, not an
// install one), with the range. Failures carry node's error message.
"use strict";
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");
const { pathToFileURL } = require("url");
const { execFileSync } = require("child_process");

// Packages whose main entry expects a test runner's globals (jest-dom's calls
// expect.extend): the subpath that holds the same code without that side effect.
const k_runner_entry = {
  "@testing-library/jest-dom": "@testing-library/jest-dom/matchers",
};

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function hasEntryPoint(manifest, dir) {
  const bins = typeof manifest.bin === "string" ? [manifest.bin] : Object.values(manifest.bin || {});
  if (manifest.main && !manifest.exports && bins.some((b) => path.join(dir, b) === path.join(dir, manifest.main)))
    return false; // the main is the command line (turbo): loading it would run it
  if (manifest.main || manifest.exports || manifest.module) return true;
  return ["index.js", "index.json", "index.node", "index.cjs", "index.mjs"].some((f) =>
    fs.existsSync(path.join(dir, f)),
  );
}

// node-semver: from node's resolution, else the copy npm bundles (npm root -g).
function findSemver() {
  const candidates = ["semver"];
  try {
    const root = execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim();
    candidates.push(path.join(root, "npm", "node_modules", "semver"), path.join(root, "semver"));
  } catch {}
  for (const c of candidates) {
    try {
      return require(c);
    } catch {}
  }
  return null;
}

// The engines.node range when it excludes this node, else null.
function unsupportedEngine(semver, manifest) {
  const range = manifest.engines && manifest.engines.node;
  if (!semver || typeof range !== "string") return null;
  try {
    return semver.satisfies(process.version, range, { includePrerelease: true }) ? null : range;
  } catch {
    return null;
  }
}

function message(error) {
  const text = error && error.stack ? String(error.stack) : String(error);
  return text.split("\n").slice(0, 4).join("\n");
}

async function main() {
  const project = path.resolve(process.argv[2] || ".");
  const manifest = readJson(path.join(project, "package.json"));
  const names = new Set();
  for (const field of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"])
    for (const name of Object.keys(manifest[field] || {})) names.add(name);

  const requireFromProject = createRequire(path.join(project, "package.json"));
  // A module inside the project, so that its import() resolves from the project's
  // node_modules as the project's own code would.
  const importer = path.join(project, ".cairn-live-import.mjs");
  fs.writeFileSync(importer, "export const load = (name) => import(name);\n");
  const { load } = await import(pathToFileURL(importer).href);

  const semver = findSemver();
  const output = path.resolve(process.argv[3] || "check-report.json");
  const exit = process.exit;
  process.exit = (code) => {
    throw new Error(`process.exit(${code}) called while loading`);
  };
  const report = { platform: process.platform, arch: process.arch, packages: {} };
  for (const name of [...names].sort()) {
    const dir = path.join(project, "node_modules", name);
    const entry = { installed: false };
    report.packages[name] = entry;
    let pkg;
    try {
      pkg = readJson(path.join(dir, "package.json"));
    } catch {
      continue;
    }
    entry.installed = true;
    entry.version = pkg.version;
    if (name.startsWith("@types/") || !hasEntryPoint(pkg, dir)) {
      entry.load = "manifest";
      continue;
    }
    const target = k_runner_entry[name] || name;
    try {
      requireFromProject(target);
      entry.load = "require";
      continue;
    } catch (error) {
      entry.requireError = message(error);
    }
    try {
      await load(target);
      entry.load = "import";
      delete entry.requireError;
    } catch (error) {
      const engine = unsupportedEngine(semver, pkg);
      if (engine) {
        entry.load = "engine";
        entry.engine = engine;
        entry.note = `needs node ${engine}, this is ${process.version}: ` + message(error).split("\n")[0];
      } else {
        entry.error = entry.requireError + "\nimport(): " + message(error);
      }
      delete entry.requireError;
    }
  }
  fs.rmSync(importer, { force: true });
  fs.writeFileSync(output, JSON.stringify(report, null, 2) + "\n");
  // Some packages start timers or servers when loaded; the report is complete.
  exit(0);
}

main().catch((error) => {
  console.error(message(error));
  process.exit(2);
});
