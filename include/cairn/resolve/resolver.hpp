#pragma once

#include "cairn/resolve/derivation.hpp"
#include "cairn/resolve/provider.hpp"
#include "cairn/version/version.hpp"
#include "cairn/version/version_set.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <variant>
#include <vector>

// PubGrub version solving for single-version formats (DESIGN.md section 5).
namespace cairn::resolve {

// A requirement of the root package.
struct RootDependency {
    std::string package;
    version::VersionSet range;
    DependencyKind kind = DependencyKind::normal;
};

// What to solve. The root is always selected at `root_version`; other packages may
// depend on it by name. The provider is never asked about the root.
struct Problem {
    std::string root;
    version::Version root_version;
    // Normal and dev requirements together (a package named twice must satisfy both).
    std::vector<RootDependency> dependencies;
    // Root overrides: every requirement on the package, from any package, is replaced by
    // this range, and the override is itself a requirement of the root.
    std::map<std::string, version::VersionSet> overrides;
    // The previous lockfile: a preference, never a constraint. A locked release is chosen
    // whenever it is allowed, even if it is yanked or denied (with a warning).
    std::map<std::string, version::Version> locked;
};

enum class VersionOrder {
    highest, // newest allowed release first (install, update)
    lowest,  // oldest allowed release first (minimal versions / downgrade)
};

enum class PrereleaseOrder {
    stable_first, // a prerelease only when no stable release is allowed
    by_version,   // prereleases compete with stable releases on version alone
};

struct ResolveOptions {
    VersionOrder order = VersionOrder::highest;
    PrereleaseOrder prereleases = PrereleaseOrder::stable_first;
};

struct SelectedRelease {
    std::string package;
    version::Version version;
};

// A locked release that was kept although it is not available.
struct LockedReleaseWarning {
    std::string package;
    version::Version version;
    Availability availability;
};

struct Solution {
    // Every selected package except the root, sorted by name.
    std::vector<SelectedRelease> releases;
    std::vector<LockedReleaseWarning> warnings;
};

struct NoSolution {
    DerivationTree derivation;
};

// Counters describing the search, for diagnostics and benchmarks.
struct SolveStats {
    std::size_t decisions = 0;
    std::size_t conflicts = 0;
    std::size_t incompatibilities = 0;
    std::size_t packages = 0; // packages the solver learned about
};

struct Resolution {
    std::variant<Solution, NoSolution> outcome;
    SolveStats stats;

    bool solved() const { return std::holds_alternative<Solution>(outcome); }
    const Solution& solution() const { return std::get<Solution>(outcome); }
    const NoSolution& failure() const { return std::get<NoSolution>(outcome); }
};

// Solves `problem`. "No solution" is a normal outcome (NoSolution with the derivation);
// only the provider's own errors propagate as exceptions.
Resolution resolve(const Problem& problem, DependencyProvider& provider,
                   const ResolveOptions& options = {});

} // namespace cairn::resolve
