#pragma once

#include "cairn/version/version_set.hpp"

#include <cstdint>

namespace cairn::resolve {

// Packages are numbered in the order the solver discovers them; the root is 0.
using PackageId = std::uint32_t;
inline constexpr PackageId k_root_package = 0;

// How what is known about a package relates to a term.
enum class Relation {
    satisfied,    // every state allowed by what is known makes the term true
    contradicted, // none does
    inconclusive,
};

// A term over one package. A positive term allows the package selected at a version in
// `set`; a negative term allows any other version and also "not selected", so a
// negative term is never empty and never a subset of a positive one.
struct PackageTerm {
    PackageId package = 0;
    bool positive = true;
    version::VersionSet set = version::VersionSet::full();

    static PackageTerm allowing(PackageId package, version::VersionSet set) {
        return {package, true, std::move(set)};
    }
    static PackageTerm excluding(PackageId package, version::VersionSet set) {
        return {package, false, std::move(set)};
    }

    PackageTerm negate() const { return {package, !positive, set}; }
    // Both terms must be about the same package.
    PackageTerm intersect(const PackageTerm& other) const;
    PackageTerm difference(const PackageTerm& other) const { return intersect(other.negate()); }
    // Whether every state this term allows is allowed by `other` (this satisfies other).
    bool subset_of(const PackageTerm& other) const;
    bool disjoint(const PackageTerm& other) const;
    // How this term, taken as everything known about the package, relates to `term`.
    Relation relation_to(const PackageTerm& term) const;
    // A positive term with no versions: no state makes it true.
    bool is_impossible() const { return positive && set.is_empty(); }
    bool allows(const version::Version& version) const { return set.contains(version) == positive; }

    friend bool operator==(const PackageTerm&, const PackageTerm&) = default;
};

} // namespace cairn::resolve
