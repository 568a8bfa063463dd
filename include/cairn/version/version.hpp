#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Semantic versions (semver 2.0) with exact precedence.
namespace cairn::version {

// How forgiving a parser is.
// - strict: semver 2.0 as node-semver reads it: surrounding whitespace and one leading
//   `v` are tolerated, numbers have no leading zeros, a prerelease starts with `-`.
// - loose: node-semver's loose rules on top: any run of `v`, `=` and spaces before the
//   version, leading zeros (`01.02.03`), a prerelease without its `-` (`1.2.3beta`).
enum class ParseMode { strict, loose };

// The largest major, minor or patch number (2^53 - 1, the same limit as node-semver, so
// every version cairn accepts is one npm accepts too).
inline constexpr std::uint64_t k_max_component = 9007199254740991ULL;
// The longest version text accepted (node-semver's limit).
inline constexpr std::size_t k_max_version_length = 256;

// One dot-separated prerelease identifier: numeric (digits only, compared as a number
// of any size) or alphanumeric (compared as ASCII text). Numeric identifiers sort first.
class Identifier {
public:
    // A numeric identifier is digits only (leading zeros are dropped: loose input may
    // have them); anything else of [0-9A-Za-z-]+ is alphanumeric. nullopt when empty or
    // when a character is outside [0-9A-Za-z-].
    static std::optional<Identifier> parse(std::string_view text);
    static Identifier numeric(std::uint64_t value);

    bool is_numeric() const { return m_numeric; }
    // The identifier as printed (numeric ones without leading zeros).
    const std::string& text() const { return m_text; }

    friend std::strong_ordering operator<=>(const Identifier& a, const Identifier& b);
    friend bool operator==(const Identifier& a, const Identifier& b) = default;

private:
    Identifier(std::string text, bool numeric) : m_text(std::move(text)), m_numeric(numeric) {}

    std::string m_text;
    bool m_numeric;
};

// A valid semantic version. There is no empty or invalid Version: parse at the edge.
// Comparison is semver 2.0 precedence: build metadata is kept and printed but plays no
// part in <=> or == (use identical() to compare it too).
class Version {
public:
    static std::optional<Version> parse(std::string_view text, ParseMode mode = ParseMode::strict);
    // Like parse, but throws cairn::Error(Code::version_parse) quoting the input.
    static Version parse_or_throw(std::string_view text, ParseMode mode = ParseMode::strict);
    static Version from_parts(std::uint64_t major, std::uint64_t minor, std::uint64_t patch);
    static Version from_parts(std::uint64_t major, std::uint64_t minor, std::uint64_t patch,
                              std::vector<Identifier> prerelease,
                              std::vector<std::string> build = {});

    std::uint64_t major() const { return m_major; }
    std::uint64_t minor() const { return m_minor; }
    std::uint64_t patch() const { return m_patch; }
    const std::vector<Identifier>& prerelease() const { return m_prerelease; }
    const std::vector<std::string>& build() const { return m_build; }
    bool is_prerelease() const { return !m_prerelease.empty(); }

    // The same version without prerelease and build ("1.2.3-rc.1+b" -> "1.2.3").
    Version release() const { return from_parts(m_major, m_minor, m_patch); }
    // The same version with the build metadata dropped.
    Version without_build() const;
    // The smallest version greater than this one: 1.2.3 -> 1.2.4-0, 1.2.3-a -> 1.2.3-a.0.
    // (Every version has one; VersionSet relies on it to see `>1.2.3` and `>=1.2.4-0`
    // as the same bound.)
    Version successor() const;
    // The smallest version there is: 0.0.0-0.
    static Version minimum();

    // "1.2.3-beta.1+build.5" (prerelease and build included; no `v`).
    std::string to_string() const;

    // Equal precedence and equal build metadata.
    bool identical(const Version& other) const;
    // The order cairn lists a package's releases in: precedence, build metadata breaking
    // ties ("1.0.0" < "1.0.0+b" < "1.0.1"). A strict weak order whose equivalence is
    // identical().
    bool listed_before(const Version& other) const;

    friend std::strong_ordering operator<=>(const Version& a, const Version& b);
    friend bool operator==(const Version& a, const Version& b);

private:
    Version(std::uint64_t major, std::uint64_t minor, std::uint64_t patch)
        : m_major(major), m_minor(minor), m_patch(patch) {}

    std::uint64_t m_major;
    std::uint64_t m_minor;
    std::uint64_t m_patch;
    std::vector<Identifier> m_prerelease;
    std::vector<std::string> m_build;
};

} // namespace cairn::version
