#pragma once

#include <string>
#include <vector>

// Picking versions from a list by ranges, as node-semver's command line does it (the
// `cairn semver` command is a thin wrapper around this).
namespace cairn::version {

enum class Flavor { npm, caret };

struct SelectOptions {
    Flavor flavor = Flavor::npm;
    bool loose = false;              // npm: loose versions and ranges
    bool include_prerelease = false; // let prereleases through the prerelease rule
};

// The versions that are valid and satisfy every range, sorted ascending by precedence
// (stable, so equal versions keep their order), printed without build metadata, without
// a leading `v`/`=` or surrounding whitespace. Invalid versions are left out, like
// node-semver's CLI does; an invalid range throws cairn::Error(Code::version_parse).
std::vector<std::string> select_versions(const std::vector<std::string>& versions,
                                         const std::vector<std::string>& ranges,
                                         SelectOptions options);

} // namespace cairn::version
