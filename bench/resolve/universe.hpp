#pragma once

// Generated package universes for resolver benchmarks, each also written as a libsolv
// testcase so the same problem can be solved by `testsolv`.

#include "cairn/resolve/provider.hpp"
#include "cairn/resolve/resolver.hpp"
#include "cairn/version/version.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cairn::bench {

// A requirement in both notations.
struct UniverseDependency {
    resolve::Dependency dependency;
    std::string libsolv; // a testtags "Req:" value
};

struct UniverseRelease {
    version::Version version;
    std::vector<UniverseDependency> dependencies;
};

struct Universe {
    std::string family;
    std::vector<std::string> names;
    std::vector<std::vector<UniverseRelease>> releases; // per package, any order
    std::vector<UniverseDependency> root;
    bool unique_solution = false; // by construction
};

// `packages` packages of `versions` releases (majors 1.., ten minors each); every
// release requires up to four later packages with caret ranges, mostly on the major the
// target "prefers", so that some choices conflict. Deterministic for a seed.
Universe random_universe(std::uint32_t seed, std::size_t packages, std::size_t versions);
// p0 -> p1 -> ... -> p(length-1); release 1.k of each requires ^1.k of the next. With
// `forced`, the last package has only 1.0.0, so every package must fall back to 1.0.0
// (one solution, reached by backtracking the whole chain once per version).
Universe chain_universe(std::size_t length, std::size_t versions, bool forced);
// Dart pub's "complex backtrack" scaled up: foo i.j requires baz i.0, bar i.j requires
// baz 0.j, only baz 0.0.0 exists (n*n releases of foo and bar).
Universe backtracking_universe(std::size_t n);

resolve::Problem universe_problem(const Universe& universe);

class UniverseProvider : public resolve::DependencyProvider {
public:
    explicit UniverseProvider(const Universe& universe);
    void prefetch(std::span<const std::string>) override {}
    std::vector<resolve::Candidate> versions(std::string_view package) override;
    std::optional<std::vector<resolve::Dependency>>
    dependencies(std::string_view package, const version::Version& version) override;

private:
    const Universe& m_universe;
    std::unordered_map<std::string_view, std::size_t> m_index;
};

// The universe as a libsolv testcase: install "root", print the transaction.
std::string to_testsolv(const Universe& universe, bool with_job);
// name -> version of a resolution, for comparing answers.
std::map<std::string, std::string> solution_map(const resolve::Resolution& resolution);

} // namespace cairn::bench
