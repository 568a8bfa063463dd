#pragma once

#include "incompatibility.hpp"
#include "term.hpp"

#include "cairn/version/version.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace cairn::resolve {

// One entry of the partial solution: a decision (one version) or a derivation (a term
// implied by earlier assignments through `cause`).
struct Assignment {
    PackageTerm term;
    std::uint32_t level = 0;
    std::optional<IncompatibilityId> cause; // nullopt: a decision

    bool is_decision() const { return !cause.has_value(); }
};

// PubGrub's partial solution: the ordered assignments, with per-package summaries
// (the intersection of a package's assignments, its decision) kept up to date.
class PartialSolution {
public:
    // Makes room for packages up to `count` (packages are discovered while solving).
    void reserve_packages(std::size_t count);

    std::uint32_t level() const { return m_level; }
    std::size_t size() const { return m_assignments.size(); }
    const Assignment& at(std::size_t index) const { return m_assignments[index]; }

    // Selects one version of a package, opening a new decision level.
    void decide(PackageId package, const version::Version& version);
    // Adds a term implied by `cause` at the current level.
    void derive(PackageTerm term, IncompatibilityId cause);
    // Removes every assignment above `level`.
    void backtrack(std::uint32_t level);

    // Everything known about a package (the intersection of its assignments); nullopt
    // when nothing is.
    const std::optional<PackageTerm>& known(PackageId package) const {
        return m_packages[package].known;
    }
    Relation relation(const PackageTerm& term) const;
    bool satisfies(const PackageTerm& term) const { return relation(term) == Relation::satisfied; }
    const std::optional<version::Version>& decision(PackageId package) const {
        return m_packages[package].decision;
    }
    // Bumped whenever what is known about the package changes (for caches).
    std::uint64_t generation(PackageId package) const { return m_packages[package].generation; }

    // The index of the earliest assignment such that the package's assignments up to
    // and including it satisfy `term`. The term must be satisfied by the whole partial
    // solution.
    std::size_t satisfier(const PackageTerm& term) const;

    // Packages with a positive term and no decision yet, in the order their positive
    // terms appeared (after a backtrack, re-registered packages move to the end, as in
    // Dart pub).
    template <class Visit>
    void for_each_undecided(Visit&& visit) const {
        for (PackageId package : m_positive) {
            if (!m_packages[package].decision)
                visit(package);
        }
    }

private:
    struct PackageState {
        std::optional<PackageTerm> known;
        std::optional<version::Version> decision;
        std::vector<std::size_t> assignments; // indexes into m_assignments, ascending
        std::uint64_t generation = 0;
        bool listed_positive = false;
    };

    void add(Assignment assignment);
    void register_term(PackageId package, const PackageTerm& term);

    std::vector<Assignment> m_assignments;
    std::vector<PackageState> m_packages;
    std::vector<PackageId> m_positive;
    std::uint32_t m_level = 0;
};

} // namespace cairn::resolve
