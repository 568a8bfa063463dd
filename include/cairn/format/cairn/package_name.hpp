#pragma once

#include <compare>
#include <string>
#include <string_view>

// Names of `cairn` packages: `scope/name`, where the scope is the package index that lists
// the package and the name its local name there (docs/cairn-index.md, "Registry layout").
namespace cairn::format::cairn {

// The prefix of cairn package ids: "cairn:acme/libfoo".
inline constexpr std::string_view k_id_prefix = "cairn:";

// One part of a name: 1 to 64 characters of [a-z0-9._-], starting with a letter or digit.
bool is_valid_name_part(std::string_view part);

class PackageName {
public:
    // "acme/libfoo" or "cairn:acme/libfoo". Throws Error(Code::manifest_invalid)
    // "invalid package name "...": ..." saying what is wrong.
    static PackageName parse(std::string_view text);

    const std::string& scope() const noexcept { return m_scope; }
    const std::string& name() const noexcept { return m_name; }
    // "acme/libfoo"
    std::string text() const { return m_scope + "/" + m_name; }
    // "cairn:acme/libfoo"
    std::string id() const { return std::string(k_id_prefix) + text(); }

    friend bool operator==(const PackageName&, const PackageName&) = default;
    friend std::strong_ordering operator<=>(const PackageName&, const PackageName&) = default;

private:
    PackageName(std::string scope, std::string name)
        : m_scope(std::move(scope)), m_name(std::move(name)) {}
    std::string m_scope;
    std::string m_name;
};

} // namespace cairn::format::cairn
