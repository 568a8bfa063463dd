// node-semver's `inc` and `truncate`, with its rules for prerelease identifiers.
#include "version_text.hpp"

#include "cairn/core/text.hpp"
#include "cairn/version/npm_range.hpp"

#include <algorithm>

namespace cairn::version::npm {

namespace {

// A prerelease part as JavaScript holds it: a number or a string. The distinction
// matters: `inc` bumps only numbers, and an identifier given by the caller stays a string
// even when it is made of digits.
struct Part {
    std::string text;
    bool number;
};

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), detail::is_digit);
}

std::string strip_zeros(std::string_view digits) {
    std::size_t first = digits.find_first_not_of('0');
    return first == std::string_view::npos ? "0" : std::string(digits.substr(first));
}

std::string plus_one(std::string_view digits) {
    std::string out = strip_zeros(digits);
    for (std::size_t i = out.size(); i-- > 0;) {
        if (out[i] != '9') {
            ++out[i];
            return out;
        }
        out[i] = '0';
    }
    return "1" + out;
}

// node-semver's compareIdentifiers(...) === 0.
bool same_identifier(const Part& a, std::string_view b) {
    if (all_digits(a.text) && all_digits(b))
        return strip_zeros(a.text) == strip_zeros(b);
    return a.text == b;
}

struct Working {
    std::uint64_t major, minor, patch;
    std::vector<Part> pre;
};

// Base number: "1" gives 1, anything else ("0", not given, no number) gives 0.
std::string base_number(const std::optional<IncBase>& base) {
    return base && !base->no_number && base->value && *base->value == "1" ? "1" : "0";
}

bool bump(Working& w, std::string_view release, const std::optional<std::string>& identifier,
          const std::optional<IncBase>& base) {
    bool has_id = identifier && !identifier->empty();
    bool no_number = base && base->no_number;
    if (release == "premajor") {
        w.pre.clear();
        w.patch = 0;
        w.minor = 0;
        ++w.major;
        return bump(w, "pre", identifier, base);
    }
    if (release == "preminor") {
        w.pre.clear();
        w.patch = 0;
        ++w.minor;
        return bump(w, "pre", identifier, base);
    }
    if (release == "prepatch") {
        w.pre.clear();
        return bump(w, "patch", identifier, base) && bump(w, "pre", identifier, base);
    }
    if (release == "prerelease") {
        if (w.pre.empty() && !bump(w, "patch", identifier, base))
            return false;
        return bump(w, "pre", identifier, base);
    }
    if (release == "release") {
        if (w.pre.empty())
            return false;
        w.pre.clear();
        return true;
    }
    if (release == "major") {
        if (w.minor != 0 || w.patch != 0 || w.pre.empty())
            ++w.major;
        w.minor = 0;
        w.patch = 0;
        w.pre.clear();
        return true;
    }
    if (release == "minor") {
        if (w.patch != 0 || w.pre.empty())
            ++w.minor;
        w.patch = 0;
        w.pre.clear();
        return true;
    }
    if (release == "patch") {
        if (w.pre.empty())
            ++w.patch;
        w.pre.clear();
        return true;
    }
    if (release != "pre")
        return false;
    std::string number = base_number(base);
    if (w.pre.empty()) {
        w.pre.push_back({number, true});
    } else {
        auto last_number =
            std::find_if(w.pre.rbegin(), w.pre.rend(), [](const Part& p) { return p.number; });
        if (last_number != w.pre.rend()) {
            last_number->text = plus_one(last_number->text);
        } else {
            std::string joined;
            for (std::size_t i = 0; i < w.pre.size(); ++i)
                joined += (i ? "." : "") + w.pre[i].text;
            if (identifier && *identifier == joined && no_number)
                return false; // the identifier is already there
            w.pre.push_back({number, true});
        }
    }
    if (has_id) {
        std::vector<Part> replacement{{*identifier, false}};
        if (!no_number)
            replacement.push_back({number, true});
        auto ids = text::split(*identifier, '.');
        bool is_prefix = ids.size() <= w.pre.size();
        for (std::size_t i = 0; is_prefix && i < ids.size(); ++i)
            is_prefix = same_identifier(w.pre[i], ids[i]);
        if (is_prefix) {
            // Keep counting when a number follows the identifier (beta.1 -> beta.2).
            bool followed_by_number =
                ids.size() < w.pre.size() && all_digits(w.pre[ids.size()].text);
            if (!followed_by_number)
                w.pre = replacement;
        } else {
            w.pre = replacement;
        }
    }
    return true;
}

} // namespace

std::optional<std::string> inc(std::string_view version, std::string_view release,
                               NpmOptions options, std::optional<std::string> identifier,
                               std::optional<IncBase> identifier_base) {
    auto v = parse(version, options);
    if (!v)
        return std::nullopt;
    bool has_id = identifier && !identifier->empty();
    if (release.substr(0, 3) == "pre") {
        if (!has_id && identifier_base && identifier_base->no_number)
            return std::nullopt; // nothing to put in the prerelease
        if (has_id) {
            // The identifier must itself be a whole, valid prerelease.
            std::string dashed = "-" + *identifier;
            auto match = detail::match_tail(dashed, options.loose);
            if (!match || !match->build.empty() || match->pre != *identifier)
                return std::nullopt;
        }
    }
    Working w{v->major(), v->minor(), v->patch(), {}};
    for (const Identifier& id : v->prerelease())
        w.pre.push_back({id.text(), id.is_numeric()});
    if (!bump(w, release, identifier, identifier_base))
        return std::nullopt;
    std::string out =
        std::to_string(w.major) + "." + std::to_string(w.minor) + "." + std::to_string(w.patch);
    for (std::size_t i = 0; i < w.pre.size(); ++i)
        out += (i ? "." : "-") + w.pre[i].text;
    return out;
}

std::optional<std::string> truncate(std::string_view version, std::string_view release,
                                    NpmOptions options) {
    static constexpr std::string_view k_release_types[] = {
        "major", "premajor", "minor", "preminor", "patch", "prepatch", "prerelease"};
    if (std::find(std::begin(k_release_types), std::end(k_release_types), release) ==
        std::end(k_release_types))
        return std::nullopt;
    auto v = parse(version, options);
    if (!v)
        return std::nullopt;
    if (release.substr(0, 3) == "pre")
        return format(*v);
    std::uint64_t minor = release == "major" ? 0 : v->minor();
    std::uint64_t patch = release == "patch" ? v->patch() : 0;
    return Version::from_parts(v->major(), minor, patch).to_string();
}

} // namespace cairn::version::npm
