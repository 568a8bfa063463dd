// `cairn semver` end to end: output, order and exit status as node-semver's CLI has them.
#include "support/run.hpp"

#include <gtest/gtest.h>

namespace cairn::test {
namespace {

TEST(SemverCommand, PrintsSatisfyingVersionsSorted) {
    auto r = run_cairn(
        {"semver", "-r", "^1.2", "1.5.0", "v1.2.3", "2.0.0", "junk", "1.3.0-beta", "1.2.4+build"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1.2.3\n1.2.4\n1.5.0\n");
    EXPECT_EQ(r.err, "");
}

TEST(SemverCommand, WithoutRangeSortsValidVersions) {
    auto r = run_cairn({"semver", "2.0.0", "1.0.0-rc.1", "1.0.0", "nope"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "1.0.0-rc.1\n1.0.0\n2.0.0\n");
}

TEST(SemverCommand, EveryRangeMustMatch) {
    auto r = run_cairn({"semver", "-r", ">1", "-r", "<3", "1.0.0", "2.0.0", "3.0.0", "2.5.0"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "2.0.0\n2.5.0\n");
}

TEST(SemverCommand, ExitsOneWhenNothingMatches) {
    auto r = run_cairn({"semver", "-r", "^3", "1.2.3"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
}

TEST(SemverCommand, LooseAndIncludePrerelease) {
    EXPECT_EQ(run_cairn({"semver", "1.2.3beta"}).status, 1);
    EXPECT_EQ(run_cairn({"semver", "-l", "1.2.3beta"}).out, "1.2.3-beta\n");
    EXPECT_EQ(run_cairn({"semver", "-r", "^1.2", "1.3.0-beta"}).status, 1);
    EXPECT_EQ(run_cairn({"semver", "-p", "-r", "^1.2", "1.3.0-beta"}).out, "1.3.0-beta\n");
}

TEST(SemverCommand, CaretFlavor) {
    auto r =
        run_cairn({"semver", "--flavor", "caret", "-r", ">=1.2, <1.5", "1.2.3", "1.5.0", "1.4.0"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "1.2.3\n1.4.0\n");
    EXPECT_EQ(run_cairn({"semver", "--flavor", "caret", "-r", "0.2", "0.3.0"}).status, 1);
}

TEST(SemverCommand, InvalidRangeIsAnError) {
    auto r = run_cairn({"semver", "-r", ">=1 <foo", "1.2.3"});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.status, 1);
    EXPECT_NE(r.err.find("invalid npm range \">=1 <foo\""), std::string::npos) << r.err;
}

} // namespace
} // namespace cairn::test
