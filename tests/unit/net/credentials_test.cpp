#include "cairn/core/error.hpp"
#include "cairn/net/credentials.hpp"

#include <gtest/gtest.h>

#include <map>

namespace cairn::net {
namespace {

config::EnvLookup env_of(std::map<std::string, std::string> values) {
    return [values](std::string_view name) -> std::optional<std::string> {
        auto it = values.find(std::string(name));
        if (it == values.end())
            return std::nullopt;
        return it->second;
    };
}

std::string authorization_for(const Credentials& credentials, std::string_view url) {
    const Credential* found = credentials.find(Url::parse(url));
    return found ? found->authorization() : "";
}

TEST(Credentials, MatchOriginAndPathPrefixLongestFirst) {
    Credentials credentials;
    credentials.add(
        {Url::parse("https://r.example/"), SchemeMatch::exact, Credential::bearer("root", "test")});
    credentials.add({Url::parse("https://r.example/private/"), SchemeMatch::exact,
                     Credential::bearer("private", "test")});
    credentials.add({Url::parse("https://r.example/exact"), SchemeMatch::exact,
                     Credential::basic("u", "p", "test")});
    EXPECT_EQ(authorization_for(credentials, "https://r.example/x"), "Bearer root");
    EXPECT_EQ(authorization_for(credentials, "https://r.example/private/pkg"), "Bearer private");
    EXPECT_EQ(authorization_for(credentials, "https://r.example/privateer"), "Bearer root");
    EXPECT_EQ(authorization_for(credentials, "https://r.example/exact"), "Basic dTpw");
    EXPECT_EQ(authorization_for(credentials, "https://r.example/exact/more"), "Basic dTpw");
    EXPECT_EQ(authorization_for(credentials, "https://r.example/exactly"), "Bearer root");
    // Another scheme, port or host never matches.
    EXPECT_EQ(authorization_for(credentials, "http://r.example/x"), "");
    EXPECT_EQ(authorization_for(credentials, "https://r.example:8443/x"), "");
    EXPECT_EQ(authorization_for(credentials, "https://r.example.evil/x"), "");
    EXPECT_EQ(authorization_for(credentials, "https://evil/r.example/x"), "");
    // Dot segments cannot climb into a prefix's sibling.
    EXPECT_EQ(authorization_for(credentials, "https://r.example/private/../public"), "Bearer root");
}

TEST(Credentials, ReadsTheConfigAuthSection) {
    Credentials credentials;
    credentials.add_config(config::Json::parse(R"({
        "https://corp.example/npm/": {"token": "t0k"},
        "http://127.0.0.1:8080": {"username": "ci", "password": "s3cret"}
    })"),
                           "auth.user.json5");
    EXPECT_EQ(credentials.size(), 2u);
    EXPECT_EQ(authorization_for(credentials, "https://corp.example/npm/x"), "Bearer t0k");
    EXPECT_EQ(authorization_for(credentials, "http://127.0.0.1:8080/y"), "Basic Y2k6czNjcmV0");
    EXPECT_EQ(credentials.find(Url::parse("https://corp.example/npm/x"))->source,
              "auth.user.json5 (auth.\"https://corp.example/npm/\")");
}

TEST(Credentials, ConfigErrorsNameTheKeyNeverTheSecret) {
    auto error_of = [](const char* json) {
        Credentials credentials;
        try {
            credentials.add_config(config::Json::parse(json), "a.user.json5");
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), Code::config_invalid);
            return error.message();
        }
        return std::string("no error");
    };
    EXPECT_EQ(error_of(R"({"https://h/": {"token": "sekrit", "password": "x"}})"),
              "invalid credential entry auth.\"https://h/\" in a.user.json5: give either `token` "
              "or both `username` and `password`");
    EXPECT_EQ(error_of(R"({"https://me:sekrit@h/": {"token": "t"}})"),
              "invalid credential entry auth.\"https://***@h/\" in a.user.json5: the key must not "
              "hold a user name or password");
    EXPECT_EQ(error_of(R"({"not a url": {"token": "t"}})"),
              "invalid credential entry auth.\"not a url\" in a.user.json5: the key is not an http "
              "or https URL");
    EXPECT_EQ(error_of(R"({"https://h/": {"tokn": "sekrit"}})"),
              "invalid credential entry auth.\"https://h/\" in a.user.json5: unknown field `tokn`");
    EXPECT_EQ(error_of(R"(["x"])"), "auth in a.user.json5 must be an object keyed by URL prefix");
}

TEST(Credentials, ReadsNpmrcScopedEntries) {
    Credentials credentials;
    credentials.add_npmrc(R"(; comment
# another
//npm.corp.example/:_authToken=${CORP_TOKEN}
//127.0.0.1:4873/private/:_auth=dXNlcjpwYXNz
//basic.example/:username=bob
//basic.example/:_password="aHVudGVyMg=="
//other.example/:email=x@y
//optional.example/:_authToken=${UNSET_TOKEN?}
color=false
)",
                          env_of({{"CORP_TOKEN", "from-env"}}), ".npmrc");
    EXPECT_EQ(authorization_for(credentials, "https://npm.corp.example/pkg"), "Bearer from-env");
    // npm's keys have no scheme: http and https on the default ports alike.
    EXPECT_EQ(authorization_for(credentials, "http://npm.corp.example/pkg"), "Bearer from-env");
    EXPECT_EQ(authorization_for(credentials, "https://npm.corp.example:8443/pkg"), "");
    EXPECT_EQ(authorization_for(credentials, "http://127.0.0.1:4873/private/a"),
              "Basic dXNlcjpwYXNz");
    EXPECT_EQ(authorization_for(credentials, "http://127.0.0.1:4873/a"), "");
    EXPECT_EQ(authorization_for(credentials, "https://basic.example/"), "Basic Ym9iOmh1bnRlcjI=");
    EXPECT_EQ(authorization_for(credentials, "https://other.example/"), "");
    EXPECT_EQ(authorization_for(credentials, "https://optional.example/"), "");
    EXPECT_EQ(credentials.find(Url::parse("https://npm.corp.example/"))->source, ".npmrc:3");
}

TEST(Credentials, NpmrcUnscopedEntriesBindToTheFilesRegistry) {
    Credentials with_registry;
    with_registry.add_npmrc("registry=https://r.example/npm/\n_authToken=abc\n", {}, "rc");
    EXPECT_EQ(authorization_for(with_registry, "https://r.example/npm/x"), "Bearer abc");
    EXPECT_EQ(authorization_for(with_registry, "https://r.example/other"), "");
    Credentials without_registry;
    without_registry.add_npmrc("_authToken=abc\n", {}, "rc");
    EXPECT_TRUE(without_registry.empty());
}

TEST(Credentials, NpmrcErrors) {
    Credentials credentials;
    try {
        credentials.add_npmrc("\n//h/:_authToken=${MISSING}\n", env_of({}), "user.npmrc");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::config_invalid);
        EXPECT_EQ(error.message(), "user.npmrc:2: environment variable MISSING is not set");
    }
    try {
        credentials.add_npmrc("//h/:_auth=not-base64!\n", {}, "rc");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.message(), "rc:1: _auth must be base64 of \"username:password\"");
    }
}

} // namespace
} // namespace cairn::net
