#pragma once

#include "cairn/version/npm_range.hpp"

#include <optional>
#include <string_view>
#include <vector>

// node-semver's range parser (private to the module; NpmRange::parse is the entry point).
namespace cairn::version::detail {

using NpmSets = std::vector<std::vector<NpmComparator>>;

// The comparator sets of a range, or nullopt where node-semver's Range constructor throws.
std::optional<NpmSets> parse_npm_range(std::string_view text, NpmOptions options);
// The same through node-semver's rewriting alone, without the shortcut for plain
// `1.2.3`/`^1.2.3`/`~1.2.3` (tests compare the two).
std::optional<NpmSets> parse_npm_range_rewriting(std::string_view text, NpmOptions options);

// One primitive comparator (`>=1.2.3`, `1.2.3`, or "" for any), or nullopt.
std::optional<NpmComparator> parse_npm_comparator(std::string_view text, bool loose);

} // namespace cairn::version::detail
