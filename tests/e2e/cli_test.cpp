// The binary's contract: version, help, usage errors, exit statuses, --json errors.
#include "cli_env.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cairn::test {
namespace {

TEST(Cli, Version) {
    CliSandbox sandbox;
    auto r = sandbox.cairn({"--version"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "cairn 0.1.0\n");
}

TEST(Cli, HelpForACommand) {
    CliSandbox sandbox;
    auto r = sandbox.cairn({"help", "config"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("Show and check the layered configuration"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("explain"), std::string::npos);
    auto top = sandbox.cairn({"help"});
    EXPECT_EQ(top.status, 0);
    EXPECT_NE(top.out.find("config"), std::string::npos);
    EXPECT_NE(top.out.find("--offline"), std::string::npos);
}

// Only the command named is built (src/cli/app.hpp): by its name or an alias, after global
// options with and without values; every command when the word is no command's.
TEST(Cli, ACommandIsFoundByNameOrAliasAfterGlobalOptions) {
    CliSandbox sandbox;
    const std::pair<std::vector<std::string>, std::string> lines[] = {
        {{"i", "--help"}, "Usage: cairn install"},
        {{"--offline", "-C", ".", "-vv", "rm", "--help"}, "Usage: cairn remove"},
        {{"--config=network.mode=\"offline\"", "--json", "ls", "--help"}, "Usage: cairn tree"},
        {{"-q", "explain", "--help"}, "Usage: cairn why"},
        {{"--frozen", "install"}, ""}, // not a global option: every command is built
    };
    for (const auto& [args, usage] : lines) {
        auto r = sandbox.cairn(args);
        if (usage.empty()) {
            EXPECT_EQ(r.status, 2) << r.err;
            EXPECT_NE(r.err.find("--frozen"), std::string::npos) << r.err;
            continue;
        }
        EXPECT_EQ(r.status, 0) << args[0] << ": " << r.err;
        EXPECT_NE(r.out.find(usage), std::string::npos) << args[0] << ": " << r.out;
    }
}

TEST(Cli, HelpForAnUnknownCommandIsAUsageError) {
    CliSandbox sandbox;
    auto r = sandbox.cairn({"help", "instal"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "error: no command named 'instal'\n"
                     "hint: `cairn help` lists the commands\n");
}

TEST(Cli, UnknownCommandIsAUsageError) {
    CliSandbox sandbox;
    auto r = sandbox.cairn({"frobnicate"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "error: The following argument was not expected: frobnicate\n"
                     "hint: run `cairn help` (or `cairn help COMMAND`) for the usage\n");
}

TEST(Cli, JsonErrorsAreOneObjectOnStderr) {
    CliSandbox sandbox;
    auto r = sandbox.cairn({"--json", "config", "get", "network.nope"});
    EXPECT_EQ(r.status, 4);
    EXPECT_EQ(r.out, "");
    auto j = nlohmann::json::parse(r.err);
    EXPECT_EQ(j["error"]["code"], "config_key");
    EXPECT_EQ(j["error"]["exit"], 4);
    EXPECT_EQ(j["error"]["message"], "no configuration sets network.nope");
    EXPECT_EQ(j["error"]["hints"][0], "`cairn config list` shows every key that is set");
}

TEST(Cli, NoColourWhenNotATerminal) {
    CliSandbox sandbox;
    sandbox.set_env("NO_COLOR", "");
    auto r = sandbox.cairn({"config", "get", "network.nope"});
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "stderr is a pipe: no escape codes";
}

} // namespace
} // namespace cairn::test
