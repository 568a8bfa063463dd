#include "cairn/version/version_set.hpp"

#include <algorithm>

namespace cairn::version {

namespace {

using Cut = VersionSet::Cut;
using Interval = VersionSet::Interval;

// Whether b is the immediate successor of a (nothing lies strictly between them).
bool is_successor(const Version& a, const Version& b) {
    if (a.is_prerelease()) {
        const auto& pa = a.prerelease();
        const auto& pb = b.prerelease();
        return b.major() == a.major() && b.minor() == a.minor() && b.patch() == a.patch() &&
               pb.size() == pa.size() + 1 && std::equal(pa.begin(), pa.end(), pb.begin()) &&
               pb.back() == Identifier::numeric(0);
    }
    return b.major() == a.major() && b.minor() == a.minor() && b.patch() == a.patch() + 1 &&
           b.prerelease().size() == 1 && b.prerelease()[0] == Identifier::numeric(0);
}

// Orders cuts by position. "Just after v" is the same position as "just before
// successor(v)".
std::strong_ordering compare_cuts(const Cut& a, const Cut& b) {
    if (a.after == b.after)
        return a.version <=> b.version;
    if (a.after) {
        // a = just after a.v; b = just before b.v.
        if (b.version <= a.version)
            return std::strong_ordering::greater;
        return is_successor(a.version, b.version) ? std::strong_ordering::equal
                                                  : std::strong_ordering::less;
    }
    auto reverse = compare_cuts(b, a);
    return reverse == 0
               ? std::strong_ordering::equal
               : (reverse < 0 ? std::strong_ordering::greater : std::strong_ordering::less);
}

// Lower ends: nullopt is -infinity.
std::strong_ordering compare_lower(const std::optional<Cut>& a, const std::optional<Cut>& b) {
    if (!a || !b)
        return !a && !b ? std::strong_ordering::equal
                        : (!a ? std::strong_ordering::less : std::strong_ordering::greater);
    return compare_cuts(*a, *b);
}

// Upper ends: nullopt is +infinity.
std::strong_ordering compare_upper(const std::optional<Cut>& a, const std::optional<Cut>& b) {
    if (!a || !b)
        return !a && !b ? std::strong_ordering::equal
                        : (!a ? std::strong_ordering::greater : std::strong_ordering::less);
    return compare_cuts(*a, *b);
}

// Whether an interval ending at `upper` and one starting at `lower` overlap or touch.
bool reaches(const std::optional<Cut>& upper, const std::optional<Cut>& lower) {
    if (!upper || !lower)
        return true;
    return compare_cuts(*upper, *lower) >= 0;
}

// Whether an interval ending at `upper` and one starting at `lower` share a version.
bool overlaps(const std::optional<Cut>& upper, const std::optional<Cut>& lower) {
    if (!upper || !lower)
        return true;
    return compare_cuts(*upper, *lower) > 0;
}

bool is_empty_interval(const Interval& i) {
    if (!i.upper)
        return false;
    // No lower bound starts just before 0.0.0-0, the smallest version.
    return compare_cuts(i.lower ? *i.lower : Cut{Version::minimum(), false}, *i.upper) >= 0;
}

// "Just before 0.0.0-0" is the same as no lower bound at all.
std::optional<Cut> normal_lower(std::optional<Cut> lower) {
    if (lower && !lower->after && lower->version == Version::minimum())
        return std::nullopt;
    return lower;
}

std::string lower_text(const Cut& c) {
    return (c.after ? ">" : ">=") + c.version.to_string();
}

std::string upper_text(const Cut& c) {
    return (c.after ? "<=" : "<") + c.version.to_string();
}

// Merges sorted-by-lower intervals that overlap or touch.
std::vector<Interval> merge_sorted(std::vector<Interval> in) {
    std::vector<Interval> out;
    for (auto& i : in) {
        i.lower = normal_lower(std::move(i.lower));
        if (is_empty_interval(i))
            continue;
        if (!out.empty() && reaches(out.back().upper, i.lower)) {
            if (compare_upper(i.upper, out.back().upper) > 0)
                out.back().upper = std::move(i.upper);
            continue;
        }
        out.push_back(std::move(i));
    }
    return out;
}

} // namespace

VersionSet VersionSet::from_interval(Interval interval) {
    return VersionSet(merge_sorted({std::move(interval)}));
}

VersionSet VersionSet::empty() {
    return VersionSet({});
}

VersionSet VersionSet::full() {
    return VersionSet({Interval{}});
}

VersionSet VersionSet::exactly(const Version& version) {
    return from_interval({Cut{version, false}, Cut{version, true}});
}

VersionSet VersionSet::at_least(const Version& version) {
    return from_interval({Cut{version, false}, std::nullopt});
}

VersionSet VersionSet::greater_than(const Version& version) {
    return from_interval({Cut{version, true}, std::nullopt});
}

VersionSet VersionSet::at_most(const Version& version) {
    return from_interval({std::nullopt, Cut{version, true}});
}

VersionSet VersionSet::less_than(const Version& version) {
    return from_interval({std::nullopt, Cut{version, false}});
}

VersionSet VersionSet::between(const Version& lo, bool lo_inclusive, const Version& hi,
                               bool hi_inclusive) {
    return from_interval({Cut{lo, !lo_inclusive}, Cut{hi, hi_inclusive}});
}

VersionSet VersionSet::union_with(const VersionSet& other) const {
    std::vector<Interval> all;
    all.reserve(m_intervals.size() + other.m_intervals.size());
    std::merge(
        m_intervals.begin(), m_intervals.end(), other.m_intervals.begin(), other.m_intervals.end(),
        std::back_inserter(all),
        [](const Interval& a, const Interval& b) { return compare_lower(a.lower, b.lower) < 0; });
    return VersionSet(merge_sorted(std::move(all)));
}

VersionSet VersionSet::intersect(const VersionSet& other) const {
    std::vector<Interval> out;
    std::size_t i = 0, j = 0;
    while (i < m_intervals.size() && j < other.m_intervals.size()) {
        const Interval& a = m_intervals[i];
        const Interval& b = other.m_intervals[j];
        Interval both{compare_lower(a.lower, b.lower) >= 0 ? a.lower : b.lower,
                      compare_upper(a.upper, b.upper) <= 0 ? a.upper : b.upper};
        if (!is_empty_interval(both))
            out.push_back(std::move(both));
        if (compare_upper(a.upper, b.upper) <= 0)
            ++i;
        else
            ++j;
    }
    // The pieces are disjoint and sorted, but two may touch (e.g. [1,2] and (2,3]).
    return VersionSet(merge_sorted(std::move(out)));
}

VersionSet VersionSet::complement() const {
    std::vector<Interval> out;
    std::optional<Cut> start; // -infinity
    bool open = true;
    for (const Interval& i : m_intervals) {
        if (i.lower)
            out.push_back(Interval{start, i.lower});
        if (!i.upper) {
            open = false;
            break;
        }
        start = i.upper;
    }
    if (open)
        out.push_back(Interval{start, std::nullopt});
    return VersionSet(merge_sorted(std::move(out)));
}

VersionSet VersionSet::difference(const VersionSet& other) const {
    return intersect(other.complement());
}

bool VersionSet::is_full() const {
    return m_intervals.size() == 1 && !m_intervals[0].lower && !m_intervals[0].upper;
}

bool VersionSet::contains(const Version& version) const {
    // The first interval whose upper end is past the version.
    auto it = std::partition_point(m_intervals.begin(), m_intervals.end(), [&](const Interval& i) {
        if (!i.upper)
            return false;
        return i.upper->after ? i.upper->version < version : i.upper->version <= version;
    });
    if (it == m_intervals.end())
        return false;
    if (!it->lower)
        return true;
    return it->lower->after ? it->lower->version < version : it->lower->version <= version;
}

// Both predicates walk the two sorted interval lists once and allocate nothing: the
// resolver asks them for every term it looks at.
bool VersionSet::is_subset_of(const VersionSet& other) const {
    const auto& bs = other.m_intervals;
    std::size_t j = 0;
    for (const auto& interval : m_intervals) {
        while (j < bs.size() && !overlaps(bs[j].upper, interval.lower))
            ++j;
        if (j == bs.size() || compare_lower(bs[j].lower, interval.lower) > 0 ||
            compare_upper(bs[j].upper, interval.upper) < 0)
            return false;
    }
    return true;
}

bool VersionSet::is_disjoint(const VersionSet& other) const {
    const auto& as = m_intervals;
    const auto& bs = other.m_intervals;
    std::size_t i = 0, j = 0;
    while (i < as.size() && j < bs.size()) {
        if (!overlaps(as[i].upper, bs[j].lower))
            ++i;
        else if (!overlaps(bs[j].upper, as[i].lower))
            ++j;
        else
            return false;
    }
    return true;
}

std::optional<Version> VersionSet::single_version() const {
    if (m_intervals.size() != 1)
        return std::nullopt;
    const Interval& i = m_intervals[0];
    if (i.lower && i.upper && !i.lower->after && i.upper->after &&
        i.lower->version == i.upper->version)
        return i.lower->version;
    return std::nullopt;
}

std::string VersionSet::to_string() const {
    if (m_intervals.empty())
        return "<empty>";
    std::string out;
    for (const Interval& i : m_intervals) {
        if (!out.empty())
            out += " || ";
        if (!i.lower && !i.upper) {
            out += "*";
        } else if (i.lower && i.upper && !i.lower->after && i.upper->after &&
                   i.lower->version == i.upper->version) {
            out += i.lower->version.to_string();
        } else if (!i.lower) {
            out += upper_text(*i.upper);
        } else if (!i.upper) {
            out += lower_text(*i.lower);
        } else {
            out += lower_text(*i.lower) + " " + upper_text(*i.upper);
        }
    }
    return out;
}

bool operator==(const VersionSet& a, const VersionSet& b) {
    if (a.m_intervals.size() != b.m_intervals.size())
        return false;
    for (std::size_t k = 0; k < a.m_intervals.size(); ++k) {
        if (compare_lower(a.m_intervals[k].lower, b.m_intervals[k].lower) != 0 ||
            compare_upper(a.m_intervals[k].upper, b.m_intervals[k].upper) != 0)
            return false;
    }
    return true;
}

} // namespace cairn::version
