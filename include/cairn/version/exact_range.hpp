#pragma once

#include "cairn/version/caret_range.hpp"
#include "cairn/version/version.hpp"

#include <optional>
#include <string>
#include <string_view>

// The `exact` flavour for `oci` and `git` tags.
//
// A requirement is either a tag, matched by exact string comparison (`latest`, `v1.2.3`,
// `1.2`, `main`), or a semver requirement in the caret syntax when it starts with an
// operator (`^ ~ = > <`) or is a wildcard (`*`, `1.*`, `1.2.x`). A semver requirement
// matches the tags that read as versions: MAJOR.MINOR.PATCH with optional prerelease and
// build, optionally prefixed by `v` (`v1.4.0`, `2.0.0-rc.1`); other tags never match it.
namespace cairn::version {

class TagRequirement {
public:
    static std::optional<TagRequirement> parse(std::string_view text);
    // Throws cairn::Error(Code::version_parse) quoting the input.
    static TagRequirement parse_or_throw(std::string_view text);

    static TagRequirement exact(std::string tag);

    bool is_exact() const { return !m_range.has_value(); }
    // The semver requirement, when this is not an exact tag.
    const std::optional<CaretRange>& range() const { return m_range; }

    bool matches(std::string_view tag) const;
    std::string to_string() const;

    // The version a tag stands for ("v1.2.3" -> 1.2.3), or nullopt for other tags.
    static std::optional<Version> tag_version(std::string_view tag);

private:
    TagRequirement(std::string text, std::optional<CaretRange> range)
        : m_text(std::move(text)), m_range(std::move(range)) {}

    std::string m_text;
    std::optional<CaretRange> m_range;
};

} // namespace cairn::version
