#pragma once

#include "cairn/config/layered_config.hpp"
#include "cairn/net/client.hpp"

// The network client's settings as cairn's configuration gives them (docs/configuration.md,
// "Network" and "Credentials").
namespace cairn::net {

// network.mode ("online" | "prefer-offline" | "offline"), network.maxConnections,
// network.maxConnectionsPerHost (default: maxConnections), network.caFile, and every entry
// of the `auth` section. `.npmrc` files are the caller's to add (Credentials::add_npmrc_file),
// after this, so cairn's own entries win on equal prefixes. Throws
// cairn::Error(Code::config_invalid) naming the key and where it was set.
ClientOptions client_options(const config::LayeredConfig& config);

} // namespace cairn::net
