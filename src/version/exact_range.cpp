#include "cairn/version/exact_range.hpp"

#include "version_text.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"

#include <algorithm>

namespace cairn::version {

namespace {

bool is_tag_char(char c) {
    // OCI tags: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}; git refs allow a little more ('/').
    return detail::is_identifier_char(c) || c == '_' || c == '.' || c == '/';
}

bool looks_like_requirement(std::string_view text) {
    if (text.empty())
        return false;
    char first = text.front();
    if (first == '^' || first == '~' || first == '=' || first == '>' || first == '<' ||
        first == '*')
        return true;
    // Wildcards: 1.*, 1.2.x, 1.X
    for (std::string_view part : text::split(text, '.'))
        if (part == "*" || part == "x" || part == "X")
            return std::all_of(text.begin(), text.end(), [](char c) {
                return detail::is_digit(c) || c == '.' || c == '*' || c == 'x' || c == 'X';
            });
    return text.find(',') != std::string_view::npos;
}

} // namespace

std::optional<TagRequirement> TagRequirement::parse(std::string_view text) {
    std::string_view t = detail::trim_space(text);
    if (t.empty())
        return std::nullopt;
    if (looks_like_requirement(t)) {
        auto range = CaretRange::parse(t);
        if (!range)
            return std::nullopt;
        return TagRequirement(std::string(t), std::move(range));
    }
    if (!std::all_of(t.begin(), t.end(), is_tag_char))
        return std::nullopt;
    return TagRequirement(std::string(t), std::nullopt);
}

TagRequirement TagRequirement::parse_or_throw(std::string_view text) {
    if (auto r = parse(text))
        return *r;
    throw Error(Code::version_parse,
                "invalid tag requirement " + text::quote(text) +
                    ": expected a tag (letters, digits, `.`, `_`, `-`, `/`) or a semver "
                    "requirement such as `^1.2`, `~1.2.3`, `>=1.0, <2.0` or `1.*`");
}

TagRequirement TagRequirement::exact(std::string tag) {
    return TagRequirement(std::move(tag), std::nullopt);
}

std::optional<Version> TagRequirement::tag_version(std::string_view tag) {
    // Version::parse tolerates surrounding whitespace; a tag never has any.
    if (tag.empty() || detail::is_space(tag.front()) || detail::is_space(tag.back()))
        return std::nullopt;
    return Version::parse(tag, ParseMode::strict);
}

bool TagRequirement::matches(std::string_view tag) const {
    if (!m_range)
        return tag == m_text;
    auto v = tag_version(tag);
    return v && m_range->matches(*v);
}

std::string TagRequirement::to_string() const {
    return m_range ? m_range->to_string() : m_text;
}

} // namespace cairn::version
