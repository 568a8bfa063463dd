#include "cairn/config/key_path.hpp"
#include "cairn/config/variables.hpp"
#include "cairn/core/error.hpp"

#include <gtest/gtest.h>

namespace cairn::config {
namespace {

EnvLookup fake_env() {
    return [](std::string_view name) -> std::optional<std::string> {
        if (name == "HOME")
            return "/home/u";
        if (name == "EMPTY")
            return "";
        return std::nullopt;
    };
}

std::string variable_error(std::string_view text) {
    try {
        expand_environment(text, fake_env());
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::config_variable);
        return e.message();
    }
    return "(expanded)";
}

TEST(Variables, EnvironmentForms) {
    EXPECT_EQ(expand_environment("file://${env:HOME}/registry", fake_env()),
              "file:///home/u/registry");
    EXPECT_EQ(expand_environment("[${env:EMPTY}]", fake_env()), "[]");
    EXPECT_EQ(expand_environment("no variables", fake_env()), "no variables");
    EXPECT_EQ(expand_environment("$${env:HOME} stays", fake_env()), "$${env:HOME} stays");
}

TEST(Variables, PackageForms) {
    PackageVariables vars{"lodash", "4.17.21", "npm"};
    std::string kept = expand_environment(
        "${FORMAT}/${PACKAGE_NAME:0-0}/${PACKAGE_NAME:0-1}/${PACKAGE_NAME:2-}/${PACKAGE_NAME}@"
        "${PACKAGE_VERSION}",
        fake_env());
    EXPECT_EQ(expand_package_variables(kept, vars), "npm/l/lo/dash/lodash@4.17.21");
    EXPECT_EQ(expand_package_variables("${PACKAGE_NAME:3-99}", vars), "ash");
    EXPECT_EQ(expand_package_variables("$${PACKAGE_NAME}", vars), "${PACKAGE_NAME}");
    EXPECT_EQ(expand_package_variables("${PACKAGE_NAME:0-0}", {"ärger", "1", "npm"}), "ä");
}

TEST(Variables, Errors) {
    EXPECT_EQ(variable_error("${env:NOPE}"), "environment variable NOPE is not set");
    EXPECT_EQ(variable_error("${NAME}"), "unknown variable ${NAME}");
    EXPECT_EQ(variable_error("${env:1BAD}"), "invalid environment variable name in ${env:1BAD}");
    EXPECT_EQ(variable_error("x${PACKAGE_NAME"),
              "unterminated variable reference \"${PACKAGE_NAME\" (expected '}')");
    EXPECT_EQ(variable_error("${PACKAGE_NAME:2-1}"),
              "invalid slice in ${PACKAGE_NAME:2-1}: write FIRST-LAST (both inclusive, LAST >= "
              "FIRST) or FIRST-");
    EXPECT_EQ(variable_error("${PACKAGE_NAME:x}"),
              "invalid slice in ${PACKAGE_NAME:x}: write FIRST-LAST (both inclusive, LAST >= "
              "FIRST) or FIRST-");
    EXPECT_EQ(variable_error("${FORMATS}"), "unknown variable ${FORMATS}");
}

TEST(KeyPath, ParseAndFormat) {
    EXPECT_EQ(parse_key_path("network.mode"), (KeyPath{"network", "mode"}));
    EXPECT_EQ(parse_key_path("mirrors.\"https://h/x.git\".url"),
              (KeyPath{"mirrors", "https://h/x.git", "url"}));
    EXPECT_EQ(format_key_path({"mirrors", "https://h/x.git"}), "mirrors.\"https://h/x.git\"");
    EXPECT_EQ(format_key_path({"formats", "npm", "@acme/*"}), "formats.npm.@acme/*");
    EXPECT_EQ(to_json_pointer({"a/b", "c~d"}), "/a~1b/c~0d");
    EXPECT_THROW(parse_key_path("a..b"), Error);
    EXPECT_THROW(parse_key_path("a.\"b"), Error);
    EXPECT_THROW(parse_key_path("a."), Error);
    EXPECT_THROW(parse_key_path(""), Error);
}

} // namespace
} // namespace cairn::config
