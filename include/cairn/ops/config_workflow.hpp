#pragma once

#include "cairn/config/layered_config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Loading the configuration a command runs with, and `cairn config validate`.
namespace cairn::ops {

struct ConfigRequest {
    std::filesystem::path cwd;              // where the command runs (-C DIR)
    std::vector<config::FlagSetting> flags; // --config KEY=VALUE, --offline, ...
    config::EnvLookup env;                  // the process environment
};

struct SessionConfig {
    std::optional<std::filesystem::path> project_root;
    config::LayeredConfig config;
};

// The project root above `cwd`, every level's files, merged.
SessionConfig load_config(const ConfigRequest& request);

struct ConfigValidation {
    std::size_t files = 0; // configuration files read (not counting defaults and flags)
    std::size_t formats = 0;
    std::size_t authorities = 0;
    std::size_t registries = 0;
    std::vector<std::string> warnings;
};

// Everything `config validate` checks beyond parsing and merging: the registry model
// (types, orders, patterns, default authorities). Throws cairn::Error on the first error.
ConfigValidation validate_config(const config::LayeredConfig& config);

} // namespace cairn::ops
