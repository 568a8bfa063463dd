#include "solver.hpp"

#include <algorithm>
#include <deque>
#include <map>

namespace cairn::resolve {

Solver::Solver(const Problem& problem, DependencyProvider& provider, const ResolveOptions& options)
    : m_problem(problem), m_options(options), m_catalog(problem, provider) {}

void Solver::sync_sizes() {
    const std::size_t packages = m_catalog.size();
    if (m_by_package.size() < packages)
        m_by_package.resize(packages);
    if (m_counts.size() < packages)
        m_counts.resize(packages);
    if (m_added_runs.size() < packages)
        m_added_runs.resize(packages);
    m_solution.reserve_packages(packages);
}

IncompatibilityId Solver::store(Incompatibility incompatibility) {
    const auto id = static_cast<IncompatibilityId>(m_incompatibilities.size());
    m_incompatibilities.push_back(std::move(incompatibility));
    m_contradicted.emplace_back();
    ++m_stats.incompatibilities;
    return id;
}

void Solver::index(IncompatibilityId id) {
    sync_sizes();
    for (const auto& term : m_incompatibilities[id].terms)
        m_by_package[term.package].push_back(id);
}

IncompatibilityId Solver::add_incompatibility(Incompatibility incompatibility) {
    const auto id = store(std::move(incompatibility));
    index(id);
    return id;
}

Resolution Solver::run() {
    sync_sizes();
    add_incompatibility(Incompatibility::root(m_problem.root_version));
    PackageId next = k_root_package;
    while (true) {
        if (auto failure = propagate(next)) {
            Resolution resolution{NoSolution{make_derivation(*failure)}, m_stats};
            resolution.stats.packages = m_catalog.size();
            return resolution;
        }
        auto decided = decide_next();
        if (!decided) {
            Resolution resolution{make_solution(), m_stats};
            resolution.stats.packages = m_catalog.size();
            return resolution;
        }
        next = *decided;
    }
}

Solver::Propagated Solver::propagate_one(IncompatibilityId id, PackageId& derived_package) {
    const auto& incompatibility = m_incompatibilities[id];
    auto& contradiction = m_contradicted[id];
    if (contradiction.level <= m_solution.level() &&
        m_solution.level_stamp(contradiction.level) == contradiction.stamp)
        return Propagated::nothing; // still contradicted by what it was before
    const PackageTerm* unsatisfied = nullptr;
    for (const auto& term : incompatibility.terms) {
        switch (m_solution.relation(term)) {
        case Relation::contradicted: {
            const auto level = m_solution.contradiction_level(term);
            contradiction = {level, m_solution.level_stamp(level)};
            return Propagated::nothing;
        }
        case Relation::inconclusive:
            if (unsatisfied)
                return Propagated::nothing;
            unsatisfied = &term;
            break;
        case Relation::satisfied:
            break;
        }
    }
    if (!unsatisfied)
        return Propagated::conflict;
    derived_package = unsatisfied->package;
    m_solution.derive(unsatisfied->negate(), id);
    return Propagated::derived;
}

std::optional<IncompatibilityId> Solver::propagate(PackageId package) {
    std::deque<PackageId> changed{package};
    std::vector<bool> queued(m_catalog.size(), false);
    queued[package] = true;
    while (!changed.empty()) {
        const PackageId current = changed.front();
        changed.pop_front();
        queued[current] = false;
        // Newest first: learned incompatibilities tend to be the more general ones.
        for (std::size_t i = m_by_package[current].size(); i-- > 0;) {
            const IncompatibilityId id = m_by_package[current][i];
            PackageId derived = 0;
            const auto result = propagate_one(id, derived);
            if (result == Propagated::derived) {
                if (derived >= queued.size())
                    queued.resize(m_catalog.size(), false);
                if (!queued[derived]) {
                    queued[derived] = true;
                    changed.push_back(derived);
                }
            } else if (result == Propagated::conflict) {
                ++m_stats.conflicts;
                bool failed = false;
                const IncompatibilityId cause = resolve_conflict(id, failed);
                if (failed)
                    return cause;
                // After the backjump the learned incompatibility is almost satisfied.
                if (propagate_one(cause, derived) != Propagated::derived)
                    return cause; // cannot happen for a correct resolution
                std::fill(queued.begin(), queued.end(), false);
                changed.clear();
                if (derived >= queued.size())
                    queued.resize(m_catalog.size(), false);
                queued[derived] = true;
                changed.push_back(derived);
                break;
            }
        }
    }
    return std::nullopt;
}

IncompatibilityId Solver::resolve_conflict(IncompatibilityId id, bool& failed) {
    bool learned = false;
    while (!m_incompatibilities[id].is_failure(m_problem.root_version)) {
        const auto& incompatibility = m_incompatibilities[id];
        std::optional<std::size_t> most_recent;
        const PackageTerm* most_recent_term = nullptr;
        std::optional<PackageTerm> difference;
        std::uint32_t previous_level = 1;
        for (const auto& term : incompatibility.terms) {
            const std::size_t satisfier = m_solution.satisfier(term);
            if (!most_recent) {
                most_recent = satisfier;
                most_recent_term = &term;
            } else if (*most_recent < satisfier) {
                previous_level = std::max(previous_level, m_solution.at(*most_recent).level);
                most_recent = satisfier;
                most_recent_term = &term;
                difference.reset();
            } else {
                previous_level = std::max(previous_level, m_solution.at(satisfier).level);
            }
            if (most_recent_term == &term) {
                // The satisfier may satisfy the term only together with earlier
                // assignments to the same package: those count as a previous satisfier.
                auto rest = m_solution.at(*most_recent).term.difference(term);
                if (rest.positive && rest.set.is_empty()) {
                    difference.reset();
                } else {
                    previous_level = std::max(
                        previous_level, m_solution.at(m_solution.satisfier(rest.negate())).level);
                    difference = std::move(rest);
                }
            }
        }
        const Assignment& satisfier = m_solution.at(*most_recent);
        if (satisfier.is_decision() || previous_level < satisfier.level) {
            m_solution.backtrack(previous_level);
            if (learned)
                index(id); // the root cause takes part in propagation from now on
            return id;
        }
        // Resolution of the conflict with the satisfier's cause.
        const auto& cause = m_incompatibilities[*satisfier.cause];
        std::vector<PackageTerm> terms;
        for (const auto& term : incompatibility.terms) {
            if (&term != most_recent_term)
                terms.push_back(term);
        }
        for (const auto& term : cause.terms) {
            if (term.package != satisfier.term.package)
                terms.push_back(term);
        }
        if (difference)
            terms.push_back(difference->negate());
        auto derived = Incompatibility::derived(std::move(terms), id, *satisfier.cause,
                                                m_problem.root_version);
        id = store(std::move(derived)); // kept for the derivation, indexed if learned
        learned = true;
    }
    failed = true;
    return id;
}

std::optional<PackageId> Solver::choose_package() {
    std::optional<PackageId> best;
    std::size_t best_count = 0;
    m_solution.for_each_undecided([&](PackageId package) {
        auto& cache = m_counts[package];
        const auto generation = m_solution.generation(package);
        if (cache.generation != generation) {
            const auto& set = m_solution.known(package)->set;
            const auto& locked = m_catalog.locked(package);
            // A locked release that is still allowed leaves nothing to choose from.
            cache.count = locked && set.contains(*locked) ? 1 : m_catalog.count_in(package, set);
            cache.generation = generation;
        }
        if (!best || cache.count < best_count) {
            best = package;
            best_count = cache.count;
        }
    });
    return best;
}

std::optional<std::size_t> Solver::best_candidate(PackageId package,
                                                  const version::VersionSet& set) {
    const auto& list = m_catalog.candidates(package);
    if (const auto& locked = m_catalog.locked(package); locked && set.contains(*locked)) {
        auto found = std::lower_bound(
            list.begin(), list.end(), *locked,
            [](const Candidate& c, const version::Version& v) { return c.version < v; });
        if (found != list.end() && found->version == *locked)
            return static_cast<std::size_t>(found - list.begin());
    }
    std::optional<std::size_t> first_prerelease;
    const bool stable_first = m_options.prereleases == PrereleaseOrder::stable_first;
    const std::size_t count = list.size();
    for (std::size_t step = 0; step < count; ++step) {
        const std::size_t i = m_options.order == VersionOrder::highest ? count - 1 - step : step;
        const auto& candidate = list[i];
        if (candidate.availability != Availability::available || !set.contains(candidate.version))
            continue;
        if (stable_first && candidate.version.is_prerelease()) {
            if (!first_prerelease)
                first_prerelease = i;
            continue;
        }
        return i;
    }
    return first_prerelease;
}

std::vector<SkippedRelease> Solver::skipped_in(PackageId package, const version::VersionSet& set) {
    std::vector<SkippedRelease> skipped;
    for (const auto& candidate : m_catalog.candidates(package)) {
        if (candidate.availability != Availability::available && set.contains(candidate.version))
            skipped.push_back({candidate.version, candidate.availability});
    }
    return skipped;
}

bool Solver::add_dependencies(PackageId package, std::size_t index) {
    const auto& version = m_catalog.candidates(package)[index].version;
    if (!m_catalog.dependencies(package, index)) {
        add_incompatibility(
            Incompatibility::unavailable(package, version::VersionSet::exactly(version)));
        return true;
    }
    auto runs = m_catalog.dependency_runs(package, index);
    m_catalog.announce(); // every name just discovered, before blocking on any of them
    sync_sizes();
    bool conflict = false;
    for (const auto& run : runs) {
        const Edge& edge = *run.edge;
        std::optional<IncompatibilityId> id;
        for (const auto& added : m_added_runs[package]) {
            const auto& known = m_incompatibilities[added.id];
            if (added.first == run.first && added.last == run.last &&
                known.dependency == edge.package && *known.range == edge.range) {
                id = added.id;
                break;
            }
        }
        if (!id) {
            auto incompatibility = Incompatibility::from_dependency(
                package, m_catalog.run_versions(package, run.first, run.last), edge.package,
                edge.range, edge.kind);
            if (incompatibility.is_vacuous())
                continue; // a package requiring a range that holds its own version
            id = add_incompatibility(std::move(incompatibility));
            m_added_runs[package].push_back({run.first, run.last, *id});
        }
        // Would choosing this version satisfy the incompatibility outright?
        const auto& incompatibility = m_incompatibilities[*id];
        const bool satisfied = std::all_of(
            incompatibility.terms.begin(), incompatibility.terms.end(),
            [&](const PackageTerm& term) {
                return term.package == package ? term.allows(version) : m_solution.satisfies(term);
            });
        conflict = conflict || satisfied;
    }
    return conflict;
}

std::optional<PackageId> Solver::decide_next() {
    auto package = choose_package();
    if (!package)
        return std::nullopt;
    const version::VersionSet set = m_solution.known(*package)->set;
    auto index = best_candidate(*package, set);
    if (!index) {
        add_incompatibility(Incompatibility::no_versions(*package, set, skipped_in(*package, set)));
        return package;
    }
    if (!add_dependencies(*package, *index)) {
        m_solution.decide(*package, m_catalog.candidates(*package)[*index].version);
        ++m_stats.decisions;
    }
    return package;
}

Solution Solver::make_solution() {
    Solution solution;
    for (PackageId package = 1; package < m_catalog.size(); ++package) {
        const auto& decision = m_solution.decision(package);
        if (!decision)
            continue;
        solution.releases.push_back({m_catalog.name(package), *decision});
        for (const auto& candidate : m_catalog.candidates(package)) {
            if (candidate.version == *decision && candidate.availability != Availability::available)
                solution.warnings.push_back(
                    {m_catalog.name(package), candidate.version, candidate.availability});
        }
    }
    std::sort(
        solution.releases.begin(), solution.releases.end(),
        [](const SelectedRelease& a, const SelectedRelease& b) { return a.package < b.package; });
    std::sort(solution.warnings.begin(), solution.warnings.end(),
              [](const LockedReleaseWarning& a, const LockedReleaseWarning& b) {
                  return a.package < b.package;
              });
    return solution;
}

Resolution resolve(const Problem& problem, DependencyProvider& provider,
                   const ResolveOptions& options) {
    Solver solver(problem, provider, options);
    return solver.run();
}

} // namespace cairn::resolve
