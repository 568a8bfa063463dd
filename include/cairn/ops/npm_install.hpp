#pragma once

#include "cairn/config/layered_config.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// The npm project workflows (DESIGN.md sections 4-6): install, lock, fetch, and the
// manifest edits of add/remove/update, on a folder holding package.json.
//
// install: read package.json (and cairn.lock); when the installed tree's fingerprint
// (manifest + lockfile + options) is current, stop: no network, no resolution. When the
// lockfile still matches the manifest, install exactly what it names; otherwise resolve
// (npm tree semantics) — first from the lockfile's portable index and the metadata cache,
// then from the registries when that is not enough and the network mode allows — write
// the lockfile, fetch and unpack every artifact into the store, and materialise
// node_modules (install module).
namespace cairn::ops {

enum class NpmLayout { hoisted, isolated };

struct NpmProjectRequest {
    std::filesystem::path project;   // the folder holding package.json
    std::optional<NpmLayout> layout; // default: config `install.layout`, else hoisted
    bool frozen = false;             // fail (lock_outdated) instead of changing cairn.lock
    bool omit_dev = false;           // --omit=dev / --production
    bool omit_optional = false;
    std::vector<std::string> update;        // re-resolve these names ignoring the lockfile's choice
    bool update_all = false;                // re-resolve everything
    std::vector<std::string> allow_scripts; // --allow-scripts NAME (with config scripts.allow)
    // Progress: a phase name ("resolving", "fetching", "linking") and done/total.
    std::function<void(std::string_view phase, std::size_t done, std::size_t total)> progress;
    // The process exits once the run returns (the command line): the lockfile, the plan
    // and the project's texts are then left to the exit instead of being freed one by one.
    bool process_exits_after = false;
};

// One direct dependency that changed, for the summary ("+ express 5.1.0").
struct DirectChange {
    char sign = '+'; // '+' added, '-' removed, '~' version changed
    std::string name;
    std::string version;
    std::string previous;
};

// Where a run's time went, in order ("project", "resolve", "fetch", "link", ...).
struct PhaseTime {
    std::string name;
    std::chrono::microseconds time{0};
};

struct NpmProjectSummary {
    bool up_to_date = false; // nothing to do: the fingerprint matched
    bool resolved = false;   // resolution ran (otherwise the lockfile was followed)
    bool lock_written = false;
    std::size_t packages = 0; // in the installed tree
    std::size_t added = 0, removed = 0, unchanged = 0;
    std::size_t linked_ahead = 0; // of those added, linked while the resolution ran
    std::size_t downloaded = 0;   // artifacts fetched over the network
    std::uint64_t downloaded_bytes = 0;
    std::size_t reused = 0; // artifacts the store already had
    std::size_t metadata_requests = 0;
    std::size_t metadata_from_cache = 0;
    std::vector<std::string> registries;       // "authority/registry" that served packages
    std::vector<std::string> skipped_optional; // "name: reason"
    std::vector<std::string> scripts_skipped;
    std::vector<std::string> scripts_run;
    std::vector<std::string> deprecated; // "name@version: message"
    std::vector<std::string> warnings;
    std::vector<DirectChange> changes;
    std::string network_mode; // "online", "prefer-offline", "offline"
    std::chrono::milliseconds elapsed{0};
    std::vector<PhaseTime> phases; // shown with -v and in --json
};

struct NpmProjectContext {
    const config::LayeredConfig& config;
    config::EnvLookup env;
    std::filesystem::path store_root;
};

// `cairn install`. Throws cairn::Error: manifest_invalid (package.json, cairn.lock),
// unsupported (git/tarball/workspaces), lock_outdated (--frozen), not_found / no_solution
// (resolution), offline_miss, network, integrity, script_failed, io.
NpmProjectSummary install_npm_project(const NpmProjectContext& context,
                                      const NpmProjectRequest& request);

// `cairn lock`: resolve and write cairn.lock only (no downloads, node_modules untouched).
NpmProjectSummary lock_npm_project(const NpmProjectContext& context,
                                   const NpmProjectRequest& request);

// `cairn fetch`: everything cairn.lock needs into the store (resolving first when there is
// no current lockfile), so a later `install --offline` works. node_modules untouched.
NpmProjectSummary fetch_npm_project(const NpmProjectContext& context,
                                    const NpmProjectRequest& request);

} // namespace cairn::ops
