#include "cairn/ops/registry_policy.hpp"

namespace cairn::ops {

net::RetryPolicy retry_policy(const registry::Registry& registry) {
    net::RetryPolicy policy;
    const registry::TimeoutPolicy& timeout = registry.timeout;
    policy.timeout = timeout.time;
    switch (timeout.action) {
    case registry::TimeoutAction::retry:
        policy.on_timeout = net::RetryPolicy::OnTimeout::retry;
        break;
    case registry::TimeoutAction::fail:
        policy.on_timeout = net::RetryPolicy::OnTimeout::fail;
        break;
    case registry::TimeoutAction::continue_search:
        policy.on_timeout = net::RetryPolicy::OnTimeout::continue_search;
        break;
    }
    policy.maximum_retries = timeout.maximum_retries;
    return policy;
}

} // namespace cairn::ops
