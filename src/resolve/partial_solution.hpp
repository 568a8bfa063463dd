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
    // What was known about the package once this assignment was made (the intersection
    // of its assignments so far): backtracking and satisfier search read it back.
    PackageTerm known;
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

    // A decision level at or after which the term's package became disjoint with the
    // term (an upper bound of the exact level). The term must be contradicted.
    std::uint32_t contradiction_level(const PackageTerm& term) const;
    // A number identifying the current opening of `level`: it changes when the level is
    // backtracked and decided again (for caches that hold until a backjump).
    std::uint64_t level_stamp(std::uint32_t level) const { return m_level_stamps[level]; }

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

    void add(PackageTerm term, std::optional<IncompatibilityId> cause);

    std::vector<Assignment> m_assignments;
    std::vector<PackageState> m_packages;
    std::vector<PackageId> m_positive;
    std::uint32_t m_level = 0;
    std::vector<std::uint64_t> m_level_stamps{0};
    std::uint64_t m_next_stamp = 1;
};

} // namespace cairn::resolve
