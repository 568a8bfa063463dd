#include "cairn/core/error.hpp"
#include "cairn/registry/source_mapping.hpp"

#include <gtest/gtest.h>

namespace cairn::registry {
namespace {

FormatRegistries format_with(std::vector<std::pair<std::string, std::vector<std::string>>> spec,
                             std::string default_authority) {
    FormatRegistries f;
    f.format = "npm";
    f.default_authority = std::move(default_authority);
    for (auto& [name, patterns] : spec) {
        Authority a;
        a.name = name;
        a.packages = patterns;
        f.authorities.push_back(a);
    }
    return f;
}

TEST(PatternMatches, Globs) {
    EXPECT_TRUE(pattern_matches("@acme/*", "@acme/core"));
    EXPECT_TRUE(pattern_matches("@acme/*", "@acme/"));
    EXPECT_FALSE(pattern_matches("@acme/*", "@acmex/core"));
    EXPECT_TRUE(pattern_matches("*", "anything/at/all"));
    EXPECT_TRUE(pattern_matches("lodash", "lodash"));
    EXPECT_FALSE(pattern_matches("lodash", "lodash.merge"));
    EXPECT_TRUE(pattern_matches("lodash*", "lodash.merge"));
    EXPECT_TRUE(pattern_matches("*-plugin-*", "eslint-plugin-react"));
    EXPECT_FALSE(pattern_matches("*-plugin-*", "eslint-plugin"));
    EXPECT_TRUE(pattern_matches("a*b*c", "aXbYbZc"));
}

TEST(SourceMapping, MostSpecificPatternWins) {
    auto f = format_with({{"public", {}},
                          {"acme", {"@acme/*"}},
                          {"acme-tools", {"@acme/tools-*"}},
                          {"pinned", {"@acme/tools-legacy"}}},
                         "public");
    SourceMapping mapping(f);
    EXPECT_EQ(mapping.authority_for("@acme/core")->name, "acme");
    EXPECT_EQ(mapping.authority_for("@acme/tools-lint")->name, "acme-tools");
    EXPECT_EQ(mapping.authority_for("@acme/tools-legacy")->name, "pinned");
    EXPECT_EQ(mapping.authority_for("left-pad")->name, "public");
    EXPECT_EQ(mapping.matching_pattern("@acme/tools-lint"), "@acme/tools-*");
    EXPECT_EQ(mapping.matching_pattern("left-pad"), "");
}

TEST(SourceMapping, NoMatchAndNoDefaultIsNull) {
    auto f = format_with({{"acme", {"@acme/*"}}}, "");
    EXPECT_EQ(SourceMapping(f).authority_for("react"), nullptr);
}

TEST(SourceMapping, EquallySpecificPatternsOfTwoAuthoritiesAreATie) {
    auto f = format_with({{"a", {"@acme/x*"}}, {"b", {"@acme/*y"}}}, "");
    SourceMapping mapping(f);
    EXPECT_EQ(mapping.authority_for("@acme/xz")->name, "a"); // only one matches: fine
    try {
        mapping.authority_for("@acme/xy");
        FAIL() << "a tie must be an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::config_invalid);
        EXPECT_EQ(e.message(), "package npm:@acme/xy is claimed equally by authorities a "
                               "(\"@acme/x*\") and b (\"@acme/*y\")");
    }
}

} // namespace
} // namespace cairn::registry
