#include "cairn/core/glob.hpp"

namespace cairn::glob {

bool matches(std::string_view pattern, std::string_view text) {
    // Iterative matching with backtracking to the last '*': linear in practice.
    std::size_t p = 0, t = 0;
    std::size_t star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

Specificity specificity(std::string_view pattern) {
    Specificity s;
    for (char c : pattern)
        s.literal_chars += c == '*' ? 0 : 1;
    s.exact = s.literal_chars == pattern.size();
    return s;
}

} // namespace cairn::glob
