#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

// Character and number helpers shared by the version parsers (private to the module).
namespace cairn::version::detail {

inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

inline bool is_identifier_char(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// JavaScript's \s for the ASCII range (what node-semver's regexes match).
inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

inline std::string_view trim_space(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

// A decimal number; nullopt when empty, not all digits, or above 2^64-1.
inline std::optional<std::uint64_t> parse_number(std::string_view digits) {
    if (digits.empty())
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : digits) {
        if (!is_digit(c))
            return std::nullopt;
        auto d = static_cast<std::uint64_t>(c - '0');
        if (value > (UINT64_MAX - d) / 10)
            return std::nullopt;
        value = value * 10 + d;
    }
    return value;
}

// The part of a version after MAJOR.MINOR.PATCH: `[-PRERELEASE][+BUILD]` up to the end.
// Strict needs the `-` and forbids leading zeros in numeric identifiers; loose (node-semver)
// makes the `-` optional and allows them. `pre`/`build` are empty when absent (`pre`
// excludes the `-`, except in loose mode where a lone `-` is itself an identifier).
struct TailMatch {
    std::string_view pre;
    std::string_view build;
};
std::optional<TailMatch> match_tail(std::string_view tail, bool loose);

// Whether the text has the shape of a version (node-semver's FULLPLAIN or LOOSEPLAIN,
// anchored, no trimming), ignoring the length and number limits.
bool matches_version_syntax(std::string_view text, bool loose);

} // namespace cairn::version::detail
