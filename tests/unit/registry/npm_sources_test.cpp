// .npmrc's registries beneath cairn's own authorities.
#include "cairn/core/error.hpp"
#include "cairn/registry/npm_sources.hpp"
#include "cairn/registry/source_mapping.hpp"

#include <gtest/gtest.h>

namespace cairn::registry {
namespace {

Authority authority(std::string name, std::vector<std::string> packages, std::string url) {
    Authority a;
    a.name = std::move(name);
    a.packages = std::move(packages);
    Registry r;
    r.name = "r";
    r.url = std::move(url);
    a.registries.push_back(r);
    return a;
}

net::NpmrcRegistries npmrc(std::optional<std::string> registry,
                           std::map<std::string, std::string> scopes = {}) {
    net::NpmrcRegistries out;
    if (registry)
        out.registry = net::NpmrcSetting{*registry, "test"};
    for (const auto& [scope, url] : scopes)
        out.scopes[scope] = net::NpmrcSetting{url, "test"};
    return out;
}

std::string serving(const FormatRegistries& format, std::string_view name) {
    SourceMapping mapping(format);
    const Authority* a = mapping.authority_for(name);
    return a ? a->name + " " + a->registries.at(0).url : "none";
}

TEST(NpmSources, WithoutCairnConfigurationNpmrcIsEverything) {
    EXPECT_TRUE(needs_default_registry(nullptr));
    auto format = npm_authorities(nullptr, npmrc("http://pub/", {{"@acme", "http://acme/"}}));
    EXPECT_EQ(format.default_authority, "npmrc");
    EXPECT_EQ(serving(format, "left-pad"), "npmrc http://pub/");
    EXPECT_EQ(serving(format, "@acme/tool"), "npmrc:@acme http://acme/");
    EXPECT_EQ(serving(format, "@other/tool"), "npmrc http://pub/");
}

TEST(NpmSources, CairnsDefaultAuthorityWinsOverRegistryEquals) {
    FormatRegistries configured;
    configured.format = "npm";
    configured.authorities = {authority("corp", {}, "http://corp/")};
    configured.default_authority = "corp";
    EXPECT_FALSE(needs_default_registry(&configured));
    auto format = npm_authorities(&configured, npmrc("http://pub/", {{"@acme", "http://acme/"}}));
    EXPECT_EQ(format.default_authority, "corp");
    EXPECT_EQ(format.authorities.size(), 2u);
    EXPECT_EQ(serving(format, "left-pad"), "corp http://corp/");
    EXPECT_EQ(serving(format, "@acme/tool"), "npmrc:@acme http://acme/");
}

TEST(NpmSources, ACairnPatternClaimingTheScopeWins) {
    FormatRegistries configured;
    configured.format = "npm";
    configured.authorities = {authority("corp", {}, "http://corp/"),
                              authority("acme", {"@acme/*"}, "http://cairn-acme/"),
                              authority("one", {"@solo/exact"}, "http://solo/")};
    configured.default_authority = "corp";
    auto format = npm_authorities(
        &configured, npmrc(std::nullopt, {{"@acme", "http://acme/"}, {"@solo", "http://s/"}}));
    EXPECT_EQ(serving(format, "@acme/tool"), "acme http://cairn-acme/");
    EXPECT_EQ(serving(format, "@solo/exact"), "one http://solo/"); // exact beats @solo/*
    EXPECT_EQ(serving(format, "@solo/other"), "npmrc:@solo http://s/");
}

TEST(NpmSources, NoRegistryAnywhereIsAConfigError) {
    try {
        npm_authorities(nullptr, npmrc(std::nullopt));
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::config_invalid);
        EXPECT_EQ(error.message(), "no npm registry is configured");
        EXPECT_EQ(error.hints().at(0), "set formats.npm.authorities.<name>.registries in cairn's "
                                       "configuration, or registry=URL in .npmrc");
    }
}

} // namespace
} // namespace cairn::registry
