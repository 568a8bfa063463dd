#pragma once

#include "cairn/config/variables.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

// The registry settings of npm's `.npmrc` files (the credentials in them are
// Credentials::add_npmrc's). Pure parsing: finding the files is ops' job.
namespace cairn::net {

// One `registry=` or `@scope:registry=` setting and where it came from ("~/.npmrc:3",
// "environment variable npm_config_registry").
struct NpmrcSetting {
    std::string url;
    std::string origin;
    friend bool operator==(const NpmrcSetting&, const NpmrcSetting&) = default;
};

struct NpmrcRegistries {
    std::optional<NpmrcSetting> registry;       // registry=
    std::map<std::string, NpmrcSetting> scopes; // "@acme" -> @acme:registry=
    friend bool operator==(const NpmrcRegistries&, const NpmrcRegistries&) = default;
};

// Reads `registry=` and `@scope:registry=` (values may be quoted; `${NAME}` expands from
// `env`, `${NAME?}` to empty when unset); a later line wins within a file, as in npm.
// `source` names the file in origins and errors. Throws cairn::Error(Code::config_invalid)
// naming source:line for an unset variable, an empty value, or a scope that is not `@name`.
NpmrcRegistries parse_npmrc_registries(std::string_view text, const config::EnvLookup& env,
                                       std::string_view source);

// `lower` over `higher`: each setting of `higher` wins (npm's project > user > global).
void merge_npmrc_registries(NpmrcRegistries& lower, const NpmrcRegistries& higher);

} // namespace cairn::net
