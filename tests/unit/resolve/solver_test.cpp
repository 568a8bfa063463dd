// The resolver's own policies, on small hand-written registries: preferences, yanked
// and locked releases, unknown dependencies, overrides, and how it talks to providers.

#include "dart_scenario.hpp"

#include "cairn/resolve/report.hpp"
#include "cairn/resolve/resolver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace cairn::test {
namespace {

using resolve::Availability;
using resolve::Dependency;
using version::Version;
using version::VersionSet;

Version v(std::string_view text) {
    return *Version::parse(text);
}

VersionSet range(std::string_view text) {
    return *parse_dart_range(text);
}

resolve::Problem problem(std::vector<resolve::RootDependency> deps) {
    return {"app", v("1.0.0"), std::move(deps), {}, {}};
}

std::string chosen(const resolve::Resolution& resolution) {
    if (!resolution.solved())
        return "no solution:\n" + resolve::explain(resolution.failure().derivation);
    std::string text;
    for (const auto& release : resolution.solution().releases)
        text += (text.empty() ? "" : ", ") + release.package + " " + release.version.to_string();
    return text;
}

TEST(ResolveSolver, PrefersNewestStableRelease) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {});
    registry.add("a", v("1.1.0"), {});
    registry.add("a", v("1.2.0-beta.1"), {});
    const auto result = resolve::resolve(problem({{"a", range("^1.0.0")}}), registry);
    EXPECT_EQ(chosen(result), "a 1.1.0");
}

TEST(ResolveSolver, PrereleasesCompeteOnVersionWhenAsked) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {});
    registry.add("a", v("1.2.0-beta.1"), {});
    resolve::ResolveOptions options;
    options.prereleases = resolve::PrereleaseOrder::by_version;
    const auto result = resolve::resolve(problem({{"a", range("^1.0.0")}}), registry, options);
    EXPECT_EQ(chosen(result), "a 1.2.0-beta.1");
}

TEST(ResolveSolver, LowestOrderPicksOldestAllowedRelease) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {{"b", range("^2.1.0")}});
    registry.add("a", v("1.5.0"), {});
    registry.add("b", v("2.0.0"), {});
    registry.add("b", v("2.1.0"), {});
    registry.add("b", v("2.3.0"), {});
    resolve::ResolveOptions options;
    options.order = resolve::VersionOrder::lowest;
    const auto result = resolve::resolve(problem({{"a", range("^1.0.0")}}), registry, options);
    EXPECT_EQ(chosen(result), "a 1.0.0, b 2.1.0");
}

TEST(ResolveSolver, SkipsYankedAndDeniedReleases) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {});
    registry.add("a", v("1.1.0"), {}, Availability::denied);
    registry.add("a", v("1.2.0"), {}, Availability::yanked);
    const auto result = resolve::resolve(problem({{"a", range("^1.0.0")}}), registry);
    EXPECT_EQ(chosen(result), "a 1.0.0");
    EXPECT_TRUE(result.solution().warnings.empty());
}

TEST(ResolveSolver, KeepsALockedYankedReleaseWithAWarning) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {});
    registry.add("a", v("1.2.0"), {}, Availability::yanked);
    registry.add("a", v("1.3.0"), {});
    auto p = problem({{"a", range("^1.0.0")}});
    p.locked.emplace("a", v("1.2.0"));
    const auto result = resolve::resolve(p, registry);
    ASSERT_EQ(chosen(result), "a 1.2.0");
    ASSERT_EQ(result.solution().warnings.size(), 1u);
    EXPECT_EQ(result.solution().warnings[0].package, "a");
    EXPECT_EQ(result.solution().warnings[0].availability, Availability::yanked);
}

TEST(ResolveSolver, LeavesALockedReleaseTheRangeNoLongerAllows) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {});
    registry.add("a", v("2.0.0"), {});
    registry.add("a", v("2.1.0"), {});
    auto p = problem({{"a", range("^2.0.0")}});
    p.locked.emplace("a", v("1.0.0"));
    EXPECT_EQ(chosen(resolve::resolve(p, registry)), "a 2.1.0");
}

TEST(ResolveSolver, ExplainsWhenOnlyYankedReleasesMatch) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {});
    registry.add("a", v("2.0.0"), {}, Availability::yanked);
    const auto result = resolve::resolve(problem({{"a", range("^2.0.0")}}), registry);
    ASSERT_FALSE(result.solved());
    EXPECT_EQ(resolve::explain(
                  result.failure().derivation,
                  {[](std::string_view, const VersionSet& set) { return format_dart_range(set); }}),
              "Because no usable versions of a match ^2.0.0 (2.0.0 is yanked) and app depends "
              "on a ^2.0.0, version solving failed.\n");
}

TEST(ResolveSolver, NeverChoosesAReleaseWithUnknownDependencies) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {});
    registry.add("a", v("2.0.0"), {});
    registry.break_dependencies("a", v("2.0.0"));
    EXPECT_EQ(chosen(resolve::resolve(problem({{"a", range("any")}}), registry)), "a 1.0.0");

    const auto failed = resolve::resolve(problem({{"a", range("^2.0.0")}}), registry);
    ASSERT_FALSE(failed.solved());
    EXPECT_NE(resolve::explain(failed.failure().derivation)
                  .find("the dependencies of a 2.0.0 are unknown"),
              std::string::npos)
        << resolve::explain(failed.failure().derivation);
}

TEST(ResolveSolver, OverrideReplacesEveryRequirement) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {{"c", range("^1.0.0")}});
    registry.add("c", v("1.0.0"), {});
    registry.add("c", v("3.0.0"), {});
    auto p = problem({{"a", range("any")}});
    p.overrides.emplace("c", range("^3.0.0"));
    EXPECT_EQ(chosen(resolve::resolve(p, registry)), "a 1.0.0, c 3.0.0");
}

TEST(ResolveSolver, AnnouncesEveryNameBeforeAskingAndOnlyOnce) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {{"c", range("any")}, {"d", range("any")}});
    registry.add("b", v("1.0.0"), {{"d", range("any")}, {"e", range("any")}});
    for (const char* name : {"c", "d", "e"})
        registry.add(name, v("1.0.0"), {});
    const auto result =
        resolve::resolve(problem({{"a", range("any")}, {"b", range("any")}}), registry);
    ASSERT_EQ(chosen(result), "a 1.0.0, b 1.0.0, c 1.0.0, d 1.0.0, e 1.0.0");
    EXPECT_EQ(registry.unannounced_asks(), 0u);
    const auto& announced = registry.prefetched();
    EXPECT_EQ(std::set<std::string>(announced.begin(), announced.end()).size(), announced.size());
    EXPECT_EQ(announced.size(), 5u);
    // The root's requirements are announced together, before anything is asked.
    ASSERT_GE(announced.size(), 2u);
    EXPECT_EQ(announced[0], "a");
    EXPECT_EQ(announced[1], "b");
    // The root itself is never asked about.
    const auto& asked = registry.asked();
    EXPECT_EQ(std::count(asked.begin(), asked.end(), "app"), 0);
}

TEST(ResolveSolver, PackagesMayRequireTheRoot) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {{"app", range("^1.0.0")}});
    registry.add("a", v("2.0.0"), {{"app", range("^2.0.0")}});
    EXPECT_EQ(chosen(resolve::resolve(problem({{"a", range("any")}}), registry)), "a 1.0.0");
}

TEST(ResolveSolver, CountsItsWork) {
    MemoryRegistry registry;
    registry.add("a", v("1.0.0"), {});
    const auto result = resolve::resolve(problem({{"a", range("any")}}), registry);
    EXPECT_EQ(result.stats.decisions, 2u); // the root, then a
    EXPECT_EQ(result.stats.conflicts, 0u);
}

} // namespace
} // namespace cairn::test
