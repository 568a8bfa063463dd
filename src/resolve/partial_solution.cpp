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
    m_packages[package].decision = version;
    add({PackageTerm::allowing(package, version::VersionSet::exactly(version)), m_level,
         std::nullopt});
}

void PartialSolution::derive(PackageTerm term, IncompatibilityId cause) {
    add({std::move(term), m_level, cause});
}

void PartialSolution::add(Assignment assignment) {
    const PackageId package = assignment.term.package;
    m_packages[package].assignments.push_back(m_assignments.size());
    register_term(package, assignment.term);
    m_assignments.push_back(std::move(assignment));
}

void PartialSolution::register_term(PackageId package, const PackageTerm& term) {
    auto& state = m_packages[package];
    state.known = state.known ? state.known->intersect(term) : term;
    ++state.generation;
    if (state.known->positive && !state.listed_positive) {
        state.listed_positive = true;
        m_positive.push_back(package);
    }
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
        state.known.reset();
        state.listed_positive = false;
        ++state.generation;
        std::optional<std::size_t> first_positive;
        for (std::size_t index : state.assignments) {
            const auto& term = m_assignments[index].term;
            state.known = state.known ? state.known->intersect(term) : term;
            if (!first_positive && state.known->positive)
                first_positive = index;
        }
        if (first_positive)
            order.emplace_back(*first_positive, package);
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

std::size_t PartialSolution::satisfier(const PackageTerm& term) const {
    const auto& state = m_packages[term.package];
    std::optional<PackageTerm> accumulated;
    for (std::size_t index : state.assignments) {
        const auto& assigned = m_assignments[index].term;
        accumulated = accumulated ? accumulated->intersect(assigned) : assigned;
        if (accumulated->subset_of(term))
            return index;
    }
    // Unreachable for a satisfied term; the last assignment is the safest answer.
    return state.assignments.empty() ? 0 : state.assignments.back();
}

} // namespace cairn::resolve
