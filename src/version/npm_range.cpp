#include "cairn/version/npm_range.hpp"

#include "npm_parse.hpp"
#include "version_text.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"

namespace cairn::version {

namespace {

ParseMode mode_of(NpmOptions options) {
    return options.loose ? ParseMode::loose : ParseMode::strict;
}

bool is_greater_op(NpmOperator op) {
    return op == NpmOperator::gt || op == NpmOperator::ge;
}

bool is_less_op(NpmOperator op) {
    return op == NpmOperator::lt || op == NpmOperator::le;
}

// node-semver's `value.startsWith('<0.0.0')`.
bool is_below_zero(const NpmComparator& c) {
    return c.op == NpmOperator::lt && c.version && c.version->major() == 0 &&
           c.version->minor() == 0 && c.version->patch() == 0;
}

// The prerelease rule of one set: a prerelease passes only next to a comparator with a
// prerelease on the same [major, minor, patch].
bool prerelease_allowed(const std::vector<NpmComparator>& set, const Version& v) {
    for (const NpmComparator& c : set) {
        if (c.version && c.version->is_prerelease() && c.version->major() == v.major() &&
            c.version->minor() == v.minor() && c.version->patch() == v.patch())
            return true;
    }
    return false;
}

bool test_set(const std::vector<NpmComparator>& set, const Version& v, NpmOptions options) {
    for (const NpmComparator& c : set)
        if (!c.test(v))
            return false;
    if (v.is_prerelease() && !options.include_prerelease)
        return prerelease_allowed(set, v);
    return true;
}

// Every pair of comparators in the set intersects (node-semver's isSatisfiable).
bool is_satisfiable(const std::vector<NpmComparator>& set, NpmOptions options) {
    for (std::size_t i = 0; i < set.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (!set[i].intersects(set[j], options))
                return false;
    return true;
}

} // namespace

std::optional<NpmComparator> NpmComparator::parse(std::string_view text, bool loose) {
    return detail::parse_npm_comparator(text, loose);
}

bool NpmComparator::test(const Version& v) const {
    if (!version)
        return true;
    switch (op) {
    case NpmOperator::eq:
        return v == *version;
    case NpmOperator::lt:
        return v < *version;
    case NpmOperator::le:
        return v <= *version;
    case NpmOperator::gt:
        return v > *version;
    case NpmOperator::ge:
        return v >= *version;
    }
    return false;
}

bool NpmComparator::intersects(const NpmComparator& other, NpmOptions options) const {
    // An equality (or any) comparator: does the other one, as a range, admit it?
    auto admits = [&](const NpmComparator& range_of, const Version& v) {
        return test_set({range_of}, v, options);
    };
    if (op == NpmOperator::eq) {
        if (!version)
            return true;
        return admits(other, *version);
    }
    if (other.op == NpmOperator::eq) {
        if (!other.version)
            return true;
        return admits(*this, *other.version);
    }
    if (options.include_prerelease) {
        auto is_null = [](const NpmComparator& c) {
            return c.op == NpmOperator::lt && *c.version == Version::minimum();
        };
        if (is_null(*this) || is_null(other))
            return false;
    } else if (is_below_zero(*this) || is_below_zero(other)) {
        return false;
    }
    if (is_greater_op(op) && is_greater_op(other.op))
        return true;
    if (is_less_op(op) && is_less_op(other.op))
        return true;
    bool both_inclusive = (op == NpmOperator::ge || op == NpmOperator::le) &&
                          (other.op == NpmOperator::ge || other.op == NpmOperator::le);
    if (*version == *other.version && both_inclusive)
        return true;
    if (*version < *other.version && is_greater_op(op) && is_less_op(other.op))
        return true;
    if (*version > *other.version && is_less_op(op) && is_greater_op(other.op))
        return true;
    return false;
}

std::string NpmComparator::to_string() const {
    if (!version)
        return "";
    const char* sign = "";
    switch (op) {
    case NpmOperator::eq:
        sign = "";
        break;
    case NpmOperator::lt:
        sign = "<";
        break;
    case NpmOperator::le:
        sign = "<=";
        break;
    case NpmOperator::gt:
        sign = ">";
        break;
    case NpmOperator::ge:
        sign = ">=";
        break;
    }
    return sign + npm::format(*version);
}

VersionSet NpmComparator::to_version_set() const {
    if (!version)
        return VersionSet::full();
    switch (op) {
    case NpmOperator::eq:
        return VersionSet::exactly(*version);
    case NpmOperator::lt:
        return VersionSet::less_than(*version);
    case NpmOperator::le:
        return VersionSet::at_most(*version);
    case NpmOperator::gt:
        return VersionSet::greater_than(*version);
    case NpmOperator::ge:
        return VersionSet::at_least(*version);
    }
    return VersionSet::empty();
}

std::optional<NpmRange> NpmRange::parse(std::string_view text, NpmOptions options) {
    auto sets = detail::parse_npm_range(text, options);
    if (!sets)
        return std::nullopt;
    return NpmRange(std::move(*sets), options);
}

const NpmRange* NpmRangeCache::find(std::string_view text) {
    auto it = m_ranges.find(text);
    if (it == m_ranges.end())
        it = m_ranges.emplace(std::string(text), NpmRange::parse(text, m_options)).first;
    return it->second ? &*it->second : nullptr;
}

NpmRange NpmRange::parse_or_throw(std::string_view text, NpmOptions options) {
    if (auto range = parse(text, options))
        return *range;
    throw Error(Code::version_parse,
                "invalid npm range " + text::quote(text) +
                    ": expected comparators such as `>=1.2.3 <2.0.0`, `^1.2`, `~1.2.3`, "
                    "`1.x`, `1.2.3 - 2.0.0` or `*`, joined by `||`");
}

bool NpmRange::satisfies(const Version& version) const {
    for (const auto& set : m_sets)
        if (test_set(set, version, m_options))
            return true;
    return false;
}

bool NpmRange::satisfies(std::string_view version) const {
    auto v = Version::parse(version, mode_of(m_options));
    return v && satisfies(*v);
}

bool NpmRange::admits_prereleases() const {
    if (m_options.include_prerelease)
        return true;
    // `<2.0.0-0`, the upper bound `^1.2.3` and `~1.2.3` become, names a prerelease yet
    // admits none: no prerelease of 2.0.0 is below its lowest one.
    auto below_all_of_its_own = [](const NpmComparator& c) {
        const auto& pre = c.version->prerelease();
        return c.op == NpmOperator::lt && pre.size() == 1 && pre[0] == Identifier::numeric(0) &&
               c.version->build().empty();
    };
    for (const auto& set : m_sets)
        for (const auto& c : set)
            if (c.version && c.version->is_prerelease() && !below_all_of_its_own(c))
                return true;
    return false;
}

bool NpmRange::intersects(const NpmRange& other) const {
    for (const auto& mine : m_sets) {
        if (!is_satisfiable(mine, m_options))
            continue;
        for (const auto& theirs : other.m_sets) {
            if (!is_satisfiable(theirs, m_options))
                continue;
            bool all = true;
            for (const auto& a : mine)
                for (const auto& b : theirs)
                    all = all && a.intersects(b, m_options);
            if (all)
                return true;
        }
    }
    return false;
}

std::string NpmRange::to_string() const {
    std::string out;
    for (std::size_t i = 0; i < m_sets.size(); ++i) {
        if (i > 0)
            out += "||";
        for (std::size_t k = 0; k < m_sets[i].size(); ++k) {
            if (k > 0)
                out += ' ';
            out += m_sets[i][k].to_string();
        }
    }
    return out.empty() ? "*" : out;
}

VersionSet NpmRange::to_version_set() const {
    VersionSet all = VersionSet::empty();
    for (const auto& set : m_sets) {
        VersionSet one = VersionSet::full();
        for (const NpmComparator& c : set)
            one = one.intersect(c.to_version_set());
        all = all.union_with(one);
    }
    return all;
}

namespace npm {

std::string format(const Version& version) {
    return version.without_build().to_string();
}

std::optional<Version> parse(std::string_view version, NpmOptions options) {
    return Version::parse(version, mode_of(options));
}

std::optional<std::string> valid(std::string_view version, NpmOptions options) {
    auto v = parse(version, options);
    return v ? std::optional<std::string>(format(*v)) : std::nullopt;
}

std::optional<std::string> clean(std::string_view version, NpmOptions options) {
    std::string_view t = detail::trim_space(version);
    while (!t.empty() && (t[0] == '=' || t[0] == 'v'))
        t.remove_prefix(1);
    return valid(t, options);
}

std::optional<int> compare(std::string_view a, std::string_view b, NpmOptions options) {
    auto va = parse(a, options), vb = parse(b, options);
    if (!va || !vb)
        return std::nullopt;
    auto c = *va <=> *vb;
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool satisfies(std::string_view version, std::string_view range, NpmOptions options) {
    auto r = NpmRange::parse(range, options);
    return r && r->satisfies(version);
}

std::optional<std::string> valid_range(std::string_view range, NpmOptions options) {
    auto r = NpmRange::parse(range, options);
    return r ? std::optional<std::string>(r->to_string()) : std::nullopt;
}

bool intersects(std::string_view a, std::string_view b, NpmOptions options) {
    auto ra = NpmRange::parse(a, options), rb = NpmRange::parse(b, options);
    return ra && rb && ra->intersects(*rb);
}

namespace {

std::optional<std::string> pick_satisfying(const std::vector<std::string>& versions,
                                           std::string_view range, NpmOptions options,
                                           bool highest) {
    auto r = NpmRange::parse(range, options);
    if (!r)
        return std::nullopt;
    std::optional<std::string> best;
    std::optional<Version> best_version;
    for (const std::string& text : versions) {
        auto v = parse(text, options);
        if (!v || !r->satisfies(*v))
            continue;
        if (!best_version || (highest ? *best_version < *v : *best_version > *v)) {
            best = text;
            best_version = v;
        }
    }
    return best;
}

// node-semver's `outside`: is the version beyond every version the range matches, on
// the high side (`above`) or the low side?
std::optional<bool> outside(std::string_view version, std::string_view range, NpmOptions options,
                            bool above) {
    auto v = parse(version, options);
    auto r = NpmRange::parse(range, options);
    if (!v || !r)
        return std::nullopt;
    if (r->satisfies(*v))
        return false;
    auto beyond = [&](const Version& a, const Version& b) { return above ? a > b : a < b; };
    auto short_of = [&](const Version& a, const Version& b) { return above ? a < b : a > b; };
    auto short_or_at = [&](const Version& a, const Version& b) { return above ? a <= b : a >= b; };
    NpmOperator strict_op = above ? NpmOperator::gt : NpmOperator::lt;
    NpmOperator inclusive_op = above ? NpmOperator::ge : NpmOperator::le;
    for (const auto& set : r->sets()) {
        std::optional<NpmComparator> high, low;
        for (NpmComparator c : set) {
            if (c.is_any())
                c = NpmComparator{NpmOperator::ge, Version::from_parts(0, 0, 0)};
            if (!high)
                high = c;
            if (!low)
                low = c;
            if (beyond(*c.version, *high->version))
                high = c;
            else if (short_of(*c.version, *low->version))
                low = c;
        }
        if (high->op == strict_op || high->op == inclusive_op)
            return false;
        if ((low->op == NpmOperator::eq || low->op == strict_op) && short_or_at(*v, *low->version))
            return false;
        if (low->op == inclusive_op && short_of(*v, *low->version))
            return false;
    }
    return true;
}

} // namespace

std::optional<std::string> max_satisfying(const std::vector<std::string>& versions,
                                          std::string_view range, NpmOptions options) {
    return pick_satisfying(versions, range, options, true);
}

std::optional<std::string> min_satisfying(const std::vector<std::string>& versions,
                                          std::string_view range, NpmOptions options) {
    return pick_satisfying(versions, range, options, false);
}

std::optional<bool> gtr(std::string_view version, std::string_view range, NpmOptions options) {
    return outside(version, range, options, true);
}

std::optional<bool> ltr(std::string_view version, std::string_view range, NpmOptions options) {
    return outside(version, range, options, false);
}

} // namespace npm
} // namespace cairn::version
