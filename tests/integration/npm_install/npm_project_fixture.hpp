#pragma once

// A project folder, a fresh store and a fixture npm registry folder for end-to-end tests of
// `cairn install` and friends (the real binary, real files; no network).
#include "support/npm_registry/npm_registry.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cairn::test {

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline void write_file(const std::filesystem::path& path, std::string_view text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

class NpmProjectTest : public ::testing::Test {
protected:
    TempDir dir;
    std::filesystem::path project = dir / "app";
    NpmRegistryFixture registry{dir / "registry"};

    void SetUp() override { std::filesystem::create_directories(project); }

    // Writes package.json and an .npmrc pointing at the fixture registry (folder URL).
    void manifest(std::string_view json) {
        write_file(project / "package.json", json);
        write_file(project / ".npmrc", "registry=" + registry.file_url() + "\n");
    }

    RunOptions options() const {
        RunOptions o;
        o.cwd = project;
        o.env["CAIRN_HOME"] = (dir / "store").string();
        o.env["XDG_CONFIG_HOME"] = (dir / "config").string();
        o.env["npm_config_userconfig"] = (dir / "npmrc-user").string();
        o.env["CAIRN_NO_PROGRESS"] = "1";
        o.unset_env = {"CAIRN_CONFIG", "npm_config_registry", "NPM_CONFIG_REGISTRY"};
        return o;
    }

    RunResult cairn(std::vector<std::string> args) const { return run_cairn(args, options()); }

    std::string installed_version(const std::string& path) const {
        std::string text = read_file(project / path / "package.json");
        auto at = text.find("\"version\"");
        if (at == std::string::npos)
            return "";
        auto start = text.find('"', text.find(':', at)) + 1;
        return text.substr(start, text.find('"', start) - start);
    }

    static NpmFixtureVersion v(std::string version) {
        NpmFixtureVersion out;
        out.version = std::move(version);
        return out;
    }
};

#define EXPECT_OK(result)                                                                          \
    do {                                                                                           \
        auto&& r_ = (result);                                                                      \
        EXPECT_EQ(r_.status, 0) << "stdout:\n" << r_.out << "\nstderr:\n" << r_.err;               \
    } while (0)

} // namespace cairn::test
