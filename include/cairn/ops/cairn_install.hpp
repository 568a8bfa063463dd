#pragma once

#include "cairn/config/layered_config.hpp"
#include "cairn/core/digest.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Installing cairn-format projects (DESIGN.md section 8): resolve the manifest's
// dependencies with PubGrub over verified cairn-index registries, fetch each release into
// the store (verified against its digest), unpack it there, and materialise it as
// cairn_modules/<scope>/<name>/ (hard links into the store's tree, copies across file
// systems), with cairn_modules/.paths.json (package name -> path) for build tools and the
// "cairn" section of cairn.lock.
namespace cairn::ops {

struct CairnInstallOptions {
    std::filesystem::path project;
    const config::LayeredConfig* config = nullptr; // network mode, trust pins, registries
    // Registry locations (file://, http(s)://, folders), asked in order per scope; empty:
    // every `cairn-index` registry of `formats.cairn` in the config.
    std::vector<std::string> registries;
    std::filesystem::path store_root;
    // A portable package (cairn pack --portable): install it and its dependencies from its
    // embedded index snapshot alone.
    std::optional<std::filesystem::path> portable;
};

struct CairnInstalledPackage {
    std::string name; // "acme/libfoo"
    std::string version;
    Digest digest;
    std::string state;       // active, deprecated, yanked (kept from the lockfile)
    bool downloaded = false; // fetched by this run (not already in the store)
    bool linked = false;     // (re)materialised by this run
};

struct CairnInstallSummary {
    std::vector<CairnInstalledPackage> packages; // sorted by name
    std::size_t downloaded = 0;
    std::size_t linked = 0;
    std::size_t removed = 0;
    std::size_t registries = 0;
    bool offline = false;
    std::vector<std::string> warnings;
    std::chrono::milliseconds elapsed{0};
};

// Throws Error(Code::no_solution) with PubGrub's explanation as causes when no versions
// work, and the verification, network and store errors of the steps above.
CairnInstallSummary install_cairn_project(const CairnInstallOptions& options);

// `cairn add cairn:acme/libfoo@^1.2`: adds the requirement to cairn.json5 (default range:
// ^ of the newest release) and installs. Throws Error(Code::usage) for a malformed spec.
CairnInstallSummary add_cairn_dependency(const CairnInstallOptions& options, std::string_view spec);

// The registries `formats.cairn` configures (every authority's cairn-index registries).
std::vector<std::string> configured_cairn_registries(const config::LayeredConfig& config);

// The summary line: "added 3 packages from 1 registry in 0.1s, 3 downloaded".
std::string describe_install(const CairnInstallSummary& summary);

struct CairnPackOptions {
    std::filesystem::path project;
    std::filesystem::path output_dir; // default: the project
    bool portable = false;
    CairnInstallOptions sources; // registries, config and store for the snapshot
};

struct CairnPackResult {
    std::filesystem::path archive;
    Digest digest;
    std::uint64_t size = 0;
    std::size_t files = 0;
    std::size_t documents = 0; // portable: signed documents in the snapshot
    std::size_t blobs = 0;     // portable: release archives in the snapshot
};

// `cairn pack [--portable]`. The portable package is a .tar.zst holding portable.json, the
// release archive and a registry folder with every version index (and package index) the
// transitive requirements reach, and the archives of every release that could satisfy them.
CairnPackResult pack_cairn_project(const CairnPackOptions& options);

} // namespace cairn::ops
