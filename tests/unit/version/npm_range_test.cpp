#include "cairn/core/error.hpp"
#include "cairn/version/npm_range.hpp"

#include <gtest/gtest.h>

namespace cairn::version {
namespace {

Version v(std::string_view text) {
    return Version::parse_or_throw(text);
}

TEST(NpmRange, VersionSetIsTheHullOfEachSet) {
    auto r = NpmRange::parse_or_throw("^1.2.3 || 3.x || 5.0.0");
    EXPECT_EQ(r.to_version_set().to_string(), ">=1.2.3 <2.0.0-0 || >=3.0.0 <4.0.0-0 || 5.0.0");
    // The hull keeps prereleases; the prerelease rule is applied by satisfies().
    EXPECT_TRUE(r.to_version_set().contains(v("1.5.0-beta")));
    EXPECT_FALSE(r.satisfies(v("1.5.0-beta")));
    EXPECT_TRUE(NpmRange::parse_or_throw("*").to_version_set().is_full());
    EXPECT_TRUE(NpmRange::parse_or_throw(">1.x <1.5.0").to_version_set().is_empty());
}

TEST(NpmRange, HullAgreesWithSatisfiesOnReleases) {
    for (const char* range : {"~1.2", "1.2.3 - 2.3", ">=1.0.0 <1.0.5 || >2", "^0.0.3", "<=1.x"}) {
        auto r = NpmRange::parse_or_throw(range);
        auto set = r.to_version_set();
        for (int major = 0; major < 4; ++major)
            for (int minor = 0; minor < 5; ++minor)
                for (int patch = 0; patch < 7; ++patch) {
                    auto x = Version::from_parts(major, minor, patch);
                    EXPECT_EQ(set.contains(x), r.satisfies(x)) << range << " " << x.to_string();
                }
    }
}

TEST(NpmRange, AdmitsPrereleasesOnlyWhereOneCanSatisfyIt) {
    for (const char* range :
         {"^1.2.3", "~1.2.3", "1.2.3 - 2", "1.x || >=3", "*", "<2.0.0-0", ">=1.0.0 <2.0.0-0"})
        EXPECT_FALSE(NpmRange::parse_or_throw(range).admits_prereleases()) << range;
    for (const char* range : {"^1.0.0-beta.2", ">=1.0.0-0", "<=2.0.0-0", "<2.0.0-1", "1.2.3-rc.1",
                              "^1 || ~2.0.0-alpha"})
        EXPECT_TRUE(NpmRange::parse_or_throw(range).admits_prereleases()) << range;
    EXPECT_TRUE(
        NpmRange::parse_or_throw("^1.2.3", {.include_prerelease = true}).admits_prereleases());
}

TEST(NpmRange, ParseErrorQuotesTheInput) {
    EXPECT_FALSE(NpmRange::parse(">=1.2.3 <foo"));
    try {
        NpmRange::parse_or_throw(">=1.2.3 <foo");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::version_parse);
        EXPECT_EQ(e.message(), "invalid npm range \">=1.2.3 <foo\": expected comparators such "
                               "as `>=1.2.3 <2.0.0`, `^1.2`, `~1.2.3`, `1.x`, `1.2.3 - 2.0.0` "
                               "or `*`, joined by `||`");
    }
}

TEST(NpmRange, MaxAndMinSatisfying) {
    std::vector<std::string> versions = {"1.2.3", "1.2.4", "1.3.0-beta", "2.0.0", "junk"};
    EXPECT_EQ(npm::max_satisfying(versions, "~1.2"), "1.2.4");
    EXPECT_EQ(npm::min_satisfying(versions, ">=1.2.4"), "1.2.4");
    EXPECT_EQ(npm::max_satisfying(versions, ">=1.3.0-0 <1.4.0"), "1.3.0-beta");
    EXPECT_EQ(npm::max_satisfying(versions, "^3"), std::nullopt);
    EXPECT_EQ(npm::max_satisfying(versions, "not a range"), std::nullopt);
}

TEST(NpmRange, OddInputLikeNodeSemver) {
    // Checked against node-semver 7.8.5.
    EXPECT_EQ(npm::valid_range("> 1.2.3 <  2"), ">1.2.3 <2.0.0-0");
    EXPECT_EQ(npm::valid_range("~> 1.2"), ">=1.2.0 <1.3.0-0");
    EXPECT_EQ(npm::valid_range("1.2.3+build - 2.x"), ">=1.2.3 <3.0.0-0");
    EXPECT_EQ(npm::valid_range("||"), "*");
    EXPECT_EQ(npm::valid_range("<0.0.0-0 || >1"), ">=2.0.0");
    EXPECT_EQ(npm::valid_range("1.2.34.5", {true, false}), "1.2.3-4.5");
}

} // namespace
} // namespace cairn::version
