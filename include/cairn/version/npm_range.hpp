#pragma once

#include "cairn/version/version.hpp"
#include "cairn/version/version_set.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// The `npm` range flavour: node-semver's semantics, exactly (comparators, `||`, hyphen
// ranges, x-ranges, `~`, `^`, `*`, loose parsing, includePrerelease, the prerelease rule).
// The shared vectors in testdata/semver-npm and a differential test against node-semver
// pin the behaviour down, including node-semver's quirks with odd input.
namespace cairn::version {

struct NpmOptions {
    bool loose = false;              // node-semver `loose`
    bool include_prerelease = false; // node-semver `includePrerelease`
};

enum class NpmOperator { eq, lt, le, gt, ge };

// One primitive comparator, e.g. `>=1.2.3` or `<2.0.0-0`; no version means "any".
struct NpmComparator {
    NpmOperator op = NpmOperator::eq;
    std::optional<Version> version; // nullopt: matches every version

    // node-semver's `new Comparator(text, {loose})`: `>=1.2.3`, `=1.2.3`, `1.2.3`, or ""
    // for any; nullopt when it is not one (x-ranges, `^`, `~` are ranges, not comparators).
    static std::optional<NpmComparator> parse(std::string_view text, bool loose = false);

    bool is_any() const { return !version; }
    // Whether the version passes this comparator alone (no prerelease rule).
    bool test(const Version& v) const;
    // node-semver's Comparator#intersects.
    bool intersects(const NpmComparator& other, NpmOptions options) const;
    // ">=1.2.3", "1.2.3" for equality, "" for any (build metadata never printed).
    std::string to_string() const;
    // The versions this comparator alone admits (no prerelease rule).
    VersionSet to_version_set() const;
};

// A parsed npm range: comparator sets joined by `||`; a version satisfies the range when
// it passes every comparator of some set and the prerelease rule of that set.
class NpmRange {
public:
    // nullopt when node-semver's `new Range(text, options)` would throw.
    static std::optional<NpmRange> parse(std::string_view text, NpmOptions options = {});
    // Like parse, but throws cairn::Error(Code::version_parse) quoting the input.
    static NpmRange parse_or_throw(std::string_view text, NpmOptions options = {});

    const std::vector<std::vector<NpmComparator>>& sets() const { return m_sets; }
    NpmOptions options() const { return m_options; }

    // node-semver's Range#test: comparators plus the prerelease rule (a prerelease
    // version passes a set only if some comparator of that set has a prerelease on the
    // same [major, minor, patch], unless include_prerelease is set).
    bool satisfies(const Version& version) const;
    // The version text is parsed with this range's options; invalid text never satisfies.
    bool satisfies(std::string_view version) const;
    // Whether any prerelease version can satisfy the range: include_prerelease, or some
    // comparator names a prerelease, other than a `<X.Y.Z-0` (the upper bound `^` and `~`
    // become), below every prerelease of its own version. When not, choosing for the range
    // can pass prereleases by.
    bool admits_prereleases() const;
    // node-semver's Range#intersects (using this range's options).
    bool intersects(const NpmRange& other) const;

    // node-semver's normalised form (`validRange`): "*" when it matches everything.
    std::string to_string() const;

    // The interval hull of the range: the union over comparator sets of the intersection
    // of their comparators. The prerelease rule is NOT applied (a VersionSet has no
    // prerelease policy), so the hull holds every satisfying version and, for ranges
    // without include_prerelease, also prereleases the range rejects: filter candidates
    // in the hull with satisfies(). (The rule depends on which set a version passes, so
    // it cannot be a separate per-version filter.)
    VersionSet to_version_set() const;

private:
    NpmRange(std::vector<std::vector<NpmComparator>> sets, NpmOptions options)
        : m_sets(std::move(sets)), m_options(options) {}

    std::vector<std::vector<NpmComparator>> m_sets;
    NpmOptions m_options;
};

// Ranges parsed once per text, for a resolution that meets the same few hundred specs (and
// engines.node values) again and again: the same answers as NpmRange::parse. Not
// thread-safe; references stay valid while the cache lives.
class NpmRangeCache {
public:
    explicit NpmRangeCache(NpmOptions options = {}) : m_options(options) {}
    // The range `text` parses to; nullptr when it is not a range.
    const NpmRange* find(std::string_view text);

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };
    NpmOptions m_options;
    std::unordered_map<std::string, std::optional<NpmRange>, Hash, std::equal_to<>> m_ranges;
};

// node-semver's top-level functions, on text, with its error conventions: invalid input
// gives false / nullopt instead of an exception.
namespace npm {

std::optional<Version> parse(std::string_view version, NpmOptions options = {});
// `valid`: the normalised version text (no build metadata), or nullopt.
std::optional<std::string> valid(std::string_view version, NpmOptions options = {});
// `clean`: trims, drops leading `=`/`v`, then `valid`.
std::optional<std::string> clean(std::string_view version, NpmOptions options = {});
// `compare`: -1, 0 or 1; nullopt when either version is invalid (node-semver throws).
std::optional<int> compare(std::string_view a, std::string_view b, NpmOptions options = {});
// node-semver's text form of a version: no build metadata.
std::string format(const Version& version);

bool satisfies(std::string_view version, std::string_view range, NpmOptions options = {});
std::optional<std::string> valid_range(std::string_view range, NpmOptions options = {});
bool intersects(std::string_view a, std::string_view b, NpmOptions options = {});
// The highest / lowest version of the list that satisfies the range (the text as given).
std::optional<std::string> max_satisfying(const std::vector<std::string>& versions,
                                          std::string_view range, NpmOptions options = {});
std::optional<std::string> min_satisfying(const std::vector<std::string>& versions,
                                          std::string_view range, NpmOptions options = {});
// `gtr` / `ltr`: the version is above / below every version the range could match.
// nullopt when the version or the range is invalid (node-semver throws).
std::optional<bool> gtr(std::string_view version, std::string_view range, NpmOptions options = {});
std::optional<bool> ltr(std::string_view version, std::string_view range, NpmOptions options = {});

// `inc`. `identifier`: nullopt = not given. `identifier_base`: nullopt = not given,
// otherwise "0", "1", or `no_number` (node-semver's `false`: no numeric suffix).
struct IncBase {
    std::optional<std::string> value; // "0" or "1" (nullopt with no_number = false)
    bool no_number = false;
};
std::optional<std::string> inc(std::string_view version, std::string_view release,
                               NpmOptions options = {},
                               std::optional<std::string> identifier = std::nullopt,
                               std::optional<IncBase> identifier_base = std::nullopt);
// `truncate` (newer node-semver): drop the parts below `release`.
std::optional<std::string> truncate(std::string_view version, std::string_view release,
                                    NpmOptions options = {});

} // namespace npm
} // namespace cairn::version
