#pragma once

#include "cairn/net/npmrc.hpp"
#include "cairn/registry/registry_model.hpp"

// npm's own configuration (.npmrc, npm_config_* variables) as authorities of the npm format,
// beneath cairn's configuration (docs/configuration.md, "npm configuration").
namespace cairn::registry {

// Authority names given to what .npmrc adds.
inline constexpr std::string_view k_npmrc_authority = "npmrc"; // registry=
inline constexpr std::string_view k_npmrc_registry = "npmrc";  // its one registry

// Whether cairn's configuration (`formats.npm`, possibly absent) leaves names no pattern
// matches without an authority, so that npm's `registry=` must supply one.
bool needs_default_registry(const FormatRegistries* configured);

// cairn's authorities for npm, completed from npm's settings:
// - when cairn's configuration has no default authority, `registry=` becomes the authority
//   "npmrc" (one registry, "npmrc") and the default;
// - each `@scope:registry=` becomes the authority "npmrc:@scope" owning "@scope/*", unless a
//   pattern of cairn's configuration already claims names of that scope (cairn's
//   configuration wins).
// Throws cairn::Error(Code::config_invalid) when there is still no default authority
// (`npmrc.registry` unset and none configured).
FormatRegistries npm_authorities(const FormatRegistries* configured,
                                 const net::NpmrcRegistries& npmrc);

} // namespace cairn::registry
