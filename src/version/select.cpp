#include "cairn/version/select.hpp"

#include "cairn/version/caret_range.hpp"
#include "cairn/version/npm_range.hpp"

#include <algorithm>
#include <functional>
#include <memory>

namespace cairn::version {

std::vector<std::string> select_versions(const std::vector<std::string>& versions,
                                         const std::vector<std::string>& ranges,
                                         SelectOptions options) {
    NpmOptions npm_options{options.loose, options.include_prerelease};
    std::vector<std::function<bool(const Version&)>> tests;
    for (const std::string& text : ranges) {
        if (options.flavor == Flavor::npm) {
            auto range = std::make_shared<NpmRange>(NpmRange::parse_or_throw(text, npm_options));
            tests.emplace_back([range](const Version& v) { return range->satisfies(v); });
        } else {
            auto range = std::make_shared<CaretRange>(CaretRange::parse_or_throw(text));
            if (options.include_prerelease) {
                auto hull = std::make_shared<VersionSet>(range->to_version_set());
                tests.emplace_back([hull](const Version& v) { return hull->contains(v); });
            } else {
                tests.emplace_back([range](const Version& v) { return range->matches(v); });
            }
        }
    }
    std::vector<Version> kept;
    for (const std::string& text : versions) {
        auto v = npm::parse(text, npm_options);
        if (!v)
            continue;
        if (std::all_of(tests.begin(), tests.end(), [&](const auto& test) { return test(*v); }))
            kept.push_back(*v);
    }
    std::stable_sort(kept.begin(), kept.end());
    std::vector<std::string> out;
    out.reserve(kept.size());
    for (const Version& v : kept)
        out.push_back(npm::format(v));
    return out;
}

} // namespace cairn::version
