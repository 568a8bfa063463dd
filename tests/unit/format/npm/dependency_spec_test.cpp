#include "cairn/core/error.hpp"
#include "cairn/format/npm/dependency_spec.hpp"
#include "cairn/format/npm/package_name.hpp"

#include <gtest/gtest.h>

namespace cairn::format::npm {
namespace {

TEST(DependencySpec, Ranges) {
    auto s = parse_dependency_spec("debug", "^4.3.0");
    EXPECT_EQ(s.kind, SpecKind::range);
    EXPECT_EQ(s.package, "debug");
    ASSERT_TRUE(s.range);
    EXPECT_EQ(s.range->to_string(), ">=4.3.0 <5.0.0-0");
    EXPECT_EQ(parse_dependency_spec("a", "").range->to_string(), "*");
    EXPECT_EQ(parse_dependency_spec("a", "*").kind, SpecKind::range);
    EXPECT_EQ(parse_dependency_spec("a", "1.x || >=2.5.0").kind, SpecKind::range);
    EXPECT_EQ(parse_dependency_spec("a", " =v1.2.3 ").range->to_string(), "1.2.3"); // loose
}

TEST(DependencySpec, Tags) {
    auto s = parse_dependency_spec("react", "next");
    EXPECT_EQ(s.kind, SpecKind::tag);
    EXPECT_EQ(s.tag, "next");
    EXPECT_FALSE(s.range);
}

TEST(DependencySpec, Aliases) {
    auto s = parse_dependency_spec("old-lodash", "npm:lodash@^3");
    EXPECT_EQ(s.kind, SpecKind::alias);
    EXPECT_EQ(s.package, "lodash");
    EXPECT_EQ(s.range->to_string(), ">=3.0.0 <4.0.0-0");
    auto scoped = parse_dependency_spec("n", "npm:@types/node@latest");
    EXPECT_EQ(scoped.package, "@types/node");
    EXPECT_EQ(scoped.tag, "latest");
    EXPECT_EQ(parse_dependency_spec("n", "npm:@types/node").range->to_string(), "*");
}

TEST(DependencySpec, PathsGitAndUrls) {
    EXPECT_EQ(parse_dependency_spec("a", "file:../a").kind, SpecKind::file);
    EXPECT_EQ(parse_dependency_spec("a", "file:../a").path, "../a");
    EXPECT_EQ(parse_dependency_spec("a", "./vendor/a.tgz").kind, SpecKind::file);
    EXPECT_EQ(parse_dependency_spec("a", "link:../a").kind, SpecKind::link);
    EXPECT_EQ(parse_dependency_spec("a", "git+https://h.example/a.git#v1").kind, SpecKind::git);
    EXPECT_EQ(parse_dependency_spec("a", "github:user/a").kind, SpecKind::git);
    EXPECT_EQ(parse_dependency_spec("a", "user/a#main").kind, SpecKind::git);
    EXPECT_EQ(parse_dependency_spec("a", "https://h.example/a.git").kind, SpecKind::git);
    EXPECT_EQ(parse_dependency_spec("a", "https://h.example/a-1.0.0.tgz").kind,
              SpecKind::tarball_url);
    EXPECT_EQ(parse_dependency_spec("a", "workspace:*").kind, SpecKind::workspace);
}

TEST(DependencySpec, Invalid) {
    try {
        parse_dependency_spec("a", "not a range!");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::manifest_invalid);
        EXPECT_EQ(e.message(),
                  "invalid dependency \"a\": \"not a range!\" is neither a semver range nor a "
                  "valid dist-tag");
    }
    try {
        parse_dependency_spec("a", "npm:../../etc@1");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "invalid dependency \"a\": \"npm:../../etc@1\" aliases an invalid "
                               "package name: the name may not start with '.'");
    }
}

TEST(PackageName, Rules) {
    EXPECT_EQ(package_name_problem("lodash"), std::nullopt);
    EXPECT_EQ(package_name_problem("@types/node"), std::nullopt);
    EXPECT_EQ(package_name_problem("a.b-c_d~e"), std::nullopt);
    EXPECT_EQ(package_name_problem(""), "the name is empty");
    EXPECT_EQ(package_name_problem(".."), "the name may not be \"..\"");
    EXPECT_EQ(package_name_problem("@x/../../p"), "a scoped name has exactly one '/'");
    EXPECT_EQ(package_name_problem("@x/.."), "the name may not be \"..\"");
    EXPECT_EQ(package_name_problem("_private"), "the name may not start with '_'");
    EXPECT_EQ(package_name_problem("React"), "the name may not contain capital letters");
    EXPECT_EQ(package_name_problem("@scope"), "a scoped name needs the form @scope/name");
    EXPECT_EQ(package_name_problem("node_modules"), "\"node_modules\" is a reserved name");
    EXPECT_EQ(package_name_problem(std::string(215, 'a')),
              "the name is longer than 214 characters");
    EXPECT_EQ(unscoped_name("@types/node"), "node");
    EXPECT_EQ(unscoped_name("left-pad"), "left-pad");
}

} // namespace
} // namespace cairn::format::npm
