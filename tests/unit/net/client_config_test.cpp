#include "support/temp_dir.hpp"

#include "cairn/core/error.hpp"
#include "cairn/net/client_config.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace cairn::net {
namespace {

config::EnvLookup env_with_token() {
    return [](std::string_view name) -> std::optional<std::string> {
        if (name == "CORP_TOKEN")
            return "from-env";
        return std::nullopt;
    };
}

config::LayeredConfig load(const test::TempDir& dir, std::vector<config::FlagSetting> flags = {}) {
    config::ConfigLocations locations;
    locations.user_dir = dir.path();
    locations.flags = std::move(flags);
    return config::LayeredConfig::load(locations, env_with_token());
}

// The message client_options() refuses `dir`'s configuration with ("" when it accepts it).
std::string refusal(const test::TempDir& dir) {
    try {
        client_options(load(dir));
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::config_invalid);
        return error.message();
    }
    return "";
}

TEST(ClientConfig, DefaultsGiveAnOnlineClient) {
    test::TempDir dir;
    ClientOptions options = client_options(load(dir));
    EXPECT_EQ(options.mode, NetworkMode::online);
    EXPECT_EQ(options.max_connections, 64);
    EXPECT_EQ(options.max_per_host, 64);
    EXPECT_FALSE(options.ca_file);
    EXPECT_TRUE(options.credentials.empty());
    EXPECT_EQ(options.hedge_floor, std::chrono::milliseconds(20));
}

TEST(ClientConfig, HedgingCanBeTurnedOff) {
    test::TempDir dir;
    std::ofstream(dir / "network.json5") << "{ network: { hedging: false } }";
    EXPECT_EQ(client_options(load(dir)).hedge_floor, std::chrono::milliseconds(0));
    std::ofstream(dir / "network.json5") << "{ network: { hedging: true } }";
    EXPECT_EQ(client_options(load(dir)).hedge_floor, std::chrono::milliseconds(20));
    std::ofstream(dir / "network.json5") << "{ network: { hedging: 'yes' } }";
    EXPECT_EQ(refusal(dir),
              (dir / "network.json5").string() + ":1:23: network.hedging must be true or false");
}

TEST(ClientConfig, ReadsNetworkAndAuth) {
    test::TempDir dir;
    std::ofstream(dir / "network.json5")
        << "{ network: { maxConnections: 16, maxConnectionsPerHost: 4, caFile: 'corp-ca.pem' } }";
    std::ofstream(dir / "auth.user.json5")
        << "{ auth: { 'https://npm.corp.example/': { token: '${env:CORP_TOKEN}' } } }";
    ClientOptions options =
        client_options(load(dir, {config::parse_flag_assignment("network.mode=offline")}));
    EXPECT_EQ(options.mode, NetworkMode::offline);
    EXPECT_EQ(options.max_connections, 16);
    EXPECT_EQ(options.max_per_host, 4);
    EXPECT_EQ(options.ca_file, "corp-ca.pem");
    const Credential* credential =
        options.credentials.find(Url::parse("https://npm.corp.example/x"));
    ASSERT_TRUE(credential);
    EXPECT_EQ(credential->authorization(), "Bearer from-env");
}

TEST(ClientConfig, RefusesBadValues) {
    test::TempDir dir;
    std::ofstream(dir / "network.json5") << "{ network: { mode: 'sometimes' } }";
    EXPECT_EQ(refusal(dir), (dir / "network.json5").string() +
                                ":1:20: network.mode must be \"online\", \"prefer-offline\" "
                                "or \"offline\"");
}

} // namespace
} // namespace cairn::net
