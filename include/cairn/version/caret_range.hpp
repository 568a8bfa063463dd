#pragma once

#include "cairn/version/version.hpp"
#include "cairn/version/version_set.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The `caret` range flavour of the `cairn` format: Cargo's requirement syntax and
// matching rules.
//
//   1.2.3, ^1.2.3   >=1.2.3 <2.0.0      (^0.2.3: <0.3.0; ^0.0.3: =0.0.3; ^1.2: ^1.2.0)
//   ~1.2.3          >=1.2.3 <1.3.0      (~1.2: =1.2; ~1: =1)
//   =1.2            >=1.2.0 <1.3.0      (a partial version stands for all its versions)
//   >1.2  >=1.2  <1.2  <=1.2            (>1.2 is >=1.3.0, <=1.2 is <1.3.0)
//   *  1.*  1.2.*  (x and X too)        wildcards
//   >=1.2, <1.5                         comma-separated comparators, all must match
//   1.2.3+build                         build metadata is allowed and ignored
//
// Prerelease rule (Cargo's): a prerelease version matches only if some comparator names
// a prerelease on the same major.minor.patch, e.g. `>=1.2.3-beta` admits 1.2.3-rc.1 but
// not 1.2.4-rc.1. to_version_set() gives the interval hull without that rule; filter
// candidates with matches().
namespace cairn::version {

enum class CaretOperator { exact, greater, greater_eq, less, less_eq, tilde, caret, wildcard };

struct CaretComparator {
    CaretOperator op;
    std::uint64_t major;
    std::optional<std::uint64_t> minor; // nullopt: `1` or `1.*`
    std::optional<std::uint64_t> patch; // nullopt: `1.2` or `1.2.*`
    std::vector<Identifier> prerelease; // only with a patch

    bool matches_ignoring_prerelease_rule(const Version& version) const;
    VersionSet to_version_set() const;
    std::string to_string() const; // "^1.2", ">=1.0.0-beta", "1.2.*"
};

class CaretRange {
public:
    static std::optional<CaretRange> parse(std::string_view text);
    // Throws cairn::Error(Code::version_parse) naming the input and what was expected.
    static CaretRange parse_or_throw(std::string_view text);

    // An empty list is `*`.
    const std::vector<CaretComparator>& comparators() const { return m_comparators; }

    // Every comparator matches, and a prerelease passes Cargo's prerelease rule.
    bool matches(const Version& version) const;
    VersionSet to_version_set() const;
    std::string to_string() const; // comparators joined by ", "; "*" when there are none

private:
    explicit CaretRange(std::vector<CaretComparator> comparators)
        : m_comparators(std::move(comparators)) {}

    std::vector<CaretComparator> m_comparators;
};

} // namespace cairn::version
