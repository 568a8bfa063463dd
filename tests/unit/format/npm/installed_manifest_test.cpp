// read_installed_manifest (simdjson) must read every package.json exactly as the nlohmann
// reader does: the same fields, and the same error for what it refuses.
#include "manifest_detail.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/npm/manifest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::format::npm {
namespace {

// "ok: ..." with the fields read, or "error: <message>".
std::string outcome(Manifest (*reader)(std::string_view, std::string_view), std::string_view text) {
    try {
        Manifest m = reader(text, "x/package.json");
        std::string out =
            "ok: name=" + m.name.value_or("-") + " version=" + m.version.value_or("-");
        for (const auto& bin : m.bin)
            out += " bin:" + bin.name + "=" + bin.target;
        for (const auto& [event, command] : m.scripts)
            out += " script:" + event + "=" + command;
        out += m.source == "x/package.json" ? "" : " wrong-source";
        return out;
    } catch (const Error& e) {
        return "error: " + std::string(e.what());
    }
}

const std::vector<std::string> k_documents = {
    R"({"name": "a", "version": "1.0.0"})",
    R"({})",
    R"({"name": "@s/tool", "version": "2.0.0", "bin": "./bin/cli.js"})",
    R"({"name": "t", "bin": {"a": "lib/../a.js", "b": "./b.js", "c": "c"}})",
    R"({"name": "t", "bin": {"a": "a.js", "b": "b.js", "a": "z.js"}})",
    R"({"name": "t", "bin": {"a": "../out", "a": "in.js"}})",
    R"({"name": "t", "bin": {"a": 1, "a": "in.js"}})",
    R"({"name": "t", "bin": {"a": "in.js", "a": "../out"}})",
    R"({"bin": {"x": "x.js"}, "name": "late-name"})",
    R"({"name": "t", "bin": null, "version": null})",
    R"({"name": "t", "bin": {"evil": "../../.bashrc"}})",
    R"({"name": "t", "bin": {"evil": "/etc/passwd"}})",
    R"({"name": "t", "bin": {"a/b": "x.js"}})",
    R"({"name": "t", "bin": {"..": "x.js"}})",
    R"({"name": "t", "bin": {"a": 1}})",
    R"({"name": "t", "bin": ["a.js"]})",
    R"({"bin": "cli.js"})",
    R"({"name": "Not Valid", "version": "1.0.0"})",
    R"({"name": 7})",
    R"({"name": "t", "version": 1})",
    R"({"name": "bad name", "name": "good"})",
    R"({"name": "t", "version": 1, "bin": {"e": "../e"}})",
    R"({"name": "t", "scripts": {"postinstall": "node x.js", "test": "jest", "n": 3}})",
    R"({"name": "t", "scripts": "nope"})",
    R"({"name": "t", "scripts": {"install": "evil", "install": null}})",
    R"({"name": "t", "scripts": {"install": 1, "install": "ok"}})",
    R"({"name": "t", "scripts": {"install": "a"}, "scripts": {"preinstall": "b"}})",
    R"({"n\u0061me": "esc", "bin": {"\u0063li": "b\u0069n/x.js"}})",
    R"({"name": "t", "big": 123456789012345678901234567890, "bin": {"a": "a.js"}})",
    R"({"name": "t", "dependencies": {"x": 1}, "os": 3, "overrides": []})",
    R"({"name": "t", "description": "caf\u00e9 \ud83d\ude00", "version": "1.0.0-\u00e9"})",
    R"({"name": "t",})",
    R"({"name": "t" "version": "1"})",
    R"([1, 2])",
    R"("text")",
    "",
    "{\"name\": \"t\"}\n\n  ",
    "{\"name\": \"t\"} trailing",
    "{\"name\": \"\xff\"}",
    R"({"name": "t", "description": "\ud800 alone"})",
    R"({"name": "t", "description": "\udc00\ud800"})",
    R"({"name": "t", "x\u0000y": 1, "version": "1.0.0"})",
    R"({"name": "t", "n": 1e400})",
    R"({"name": "t", "n": -0.0e-5, "m": [true, false, null, {}, []]})",
    "{\"name\": \"t\", \"d\": \"tab\there\"}",
    "\xef\xbb\xbf{\"name\": \"bom\"}",
};

TEST(InstalledManifest, ReadsLikeTheNlohmannReader) {
    for (const auto& text : k_documents) {
        SCOPED_TRACE(text);
        EXPECT_EQ(outcome(read_installed_manifest, text),
                  outcome(detail::read_installed_manifest_dom, text));
    }
}

TEST(InstalledManifest, TheCasesCoverBothOutcomes) {
    // The comparison above means something only if the documents are read and refused.
    std::size_t read = 0, refused = 0;
    for (const auto& text : k_documents)
        (outcome(read_installed_manifest, text).starts_with("ok:") ? read : refused) += 1;
    EXPECT_GE(read, 12u);
    EXPECT_GE(refused, 12u);
}

TEST(InstalledManifest, Fields) {
    auto m = read_installed_manifest(
        R"({"name": "@s/tool", "version": "1.2.3", "bin": {"b": "./x/../b.js", "a": "a.js"},
            "scripts": {"postinstall": "node p.js"}, "dependencies": {"ignored": true}})",
        "tool/package.json");
    EXPECT_EQ(m.source, "tool/package.json");
    EXPECT_EQ(m.name, "@s/tool");
    EXPECT_EQ(m.version, "1.2.3");
    ASSERT_EQ(m.bin.size(), 2u);
    EXPECT_EQ(m.bin[0].name, "b");
    EXPECT_EQ(m.bin[0].target, "b.js");
    EXPECT_EQ(m.bin[1].name, "a");
    EXPECT_TRUE(m.has_install_scripts());
    EXPECT_TRUE(m.dependencies.empty());
}

TEST(InstalledManifest, ErrorsNameTheFileAndPlace) {
    EXPECT_EQ(outcome(read_installed_manifest, "{\n  \"name\": \"t\",\n}"),
              "error: x/package.json:3:1: invalid JSON: syntax error while parsing object key - "
              "unexpected '}'; expected string literal");
    EXPECT_EQ(outcome(read_installed_manifest, R"({"name": "t", "bin": {"e": "../../e"}})"),
              "error: x/package.json: bin.e points outside the package: \"../../e\"");
}

} // namespace
} // namespace cairn::format::npm
