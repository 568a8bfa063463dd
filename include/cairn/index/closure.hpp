#pragma once

#include "cairn/index/documents.hpp"
#include "cairn/index/verified_registry.hpp"

#include <string>
#include <string_view>
#include <vector>

// The closure check (DESIGN.md section 8): every dependency of a release must resolve in
// the registry it is published to: its scope has a package index, that index has the
// package, and some release that is not yanked matches the range.
namespace cairn::index {

struct MissingRequirement {
    std::string requirer; // "acme/app 1.0.0"
    PackageName package;
    std::string requirement;
    std::string reason; // "no package index for scope other", "no release matches (have 1.0.0)"

    // "acme/app 1.0.0 requires acme/libbar ^2: no release matches (have 1.0.0, 1.1.0)"
    std::string describe() const;
};

std::vector<MissingRequirement> check_requirements(VerifiedRegistry& registry,
                                                   std::string_view requirer,
                                                   const std::vector<ReleaseDependency>& deps);

// Every release (not yanked) of every entry of the package index of `scope`.
std::vector<MissingRequirement> check_closure(VerifiedRegistry& registry, std::string_view scope);

} // namespace cairn::index
