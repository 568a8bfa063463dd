#pragma once

#include "cairn/version/version.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cairn::version {

// A set of versions: sorted, disjoint, non-adjacent intervals over the total order of
// versions (semver precedence). Each bound is inclusive, exclusive or absent (unbounded).
//
// This is pure interval algebra and knows nothing about prerelease policy: `>=1.0.0
// <2.0.0` here contains 1.5.0-beta. The range flavours (npm, caret, exact) apply their own
// prerelease rules, either when they build a set (by choosing bounds such as `<2.0.0-0`)
// or when they filter candidate versions (npm's "same [major, minor, patch] tuple" rule
// is a filter, see npm_range.hpp). The resolver combines sets with these operations and
// asks each flavour which candidates are allowed.
//
// Sets are canonical: two sets with the same members compare equal, whatever bounds
// built them (`>1.2.3` equals `>=1.2.4-0`, since no version lies between 1.2.3 and
// 1.2.4-0; `>=0.0.0-0` equals the unbounded lower end).
class VersionSet {
public:
    // A position between versions: just before `version`, or just after it.
    struct Cut {
        Version version;
        bool after; // false: just before `version`; true: just after it
    };
    // [lower, upper] with each end a cut; nullopt = unbounded on that side.
    struct Interval {
        std::optional<Cut> lower; // versions after this cut
        std::optional<Cut> upper; // versions before this cut
    };

    static VersionSet empty();
    static VersionSet full();
    static VersionSet exactly(const Version& version);
    static VersionSet at_least(const Version& version);     // >=v
    static VersionSet greater_than(const Version& version); // >v
    static VersionSet at_most(const Version& version);      // <=v
    static VersionSet less_than(const Version& version);    // <v
    static VersionSet between(const Version& lo, bool lo_inclusive, const Version& hi,
                              bool hi_inclusive);

    VersionSet union_with(const VersionSet& other) const;
    VersionSet intersect(const VersionSet& other) const;
    VersionSet complement() const;
    VersionSet difference(const VersionSet& other) const; // this minus other

    bool is_empty() const { return m_intervals.empty(); }
    bool is_full() const;
    bool contains(const Version& version) const;
    bool is_subset_of(const VersionSet& other) const;
    bool is_disjoint(const VersionSet& other) const;

    // The intervals, lowest first.
    const std::vector<Interval>& intervals() const { return m_intervals; }
    // The single version this set holds, if it holds exactly one given as `=v`.
    std::optional<Version> single_version() const;

    // ">=1.0.0 <2.0.0 || 3.0.0"; "*" for the full set, "<empty>" for the empty set.
    std::string to_string() const;

    friend bool operator==(const VersionSet& a, const VersionSet& b);

private:
    explicit VersionSet(std::vector<Interval> intervals) : m_intervals(std::move(intervals)) {}
    static VersionSet from_interval(Interval interval);

    std::vector<Interval> m_intervals;
};

} // namespace cairn::version
