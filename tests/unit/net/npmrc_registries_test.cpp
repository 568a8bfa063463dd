// registry= and @scope:registry= from .npmrc text.
#include "cairn/core/error.hpp"
#include "cairn/net/npmrc.hpp"

#include <gtest/gtest.h>

namespace cairn::net {
namespace {

config::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    };
}

TEST(NpmrcRegistries, ReadsTheRegistryAndScopes) {
    auto r = parse_npmrc_registries("; a comment\n"
                                    "registry=http://127.0.0.1:1/first/\n"
                                    "@acme:registry = \"http://127.0.0.1:2/acme/\"\n"
                                    "//127.0.0.1:2/acme/:_authToken=${TOKEN}\n"
                                    "registry=http://127.0.0.1:1/${SUB}/\n"
                                    "@Other:registry=http://127.0.0.1:3/\n",
                                    env_of({{"SUB", "second"}}), "home/.npmrc");
    ASSERT_TRUE(r.registry);
    EXPECT_EQ(r.registry->url, "http://127.0.0.1:1/second/"); // a later line wins
    EXPECT_EQ(r.registry->origin, "home/.npmrc:5");
    ASSERT_EQ(r.scopes.size(), 2u);
    EXPECT_EQ(r.scopes.at("@acme"), (NpmrcSetting{"http://127.0.0.1:2/acme/", "home/.npmrc:3"}));
    EXPECT_EQ(r.scopes.at("@Other").url, "http://127.0.0.1:3/");
}

TEST(NpmrcRegistries, BadSettingsNameTheFileAndLine) {
    auto message = [](std::string_view text) {
        try {
            parse_npmrc_registries(text, env_of({}), "p/.npmrc");
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), Code::config_invalid);
            return error.message();
        }
        return std::string("no error");
    };
    EXPECT_EQ(message("\nregistry=${NOPE}\n"), "p/.npmrc:2: environment variable NOPE is not set");
    EXPECT_EQ(message("registry=\n"), "p/.npmrc:1: registry has an empty value");
    EXPECT_EQ(message("@a/b:registry=http://x/\n"), "p/.npmrc:1: \"@a/b\" is not a scope (@name)");
    EXPECT_EQ(message("registry=${OPTIONAL?}\n"), "p/.npmrc:1: registry has an empty value");
}

TEST(NpmrcRegistries, HigherLevelsWinSettingBySetting) {
    NpmrcRegistries global{NpmrcSetting{"http://g/", "g"},
                           {{"@a", {"http://ga/", "g"}}, {"@b", {"http://gb/", "g"}}}};
    NpmrcRegistries user{std::nullopt, {{"@a", {"http://ua/", "u"}}}};
    merge_npmrc_registries(global, user);
    EXPECT_EQ(global.registry->url, "http://g/");
    EXPECT_EQ(global.scopes.at("@a").url, "http://ua/");
    EXPECT_EQ(global.scopes.at("@b").url, "http://gb/");
}

} // namespace
} // namespace cairn::net
