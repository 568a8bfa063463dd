// npm configuration discovery: the .npmrc chain, npm_config_* variables, and a stand-in
// `npm` on PATH (a real process) asked once and remembered in the store.
#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include "cairn/core/error.hpp"
#include "cairn/ops/npm_config.hpp"
#include "cairn/registry/source_mapping.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace cairn::ops {
namespace {

namespace fs = std::filesystem;

struct Env {
    std::map<std::string, std::string> vars;
    config::EnvLookup lookup() const {
        return [vars = vars](std::string_view name) -> std::optional<std::string> {
            auto it = vars.find(std::string(name));
            if (it == vars.end())
                return std::nullopt;
            return it->second;
        };
    }
};

config::LayeredConfig load(const std::optional<fs::path>& project_dir) {
    config::ConfigLocations l;
    if (project_dir)
        l.project_dir = *project_dir;
    return config::LayeredConfig::load(
        l, [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
}

std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A stand-in for npm that prints `answer` and appends a line to `count` per run.
void fake_npm(const fs::path& bin, const fs::path& count, const std::string& answer,
              int status = 0) {
    test::write_file(bin / "npm", "#!/bin/sh\n"
                                  "echo \"$@\" >> '" +
                                      count.string() + "'\n" + "echo '" + answer + "'\n" + "exit " +
                                      std::to_string(status) + "\n");
    ::chmod((bin / "npm").c_str(), 0755);
}

std::size_t lines(const fs::path& file) {
    std::string text = read(file);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(NpmConfig, ProjectOverUserOverGlobalSettingBySetting) {
    test::TempDir tmp;
    test::write_file(tmp / "project/.npmrc", "registry=http://127.0.0.1:1/project/\n"
                                             "@a:registry=http://127.0.0.1:1/pa/\n");
    test::write_file(tmp / "user.npmrc", "registry=http://127.0.0.1:2/user/\n"
                                         "@a:registry=http://127.0.0.1:2/ua/\n"
                                         "@b:registry=http://127.0.0.1:2/ub/\n");
    test::write_file(tmp / "global.npmrc", "registry=http://127.0.0.1:3/global/\n"
                                           "@c:registry=http://127.0.0.1:3/gc/\n");
    Env env{{{"HOME", (tmp / "home").string()},
             {"npm_config_userconfig", (tmp / "user.npmrc").string()},
             {"NPM_CONFIG_GLOBALCONFIG", (tmp / "global.npmrc").string()}}};
    NpmConfig npm = read_npm_config({tmp / "project", env.lookup()});
    EXPECT_EQ(npm.files, (std::vector<fs::path>{tmp / "project/.npmrc", tmp / "user.npmrc",
                                                tmp / "global.npmrc"}));
    ASSERT_TRUE(npm.registries.registry);
    EXPECT_EQ(npm.registries.registry->url, "http://127.0.0.1:1/project/");
    EXPECT_EQ(npm.registries.registry->origin, (tmp / "project/.npmrc").string() + ":1");
    EXPECT_EQ(npm.registries.scopes.at("@a").url, "http://127.0.0.1:1/pa/");
    EXPECT_EQ(npm.registries.scopes.at("@b").url, "http://127.0.0.1:2/ub/");
    EXPECT_EQ(npm.registries.scopes.at("@c").url, "http://127.0.0.1:3/gc/");

    // Without the project file, the user's registry= wins over the global one.
    NpmConfig no_project = read_npm_config({std::nullopt, env.lookup()});
    EXPECT_EQ(no_project.registries.registry->url, "http://127.0.0.1:2/user/");
    EXPECT_EQ(no_project.registries.scopes.at("@a").url, "http://127.0.0.1:2/ua/");
}

TEST(NpmConfig, TheEnvironmentWinsOverEveryFile) {
    test::TempDir tmp;
    test::write_file(tmp / "project/.npmrc", "registry=http://127.0.0.1:1/project/\n");
    Env env{{{"NPM_CONFIG_REGISTRY", "http://127.0.0.1:9/upper/"}}};
    NpmConfig upper = read_npm_config({tmp / "project", env.lookup()});
    EXPECT_EQ(upper.registries.registry->url, "http://127.0.0.1:9/upper/");
    EXPECT_EQ(upper.registries.registry->origin, "environment variable NPM_CONFIG_REGISTRY");
    env.vars["npm_config_registry"] = "http://127.0.0.1:9/lower/";
    NpmConfig lower = read_npm_config({tmp / "project", env.lookup()});
    EXPECT_EQ(lower.registries.registry->url, "http://127.0.0.1:9/lower/");
    EXPECT_EQ(lower.registries.registry->origin, "environment variable npm_config_registry");
}

TEST(NpmConfig, UserAndGlobalFilesHaveDefaultPlaces) {
    test::TempDir tmp;
    test::write_file(tmp / "home/.npmrc", "@u:registry=http://127.0.0.1:2/u/\n");
    test::write_file(tmp / "prefix/etc/npmrc", "registry=http://127.0.0.1:3/g/\n");
    Env env{{{"HOME", (tmp / "home").string()}, {"npm_config_prefix", (tmp / "prefix").string()}}};
    NpmConfig npm = read_npm_config({std::nullopt, env.lookup()});
    EXPECT_EQ(npm.files, (std::vector<fs::path>{tmp / "home/.npmrc", tmp / "prefix/etc/npmrc"}));
    EXPECT_EQ(npm.registries.registry->url, "http://127.0.0.1:3/g/");
    EXPECT_EQ(npm.registries.scopes.at("@u").url, "http://127.0.0.1:2/u/");

    // The prefix of the node on PATH: <prefix>/bin/node -> <prefix>/etc/npmrc.
    test::write_file(tmp / "node-prefix/bin/node", "#!/bin/sh\n");
    ::chmod((tmp / "node-prefix/bin/node").c_str(), 0755);
    test::write_file(tmp / "node-prefix/etc/npmrc", "registry=http://127.0.0.1:4/node/\n");
    Env path_env{{{"PATH", (tmp / "node-prefix/bin").string()}}};
    NpmConfig by_node = read_npm_config({std::nullopt, path_env.lookup()});
    EXPECT_EQ(by_node.registries.registry->url, "http://127.0.0.1:4/node/");
}

TEST(NpmConfig, EveryFilesCredentialsApply) {
    test::TempDir tmp;
    test::write_file(tmp / "project/.npmrc", "//127.0.0.1:7/:_authToken=project-token\n");
    test::write_file(tmp / "home/.npmrc", "//127.0.0.1:7/:_authToken=user-token\n"
                                          "//127.0.0.1:8/private/:_authToken=${PRIVATE}\n");
    Env env{{{"HOME", (tmp / "home").string()}, {"PRIVATE", "private-token"}}};
    NpmConfig npm = read_npm_config({tmp / "project", env.lookup()});
    net::Credentials credentials;
    add_npm_credentials(credentials, npm, env.lookup());
    auto at = [&](std::string_view url) {
        const net::Credential* c = credentials.find(net::Url::parse(url));
        return c ? c->authorization() : std::string("none");
    };
    EXPECT_EQ(at("http://127.0.0.1:7/x"), "Bearer project-token"); // project wins a tie
    EXPECT_EQ(at("http://127.0.0.1:8/private/x"), "Bearer private-token");
    EXPECT_EQ(at("http://127.0.0.1:8/public/x"), "none");
}

TEST(NpmConfig, NpmIsAskedOnceAndItsAnswerRemembered) {
    test::TempDir tmp;
    fake_npm(tmp / "bin", tmp / "count", "http://127.0.0.1:5/from-npm/");
    Env env{{{"PATH", (tmp / "bin").string()}, {"HOME", (tmp / "home").string()}}};
    NpmConfigRequest request{std::nullopt, env.lookup(), tmp / "store"};
    auto config = load(std::nullopt);
    NpmConfig npm = read_npm_config(request);
    for (int run = 0; run < 3; ++run) {
        auto format = npm_registries(config, npm, request);
        registry::SourceMapping mapping(format);
        ASSERT_EQ(mapping.authority_for("anything")->registries.at(0).url,
                  "http://127.0.0.1:5/from-npm/");
    }
    EXPECT_EQ(read(tmp / "count"), "config get registry\n");
    EXPECT_EQ(read(tmp / "store/npm-registry"), "http://127.0.0.1:5/from-npm/\n");
    auto remembered = npm_default_registry(request);
    ASSERT_TRUE(remembered);
    EXPECT_EQ(remembered->origin, "`npm config get registry` (remembered in " +
                                      (tmp / "store/npm-registry").string() + ")");
    EXPECT_EQ(lines(tmp / "count"), 1u);
}

TEST(NpmConfig, NpmIsNotAskedWhenSomethingSetsTheRegistry) {
    test::TempDir tmp;
    fake_npm(tmp / "bin", tmp / "count", "http://127.0.0.1:5/from-npm/");
    test::write_file(tmp / "project/.config/cairn/r.json5",
                     R"({formats: {npm: {authorities: {corp: {registries: {
                         c: {protocol: "npm", url: "http://127.0.0.1:6/corp/"}}}}}}})");
    Env env{{{"PATH", (tmp / "bin").string()}}};
    NpmConfigRequest request{tmp / "project", env.lookup(), tmp / "store"};
    auto format =
        npm_registries(load(tmp / "project/.config/cairn"), read_npm_config(request), request);
    EXPECT_EQ(format.default_authority, "corp");
    test::write_file(tmp / "project/.npmrc", "registry=http://127.0.0.1:7/npmrc/\n");
    auto from_npmrc = npm_registries(load(std::nullopt), read_npm_config(request), request);
    EXPECT_EQ(from_npmrc.authorities.at(0).registries.at(0).url, "http://127.0.0.1:7/npmrc/");
    EXPECT_FALSE(fs::exists(tmp / "count"));
}

TEST(NpmConfig, NoRegistryAndNoNpmIsAClearError) {
    test::TempDir tmp;
    fs::create_directories(tmp / "empty-bin");
    Env env{{{"PATH", (tmp / "empty-bin").string()}}};
    NpmConfigRequest request{std::nullopt, env.lookup(), tmp / "store"};
    try {
        npm_registries(load(std::nullopt), read_npm_config(request), request);
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::config_invalid);
        EXPECT_EQ(format_plain(error),
                  "error: no npm registry is configured\n"
                  "  caused by: formats.npm has no default authority, no .npmrc sets registry=, "
                  "npm_config_registry is not set, and npm is not installed to ask\n"
                  "hint: set formats.npm.authorities.<name>.registries in cairn's configuration, "
                  "or registry=URL in .npmrc\n");
    }
}

TEST(NpmConfig, AnNpmThatFailsIsAnError) {
    test::TempDir tmp;
    fake_npm(tmp / "bin", tmp / "count", "oops", 3);
    Env env{{{"PATH", (tmp / "bin").string()}}};
    NpmConfigRequest request{std::nullopt, env.lookup(), tmp / "store"};
    try {
        npm_default_registry(request);
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::config_invalid);
        EXPECT_EQ(error.message(), "`npm config get registry` did not answer with a URL");
        EXPECT_EQ(error.causes().at(0), (tmp / "bin/npm").string() + " exited with status 3");
    }
    EXPECT_FALSE(fs::exists(tmp / "store/npm-registry"));
}

} // namespace
} // namespace cairn::ops
