// Levels, merging, conflicts, $clear, $schema, flags and explain, on real files in a
// temporary folder.
#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include "cairn/config/layered_config.hpp"
#include "cairn/core/error.hpp"

#include <gtest/gtest.h>

#include <map>

namespace cairn::config {
namespace {

class LayeredConfigTest : public ::testing::Test {
protected:
    test::TempDir m_tmp;
    std::map<std::string, std::string> m_env{{"HOME", "/home/someone"}};

    EnvLookup env() const {
        return [this](std::string_view name) -> std::optional<std::string> {
            auto it = m_env.find(std::string(name));
            if (it == m_env.end())
                return std::nullopt;
            return it->second;
        };
    }

    ConfigLocations locations() const {
        ConfigLocations l;
        l.system_dir = m_tmp / "system";
        l.user_dir = m_tmp / "user";
        l.project_dir = m_tmp / "project";
        return l;
    }

    void write(const std::string& rel, std::string_view text) {
        test::write_file(m_tmp / rel, text);
    }

    std::string path(const std::string& rel) const { return (m_tmp / rel).string(); }

    Error load_error(const ConfigLocations& l) {
        try {
            LayeredConfig::load(l, env());
        } catch (const Error& e) {
            return e;
        }
        ADD_FAILURE() << "expected the configuration to be refused";
        return Error(Code::internal, "loaded");
    }
};

TEST_F(LayeredConfigTest, DefaultsAloneGiveTheNetworkSettings) {
    auto config = LayeredConfig::load(locations(), env());
    EXPECT_EQ(*config.find({"network", "mode"}), "online");
    EXPECT_EQ(*config.find({"network", "maxConnections"}), 64);
    EXPECT_EQ(config.find({"network", "nothing"}), nullptr);
}

TEST_F(LayeredConfigTest, FilesOfOneLevelMerge) {
    write("project/a.json5", "{network: {mode: 'offline'}}");
    write("project/b.json", R"({"network": {"maxConnections": 8}})");
    write("project/notes.txt", "not config");
    auto config = LayeredConfig::load(locations(), env());
    EXPECT_EQ(*config.find({"network", "mode"}), "offline");
    EXPECT_EQ(*config.find({"network", "maxConnections"}), 8);
    EXPECT_EQ(config.sources().size(), 3u); // defaults + two files
}

TEST_F(LayeredConfigTest, ConflictWithinOneLevelNamesBothFilesAndTheKey) {
    write("project/a.json5", "{network: {mode: 'offline'}}");
    write("project/b.json5", "{\n  network: {\n    mode: 'online',\n  },\n}");
    Error e = load_error(locations());
    EXPECT_EQ(e.code(), Code::config_conflict);
    EXPECT_EQ(e.message(), "conflicting values for network.mode in the project configuration");
    ASSERT_EQ(e.causes().size(), 2u);
    EXPECT_EQ(e.causes()[0], path("project/a.json5") + ":1:18 sets \"offline\"");
    EXPECT_EQ(e.causes()[1], path("project/b.json5") + ":3:11 sets \"online\"");
}

TEST_F(LayeredConfigTest, SameValueInTwoFilesOfOneLevelIsFine) {
    write("user/a.json5", "{network: {mode: 'offline'}}");
    write("user/b.json5", "{network: {mode: 'offline'}}");
    EXPECT_EQ(*LayeredConfig::load(locations(), env()).find({"network", "mode"}), "offline");
}

TEST_F(LayeredConfigTest, HigherLevelWinsKeyByKey) {
    write("system/a.json5", "{network: {mode: 'offline', metadataTtl: '1h'}}");
    write("user/a.json5", "{network: {mode: 'prefer-offline'}}");
    write("project/a.json5", "{network: {maxConnections: 4}}");
    auto config = LayeredConfig::load(locations(), env());
    EXPECT_EQ(*config.find({"network", "mode"}), "prefer-offline");
    EXPECT_EQ(*config.find({"network", "metadataTtl"}), "1h");
    EXPECT_EQ(*config.find({"network", "maxConnections"}), 4);
}

TEST_F(LayeredConfigTest, ClearDropsWhatLowerLevelsPutThere) {
    write("user/a.json5", "{mirrors: {'https://a/x.git': 'https://m/x.git', 'https://b/y.git': "
                          "'https://m/y.git'}}");
    write("project/a.json5", "{mirrors: {'$clear': true, 'https://c/z.git': 'https://m/z.git'}}");
    auto config = LayeredConfig::load(locations(), env());
    EXPECT_EQ(config.find({"mirrors"})->dump(), R"({"https://c/z.git":"https://m/z.git"})");
}

TEST_F(LayeredConfigTest, ClearMustBeABoolean) {
    write("project/a.json5", "{mirrors: {'$clear': 'yes'}}");
    Error e = load_error(locations());
    EXPECT_EQ(e.code(), Code::config_invalid);
    EXPECT_EQ(e.message(), "mirrors.$clear must be true or false, not \"yes\"");
    EXPECT_EQ(e.context().at(0), "reading " + path("project/a.json5") + ":1:22");
}

TEST_F(LayeredConfigTest, SchemaVersionIsChecked) {
    write("project/a.json5", "{'$schema': 'cairn-config/2', network: {}}");
    Error e = load_error(locations());
    EXPECT_EQ(e.code(), Code::config_invalid);
    EXPECT_EQ(e.message(), path("project/a.json5") +
                               ":1:13 is written for \"cairn-config/2\", but this cairn reads "
                               "cairn-config/1");
    write("project/a.json5", "{'$schema': 'cairn-config/1', network: {}}");
    EXPECT_NO_THROW(LayeredConfig::load(locations(), env()));
}

TEST_F(LayeredConfigTest, ParseErrorsCarryFileLineAndColumn) {
    write("project/a.json5", "{\n  network: {mode: 'offline'\n}");
    Error e = load_error(locations());
    EXPECT_EQ(e.code(), Code::config_parse);
    EXPECT_EQ(e.message(), path("project/a.json5") +
                               ":3:2: expected ',' or '}' after an object member, found end of "
                               "input");
}

TEST_F(LayeredConfigTest, TopLevelMustBeAnObject) {
    write("project/a.json5", "[1]");
    Error e = load_error(locations());
    EXPECT_EQ(e.message(), path("project/a.json5") + " must hold an object ({ ... }), not [1]");
}

TEST_F(LayeredConfigTest, EnvironmentVariablesExpandAtLoad) {
    m_env["NPM_REGISTRY"] = "https://registry.example/";
    write("project/a.json5", "{formats: {npm: {authorities: {public: {registries: {up: "
                             "{protocol: 'npm', url: '${env:NPM_REGISTRY}'}}}}}}}");
    auto config = LayeredConfig::load(locations(), env());
    EXPECT_EQ(*config.find(parse_key_path("formats.npm.authorities.public.registries.up.url")),
              "https://registry.example/");
}

TEST_F(LayeredConfigTest, MissingEnvironmentVariableNamesFileAndKey) {
    write("project/a.json5", "{\n  auth: {\n    token: '${env:CAIRN_TEST_UNSET}',\n  },\n}");
    Error e = load_error(locations());
    EXPECT_EQ(e.code(), Code::config_variable);
    EXPECT_EQ(e.message(), "environment variable CAIRN_TEST_UNSET is not set");
    EXPECT_EQ(e.context().at(0), "reading auth.token at " + path("project/a.json5") + ":3:12");
}

TEST_F(LayeredConfigTest, UnknownVariableNamesFileAndKey) {
    write("project/a.json5", "{x: {url: 'https://h/${PACKAGE}/'}}");
    Error e = load_error(locations());
    EXPECT_EQ(e.code(), Code::config_variable);
    EXPECT_EQ(e.message(), "unknown variable ${PACKAGE}");
    EXPECT_EQ(e.context().at(0), "reading x.url at " + path("project/a.json5") + ":1:11");
}

TEST_F(LayeredConfigTest, PackageVariablesAreKeptForLater) {
    write("project/a.json5", "{x: {url: 'https://h/${PACKAGE_NAME:0-0}/${PACKAGE_NAME}'}}");
    auto config = LayeredConfig::load(locations(), env());
    EXPECT_EQ(*config.find({"x", "url"}), "https://h/${PACKAGE_NAME:0-0}/${PACKAGE_NAME}");
}

TEST_F(LayeredConfigTest, CairnConfigFilesAreALevelAboveTheProject) {
    write("project/a.json5", "{network: {mode: 'offline'}}");
    write("extra/one.json5", "{network: {mode: 'prefer-offline'}}");
    auto l = locations();
    l.environment_files.push_back(m_tmp / "extra/one.json5");
    EXPECT_EQ(*LayeredConfig::load(l, env()).find({"network", "mode"}), "prefer-offline");
    l.environment_files.push_back(m_tmp / "extra/missing.json5");
    Error e = load_error(l);
    EXPECT_EQ(e.code(), Code::io);
    EXPECT_EQ(e.message(),
              "CAIRN_CONFIG names " + path("extra/missing.json5") + ", which is not a file");
}

TEST_F(LayeredConfigTest, FlagsWinOverEverything) {
    write("project/a.json5", "{network: {mode: 'offline'}}");
    auto l = locations();
    l.flags.push_back(parse_flag_assignment("network.mode=online"));
    l.flags.push_back(parse_flag_assignment("network.maxConnections=2"));
    auto config = LayeredConfig::load(l, env());
    EXPECT_EQ(*config.find({"network", "mode"}), "online");
    EXPECT_EQ(*config.find({"network", "maxConnections"}), 2); // JSON5, so a number
}

TEST_F(LayeredConfigTest, ExplainListsEverySourceHighestFirst) {
    write("system/a.json5", "{network: {mode: 'offline'}}");
    write("project/x.json5", "{\n  network: {mode: 'prefer-offline'}}");
    auto l = locations();
    l.flags.push_back(parse_flag_assignment("network.mode=online"));
    auto config = LayeredConfig::load(l, env());
    auto settings = config.explain({"network", "mode"});
    ASSERT_EQ(settings.size(), 4u);
    EXPECT_EQ(settings[0].source->level, Level::flags);
    EXPECT_EQ(settings[0].source->name, "--config network.mode=online");
    EXPECT_EQ(settings[1].source->name, path("project/x.json5"));
    EXPECT_EQ(settings[1].position.line, 2u);
    EXPECT_EQ(settings[1].position.column, 19u);
    EXPECT_EQ(settings[1].value, Json("prefer-offline"));
    EXPECT_EQ(settings[2].source->level, Level::system);
    EXPECT_EQ(settings[3].source->level, Level::defaults);
    EXPECT_EQ(config.origin({"network", "mode"}), "--config network.mode=online");
}

TEST_F(LayeredConfigTest, ExplainShowsAClearAbove) {
    write("user/a.json5", "{mirrors: {'https://a/x.git': 'https://m/x.git'}}");
    write("project/a.json5", "{mirrors: {'$clear': true}}");
    auto config = LayeredConfig::load(locations(), env());
    auto settings = config.explain({"mirrors", "https://a/x.git"});
    ASSERT_EQ(settings.size(), 2u);
    EXPECT_TRUE(settings[0].clears);
    EXPECT_FALSE(settings[0].value.has_value());
    EXPECT_EQ(settings[0].source->level, Level::project);
    EXPECT_FALSE(settings[1].clears);
    EXPECT_EQ(config.find({"mirrors", "https://a/x.git"}), nullptr);
}

TEST_F(LayeredConfigTest, CredentialsOutsideUserFilesWarn) {
    write("project/auth.user.json5", "{registryAuth: {token: 'abc'}}");
    auto quiet = LayeredConfig::load(locations(), env());
    EXPECT_TRUE(quiet.warnings().empty());
    write("project/shared.json5", "{other: {password: 'hunter2'}}");
    auto config = LayeredConfig::load(locations(), env());
    ASSERT_EQ(config.warnings().size(), 1u);
    EXPECT_EQ(config.warnings()[0],
              path("project/shared.json5") +
                  ":1:20: other.password holds a credential in a shared file; move it to a "
                  "*.user.json5 file (kept out of git) or read it from the environment with "
                  "${env:NAME}");
}

TEST_F(LayeredConfigTest, StandardLocations) {
    auto l = standard_locations(
        [](std::string_view n) -> std::optional<std::string> {
            if (n == "XDG_CONFIG_HOME")
                return "/x/cfg";
            if (n == "CAIRN_CONFIG")
                return "/a.json5::/b.json5";
            return std::nullopt;
        },
        std::filesystem::path("/p"));
    EXPECT_EQ(l.system_dir, std::filesystem::path("/etc/cairn"));
    EXPECT_EQ(l.user_dir, std::filesystem::path("/x/cfg/cairn"));
    EXPECT_EQ(l.project_dir, std::filesystem::path("/p/.config/cairn"));
    ASSERT_EQ(l.environment_files.size(), 2u);
    EXPECT_EQ(l.environment_files[1], std::filesystem::path("/b.json5"));
}

TEST_F(LayeredConfigTest, ProjectRootIsTheNearestManifest) {
    write("repo/.config/cairn/a.json5", "{}");
    write("repo/app/package.json", "{}");
    std::filesystem::create_directories(m_tmp / "repo/app/src/deep");
    std::filesystem::create_directories(m_tmp / "repo/docs");
    EXPECT_EQ(find_project_root(m_tmp / "repo/app/src/deep"), m_tmp / "repo/app");
    EXPECT_EQ(find_project_root(m_tmp / "repo/docs"), m_tmp / "repo");
}

} // namespace
} // namespace cairn::config
