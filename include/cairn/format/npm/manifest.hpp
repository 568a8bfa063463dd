#pragma once

#include "cairn/format/npm/dependency_spec.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// package.json: what a project (the root) or a package asks for.
namespace cairn::format::npm {

enum class DependencyType { prod, dev, optional, peer };
std::string_view dependency_type_field(DependencyType type); // "dependencies", ...

struct ManifestDependency {
    std::string name; // the key: the folder name under node_modules
    DependencySpec spec;
    DependencyType type = DependencyType::prod;
    bool peer_optional = false; // peerDependenciesMeta.<name>.optional
};

struct BinEntry {
    std::string name;   // the command: node_modules/.bin/<name>
    std::string target; // a path inside the package, normalised, never leaving it
};

struct Manifest {
    std::string source;                 // where it was read, for messages
    std::optional<std::string> name;    // a root project may have none
    std::optional<std::string> version; // as written
    // Every dependency, in field order (dependencies, devDependencies, optionalDependencies,
    // peerDependencies) and key order within a field. npm's rule applies: a name in both
    // dependencies and optionalDependencies is optional.
    std::vector<ManifestDependency> dependencies;
    std::vector<BinEntry> bin;
    std::map<std::string, std::string> scripts;
    std::vector<std::string> os, cpu, libc; // platform filters ("!win32" excludes)
    nlohmann::ordered_json overrides;       // npm `overrides`, honoured at the root only
    bool has_workspaces = false;
    bool has_install_scripts() const; // preinstall, install or postinstall
};

// Reads package.json text. Throws cairn::Error(Code::manifest_invalid) with
// "<source>:<line>:<column>" for JSON errors, and naming the field for bad values (an
// invalid name, a dependency that is not a string, a bin pointing outside the package).
Manifest read_manifest(std::string_view text, std::string_view source);

// The package.json of an installed package, read for what placing it needs: name, version,
// bin and scripts (dependencies, platform filters and overrides stay empty: the lockfile
// has those). Faster than read_manifest, and a dependency field a package got wrong does
// not stop its installation. Throws like read_manifest for the fields it reads.
Manifest read_installed_manifest(std::string_view text, std::string_view source);

// What the root project asks that cairn cannot install yet: workspaces, git and tarball-URL
// dependencies, workspace: references. Throws cairn::Error(Code::unsupported) naming the
// first such dependency, with a hint.
void check_root_supported(const Manifest& manifest);

} // namespace cairn::format::npm
