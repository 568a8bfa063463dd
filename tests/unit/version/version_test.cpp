#include "cairn/core/error.hpp"
#include "cairn/version/version.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace cairn::version {
namespace {

Version v(std::string_view text, ParseMode mode = ParseMode::strict) {
    return Version::parse_or_throw(text, mode);
}

TEST(Version, ParsesAllParts) {
    Version x = v("1.2.3-beta.1+build.5");
    EXPECT_EQ(x.major(), 1u);
    EXPECT_EQ(x.minor(), 2u);
    EXPECT_EQ(x.patch(), 3u);
    ASSERT_EQ(x.prerelease().size(), 2u);
    EXPECT_FALSE(x.prerelease()[0].is_numeric());
    EXPECT_EQ(x.prerelease()[0].text(), "beta");
    EXPECT_TRUE(x.prerelease()[1].is_numeric());
    EXPECT_EQ(x.build(), (std::vector<std::string>{"build", "5"}));
    EXPECT_TRUE(x.is_prerelease());
    EXPECT_EQ(x.to_string(), "1.2.3-beta.1+build.5");
}

TEST(Version, StrictRejects) {
    for (const char* bad :
         {"1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3-", "1.2.3+",
          "1.2.3-a..b", "1.2.3beta", "=1.2.3", "a.b.c", "", "1.2.3 4", "9007199254740992.0.0"})
        EXPECT_FALSE(Version::parse(bad)) << bad;
    EXPECT_FALSE(Version::parse(std::string(300, '1')));
}

TEST(Version, StrictAcceptsNodeSemverExtras) {
    EXPECT_EQ(v("v1.2.3").to_string(), "1.2.3");
    EXPECT_EQ(v("  1.2.3\t").to_string(), "1.2.3");
    EXPECT_EQ(v("1.2.3-0a").to_string(), "1.2.3-0a");
    EXPECT_EQ(v("9007199254740991.0.0").major(), 9007199254740991u);
}

TEST(Version, LooseRules) {
    auto loose = [](std::string_view t) {
        auto x = Version::parse(t, ParseMode::loose);
        return x ? x->to_string() : std::string("null");
    };
    EXPECT_EQ(loose("=v 1.2.3"), "1.2.3");
    EXPECT_EQ(loose("01.02.03"), "1.2.3");
    EXPECT_EQ(loose("1.2.3beta"), "1.2.3-beta");
    EXPECT_EQ(loose("1.2.34.5"), "1.2.3-4.5"); // the patch gives up digits, as node's regex does
    EXPECT_EQ(loose("1.2.3-"), "1.2.3--");
    EXPECT_EQ(loose("1.2.3-01"), "1.2.3-1");
    EXPECT_EQ(loose("1.2.3."), "null");
    EXPECT_EQ(loose("1.2"), "null");
}

// The common forms (a registry's versions) are read by a short path; these pin that it
// reads them, and what is near them, as the full grammar does, in both modes.
TEST(Version, CommonFormsAndTheirNeighbours) {
    auto both = [](std::string_view t) {
        auto strict = Version::parse(t, ParseMode::strict);
        auto loose = Version::parse(t, ParseMode::loose);
        return (strict ? strict->to_string() : "null") + " " +
               (loose ? loose->to_string() : "null");
    };
    EXPECT_EQ(both("5.4.0-dev.20231215"), "5.4.0-dev.20231215 5.4.0-dev.20231215");
    EXPECT_EQ(both("1.2.3-rc.1+sha.5114f85"), "1.2.3-rc.1+sha.5114f85 1.2.3-rc.1+sha.5114f85");
    EXPECT_EQ(both("1.2.3+b.01"), "1.2.3+b.01 1.2.3+b.01");
    EXPECT_EQ(both("1.2.3-a-b.0"), "1.2.3-a-b.0 1.2.3-a-b.0");
    EXPECT_EQ(both("1.2.3-x.00"), "null 1.2.3-x.0");
    EXPECT_EQ(both("1.2.3-a+b+c"), "null null");
    EXPECT_EQ(both("1.2.3-a.\xc3\xa9"), "null null");
    EXPECT_EQ(both("1.2.3-beta "), "1.2.3-beta 1.2.3-beta");
    EXPECT_EQ(both("1.2.3+"), "null null");
    EXPECT_EQ(both("1234567890123456.0.0"), "1234567890123456.0.0 1234567890123456.0.0");
    auto x = v("1.2.3-alpha.10.beta+exp.sha");
    ASSERT_EQ(x.prerelease().size(), 3u);
    EXPECT_TRUE(x.prerelease()[1].is_numeric());
    EXPECT_EQ(x.prerelease()[1].text(), "10");
    EXPECT_EQ(x.build(), (std::vector<std::string>{"exp", "sha"}));
}

TEST(Version, Precedence) {
    // The chain from semver.org, section 11.
    const char* chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                           "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                           "1.0.0-rc.1",  "1.0.0",         "2.0.0",
                           "2.1.0",       "2.1.1"};
    for (std::size_t i = 0; i + 1 < std::size(chain); ++i) {
        EXPECT_LT(v(chain[i]), v(chain[i + 1])) << chain[i] << " < " << chain[i + 1];
        EXPECT_GT(v(chain[i + 1]), v(chain[i]));
    }
    EXPECT_EQ(v("1.0.0+a"), v("1.0.0+b"));
    EXPECT_FALSE(v("1.0.0+a").identical(v("1.0.0+b")));
    EXPECT_LT(v("1.0.0-99999999999999999999"), v("1.0.0-100000000000000000000"));
}

TEST(Version, SuccessorHasNothingBetween) {
    EXPECT_EQ(v("1.2.3").successor().to_string(), "1.2.4-0");
    EXPECT_EQ(v("1.2.3-a+b").successor().to_string(), "1.2.3-a.0");
    EXPECT_EQ(Version::minimum().to_string(), "0.0.0-0");
}

TEST(Version, ThrowingParseQuotesInput) {
    try {
        Version::parse_or_throw("1.x");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::version_parse);
        EXPECT_EQ(e.message(), "invalid version \"1.x\": expected MAJOR.MINOR.PATCH with optional "
                               "-PRERELEASE and +BUILD");
    }
}

// Listing order: precedence first, build metadata only between equal precedences; no
// version is listed before itself or an identical one.
TEST(Version, ListedBeforeBreaksPrecedenceTiesByBuild) {
    std::vector<Version> listed{v("1.0.0-rc.1"), v("1.0.0"),     v("1.0.0+a"),
                                v("1.0.0+b"),    v("1.0.1-0+z"), v("1.0.1")};
    for (std::size_t i = 0; i < listed.size(); ++i)
        for (std::size_t j = 0; j < listed.size(); ++j)
            EXPECT_EQ(listed[i].listed_before(listed[j]), i < j)
                << listed[i].to_string() << " " << listed[j].to_string();
    EXPECT_FALSE(v("1.0.0+b").listed_before(v("1.0.0+b")));
}

} // namespace
} // namespace cairn::version
