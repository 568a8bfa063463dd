// The exact text of failure explanations, for the worked examples of PubGrub's
// documentation (built here by hand, so these run without the shared test vectors).

#include "dart_scenario.hpp"

#include "cairn/resolve/report.hpp"
#include "cairn/resolve/resolver.hpp"

#include <gtest/gtest.h>

namespace cairn::test {
namespace {

using version::Version;

Version v(std::string_view text) {
    return *Version::parse(text);
}

version::VersionSet range(std::string_view text) {
    return *parse_dart_range(text);
}

resolve::ReportOptions dart_style() {
    return {
        [](std::string_view, const version::VersionSet& set) { return format_dart_range(set); }};
}

// "Branching Error Reporting" from the solver documentation.
resolve::DerivationTree branching_failure() {
    MemoryRegistry registry;
    registry.add("foo", v("1.0.0"), {{"a", range("^1.0.0")}, {"b", range("^1.0.0")}});
    registry.add("foo", v("1.1.0"), {{"x", range("^1.0.0")}, {"y", range("^1.0.0")}});
    registry.add("a", v("1.0.0"), {{"b", range("^2.0.0")}});
    registry.add("b", v("1.0.0"), {});
    registry.add("b", v("2.0.0"), {});
    registry.add("x", v("1.0.0"), {{"y", range("^2.0.0")}});
    registry.add("y", v("1.0.0"), {});
    registry.add("y", v("2.0.0"), {});
    resolve::Problem problem{"root", v("1.0.0"), {{"foo", range("^1.0.0")}}, {}, {}};
    auto result = resolve::resolve(problem, registry);
    EXPECT_FALSE(result.solved());
    return result.failure().derivation;
}

TEST(ResolveReport, BranchingExampleNumbersTheSharedLine) {
    EXPECT_EQ(resolve::explain(branching_failure(), dart_style()),
              "    Because foo <1.1.0 depends on a ^1.0.0 which depends on b ^2.0.0, foo <1.1.0 "
              "requires b ^2.0.0.\n"
              "(1) So, because foo <1.1.0 depends on b ^1.0.0, foo <1.1.0 is forbidden.\n"
              "\n"
              "    Because foo >=1.1.0 depends on x ^1.0.0 which depends on y ^2.0.0, foo "
              ">=1.1.0 requires y ^2.0.0.\n"
              "    And because foo >=1.1.0 depends on y ^1.0.0, foo >=1.1.0 is forbidden.\n"
              "    And because foo <1.1.0 is forbidden (1), foo is forbidden.\n"
              "    So, because root depends on foo ^1.0.0, version solving failed.\n");
}

TEST(ResolveReport, DefaultFormatUsesVersionSetText) {
    using version::VersionSet;
    const auto major = [](int n) {
        return VersionSet::between(Version::from_parts(n, 0, 0), true,
                                   Version::from_parts(n + 1, 0, 0), false);
    };
    MemoryRegistry registry;
    registry.add("foo", v("1.0.0"), {{"bar", VersionSet::full()}});
    registry.add("bar", v("2.0.0"), {{"baz", major(3)}});
    registry.add("baz", v("1.0.0"), {});
    registry.add("baz", v("3.0.0"), {});
    resolve::Problem problem{
        "root", v("1.0.0"), {{"foo", VersionSet::full()}, {"baz", major(1)}}, {}, {}};
    const auto result = resolve::resolve(problem, registry);
    ASSERT_FALSE(result.solved());
    EXPECT_EQ(resolve::explain(result.failure().derivation),
              "Because every version of foo depends on bar any which depends on baz >=3.0.0 "
              "<4.0.0, every version of foo requires baz >=3.0.0 <4.0.0.\n"
              "So, because root depends on both foo any and baz >=1.0.0 <2.0.0, version solving "
              "failed.\n");
}

TEST(ResolveReport, LinearExampleCollapsesTheChain) {
    MemoryRegistry registry;
    registry.add("foo", v("1.0.0"), {{"bar", range("^2.0.0")}});
    registry.add("bar", v("2.0.0"), {{"baz", range("^3.0.0")}});
    registry.add("baz", v("1.0.0"), {});
    registry.add("baz", v("3.0.0"), {});
    resolve::Problem problem{
        "root", v("1.0.0"), {{"foo", range("^1.0.0")}, {"baz", range("^1.0.0")}}, {}, {}};
    const auto result = resolve::resolve(problem, registry);
    ASSERT_FALSE(result.solved());
    EXPECT_EQ(resolve::explain(result.failure().derivation, dart_style()),
              "Because every version of foo depends on bar ^2.0.0 which depends on baz ^3.0.0, "
              "every version of foo requires baz ^3.0.0.\n"
              "So, because root depends on both foo ^1.0.0 and baz ^1.0.0, version solving "
              "failed.\n");
}

TEST(ResolveReport, DerivationKeepsTheExternalFacts) {
    const auto tree = branching_failure();
    EXPECT_EQ(tree.root, tree.nodes.size() - 1);
    EXPECT_EQ(tree.root_package, "root");
    const auto facts = tree.dependency_facts();
    EXPECT_EQ(facts.size(), 7u);
    for (const auto& node : tree.nodes) {
        if (const auto* derived = std::get_if<resolve::Derived>(&node.cause)) {
            EXPECT_LT(derived->conflict, tree.nodes.size());
            EXPECT_LT(derived->other, tree.nodes.size());
        }
    }
}

} // namespace
} // namespace cairn::test
