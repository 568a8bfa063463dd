#pragma once

#include "cairn/net/retry.hpp"
#include "cairn/registry/registry_model.hpp"

// Where the registry model meets the network client: a registry's `search.timeout`
// {time, action, maximumRetries} becomes the RetryPolicy of every request to it.
namespace cairn::ops {

net::RetryPolicy retry_policy(const registry::Registry& registry);

} // namespace cairn::ops
