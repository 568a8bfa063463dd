// .npmrc's registries as authorities beneath cairn's own.
#include "cairn/registry/npm_sources.hpp"

#include "cairn/core/error.hpp"
#include "cairn/registry/source_mapping.hpp"

#include <fmt/format.h>

namespace cairn::registry {
namespace {

Authority npmrc_authority(std::string name, const net::NpmrcSetting& setting,
                          std::vector<std::string> packages) {
    Authority authority;
    authority.name = std::move(name);
    authority.packages = std::move(packages);
    Registry registry;
    registry.name = std::string(k_npmrc_registry);
    registry.protocol = Protocol::npm;
    registry.url = setting.url;
    authority.registries.push_back(std::move(registry));
    return authority;
}

// A name no existing authority uses: `base`, else base-2, base-3...
std::string free_name(const FormatRegistries& format, const std::string& base) {
    std::string name = base;
    for (int i = 2; format.find_authority(name); ++i)
        name = fmt::format("{}-{}", base, i);
    return name;
}

} // namespace

bool needs_default_registry(const FormatRegistries* configured) {
    return !configured || configured->default_authority.empty();
}

FormatRegistries npm_authorities(const FormatRegistries* configured,
                                 const net::NpmrcRegistries& npmrc) {
    FormatRegistries format;
    if (configured)
        format = *configured;
    format.format = "npm";
    for (const auto& [scope, setting] : npmrc.scopes) {
        // A probe name inside the scope that no real package has: any configured pattern
        // matching it claims the whole scope.
        std::string probe = scope + "/\x7f";
        bool claimed = false;
        for (const auto& authority : format.authorities)
            for (const auto& pattern : authority.packages)
                claimed = claimed || pattern_matches(pattern, probe);
        if (claimed)
            continue;
        format.authorities.push_back(
            npmrc_authority(free_name(format, std::string(k_npmrc_authority) + ":" + scope),
                            setting, {scope + "/*"}));
    }
    if (format.default_authority.empty()) {
        if (!npmrc.registry) {
            Error error(Code::config_invalid, "no npm registry is configured");
            error.caused_by("formats.npm has no default authority, and no .npmrc or "
                            "npm_config_registry sets registry=");
            error.hint("set formats.npm.authorities.<name>.registries in cairn's configuration, "
                       "or registry=URL in .npmrc");
            throw error;
        }
        std::string name = free_name(format, std::string(k_npmrc_authority));
        format.authorities.push_back(npmrc_authority(name, *npmrc.registry, {}));
        format.default_authority = name;
    }
    return format;
}

} // namespace cairn::registry
