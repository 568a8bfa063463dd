#pragma once

#include "cairn/version/npm_range.hpp"

#include <optional>
#include <string>
#include <string_view>

// What a dependency's value in package.json asks for, with npm-package-arg's reading:
// a semver range, a dist-tag, an alias (`npm:other@^2`), a local folder or tarball
// (`file:../x`, `./x`), a symlinked folder (`link:../x`), a git repository, a tarball URL,
// or a workspace reference.
namespace cairn::format::npm {

enum class SpecKind { range, tag, alias, file, link, git, tarball_url, workspace };
std::string_view spec_kind_name(SpecKind kind);

struct DependencySpec {
    SpecKind kind = SpecKind::range;
    std::string raw;     // as written in the manifest
    std::string package; // the registry package it names (alias target, else the key)
    std::optional<version::NpmRange> range; // range, and alias with a range
    std::string tag;                        // tag, and alias with a tag
    std::string path; // file: and link: (as written, relative to the manifest)
    std::string url;  // git and tarball URLs
};

// Throws cairn::Error(Code::manifest_invalid) for a value that is none of the above, or
// an alias whose target is not a valid package name; the message quotes name and value.
DependencySpec parse_dependency_spec(std::string_view name, std::string_view spec);

} // namespace cairn::format::npm
