#include "cairn/index/merge.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

namespace cairn::index {

std::string MergeConflict::describe() const {
    if (version)
        return fmt::format("{} {}: published with two digests: {} in {}, {} in {}", local_name,
                           version->to_string(), first_digest->text(), first.text(),
                           second_digest->text(), second.text());
    return fmt::format("{}: names two different version indexes: {} and {}", local_name,
                       first.text(), second.text());
}

MergeResult merge_package_indexes(VerifiedRegistry& first_registry, std::string_view first_scope,
                                  VerifiedRegistry& second_registry, std::string_view second_scope,
                                  MergePreference preference) {
    auto load = [](VerifiedRegistry& registry, std::string_view scope) -> const PackageIndex& {
        const PackageIndex* index = registry.package_index(scope);
        if (!index)
            throw Error(Code::not_found, fmt::format("{} has no package index {}",
                                                     registry.reader().location(), scope));
        return *index;
    };
    const PackageIndex& a = load(first_registry, first_scope);
    const PackageIndex& b = load(second_registry, second_scope);
    MergeResult result;
    result.entries = a.entries;
    for (const auto& [local, ref_b] : b.entries) {
        auto it = a.entries.find(local);
        if (it == a.entries.end()) {
            result.entries.emplace(local, ref_b);
            continue;
        }
        const IndexRef& ref_a = it->second;
        if (ref_a == ref_b)
            continue;
        result.conflicts.push_back({local, ref_a, ref_b, std::nullopt, std::nullopt, std::nullopt});
        const VersionIndex& va =
            first_registry.version_index(ref_a, fmt::format("cairn:{}/{}", first_scope, local));
        const VersionIndex& vb =
            second_registry.version_index(ref_b, fmt::format("cairn:{}/{}", second_scope, local));
        for (const auto& release : va.releases) {
            const Release* other = vb.find(release.version);
            if (other && other->digest != release.digest)
                result.conflicts.push_back(
                    {local, ref_a, ref_b, release.version, release.digest, other->digest});
        }
        if (preference == MergePreference::second)
            result.entries.insert_or_assign(local, ref_b);
    }
    return result;
}

} // namespace cairn::index
