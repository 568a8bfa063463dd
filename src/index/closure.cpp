#include "cairn/index/closure.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

namespace cairn::index {

std::string MissingRequirement::describe() const {
    return fmt::format("{} requires {} {}: {}", requirer, package.text(), requirement, reason);
}

std::vector<MissingRequirement> check_requirements(VerifiedRegistry& registry,
                                                   std::string_view requirer,
                                                   const std::vector<ReleaseDependency>& deps) {
    std::vector<MissingRequirement> missing;
    for (const auto& dep : deps) {
        auto report = [&](std::string reason) {
            missing.push_back(
                {std::string(requirer), dep.package, dep.requirement, std::move(reason)});
        };
        const PackageIndex* scope = registry.package_index(dep.package.scope());
        if (!scope) {
            report(
                fmt::format("the registry has no package index for scope {}", dep.package.scope()));
            continue;
        }
        if (!scope->entries.contains(dep.package.name())) {
            report(fmt::format("the package index {} has no entry {}", dep.package.scope(),
                               dep.package.name()));
            continue;
        }
        const VersionIndex* vi = registry.version_index(dep.package);
        std::vector<std::string> have;
        bool found = false;
        for (const auto& r : vi->releases) {
            if (r.state == ReleaseState::yanked)
                continue;
            have.push_back(r.version.to_string());
            if (dep.range.matches(r.version))
                found = true;
        }
        if (!found)
            report(have.empty()
                       ? std::string("it has no releases that are not yanked")
                       : fmt::format("no release matches (have {})", fmt::join(have, ", ")));
    }
    return missing;
}

std::vector<MissingRequirement> check_closure(VerifiedRegistry& registry, std::string_view scope) {
    const PackageIndex* index = registry.package_index(scope);
    if (!index)
        throw Error(Code::not_found,
                    fmt::format("{} has no package index {}", registry.reader().location(), scope));
    std::vector<MissingRequirement> missing;
    for (const auto& [local, ref] : index->entries) {
        PackageName package = PackageName::parse(std::string(scope) + "/" + local);
        const VersionIndex& vi = registry.version_index(ref, package.id());
        for (const auto& r : vi.releases) {
            if (r.state == ReleaseState::yanked)
                continue;
            auto more = check_requirements(registry, package.text() + " " + r.version.to_string(),
                                           r.dependencies);
            missing.insert(missing.end(), more.begin(), more.end());
        }
    }
    return missing;
}

} // namespace cairn::index
