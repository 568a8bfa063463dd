#include "cairn/core/error.hpp"
#include "cairn/version/caret_range.hpp"
#include "cairn/version/exact_range.hpp"

#include <gtest/gtest.h>

namespace cairn::version {
namespace {

Version v(std::string_view text) {
    return Version::parse_or_throw(text);
}

VersionSet set_of(std::string_view req) {
    return CaretRange::parse_or_throw(req).to_version_set();
}

// The tables of the Cargo book, "Specifying Dependencies".
TEST(CaretRange, CargoBookTables) {
    const std::pair<const char*, const char*> table[] = {
        {"^1.2.3", ">=1.2.3, <2.0.0"}, {"^1.2", ">=1.2.0, <2.0.0"},  {"^1", ">=1.0.0, <2.0.0"},
        {"^0.2.3", ">=0.2.3, <0.3.0"}, {"^0.2", ">=0.2.0, <0.3.0"},  {"^0.0.3", ">=0.0.3, <0.0.4"},
        {"^0.0", ">=0.0.0, <0.1.0"},   {"^0", ">=0.0.0, <1.0.0"},    {"1.2.3", ">=1.2.3, <2.0.0"},
        {"~1.2.3", ">=1.2.3, <1.3.0"}, {"~1.2", ">=1.2.0, <1.3.0"},  {"~1", ">=1.0.0, <2.0.0"},
        {"1.*", ">=1.0.0, <2.0.0"},    {"1.2.*", ">=1.2.0, <1.3.0"}, {"1.2.x", ">=1.2.0, <1.3.0"},
        {"= 1.2", ">=1.2.0, <1.3.0"},  {"> 1", ">=2.0.0"},           {"<= 1.2", "<1.3.0"},
        {">1.2", ">=1.3.0"},           {"=1.2.3", "=1.2.3"},
    };
    for (const auto& [req, same] : table)
        EXPECT_EQ(set_of(req), set_of(same))
            << req << " vs " << same << ": " << set_of(req).to_string();
    EXPECT_EQ(set_of(">= 1.2, < 1.5").to_string(), ">=1.2.0 <1.5.0");
    // `*` is the whole hull; the prerelease rule still keeps prereleases out.
    EXPECT_TRUE(set_of("*").is_full());
    EXPECT_TRUE(CaretRange::parse_or_throw("*").matches(v("0.0.0")));
    EXPECT_FALSE(CaretRange::parse_or_throw("*").matches(v("1.0.0-rc.1")));
}

TEST(CaretRange, Matching) {
    auto req = CaretRange::parse_or_throw(">= 1.2, < 1.5");
    EXPECT_TRUE(req.matches(v("1.2.0")));
    EXPECT_TRUE(req.matches(v("1.4.9")));
    EXPECT_FALSE(req.matches(v("1.5.0")));
    EXPECT_FALSE(req.matches(v("1.1.9")));
    EXPECT_TRUE(CaretRange::parse_or_throw("1.2").matches(v("1.9.0")));
    EXPECT_FALSE(CaretRange::parse_or_throw("1.2").matches(v("2.0.0")));
}

TEST(CaretRange, CargoPrereleaseRule) {
    auto req = CaretRange::parse_or_throw(">=1.2.3-alpha");
    EXPECT_TRUE(req.matches(v("1.2.3-beta")));
    EXPECT_TRUE(req.matches(v("1.2.4")));
    EXPECT_FALSE(req.matches(v("1.2.4-alpha")));
    EXPECT_FALSE(CaretRange::parse_or_throw("^1.2").matches(v("1.3.0-rc.1")));
    EXPECT_FALSE(CaretRange::parse_or_throw("<2.0.0").matches(v("2.0.0-rc.1")));
    // The hull has no prerelease policy; matches() applies it.
    EXPECT_TRUE(set_of("<2.0.0").contains(v("2.0.0-rc.1")));
    EXPECT_TRUE(CaretRange::parse_or_throw("^1.2.3-rc.1").matches(v("1.2.3-rc.2")));
}

TEST(CaretRange, Rejects) {
    for (const char* bad : {"", "1.2.3.4", "01.2", "1.*.3", ">=*", "^1.2-beta", "1.2.3-", "1.2.3+",
                            "1.2.3+a..b", "a.b", "*.*", ">=1.0 <2.0", ">=1.0,", "~>1.2"})
        EXPECT_FALSE(CaretRange::parse(bad)) << bad;
    try {
        CaretRange::parse_or_throw("1.*.3");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::version_parse);
        EXPECT_EQ(e.message(), "invalid version requirement \"1.*.3\": expected comparators "
                               "such as `1.2`, `^1.2.3`, `~1.2`, `>=1.0, <2.0`, `=1.2.3-beta` "
                               "or `1.*`, separated by commas");
    }
}

TEST(CaretRange, BuildMetadataIsIgnored) {
    EXPECT_EQ(set_of("1.2.3+build.5"), set_of("^1.2.3"));
    EXPECT_EQ(set_of("=1.2.3-rc.1+b"), set_of("=1.2.3-rc.1"));
    EXPECT_TRUE(CaretRange::parse_or_throw("=1.2.3+b").matches(v("1.2.3+other")));
}

TEST(CaretRange, Printing) {
    EXPECT_EQ(CaretRange::parse_or_throw(" >= 1.2 , <1.5.0-rc.1").to_string(),
              ">=1.2, <1.5.0-rc.1");
    EXPECT_EQ(CaretRange::parse_or_throw("1.2").to_string(), "^1.2");
    EXPECT_EQ(CaretRange::parse_or_throw("1.2.x").to_string(), "1.2.*");
    EXPECT_EQ(CaretRange::parse_or_throw("*").to_string(), "*");
}

TEST(TagRequirement, ExactTags) {
    auto latest = TagRequirement::parse_or_throw("latest");
    EXPECT_TRUE(latest.is_exact());
    EXPECT_TRUE(latest.matches("latest"));
    EXPECT_FALSE(latest.matches("Latest"));
    auto pinned = TagRequirement::parse_or_throw("v1.2.3");
    EXPECT_TRUE(pinned.matches("v1.2.3"));
    EXPECT_FALSE(pinned.matches("1.2.3"));
    EXPECT_FALSE(TagRequirement::parse("bad tag"));
}

TEST(TagRequirement, SemverOverTags) {
    auto req = TagRequirement::parse_or_throw("^1.2");
    EXPECT_FALSE(req.is_exact());
    EXPECT_TRUE(req.matches("v1.4.0"));
    EXPECT_TRUE(req.matches("1.2.0"));
    EXPECT_FALSE(req.matches("v2.0.0"));
    EXPECT_FALSE(req.matches("latest"));
    EXPECT_FALSE(req.matches("1.5.0-rc.1"));
    EXPECT_TRUE(TagRequirement::parse_or_throw("1.*").matches("v1.9.9"));
    EXPECT_TRUE(TagRequirement::parse_or_throw(">=1.0, <2").matches("1.0.0"));
    EXPECT_EQ(TagRequirement::tag_version("v2.0.0-rc.1+b")->to_string(), "2.0.0-rc.1+b");
    EXPECT_FALSE(TagRequirement::tag_version(" 1.0.0"));
    EXPECT_FALSE(TagRequirement::parse("^not"));
}

} // namespace
} // namespace cairn::version
