// `cairn config ...` end to end on real files: exact output, exit statuses.
#include "cli_env.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cairn::test {
namespace {

// Explain aligns its columns to the real paths, which [TMP] shortens: compare with runs of
// spaces squeezed to one.
std::string squeeze(const std::string& text) {
    std::string out;
    for (char c : text)
        if (!(c == ' ' && !out.empty() && out.back() == ' '))
            out += c;
    return out;
}

class ConfigCommand : public ::testing::Test {
protected:
    CliSandbox m_sandbox;
    void SetUp() override { m_sandbox.write("project/package.json", "{}"); }
};

TEST_F(ConfigCommand, ExplainShowsEveryLevelHighestFirst) {
    m_sandbox.write("system/a.json5", "{network: {mode: 'offline'}}");
    m_sandbox.write("user/cairn/u.json5", "{network: {mode: 'prefer-offline'}}");
    m_sandbox.write("project/.config/cairn/p.json5", "{\n  network: {mode: 'online'}}");
    auto r =
        m_sandbox.cairn({"config", "explain", "network.mode", "--config", "network.mode=offline"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(
        squeeze(r.out),
        squeeze("network.mode = \"offline\"\n"
                "set by, highest precedence first:\n"
                "  1. command-line --config network.mode=offline         \"offline\"  (wins)\n"
                "  2. project      [TMP]/project/.config/cairn/p.json5:2:19  \"online\"  "
                "(overridden)\n"
                "  3. user         [TMP]/user/cairn/u.json5:1:18             \"prefer-offline\"  "
                "(overridden)\n"
                "  4. system       [TMP]/system/a.json5:1:18                 \"offline\"  "
                "(overridden)\n"
                "  5. built-in     built-in defaults:4:11                    \"online\"  "
                "(overridden)\n"));
}

TEST_F(ConfigCommand, ExplainShowsClear) {
    m_sandbox.write("user/cairn/u.json5", "{mirrors: {'https://a/x.git': 'https://m/x.git'}}");
    m_sandbox.write("project/.config/cairn/p.json5",
                    "{mirrors: {'$clear': true, 'https://b/y.git': 'https://m/y.git'}}");
    auto r = m_sandbox.cairn({"config", "explain", "mirrors"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(squeeze(r.out),
              squeeze("mirrors = {\"https://b/y.git\": \"https://m/y.git\"}\n"
                      "set by, highest precedence first:\n"
                      "  1. project      [TMP]/project/.config/cairn/p.json5:1:11  "
                      "{\"https://b/y.git\": \"https://m/y.git\"}, after $clear: true  (merged)\n"
                      "  2. user         [TMP]/user/cairn/u.json5:1:11             "
                      "{\"https://a/x.git\": \"https://m/x.git\"}  (dropped by $clear above)\n"));
}

TEST_F(ConfigCommand, GetPrintsStringsBareAndOthersAsJson5) {
    m_sandbox.write("project/.config/cairn/p.json5",
                    "{network: {metadataTtl: '1h', maxConnections: 0x10}}");
    EXPECT_EQ(m_sandbox.cairn({"config", "get", "network.metadataTtl"}).out, "1h\n");
    EXPECT_EQ(m_sandbox.cairn({"config", "get", "network.maxConnections"}).out, "16\n");
    EXPECT_EQ(m_sandbox.cairn({"--json", "config", "get", "network.metadataTtl"}).out, "\"1h\"\n");
}

TEST_F(ConfigCommand, CredentialsAreNeverPrinted) {
    m_sandbox.write("project/.config/cairn/auth.user.json5",
                    "{registryAuth: {corp: {token: 's3cr3t-value'}}}");
    auto list = m_sandbox.cairn({"config", "list"});
    EXPECT_EQ(list.status, 0);
    EXPECT_EQ(list.out.find("s3cr3t"), std::string::npos);
    EXPECT_NE(list.out.find("registryAuth.corp.token = \"<redacted>\""), std::string::npos)
        << list.out;
    EXPECT_EQ(m_sandbox.cairn({"config", "get", "registryAuth.corp.token"}).out, "<redacted>\n");
    auto explain = m_sandbox.cairn({"--json", "config", "explain", "registryAuth"});
    EXPECT_EQ(explain.out.find("s3cr3t"), std::string::npos) << explain.out;
}

TEST_F(ConfigCommand, CredentialsInUrlsAndListsAreMasked) {
    m_sandbox.write("project/.config/cairn/r.json5",
                    "{x: {url: 'https://bob:hunter2@r.example/npm/', "
                    "list: [{token: 'abc123'}, 'https://u:pw@h.example/']}}");
    auto r = m_sandbox.cairn({"config", "list"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.find("hunter2"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("abc123"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(":pw@"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("x.url = \"https://***@r.example/npm/\""), std::string::npos) << r.out;
}

TEST_F(ConfigCommand, MalformedFileExitsWithItsPosition) {
    m_sandbox.write("project/.config/cairn/p.json5", "{\n  network: {mode: 'offline',,}\n}");
    auto r = m_sandbox.cairn({"config", "list"});
    EXPECT_EQ(r.status, 3);
    EXPECT_EQ(r.err, "error: [TMP]/project/.config/cairn/p.json5:2:29: expected a key (a string "
                     "or an identifier) or '}', found ','\n");
}

TEST_F(ConfigCommand, ConflictExitsWithBothFiles) {
    m_sandbox.write("project/.config/cairn/a.json5", "{network: {mode: 'offline'}}");
    m_sandbox.write("project/.config/cairn/b.json5", "{network: {mode: 'online'}}");
    auto r = m_sandbox.cairn({"config", "validate"});
    EXPECT_EQ(r.status, 3);
    EXPECT_EQ(r.err, "error: conflicting values for network.mode in the project configuration\n"
                     "  caused by: [TMP]/project/.config/cairn/a.json5:1:18 sets \"offline\"\n"
                     "  caused by: [TMP]/project/.config/cairn/b.json5:1:18 sets \"online\"\n"
                     "hint: files of one level are merged and must agree; keep the key in one of "
                     "them, or move one file to a higher level (project overrides user overrides "
                     "system)\n");
}

TEST_F(ConfigCommand, ValidateReportsTheModelAndWarnings) {
    m_sandbox.write("project/.config/cairn/r.json5", R"({formats: {npm: {authorities: {pub: {
        registries: {old: {protocol: "ftp", url: "ftp://x/"},
                     up: {protocol: "npm", url: "https://u.example/"}}}}}}})");
    auto r = m_sandbox.cairn({"config", "validate"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "configuration is valid: 1 file, 1 format, 1 authority, 1 registry, 1 "
                     "warning\n");
    EXPECT_EQ(r.err, "warning: [TMP]/project/.config/cairn/r.json5:2:38: registry old uses the "
                     "unknown protocol \"ftp\"; it is left out (known protocols: file, "
                     "cairn-index, npm, oci, git)\n");
}

TEST_F(ConfigCommand, ValidateFailsOnACycle) {
    m_sandbox.write("project/.config/cairn/r.json5", R"({formats: {npm: {authorities: {pub: {
        registries: {a: {protocol: "npm", url: "https://a/", search: {after: "b"}},
                     b: {protocol: "npm", url: "https://b/", search: {after: "a"}}}}}}}})");
    auto r = m_sandbox.cairn({"config", "validate"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("caused by: a -> b -> a (each is asked before the next)"),
              std::string::npos)
        << r.err;
}

TEST_F(ConfigCommand, CairnConfigAndVariables) {
    m_sandbox.write("extra.json5", "{x: {url: 'https://${env:CAIRN_E2E_HOST}/${PACKAGE_NAME}'}}");
    m_sandbox.set_env("CAIRN_CONFIG", (m_sandbox.root() / "extra.json5").string());
    m_sandbox.set_env("CAIRN_E2E_HOST", "pkgs.example");
    auto r = m_sandbox.cairn({"config", "get", "x.url"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "https://pkgs.example/${PACKAGE_NAME}\n");
}

TEST_F(ConfigCommand, DirectoryFlagPicksTheProject) {
    m_sandbox.write("other/package.json", "{}");
    m_sandbox.write("other/.config/cairn/o.json5", "{network: {mode: 'offline'}}");
    auto r = m_sandbox.cairn(
        {"-C", (m_sandbox.root() / "other").string(), "config", "get", "network.mode"});
    EXPECT_EQ(r.out, "offline\n");
}

} // namespace
} // namespace cairn::test
