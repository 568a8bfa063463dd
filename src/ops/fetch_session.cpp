// ops::fetch_artifacts with the store and network client a command runs with.
#include "cairn/core/error.hpp"
#include "cairn/net/client.hpp"
#include "cairn/ops/fetch.hpp"

#include <fmt/format.h>

namespace cairn::ops {

namespace {

net::ClientOptions client_options_from(const config::LayeredConfig& config) {
    net::ClientOptions options;
    if (const auto* mode = config.find({"network", "mode"}); mode && mode->is_string()) {
        auto text = mode->get<std::string>();
        if (text == "offline")
            options.mode = net::NetworkMode::offline;
        else if (text == "prefer-offline")
            options.mode = net::NetworkMode::prefer_offline;
        else if (text == "online")
            options.mode = net::NetworkMode::online;
        else
            throw Error(Code::config_invalid,
                        fmt::format("network.mode is \"{}\"; expected online, prefer-offline or "
                                    "offline",
                                    text));
    }
    if (const auto* max = config.find({"network", "maxConnections"});
        max && max->is_number_integer() && max->get<int>() > 0)
        options.max_connections = max->get<int>();
    return options;
}

} // namespace

std::filesystem::path store_root(const config::EnvLookup& env) {
    return store::default_store_root([&](std::string_view name) { return env(name); });
}

FetchSummary fetch_artifacts(const std::filesystem::path& root, const config::LayeredConfig& config,
                             const std::vector<Artifact>& artifacts, const FetchOptions& options) {
    store::Store store(root);
    net::Client client(client_options_from(config));
    return fetch_artifacts(store, client, artifacts, options);
}

} // namespace cairn::ops
