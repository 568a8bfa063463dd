#include "partial_solution.hpp"

#include <algorithm>
#include <utility>

namespace cairn::resolve {

void PartialSolution::reserve_packages(std::size_t count) {
    if (m_packages.size() < count)
        m_packages.resize(count);
}

void PartialSolution::decide(PackageId package, const version::Version& version) {
    ++m_level;
    if (m_level_stamps.size() <= m_level)
        m_level_stamps.resize(m_level + 1);
    m_level_stamps[m_level] = m_next_stamp++;
    m_packages[package].decision = version;
    add(PackageTerm::allowing(package, version::VersionSet::exactly(version)), std::nullopt);
}

void PartialSolution::derive(PackageTerm term, IncompatibilityId cause) {
    add(std::move(term), cause);
}

void PartialSolution::add(PackageTerm term, std::optional<IncompatibilityId> cause) {
    const PackageId package = term.package;
    auto& state = m_packages[package];
    state.known = state.known ? state.known->intersect(term) : term;
    ++state.generation;
    if (state.known->positive && !state.listed_positive) {
        state.listed_positive = true;
        m_positive.push_back(package);
    }
    state.assignments.push_back(m_assignments.size());
    m_assignments.push_back({std::move(term), *state.known, m_level, cause});
}

void PartialSolution::backtrack(std::uint32_t level) {
    std::vector<PackageId> touched;
    while (!m_assignments.empty() && m_assignments.back().level > level) {
        const PackageId package = m_assignments.back().term.package;
        auto& state = m_packages[package];
        state.assignments.pop_back();
        if (m_assignments.back().is_decision())
            state.decision.reset();
        if (std::find(touched.begin(), touched.end(), package) == touched.end())
            touched.push_back(package);
        m_assignments.pop_back();
    }
    m_level = std::min(m_level, level);
    if (touched.empty())
        return;

    std::erase_if(m_positive, [&](PackageId p) {
        return std::find(touched.begin(), touched.end(), p) != touched.end();
    });
    // Re-register what is left of the touched packages in assignment order, so their
    // place among the positive packages is where their first positive term now is.
    std::vector<std::pair<std::size_t, PackageId>> order;
    for (PackageId package : touched) {
        auto& state = m_packages[package];
        state.listed_positive = false;
        ++state.generation;
        if (state.assignments.empty()) {
            state.known.reset();
            continue;
        }
        state.known = m_assignments[state.assignments.back()].known;
        for (std::size_t index : state.assignments) {
            if (m_assignments[index].known.positive) {
                order.emplace_back(index, package);
                break;
            }
        }
    }
    std::sort(order.begin(), order.end());
    for (const auto& [index, package] : order) {
        m_packages[package].listed_positive = true;
        m_positive.push_back(package);
    }
}

Relation PartialSolution::relation(const PackageTerm& term) const {
    const auto& known = m_packages[term.package].known;
    if (!known) {
        // Nothing is known: only "not in nothing" is certain.
        if (!term.positive && term.set.is_empty())
            return Relation::satisfied;
        if (term.positive && term.set.is_empty())
            return Relation::contradicted;
        return Relation::inconclusive;
    }
    return known->relation_to(term);
}

std::uint32_t PartialSolution::contradiction_level(const PackageTerm& term) const {
    // The first assignment that contradicts the term on its own; when only several
    // together do, the current level. Either may be later than the exact answer, which
    // only makes a cache built on it expire sooner; this way nothing is allocated.
    for (std::size_t index : m_packages[term.package].assignments) {
        if (m_assignments[index].term.disjoint(term))
            return m_assignments[index].level;
    }
    return m_level;
}

std::size_t PartialSolution::satisfier(const PackageTerm& term) const {
    const auto& state = m_packages[term.package];
    for (std::size_t index : state.assignments) {
        if (m_assignments[index].known.subset_of(term))
            return index;
    }
    // Unreachable for a satisfied term; the last assignment is the safest answer.
    return state.assignments.empty() ? 0 : state.assignments.back();
}

} // namespace cairn::resolve
