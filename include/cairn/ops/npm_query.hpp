#pragma once

#include "cairn/config/layered_config.hpp"
#include "cairn/lock/lockfile.hpp"
#include "cairn/ops/npm_install.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Questions about an npm project and edits of its manifest: `tree`, `why`, `outdated`,
// and the package.json changes of `add` and `remove`.
namespace cairn::ops {

// The folder holding package.json at or above `start`; nullopt when there is none.
std::optional<std::filesystem::path> find_npm_project(const std::filesystem::path& start);

// cairn.lock of the project. Throws manifest_invalid for a damaged one and not_found (with a
// hint to run `cairn install`) when there is none.
lock::Lockfile read_project_lock(const std::filesystem::path& project);

// One dependency edge of the locked graph: `from` ("" for the root) asks for `name` with
// `spec` and gets the package at `target`.
struct LockedEdge {
    std::string from;
    std::string name;
    std::string spec;
    std::string type; // "prod", "dev", "optional", "peer"
    std::string target;
};

// The edges out of a package path ("" for the root), sorted by name; a dependency the
// lockfile has no package for (a skipped optional, an unmet optional peer) is left out.
std::vector<LockedEdge> dependencies_of(const lock::Lockfile& lock, const std::string& from);

// Every edge into each package path.
std::map<std::string, std::vector<LockedEdge>> dependents(const lock::Lockfile& lock);

struct OutdatedEntry {
    std::string name;
    std::string type; // "dependencies", "devDependencies", ...
    std::string spec;
    std::string current; // locked; empty when not installed
    std::string wanted;  // the highest version the spec admits
    std::string latest;  // the `latest` dist-tag
};

// The direct dependencies whose locked version is not the wanted or the latest one.
std::vector<OutdatedEntry> npm_outdated(const NpmProjectContext& context,
                                        const std::filesystem::path& project);

enum class SaveAs { prod, dev, optional, peer };

struct AddRequest {
    std::string name;                // the key in package.json
    std::optional<std::string> spec; // as given; none: "^<latest>" (or exact with save_exact)
};

// Resolves missing specs against the registries (their `latest` tag) and writes the
// dependencies into package.json under `save_as`, removing the names from the other
// dependency fields (npm moves them); keeps the file's indentation and key order, sorts the
// field. Returns the entries as written ("express@^5.1.0").
std::vector<std::string> add_npm_dependencies(const NpmProjectContext& context,
                                              const std::filesystem::path& project,
                                              const std::vector<AddRequest>& requests,
                                              SaveAs save_as, bool save_exact);

// Removes the names from every dependency field of package.json. Throws not_found naming
// the first name that is in none of them (nothing is written then).
void remove_npm_dependencies(const std::filesystem::path& project,
                             const std::vector<std::string>& names);

// "name@spec" as typed on a command line: "express", "express@^5", "@types/node@22",
// "react18@npm:react@^18". Throws Code::usage for an invalid name.
AddRequest parse_add_argument(std::string_view text);

} // namespace cairn::ops
