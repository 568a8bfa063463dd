#pragma once

#include "catalog.hpp"
#include "incompatibility.hpp"
#include "partial_solution.hpp"

#include "cairn/resolve/resolver.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace cairn::resolve {

// One run of PubGrub over one problem (see Dart pub's doc/solver.md): unit propagation,
// decision making, conflict resolution with learning and backjumping.
class Solver {
public:
    Solver(const Problem& problem, DependencyProvider& provider, const ResolveOptions& options);

    Resolution run();

private:
    enum class Propagated { nothing, derived, conflict };

    // Grows the per-package tables to the packages discovered so far.
    void sync_sizes();
    // Keeps an incompatibility (for the derivation) without using it in propagation.
    IncompatibilityId store(Incompatibility incompatibility);
    // Makes a stored incompatibility take part in propagation.
    void index(IncompatibilityId id);
    IncompatibilityId add_incompatibility(Incompatibility incompatibility);
    // Unit propagation from `package`; the failing incompatibility when solving failed.
    std::optional<IncompatibilityId> propagate(PackageId package);
    Propagated propagate_one(IncompatibilityId id, PackageId& derived_package);
    // Conflict resolution: learns the root cause and backjumps. Sets `failed` when the
    // result is the final incompatibility.
    IncompatibilityId resolve_conflict(IncompatibilityId id, bool& failed);

    // Picks the next package and tries a version of it; nullopt when every positive
    // package is decided (a solution).
    std::optional<PackageId> decide_next();
    std::optional<PackageId> choose_package();
    std::optional<std::size_t> best_candidate(PackageId package, const version::VersionSet& set);
    std::vector<SkippedRelease> skipped_in(PackageId package, const version::VersionSet& set);
    // Adds the requirements of one candidate; whether choosing it now would conflict.
    bool add_dependencies(PackageId package, std::size_t index);

    Solution make_solution();
    DerivationTree make_derivation(IncompatibilityId failure);

    const Problem& m_problem;
    ResolveOptions m_options;
    Catalog m_catalog;
    PartialSolution m_solution;
    std::vector<Incompatibility> m_incompatibilities;
    std::vector<std::vector<IncompatibilityId>> m_by_package;
    // Dependency incompatibilities already added, per depender, so a run is stated once.
    struct AddedRun {
        std::size_t first = 0;
        std::size_t last = 0;
        IncompatibilityId id = 0;
    };
    std::vector<std::vector<AddedRun>> m_added_runs;
    struct CountCache {
        std::uint64_t generation = ~std::uint64_t{0};
        std::size_t count = 0;
    };
    std::vector<CountCache> m_counts;
    // Incompatibilities known to be contradicted, valid while their level stands.
    struct Contradiction {
        std::uint32_t level = 0;
        std::uint64_t stamp = ~std::uint64_t{0};
    };
    std::vector<Contradiction> m_contradicted;
    SolveStats m_stats;
};

} // namespace cairn::resolve
