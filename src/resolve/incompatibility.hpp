#pragma once

#include "term.hpp"

#include "cairn/resolve/derivation.hpp"
#include "cairn/version/version.hpp"
#include "cairn/version/version_set.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace cairn::resolve {

using IncompatibilityId = std::uint32_t;

enum class CauseKind { root, dependency, no_versions, unavailable, derived };

// A set of terms that may not all be true at once, with the reason it is known.
// At most one term per package (the constructors merge terms of one package).
struct Incompatibility {
    std::vector<PackageTerm> terms;
    CauseKind kind = CauseKind::derived;

    // dependency: what was stated, before terms of one package were merged (a package
    // that depends on itself); the depender is terms' first package.
    PackageId depender = 0;
    PackageId dependency = 0;
    std::optional<version::VersionSet> depender_versions;
    std::optional<version::VersionSet> range;
    DependencyKind dependency_kind = DependencyKind::normal;
    // no_versions: releases in range that exist but may not be chosen.
    std::vector<SkippedRelease> skipped;
    // root: the root version.
    std::optional<version::Version> root_version;
    // derived: the two causes.
    IncompatibilityId conflict = 0;
    IncompatibilityId other = 0;

    // The root must be selected at its version: {not root =version}.
    static Incompatibility root(const version::Version& version);
    // `depender` in `depender_versions` requires `dependency` in `range`.
    static Incompatibility from_dependency(PackageId depender,
                                           version::VersionSet depender_versions,
                                           PackageId dependency, version::VersionSet range,
                                           DependencyKind kind);
    // No usable release of the package lies in `range`.
    static Incompatibility no_versions(PackageId package, version::VersionSet range,
                                       std::vector<SkippedRelease> skipped);
    static Incompatibility unavailable(PackageId package, version::VersionSet versions);
    // Derived from `conflict` and `other`. Terms of one package are merged, and when more
    // than one term is left, positive terms on the root that allow its version are
    // dropped (they always hold).
    static Incompatibility derived(std::vector<PackageTerm> terms, IncompatibilityId conflict,
                                   IncompatibilityId other, const version::Version& root_version);

    // The root cannot be selected, or nothing at all can: version solving failed.
    bool is_failure(const version::Version& root_version) const;
    // No assignment can ever satisfy all terms (a merged term allows nothing).
    bool is_vacuous() const;
};

} // namespace cairn::resolve
