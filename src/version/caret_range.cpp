#include "cairn/version/caret_range.hpp"

#include "version_text.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"

#include <algorithm>

namespace cairn::version {

namespace {

bool is_wild(std::string_view s) {
    return s == "*" || s == "x" || s == "X";
}

// A number without leading zeros (Cargo's rule), within the version limit.
std::optional<std::uint64_t> number(std::string_view s) {
    if (s.size() > 1 && s[0] == '0')
        return std::nullopt;
    auto n = detail::parse_number(s);
    if (!n || *n > k_max_component)
        return std::nullopt;
    return n;
}

// A comparator, or `*` (which matches everything and is left out of the list).
struct Parsed {
    bool any = false;
    CaretComparator comparator{CaretOperator::wildcard, 0, std::nullopt, std::nullopt, {}};
};

std::optional<Parsed> parse_comparator(std::string_view text) {
    text = detail::trim_space(text);
    CaretOperator op = CaretOperator::caret; // a bare version means ^version
    struct Sign {
        std::string_view text;
        CaretOperator op;
    };
    static constexpr Sign k_signs[] = {
        {">=", CaretOperator::greater_eq}, {"<=", CaretOperator::less_eq},
        {">", CaretOperator::greater},     {"<", CaretOperator::less},
        {"=", CaretOperator::exact},       {"~", CaretOperator::tilde},
        {"^", CaretOperator::caret}};
    bool explicit_op = false;
    for (const Sign& sign : k_signs) {
        if (text.substr(0, sign.text.size()) == sign.text) {
            op = sign.op;
            text = detail::trim_space(text.substr(sign.text.size()));
            explicit_op = true;
            break;
        }
    }
    if (text.empty())
        return std::nullopt;
    // Build metadata is allowed and ignored (it never decides a match), as in Cargo.
    if (auto plus = text.find('+'); plus != std::string_view::npos) {
        std::string_view build = text.substr(plus + 1);
        if (build.empty())
            return std::nullopt;
        for (std::string_view id : text::split(build, '.'))
            if (id.empty() || !std::all_of(id.begin(), id.end(), detail::is_identifier_char))
                return std::nullopt;
        text = text.substr(0, plus);
    }
    // The prerelease starts at the first `-`.
    std::string_view pre;
    if (auto dash = text.find('-'); dash != std::string_view::npos) {
        pre = text.substr(dash + 1);
        text = text.substr(0, dash);
        if (pre.empty())
            return std::nullopt;
    }
    auto parts = text::split(text, '.');
    if (parts.size() > 3)
        return std::nullopt;
    CaretComparator c{op, 0, std::nullopt, std::nullopt, {}};
    bool wild = false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (is_wild(parts[i])) {
            wild = true;
            continue;
        }
        if (wild)
            return std::nullopt; // `1.*.3`
        auto n = number(parts[i]);
        if (!n)
            return std::nullopt;
        if (i == 0)
            c.major = *n;
        else if (i == 1)
            c.minor = n;
        else
            c.patch = n;
    }
    if (wild) {
        // `*`, `1.*`, `1.2.*`: only with no operator or `=` (and no prerelease).
        if ((explicit_op && op != CaretOperator::exact) || !pre.empty())
            return std::nullopt;
        if (is_wild(parts[0]))
            return parts.size() == 1 ? std::optional<Parsed>(Parsed{true, c}) : std::nullopt;
        c.op = CaretOperator::wildcard;
        return Parsed{false, c};
    }
    if (!pre.empty()) {
        if (!c.patch)
            return std::nullopt;
        auto v = Version::parse("0.0.0-" + std::string(pre));
        if (!v || !v->build().empty())
            return std::nullopt;
        c.prerelease = v->prerelease();
    }
    return Parsed{false, c};
}

Version version_of(const CaretComparator& c) {
    return Version::from_parts(c.major, c.minor.value_or(0), c.patch.value_or(0), c.prerelease);
}

Version release(std::uint64_t major, std::uint64_t minor, std::uint64_t patch) {
    return Version::from_parts(major, minor, patch);
}

// All versions of a partial version: `1` is [1.0.0, 2.0.0), `1.2` is [1.2.0, 1.3.0).
VersionSet partial_span(const CaretComparator& c) {
    if (!c.minor)
        return VersionSet::between(release(c.major, 0, 0), true, release(c.major + 1, 0, 0), false);
    if (!c.patch)
        return VersionSet::between(release(c.major, *c.minor, 0), true,
                                   release(c.major, *c.minor + 1, 0), false);
    return VersionSet::exactly(version_of(c));
}

} // namespace

VersionSet CaretComparator::to_version_set() const {
    switch (op) {
    case CaretOperator::exact:
        return partial_span(*this);
    case CaretOperator::wildcard:
        return partial_span(*this);
    case CaretOperator::greater:
        if (!patch)
            return VersionSet::at_least(!minor ? release(major + 1, 0, 0)
                                               : release(major, *minor + 1, 0));
        return VersionSet::greater_than(version_of(*this));
    case CaretOperator::greater_eq:
        return VersionSet::at_least(version_of(*this));
    case CaretOperator::less:
        return VersionSet::less_than(version_of(*this));
    case CaretOperator::less_eq:
        if (!patch)
            return VersionSet::less_than(!minor ? release(major + 1, 0, 0)
                                                : release(major, *minor + 1, 0));
        return VersionSet::at_most(version_of(*this));
    case CaretOperator::tilde:
        if (!patch)
            return partial_span(*this);
        return VersionSet::between(version_of(*this), true, release(major, *minor + 1, 0), false);
    case CaretOperator::caret: {
        Version low = version_of(*this);
        if (!minor)
            return partial_span(*this);
        if (major > 0)
            return VersionSet::between(low, true, release(major + 1, 0, 0), false);
        if (*minor > 0 || !patch)
            return VersionSet::between(low, true, release(0, *minor + 1, 0), false);
        return VersionSet::between(low, true, release(0, 0, *patch + 1), false);
    }
    }
    return VersionSet::empty();
}

bool CaretComparator::matches_ignoring_prerelease_rule(const Version& version) const {
    return to_version_set().contains(version);
}

std::string CaretComparator::to_string() const {
    std::string v = std::to_string(major);
    if (minor)
        v += "." + std::to_string(*minor);
    if (patch)
        v += "." + std::to_string(*patch);
    for (std::size_t i = 0; i < prerelease.size(); ++i)
        v += (i ? "." : "-") + prerelease[i].text();
    switch (op) {
    case CaretOperator::exact:
        return "=" + v;
    case CaretOperator::greater:
        return ">" + v;
    case CaretOperator::greater_eq:
        return ">=" + v;
    case CaretOperator::less:
        return "<" + v;
    case CaretOperator::less_eq:
        return "<=" + v;
    case CaretOperator::tilde:
        return "~" + v;
    case CaretOperator::caret:
        return "^" + v;
    case CaretOperator::wildcard:
        return v + ".*";
    }
    return v;
}

std::optional<CaretRange> CaretRange::parse(std::string_view text) {
    std::vector<CaretComparator> comparators;
    if (detail::trim_space(text).empty())
        return std::nullopt;
    for (std::string_view part : text::split(text, ',')) {
        auto parsed = parse_comparator(part);
        if (!parsed)
            return std::nullopt;
        if (!parsed->any) // `*` adds nothing to a list of comparators
            comparators.push_back(std::move(parsed->comparator));
    }
    return CaretRange(std::move(comparators));
}

CaretRange CaretRange::parse_or_throw(std::string_view text) {
    if (auto r = parse(text))
        return *r;
    throw Error(Code::version_parse,
                "invalid version requirement " + text::quote(text) +
                    ": expected comparators such as `1.2`, `^1.2.3`, `~1.2`, `>=1.0, <2.0`, "
                    "`=1.2.3-beta` or `1.*`, separated by commas");
}

bool CaretRange::matches(const Version& version) const {
    for (const CaretComparator& c : m_comparators)
        if (!c.matches_ignoring_prerelease_rule(version))
            return false;
    if (!version.is_prerelease())
        return true;
    for (const CaretComparator& c : m_comparators) {
        if (!c.prerelease.empty() && c.major == version.major() && c.minor == version.minor() &&
            c.patch == version.patch())
            return true;
    }
    return false;
}

VersionSet CaretRange::to_version_set() const {
    VersionSet set = VersionSet::full();
    for (const CaretComparator& c : m_comparators)
        set = set.intersect(c.to_version_set());
    return set;
}

std::string CaretRange::to_string() const {
    if (m_comparators.empty())
        return "*";
    std::string out;
    for (const CaretComparator& c : m_comparators)
        out += (out.empty() ? "" : ", ") + c.to_string();
    return out;
}

} // namespace cairn::version
