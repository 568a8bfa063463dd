// Every scenario of testdata/pubgrub, one test case each: the exact solution where it
// is the only valid one, a valid solution otherwise, and for unsatisfiable scenarios
// an explanation whose facts include one of the minimal unsatisfiable cores.

#include "dart_scenario.hpp"
#include "support/testdata.hpp"

#include "cairn/resolve/report.hpp"
#include "cairn/resolve/resolver.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <string>
#include <vector>

namespace cairn::test {
namespace {

const std::vector<std::string> k_scenario_files = {
    "doc-solver-examples.json", "pubgrub-rs-tests.json", "pub-version-solver-tests.json"};

struct ScenarioCase {
    std::string file;
    std::size_t index = 0;
    std::string name;
};

nlohmann::json read_json(const std::filesystem::path& path) {
    return nlohmann::json::parse(read_file(path));
}

std::string test_name(const std::string& id, std::size_t index) {
    std::string name;
    for (char c : id)
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name + "_" + std::to_string(index);
}

// Called while tests are registered: without the vectors, one case that skips.
std::vector<ScenarioCase> scenario_cases() {
    std::vector<ScenarioCase> cases;
    auto root = testdata_dir();
    if (root) {
        for (const auto& file : k_scenario_files) {
            const auto path = *root / "pubgrub" / file;
            if (!std::filesystem::exists(path))
                continue;
            const auto json = read_json(path);
            const auto& scenarios = json.at("scenarios");
            for (std::size_t i = 0; i < scenarios.size(); ++i)
                cases.push_back({file, i, test_name(scenarios[i].at("id"), i)});
        }
    }
    if (cases.empty())
        cases.push_back({"", 0, "testdata_missing"});
    return cases;
}

std::string solution_text(const resolve::Solution& solution) {
    std::string text;
    for (const auto& release : solution.releases)
        text += release.package + " " + release.version.to_string() + "; ";
    return text;
}

resolve::ReportOptions dart_report() {
    resolve::ReportOptions options;
    options.format_versions = [](std::string_view, const version::VersionSet& set) {
        return format_dart_range(set);
    };
    return options;
}

class PubGrubScenario : public ::testing::TestWithParam<ScenarioCase> {};

TEST_P(PubGrubScenario, Solves) {
    const auto& param = GetParam();
    CAIRN_REQUIRE_TESTDATA(vectors, "pubgrub");
    ASSERT_FALSE(param.file.empty()) << "no scenario files under " << vectors;
    const auto json = read_json(vectors / param.file).at("scenarios").at(param.index);
    auto scenario = load_dart_scenario(json);
    const auto& expected = json.at("expected");
    SCOPED_TRACE(scenario.id);

    const auto resolution = resolve::resolve(scenario.problem, scenario.registry, scenario.options);

    if (expected.at("result") == "solution") {
        ASSERT_TRUE(resolution.solved())
            << "expected a solution, got:\n"
            << resolve::explain(resolution.failure().derivation, dart_report());
        const auto& solution = resolution.solution();
        EXPECT_EQ(check_solution(scenario, solution), "") << solution_text(solution);
        const auto& exact = expected.at("solution");
        if (expected.value("valid_solution_count", 0) == 1) {
            std::map<std::string, std::string> want;
            for (const auto& [name, version] : exact.items())
                want[name] = version.get<std::string>();
            std::map<std::string, std::string> got;
            for (const auto& release : solution.releases)
                got[release.package] = release.version.to_string();
            EXPECT_EQ(got, want);
        }
        // Determinism: the same problem gives the same answer.
        auto again = load_dart_scenario(json);
        const auto second = resolve::resolve(again.problem, again.registry, again.options);
        ASSERT_TRUE(second.solved());
        EXPECT_EQ(solution_text(second.solution()), solution_text(solution));
    } else {
        ASSERT_FALSE(resolution.solved())
            << "expected no solution, got: " << solution_text(resolution.solution());
        const auto& tree = resolution.failure().derivation;
        const auto report = resolve::explain(tree, dart_report());
        std::string missing;
        EXPECT_TRUE(covers_a_minimal_core(scenario, tree, missing)) << missing << report;
        EXPECT_TRUE(report.ends_with("version solving failed.\n")) << report;
    }
}

INSTANTIATE_TEST_SUITE_P(Pubgrub, PubGrubScenario, ::testing::ValuesIn(scenario_cases()),
                         [](const ::testing::TestParamInfo<ScenarioCase>& info) {
                             return info.param.name;
                         });

} // namespace
} // namespace cairn::test
