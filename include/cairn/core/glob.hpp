#pragma once

#include <cstddef>
#include <string_view>

// Name patterns, as source mapping and trust pins use them: `*` matches any run of
// characters (including '/'), everything else matches itself.
namespace cairn::glob {

bool matches(std::string_view pattern, std::string_view text);

// How specific a pattern is: patterns without `*` (exact names) rank above any glob, and
// among globs more literal characters rank higher.
struct Specificity {
    bool exact = false;
    std::size_t literal_chars = 0;
    friend auto operator<=>(const Specificity&, const Specificity&) = default;
};
Specificity specificity(std::string_view pattern);

} // namespace cairn::glob
