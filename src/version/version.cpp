#include "cairn/version/version.hpp"

#include "version_text.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"

#include <algorithm>

namespace cairn::version {

namespace detail {

namespace {

// Calls `f` with each '.'-separated part of `text` (empty ones included), in order.
template <typename F>
void for_each_dotted(std::string_view text, F&& f) {
    for (std::size_t start = 0;;) {
        std::size_t dot = text.find('.', start);
        if (dot == std::string_view::npos) {
            f(text.substr(start));
            return;
        }
        f(text.substr(start, dot - start));
        start = dot + 1;
    }
}

// Dot-separated identifiers of [0-9A-Za-z-]+; with `strict_numbers`, a numeric one has no
// leading zero (semver's prerelease rule). One pass over the characters: a large
// resolution reads tens of thousands of prereleases.
bool is_dotted(std::string_view text, bool strict_numbers) {
    std::size_t start = 0;   // where the current part begins
    bool digits_only = true; // so far in the current part
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '.') {
            std::size_t length = i - start;
            if (length == 0 || (strict_numbers && digits_only && length > 1 && text[start] == '0'))
                return false;
            start = i + 1;
            digits_only = true;
        } else if (!is_identifier_char(text[i])) {
            return false;
        } else if (!is_digit(text[i])) {
            digits_only = false;
        }
    }
    return true;
}

} // namespace

std::optional<TailMatch> match_tail(std::string_view tail, bool loose) {
    TailMatch out;
    std::string_view pre = tail;
    auto plus = tail.find('+');
    if (plus != std::string_view::npos) {
        pre = tail.substr(0, plus);
        out.build = tail.substr(plus + 1);
        if (!is_dotted(out.build, false))
            return std::nullopt;
    }
    if (pre.empty())
        return out;
    if (!loose) {
        if (pre[0] != '-' || !is_dotted(pre.substr(1), true))
            return std::nullopt;
        out.pre = pre.substr(1);
        return out;
    }
    // Loose: the `-` is optional, and a regex engine first tries taking it.
    if (pre[0] == '-' && is_dotted(pre.substr(1), false)) {
        out.pre = pre.substr(1);
        return out;
    }
    if (!is_dotted(pre, false))
        return std::nullopt;
    out.pre = pre;
    return out;
}

} // namespace detail

namespace {

// Numbers compare by magnitude whatever their length: strip zeros, then longer is bigger.
std::strong_ordering compare_digits(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return a.size() <=> b.size();
    int c = a.compare(b);
    return c < 0 ? std::strong_ordering::less
                 : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
}

struct Parts {
    std::uint64_t major = 0, minor = 0, patch = 0;
    std::vector<Identifier> prerelease;
    std::vector<std::string> build;
};

// Builds identifiers from a matched prerelease and build.
bool fill_tail(std::string_view tail, ParseMode mode, Parts& parts) {
    auto match = detail::match_tail(tail, mode == ParseMode::loose);
    if (!match)
        return false;
    parts.prerelease.clear();
    parts.build.clear();
    if (!match->pre.empty()) {
        parts.prerelease.reserve(
            static_cast<std::size_t>(std::count(match->pre.begin(), match->pre.end(), '.')) + 1);
        detail::for_each_dotted(match->pre, [&](std::string_view id) {
            parts.prerelease.push_back(*Identifier::parse(id));
        });
    }
    if (!match->build.empty())
        detail::for_each_dotted(match->build,
                                [&](std::string_view id) { parts.build.emplace_back(id); });
    return true;
}

// A run of digits at `pos`; advances pos. Empty when there is none.
std::string_view take_digits(std::string_view text, std::size_t& pos) {
    std::size_t start = pos;
    while (pos < text.size() && detail::is_digit(text[pos]))
        ++pos;
    return text.substr(start, pos - start);
}

enum class Limits { check, ignore };

std::optional<Parts> parse_parts(std::string_view text, ParseMode mode, Limits limits) {
    if (limits == Limits::check && text.size() > k_max_version_length)
        return std::nullopt;
    if (limits == Limits::check)
        text = detail::trim_space(text);
    std::size_t pos = 0;
    if (mode == ParseMode::strict) {
        if (pos < text.size() && text[pos] == 'v')
            ++pos;
    } else {
        while (pos < text.size() &&
               (text[pos] == 'v' || text[pos] == '=' || detail::is_space(text[pos])))
            ++pos;
    }
    Parts parts;
    std::uint64_t* fields[3] = {&parts.major, &parts.minor, &parts.patch};
    std::string_view digits[3];
    for (int i = 0; i < 3; ++i) {
        if (i > 0) {
            if (pos >= text.size() || text[pos] != '.')
                return std::nullopt;
            ++pos;
        }
        digits[i] = take_digits(text, pos);
        if (digits[i].empty())
            return std::nullopt;
        if (mode == ParseMode::strict && digits[i].size() > 1 && digits[i][0] == '0')
            return std::nullopt;
    }
    std::string_view tail = text.substr(pos);
    bool ok = fill_tail(tail, mode, parts);
    // Loose mode: a prerelease needs no `-`, so "1.2.34.5" is 1.2.3-4.5 (the regex
    // backtracks into the patch digits). Try shorter patches, longest first.
    if (!ok && mode == ParseMode::loose) {
        std::size_t patch_start = pos - digits[2].size();
        for (std::size_t len = digits[2].size() - 1; len >= 1 && !ok; --len) {
            digits[2] = text.substr(patch_start, len);
            ok = fill_tail(text.substr(patch_start + len), mode, parts);
        }
    }
    if (!ok)
        return std::nullopt;
    for (int i = 0; i < 3; ++i) {
        auto value = detail::parse_number(digits[i]);
        if (limits == Limits::ignore)
            continue;
        if (!value || *value > k_max_component)
            return std::nullopt;
        *fields[i] = *value;
    }
    return parts;
}

} // namespace

bool detail::matches_version_syntax(std::string_view text, bool loose) {
    return parse_parts(text, loose ? ParseMode::loose : ParseMode::strict, Limits::ignore)
        .has_value();
}

std::optional<Identifier> Identifier::parse(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    bool digits = true; // one pass: versions have tens of thousands of identifiers
    for (char c : text) {
        if (detail::is_digit(c))
            continue;
        if (!detail::is_identifier_char(c))
            return std::nullopt;
        digits = false;
    }
    if (digits) {
        std::size_t first = text.find_first_not_of('0');
        text = first == std::string_view::npos ? std::string_view("0") : text.substr(first);
        return Identifier(std::string(text), true);
    }
    return Identifier(std::string(text), false);
}

Identifier Identifier::numeric(std::uint64_t value) {
    return Identifier(std::to_string(value), true);
}

std::strong_ordering operator<=>(const Identifier& a, const Identifier& b) {
    if (a.m_numeric != b.m_numeric)
        return a.m_numeric ? std::strong_ordering::less : std::strong_ordering::greater;
    if (a.m_numeric)
        return compare_digits(a.m_text, b.m_text);
    return a.m_text <=> b.m_text;
}

namespace {

// The common forms, read without the full grammar's set-up: "MAJOR.MINOR.PATCH" at the
// very start (no "v", "=" or spaces), each number at most 15 digits (below
// k_max_component) and without leading zeros in strict mode, then a prerelease and build
// as fill_tail() reads them. nullopt for anything else, which the full grammar then reads
// (its loose mode may still take it another way): most versions a registry lists are of
// these forms.
std::optional<Version> parse_common(std::string_view text, ParseMode mode) {
    if (text.size() > k_max_version_length)
        return std::nullopt;
    std::uint64_t core[3] = {0, 0, 0};
    std::size_t pos = 0;
    for (int i = 0; i < 3; ++i) {
        if (i > 0) {
            if (pos >= text.size() || text[pos] != '.')
                return std::nullopt;
            ++pos;
        }
        std::size_t start = pos;
        for (; pos < text.size() && detail::is_digit(text[pos]); ++pos)
            core[i] = core[i] * 10 + static_cast<std::uint64_t>(text[pos] - '0');
        std::size_t length = pos - start;
        if (length == 0 || length > 15 ||
            (mode == ParseMode::strict && length > 1 && text[start] == '0'))
            return std::nullopt;
    }
    if (pos == text.size())
        return Version::from_parts(core[0], core[1], core[2]);
    Parts parts;
    if (!fill_tail(text.substr(pos), mode, parts))
        return std::nullopt;
    return Version::from_parts(core[0], core[1], core[2], std::move(parts.prerelease),
                               std::move(parts.build));
}

} // namespace

std::optional<Version> Version::parse(std::string_view text, ParseMode mode) {
    if (auto common = parse_common(text, mode))
        return common;
    auto parts = parse_parts(text, mode, Limits::check);
    if (!parts)
        return std::nullopt;
    return from_parts(parts->major, parts->minor, parts->patch, std::move(parts->prerelease),
                      std::move(parts->build));
}

Version Version::parse_or_throw(std::string_view text, ParseMode mode) {
    if (auto v = parse(text, mode))
        return *v;
    throw Error(Code::version_parse,
                "invalid version " + text::quote(text) +
                    (mode == ParseMode::strict
                         ? ": expected MAJOR.MINOR.PATCH with optional -PRERELEASE and +BUILD"
                         : ": expected MAJOR.MINOR.PATCH (loose) with optional PRERELEASE "
                           "and +BUILD"));
}

Version Version::from_parts(std::uint64_t major, std::uint64_t minor, std::uint64_t patch) {
    return Version(major, minor, patch);
}

Version Version::from_parts(std::uint64_t major, std::uint64_t minor, std::uint64_t patch,
                            std::vector<Identifier> prerelease, std::vector<std::string> build) {
    Version v(major, minor, patch);
    v.m_prerelease = std::move(prerelease);
    v.m_build = std::move(build);
    return v;
}

Version Version::without_build() const {
    Version v = *this;
    v.m_build.clear();
    return v;
}

Version Version::successor() const {
    if (is_prerelease()) {
        Version v = without_build();
        v.m_prerelease.push_back(Identifier::numeric(0));
        return v;
    }
    return from_parts(m_major, m_minor, m_patch + 1, {Identifier::numeric(0)});
}

Version Version::minimum() {
    return from_parts(0, 0, 0, {Identifier::numeric(0)});
}

std::string Version::to_string() const {
    std::string out =
        std::to_string(m_major) + '.' + std::to_string(m_minor) + '.' + std::to_string(m_patch);
    for (std::size_t i = 0; i < m_prerelease.size(); ++i) {
        out += i == 0 ? '-' : '.';
        out += m_prerelease[i].text();
    }
    for (std::size_t i = 0; i < m_build.size(); ++i) {
        out += i == 0 ? '+' : '.';
        out += m_build[i];
    }
    return out;
}

bool Version::identical(const Version& other) const {
    return *this == other && m_build == other.m_build;
}

bool Version::listed_before(const Version& other) const {
    if (auto c = *this <=> other; c != 0)
        return c < 0;
    return m_build < other.m_build;
}

std::strong_ordering operator<=>(const Version& a, const Version& b) {
    if (auto c = a.m_major <=> b.m_major; c != 0)
        return c;
    if (auto c = a.m_minor <=> b.m_minor; c != 0)
        return c;
    if (auto c = a.m_patch <=> b.m_patch; c != 0)
        return c;
    // A release sorts after all of its prereleases.
    if (a.m_prerelease.empty() || b.m_prerelease.empty())
        return b.m_prerelease.size() == a.m_prerelease.size()
                   ? std::strong_ordering::equal
                   : (a.m_prerelease.empty() ? std::strong_ordering::greater
                                             : std::strong_ordering::less);
    std::size_t n = std::min(a.m_prerelease.size(), b.m_prerelease.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (auto c = a.m_prerelease[i] <=> b.m_prerelease[i]; c != 0)
            return c;
    }
    return a.m_prerelease.size() <=> b.m_prerelease.size();
}

bool operator==(const Version& a, const Version& b) {
    return (a <=> b) == 0;
}

} // namespace cairn::version
