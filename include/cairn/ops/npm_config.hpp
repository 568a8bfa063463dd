#pragma once

#include "cairn/config/layered_config.hpp"
#include "cairn/net/credentials.hpp"
#include "cairn/net/npmrc.hpp"
#include "cairn/registry/registry_model.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// npm's configuration as npm itself finds it (docs/configuration.md, "npm configuration"):
// the `.npmrc` chain (project, user, global), the npm_config_* environment, and, when
// nothing sets a registry, `npm config get registry`, asked once and remembered in the
// store.
namespace cairn::ops {

struct NpmConfigRequest {
    std::optional<std::filesystem::path> project_root; // its .npmrc is the project level
    config::EnvLookup env;
    // Where npm's answer to `npm config get registry` is remembered
    // (<store root>/npm-registry); none: npm is asked every time.
    std::optional<std::filesystem::path> store_root{};
};

struct NpmConfig {
    // The .npmrc files that exist, highest precedence first: project, user, global.
    std::vector<std::filesystem::path> files;
    // Merged: npm_config_registry > project > user > global.
    net::NpmrcRegistries registries;
};

// The files: <project root>/.npmrc; $npm_config_userconfig (or NPM_CONFIG_USERCONFIG),
// else $HOME/.npmrc; $npm_config_globalconfig (or NPM_CONFIG_GLOBALCONFIG), else
// <prefix>/etc/npmrc when the prefix is cheaply known ($npm_config_prefix, or the folder
// above the `bin` holding `node` on PATH). Then npm_config_registry / NPM_CONFIG_REGISTRY.
// Throws Code::config_invalid (naming file:line) for a malformed setting, Code::io for a
// file that exists but cannot be read.
NpmConfig read_npm_config(const NpmConfigRequest& request);

// Adds the credentials of every file (project first, so it wins on equal prefixes; call
// after net::client_options so that cairn's `auth` entries win over all of them).
void add_npm_credentials(net::Credentials& credentials, const NpmConfig& npm,
                         const config::EnvLookup& env);

// npm's default registry from `npm config get registry` (run in the project root with the
// `npm` found on $PATH), remembered in <store root>/npm-registry and reused from there
// (delete the file to ask again). nullopt when npm is not installed. Throws
// Code::config_invalid when npm fails or answers something that is not a URL.
std::optional<net::NpmrcSetting> npm_default_registry(const NpmConfigRequest& request);

// The npm format's authorities: cairn's `formats.npm`, completed from npm's configuration
// (registry::npm_authorities), asking npm only when nothing else sets a default registry.
// Throws Code::config_invalid, with a hint naming formats.npm and .npmrc, when no registry
// is set anywhere and npm is not installed.
registry::FormatRegistries npm_registries(const config::LayeredConfig& config, const NpmConfig& npm,
                                          const NpmConfigRequest& request,
                                          std::vector<std::string>* warnings = nullptr);

} // namespace cairn::ops
