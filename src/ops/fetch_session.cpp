// ops::fetch_artifacts with the store and network client a command runs with.
#include "cairn/net/client.hpp"
#include "cairn/net/client_config.hpp"
#include "cairn/ops/fetch.hpp"

namespace cairn::ops {

std::filesystem::path store_root(const config::EnvLookup& env) {
    return store::default_store_root([&](std::string_view name) { return env(name); });
}

FetchSummary fetch_artifacts(const std::filesystem::path& root, const config::LayeredConfig& config,
                             const std::vector<Artifact>& artifacts, const FetchOptions& options) {
    store::Store store(root);
    // network.mode (--offline), connection limits, CA file and credentials by URL prefix.
    net::Client client(net::client_options(config));
    return fetch_artifacts(store, client, artifacts, options);
}

} // namespace cairn::ops
