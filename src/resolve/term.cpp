#include "term.hpp"

#include <algorithm>

namespace cairn::resolve {

namespace {

// Allocation-free set predicates: VersionSet's own is_subset_of/is_disjoint build an
// intersection, and these two run for every term the solver looks at.
using Cut = version::VersionSet::Cut;
using Interval = version::VersionSet::Interval;

// Whether nothing lies between a and b (b is a's immediate successor).
bool is_successor(const version::Version& a, const version::Version& b) {
    if (a.major() != b.major() || a.minor() != b.minor())
        return false;
    const auto& pa = a.prerelease();
    const auto& pb = b.prerelease();
    if (pb.empty() || !pb.back().is_numeric() || pb.back().text() != "0")
        return false;
    if (a.is_prerelease())
        return b.patch() == a.patch() && pb.size() == pa.size() + 1 &&
               std::equal(pa.begin(), pa.end(), pb.begin());
    return b.patch() == a.patch() + 1 && pb.size() == 1;
}

// Cuts are positions between versions; "just after v" is "just before successor(v)".
int compare(const Cut& a, const Cut& b) {
    if (a.after == b.after) {
        const auto order = a.version <=> b.version;
        return order < 0 ? -1 : (order > 0 ? 1 : 0);
    }
    if (a.after) {
        if (b.version <= a.version)
            return 1;
        return is_successor(a.version, b.version) ? 0 : -1;
    }
    return -compare(b, a);
}

// Whether an interval ending at `upper` ends at or before one starting at `lower`.
bool ends_before(const std::optional<Cut>& upper, const std::optional<Cut>& lower) {
    if (!upper || !lower)
        return false;
    return compare(*upper, *lower) <= 0;
}

bool lower_at_most(const std::optional<Cut>& a, const std::optional<Cut>& b) {
    if (!a)
        return true;
    if (!b)
        return false;
    return compare(*a, *b) <= 0;
}

bool upper_at_least(const std::optional<Cut>& a, const std::optional<Cut>& b) {
    if (!a)
        return true;
    if (!b)
        return false;
    return compare(*a, *b) >= 0;
}

bool set_subset(const version::VersionSet& a, const version::VersionSet& b) {
    const auto& as = a.intervals();
    const auto& bs = b.intervals();
    std::size_t j = 0;
    for (const auto& interval : as) {
        while (j < bs.size() && ends_before(bs[j].upper, interval.lower))
            ++j;
        if (j == bs.size())
            return false;
        if (!lower_at_most(bs[j].lower, interval.lower) ||
            !upper_at_least(bs[j].upper, interval.upper))
            return false;
    }
    return true;
}

bool set_disjoint(const version::VersionSet& a, const version::VersionSet& b) {
    const auto& as = a.intervals();
    const auto& bs = b.intervals();
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < as.size() && j < bs.size()) {
        if (ends_before(as[i].upper, bs[j].lower))
            ++i;
        else if (ends_before(bs[j].upper, as[i].lower))
            ++j;
        else
            return false;
    }
    return true;
}

} // namespace

PackageTerm PackageTerm::intersect(const PackageTerm& other) const {
    if (positive && other.positive)
        return {package, true, set.intersect(other.set)};
    if (positive)
        return {package, true, set.difference(other.set)};
    if (other.positive)
        return {package, true, other.set.difference(set)};
    return {package, false, set.union_with(other.set)};
}

bool PackageTerm::subset_of(const PackageTerm& other) const {
    if (positive && other.positive)
        return set_subset(set, other.set);
    if (positive)
        return set_disjoint(set, other.set);
    if (other.positive)
        return false; // "not selected" is in this term and not in other
    return set_subset(other.set, set);
}

bool PackageTerm::disjoint(const PackageTerm& other) const {
    if (positive && other.positive)
        return set_disjoint(set, other.set);
    if (positive)
        return set_subset(set, other.set);
    if (other.positive)
        return set_subset(other.set, set);
    return false; // both allow "not selected"
}

Relation PackageTerm::relation_to(const PackageTerm& term) const {
    if (subset_of(term))
        return Relation::satisfied;
    if (disjoint(term))
        return Relation::contradicted;
    return Relation::inconclusive;
}

} // namespace cairn::resolve
