#include "cairn/core/error.hpp"
#include "cairn/format/cairn/manifest.hpp"

#include <gtest/gtest.h>

namespace cairn::format::cairn {
namespace {

std::string error_of(std::string_view text) {
    try {
        parse_manifest(text, "cairn.json5");
    } catch (const Error& e) {
        return e.message();
    }
    return "(no error)";
}

TEST(CairnManifest, ReadsEveryField) {
    auto m = parse_manifest(R"({
        // comments are fine: this is JSON5
        name: "acme/libfoo", version: "1.2.3", description: "d", license: "MIT",
        keywords: ["a", "b"],
        dependencies: {"acme/libbar": "^1.2", "cairn:other/x": "~0.3"},
        overrides: {"acme/libbaz": "=1.0.4"},
        files: {include: ["src"], exclude: ["*.tmp"]},
    })",
                            "cairn.json5");
    EXPECT_EQ(m.name.text(), "acme/libfoo");
    EXPECT_EQ(m.version.to_string(), "1.2.3");
    ASSERT_EQ(m.dependencies.size(), 2u);
    EXPECT_EQ(m.dependencies[0].package.text(), "acme/libbar");
    EXPECT_EQ(m.dependencies[1].package.text(), "other/x");
    EXPECT_EQ(m.dependencies[1].requirement, "~0.3");
    EXPECT_EQ(m.overrides.at(0).package.text(), "acme/libbaz");
    EXPECT_EQ(m.include, std::vector<std::string>{"src"});
    EXPECT_EQ(m.exclude, std::vector<std::string>{"*.tmp"});
}

TEST(CairnManifest, ErrorsNameTheKeyAndTheProblem) {
    EXPECT_EQ(error_of("{version: '1.0.0'}"),
              "cairn.json5: name: missing (expected \"scope/name\")");
    EXPECT_EQ(error_of("{name: 'acme/x'}"),
              "cairn.json5: version: missing (expected a version such as \"1.0.0\")");
    EXPECT_EQ(error_of("{name: 'acme', version: '1.0.0'}"),
              "cairn.json5: name: invalid package name \"acme\": expected scope/name");
    EXPECT_EQ(error_of("{name: 'Acme/x', version: '1.0.0'}"),
              "cairn.json5: name: invalid package name \"Acme/x\": \"Acme\" must be 1 to 64 "
              "characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
    EXPECT_EQ(error_of("{name: 'acme/x', version: '1.x'}"),
              "cairn.json5: version: \"1.x\" is not a semantic version (expected e.g. 1.0.0)");
    EXPECT_EQ(error_of("{name: 'acme/x', version: '1.0.0', dependencies: {'acme/y': 'nope'}}"),
              "cairn.json5: dependencies.\"acme/y\": \"nope\" is not a version range (expected "
              "e.g. \"^1.2\")");
    EXPECT_EQ(error_of("{name: 'acme/x', version: '1.0.0', dependencies: {'acme/x': '^1'}}"),
              "cairn.json5: dependencies: a package cannot depend on itself");
    EXPECT_EQ(error_of("{name: 'acme/x', version: '1.0.0', keywords: 'a'}"),
              "cairn.json5: keywords: expected an array of strings, found a string");
    EXPECT_EQ(error_of("{name: 'acme/x', version: '1.0.0', dependecies: {}}"),
              "cairn.json5: dependecies: unknown key (known: name, version, description, "
              "license, keywords, dependencies, overrides, files)");
    EXPECT_EQ(error_of("{name: 'acme/x', version: '1.0.0', files: {only: []}}"),
              "cairn.json5: files.only: unknown key (known: include, exclude)");
    EXPECT_EQ(error_of("[]"), "cairn.json5: (top level): expected an object, found an array");
}

TEST(CairnManifest, SetDependencyAddsAndReplaces) {
    auto text = set_manifest_dependency("{name: 'acme/x', version: '1.0.0'}", "cairn.json5",
                                        PackageName::parse("acme/y"), "^1.2");
    auto m = parse_manifest(text, "cairn.json5");
    ASSERT_EQ(m.dependencies.size(), 1u);
    EXPECT_EQ(m.dependencies[0].requirement, "^1.2");
    text = set_manifest_dependency(text, "cairn.json5", PackageName::parse("acme/y"), "^2");
    EXPECT_EQ(parse_manifest(text, "cairn.json5").dependencies.at(0).requirement, "^2");
    EXPECT_THROW(set_manifest_dependency(text, "cairn.json5", PackageName::parse("acme/y"), "^^"),
                 Error);
}

TEST(CairnPackageName, ParsesIdsAndNames) {
    EXPECT_EQ(PackageName::parse("cairn:acme/libfoo").id(), "cairn:acme/libfoo");
    EXPECT_THROW(PackageName::parse("acme/a/b"), Error);
    EXPECT_THROW(PackageName::parse("acme/"), Error);
    EXPECT_THROW(PackageName::parse("/x"), Error);
}

} // namespace
} // namespace cairn::format::cairn
