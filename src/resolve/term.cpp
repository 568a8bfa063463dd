#include "term.hpp"

#include <algorithm>

namespace cairn::resolve {

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
        return set.is_subset_of(other.set);
    if (positive)
        return set.is_disjoint(other.set);
    if (other.positive)
        return false; // "not selected" is in this term and not in other
    return other.set.is_subset_of(set);
}

bool PackageTerm::disjoint(const PackageTerm& other) const {
    if (positive && other.positive)
        return set.is_disjoint(other.set);
    if (positive)
        return set.is_subset_of(other.set);
    if (other.positive)
        return other.set.is_subset_of(set);
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
