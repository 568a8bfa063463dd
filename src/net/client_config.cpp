#include "cairn/net/client_config.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

namespace cairn::net {

namespace {

Error invalid(const config::LayeredConfig& config, const config::KeyPath& key,
              std::string_view expected) {
    std::string where = config.origin(key);
    return Error(Code::config_invalid,
                 fmt::format("{}{}{} must be {}", where, where.empty() ? "" : ": ",
                             config::format_key_path(key), expected));
}

int connection_count(const config::LayeredConfig& config, const config::KeyPath& key,
                     int fallback) {
    const config::Json* value = config.find(key);
    if (!value)
        return fallback;
    if (!value->is_number_integer() || value->get<std::int64_t>() < 1 ||
        value->get<std::int64_t>() > 4096)
        throw invalid(config, key, "a whole number from 1 to 4096");
    return static_cast<int>(value->get<std::int64_t>());
}

} // namespace

ClientOptions client_options(const config::LayeredConfig& config) {
    ClientOptions options;
    const config::KeyPath mode_key{"network", "mode"};
    if (const config::Json* mode = config.find(mode_key)) {
        std::string text = mode->is_string() ? mode->get<std::string>() : std::string();
        if (text == "online")
            options.mode = NetworkMode::online;
        else if (text == "prefer-offline")
            options.mode = NetworkMode::prefer_offline;
        else if (text == "offline")
            options.mode = NetworkMode::offline;
        else
            throw invalid(config, mode_key, "\"online\", \"prefer-offline\" or \"offline\"");
    }
    options.max_connections =
        connection_count(config, {"network", "maxConnections"}, options.max_connections);
    options.max_per_host =
        connection_count(config, {"network", "maxConnectionsPerHost"}, options.max_connections);
    const config::KeyPath hedging_key{"network", "hedging"};
    if (const config::Json* hedging = config.find(hedging_key)) {
        if (!hedging->is_boolean())
            throw invalid(config, hedging_key, "true or false");
        if (!hedging->get<bool>())
            options.hedge_floor = std::chrono::milliseconds(0);
    }
    const config::KeyPath ca_key{"network", "caFile"};
    if (const config::Json* ca = config.find(ca_key)) {
        if (!ca->is_string() || ca->get<std::string>().empty())
            throw invalid(config, ca_key, "the path of a PEM file");
        options.ca_file = ca->get<std::string>();
    }
    const config::KeyPath auth_key{"auth"};
    if (const config::Json* auth = config.find(auth_key)) {
        std::string where = config.origin(auth_key);
        options.credentials.add_config(*auth, where.empty() ? "the configuration" : where);
    }
    return options;
}

} // namespace cairn::net
