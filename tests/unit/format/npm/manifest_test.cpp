#include "cairn/core/error.hpp"
#include "cairn/format/npm/manifest.hpp"

#include <gtest/gtest.h>

namespace cairn::format::npm {
namespace {

Error manifest_error(std::string_view text) {
    try {
        read_manifest(text, "package.json");
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected the manifest to be refused";
    return Error(Code::internal, "accepted");
}

TEST(Manifest, ReadsEveryDependencyField) {
    auto m = read_manifest(R"({
      "name": "@acme/app", "version": "1.0.0",
      "dependencies": {"debug": "^4", "fsevents": "^2"},
      "devDependencies": {"jest": "29.x"},
      "optionalDependencies": {"fsevents": "^2.3"},
      "peerDependencies": {"react": ">=17", "react-dom": ">=17"},
      "peerDependenciesMeta": {"react-dom": {"optional": true}},
      "scripts": {"postinstall": "node setup.js", "test": "jest"},
      "os": ["darwin", "linux"], "cpu": "x64",
      "overrides": {"debug": "4.3.4"}
    })",
                           "package.json");
    EXPECT_EQ(m.name, "@acme/app");
    EXPECT_EQ(m.version, "1.0.0");
    ASSERT_EQ(m.dependencies.size(), 5u);
    EXPECT_EQ(m.dependencies[0].name, "debug");
    EXPECT_EQ(m.dependencies[1].name, "jest");
    EXPECT_EQ(m.dependencies[1].type, DependencyType::dev);
    EXPECT_EQ(m.dependencies[2].name, "fsevents"); // optional wins over prod
    EXPECT_EQ(m.dependencies[2].type, DependencyType::optional);
    EXPECT_EQ(m.dependencies[3].type, DependencyType::peer);
    EXPECT_FALSE(m.dependencies[3].peer_optional);
    EXPECT_TRUE(m.dependencies[4].peer_optional);
    EXPECT_TRUE(m.has_install_scripts());
    EXPECT_EQ(m.os, (std::vector<std::string>{"darwin", "linux"}));
    EXPECT_EQ(m.cpu, (std::vector<std::string>{"x64"}));
    EXPECT_EQ(m.overrides.dump(), R"({"debug":"4.3.4"})");
}

TEST(Manifest, BinForms) {
    auto single = read_manifest(R"({"name": "@x/tool", "bin": "./bin/cli.js"})", "package.json");
    ASSERT_EQ(single.bin.size(), 1u);
    EXPECT_EQ(single.bin[0].name, "tool");
    EXPECT_EQ(single.bin[0].target, "bin/cli.js");
    auto many =
        read_manifest(R"({"name": "t", "bin": {"a": "lib/../a.js", "b": "b.js"}})", "package.json");
    EXPECT_EQ(many.bin[0].target, "a.js");
}

TEST(Manifest, BinOutsideThePackageIsRefused) {
    Error e = manifest_error(R"({"name": "t", "bin": {"evil": "../../.bashrc"}})");
    EXPECT_EQ(e.code(), Code::manifest_invalid);
    EXPECT_EQ(e.message(), "package.json: bin.evil points outside the package: \"../../.bashrc\"");
    EXPECT_EQ(manifest_error(R"({"name": "t", "bin": {"../x": "a.js"}})").message(),
              "package.json: bin has an invalid command name \"../x\"");
    EXPECT_EQ(manifest_error(R"({"name": "t", "bin": {"x": "/etc/passwd"}})").message(),
              "package.json: bin.x points outside the package: \"/etc/passwd\"");
}

TEST(Manifest, JsonErrorsCarryLineAndColumn) {
    Error e = manifest_error("{\n  \"name\": \"a\",\n  \"version\": 1.0.0\n}");
    EXPECT_EQ(e.code(), Code::manifest_invalid);
    EXPECT_TRUE(e.message().starts_with("package.json:3:17: invalid JSON: ")) << e.message();
    // A number no double holds is refused as invalid JSON too, not left to escape as
    // nlohmann's own exception.
    EXPECT_EQ(manifest_error(R"({"name": "a", "n": 1e400})").message(),
              "package.json: invalid JSON: number overflow parsing '1e400'");
}

TEST(Manifest, BadFields) {
    EXPECT_EQ(manifest_error(R"({"name": "Bad Name"})").message(),
              "package.json: name \"Bad Name\" is not a valid package name: the name may not "
              "contain capital letters");
    EXPECT_EQ(manifest_error(R"({"dependencies": {"a": 1}})").message(),
              "package.json: dependencies.a must be a string");
    EXPECT_EQ(manifest_error(R"({"dependencies": {"../evil": "1"}})").message(),
              "package.json: dependencies names \"../evil\", which is not a valid package name: "
              "the name may not start with '.'");
    EXPECT_EQ(manifest_error("[]").message(), "package.json: must hold a JSON object");
}

TEST(Manifest, UnsupportedRootFeaturesAreClearErrors) {
    auto git = read_manifest(R"({"dependencies": {"x": "github:user/x"}})", "package.json");
    try {
        check_root_supported(git);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::unsupported);
        EXPECT_EQ(e.message(),
                  "package.json: git dependency \"x\": \"github:user/x\" is not supported yet");
    }
    auto ws = read_manifest(R"({"workspaces": ["packages/*"]})", "package.json");
    try {
        check_root_supported(ws);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "package.json: workspaces are not supported yet");
    }
    EXPECT_NO_THROW(check_root_supported(
        read_manifest(R"({"dependencies": {"a": "^1", "b": "file:../b"}})", "package.json")));
}

} // namespace
} // namespace cairn::format::npm
