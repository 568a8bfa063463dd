#pragma once

#include "cairn/format/cairn/package_name.hpp"
#include "cairn/version/caret_range.hpp"
#include "cairn/version/version.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// The `cairn.json5` manifest of a cairn package (DESIGN.md section 8):
//
//   {
//     name: "acme/libfoo",              // scope/name (package_name.hpp), required
//     version: "1.2.3",                 // semver 2.0, required
//     description: "...", license: "MIT", keywords: ["a", "b"],
//     dependencies: { "acme/libbar": "^1.2" },   // package name -> caret range
//     overrides: { "acme/libbaz": "=1.0.4" },     // root only: replaces every requirement
//     files: { include: ["src/*", "cairn.json5"], exclude: ["*.tmp"] },
//   }
//
// Unknown keys are refused (a typo such as `dependecies` would otherwise lose
// dependencies silently).
namespace cairn::format::cairn {

inline constexpr std::string_view k_manifest_file = "cairn.json5";

struct ManifestDependency {
    PackageName package;
    version::CaretRange range;
    std::string requirement; // as written, e.g. "^1.2"
};

struct Manifest {
    PackageName name;
    version::Version version;
    std::string description;
    std::string license;
    std::vector<std::string> keywords;
    std::vector<ManifestDependency> dependencies; // sorted by package
    std::vector<ManifestDependency> overrides;    // sorted by package
    std::vector<std::string> include;             // empty: every file
    std::vector<std::string> exclude;
};

// Parses manifest text; `source` names it in errors. Throws Error(Code::config_parse) for
// JSON5 syntax and Error(Code::manifest_invalid) "<source>: <key>: ..." for the rest.
Manifest parse_manifest(std::string_view text, std::string_view source);
// Reads DIR/cairn.json5 (or the file itself). Throws Error(Code::io) when it cannot be read.
Manifest read_manifest(const std::filesystem::path& path);

// A new manifest's text, as `cairn init --format cairn` writes it.
std::string initial_manifest_text(const PackageName& name);

// Adds or replaces one dependency in a manifest file's text and returns the new text: the
// manifest is rewritten as JSON (2-space indent, keys in their original order; comments
// are not kept).
std::string set_manifest_dependency(std::string_view text, std::string_view source,
                                    const PackageName& package, std::string_view requirement);

} // namespace cairn::format::cairn
