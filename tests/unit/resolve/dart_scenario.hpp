#pragma once

// Loads the shared PubGrub scenarios (testdata/pubgrub, Dart pub semantics) into
// resolver problems. Everything Dart-specific lives here, not in the resolver: Dart's
// range syntax, its caret for 0.0.x, and its rule that an exclusive upper bound also
// excludes that version's prereleases.

#include "cairn/resolve/provider.hpp"
#include "cairn/resolve/resolver.hpp"
#include "cairn/version/version.hpp"
#include "cairn/version/version_set.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::test {

// A Dart (pub_semver) range as a version set; nullopt when it does not parse.
std::optional<version::VersionSet> parse_dart_range(std::string_view text);
// Dart's caret bound: the next major, or the next minor below 1.0.0.
version::Version dart_next_breaking(const version::Version& version);
// Prints a set the way pub would ("^1.0.0", ">=1.0.0 <2.0.0", "any").
std::string format_dart_range(const version::VersionSet& set);

// An in-memory registry; records what the solver asked for, and in which order.
class MemoryRegistry : public resolve::DependencyProvider {
public:
    void add(const std::string& package, const version::Version& version,
             std::vector<resolve::Dependency> dependencies,
             resolve::Availability availability = resolve::Availability::available);

    void prefetch(std::span<const std::string> packages) override;
    std::vector<resolve::Candidate> versions(std::string_view package) override;
    std::optional<std::vector<resolve::Dependency>>
    dependencies(std::string_view package, const version::Version& version) override;

    // Names announced through prefetch(), in order.
    const std::vector<std::string>& prefetched() const { return m_prefetched; }
    // Names asked through versions(), in order.
    const std::vector<std::string>& asked() const { return m_asked; }
    // How many times versions() was asked about a name not announced before.
    std::size_t unannounced_asks() const { return m_unannounced_asks; }
    // Marks one release's dependencies as unknown.
    void break_dependencies(const std::string& package, const version::Version& version);

private:
    struct Release {
        resolve::Candidate candidate;
        std::optional<std::vector<resolve::Dependency>> dependencies;
    };
    std::map<std::string, std::vector<Release>, std::less<>> m_packages;
    std::vector<std::string> m_prefetched;
    std::vector<std::string> m_asked;
    std::size_t m_unannounced_asks = 0;
};

struct DartScenario {
    std::string id;
    nlohmann::json json;
    resolve::Problem problem;
    resolve::ResolveOptions options;
    MemoryRegistry registry;
};

// Builds the problem and registry of one scenario object.
DartScenario load_dart_scenario(const nlohmann::json& scenario);

// Empty when `solution` is a valid solution of the scenario, else why it is not.
std::string check_solution(const DartScenario& scenario, const resolve::Solution& solution);
// Whether the explanation's external dependency facts include one of the scenario's
// minimal unsatisfiable cores; `missing` says what was not covered otherwise.
bool covers_a_minimal_core(const DartScenario& scenario, const resolve::DerivationTree& tree,
                           std::string& missing);

} // namespace cairn::test
