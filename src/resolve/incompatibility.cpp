#include "incompatibility.hpp"

#include <algorithm>

namespace cairn::resolve {

namespace {

// Merges terms about the same package by intersection, keeping first-seen order, and
// drops terms that always hold (not in no version), which constrain nothing.
std::vector<PackageTerm> merge_terms(std::vector<PackageTerm> terms) {
    std::vector<PackageTerm> merged;
    merged.reserve(terms.size());
    for (auto& term : terms) {
        auto same = std::find_if(merged.begin(), merged.end(),
                                 [&](const PackageTerm& t) { return t.package == term.package; });
        if (same == merged.end())
            merged.push_back(std::move(term));
        else
            *same = same->intersect(term);
    }
    std::erase_if(merged, [](const PackageTerm& t) { return !t.positive && t.set.is_empty(); });
    return merged;
}

} // namespace

Incompatibility Incompatibility::root(const version::Version& version) {
    Incompatibility result;
    result.terms.push_back(
        PackageTerm::excluding(k_root_package, version::VersionSet::exactly(version)));
    result.kind = CauseKind::root;
    result.root_version = version;
    return result;
}

Incompatibility Incompatibility::from_dependency(PackageId depender,
                                                 version::VersionSet depender_versions,
                                                 PackageId dependency, version::VersionSet range,
                                                 DependencyKind kind) {
    Incompatibility result;
    result.terms = merge_terms({PackageTerm::allowing(depender, depender_versions),
                                PackageTerm::excluding(dependency, range)});
    result.kind = CauseKind::dependency;
    result.depender = depender;
    result.dependency = dependency;
    result.depender_versions = std::move(depender_versions);
    result.range = std::move(range);
    result.dependency_kind = kind;
    return result;
}

Incompatibility Incompatibility::no_versions(PackageId package, version::VersionSet range,
                                             std::vector<SkippedRelease> skipped) {
    Incompatibility result;
    result.terms.push_back(PackageTerm::allowing(package, std::move(range)));
    result.kind = CauseKind::no_versions;
    result.skipped = std::move(skipped);
    return result;
}

Incompatibility Incompatibility::unavailable(PackageId package, version::VersionSet versions) {
    Incompatibility result;
    result.terms.push_back(PackageTerm::allowing(package, std::move(versions)));
    result.kind = CauseKind::unavailable;
    return result;
}

Incompatibility Incompatibility::derived(std::vector<PackageTerm> terms, IncompatibilityId conflict,
                                         IncompatibilityId other,
                                         const version::Version& root_version) {
    Incompatibility result;
    result.terms = merge_terms(std::move(terms));
    if (result.terms.size() > 1) {
        std::erase_if(result.terms, [&](const PackageTerm& t) {
            return t.package == k_root_package && t.positive && t.set.contains(root_version);
        });
    }
    result.kind = CauseKind::derived;
    result.conflict = conflict;
    result.other = other;
    return result;
}

bool Incompatibility::is_failure(const version::Version& root_version) const {
    if (terms.empty())
        return true;
    return terms.size() == 1 && terms[0].package == k_root_package && terms[0].positive &&
           terms[0].set.contains(root_version);
}

bool Incompatibility::is_vacuous() const {
    return std::any_of(terms.begin(), terms.end(),
                       [](const PackageTerm& t) { return t.is_impossible(); });
}

} // namespace cairn::resolve
