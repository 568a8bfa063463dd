#include "universe.hpp"

#include <algorithm>
#include <random>

namespace cairn::bench {

using version::Version;
using version::VersionSet;

namespace {

Version release_version(std::size_t index) {
    // 50 releases: 1.0.0 .. 5.9.0 (ten minors per major).
    return Version::from_parts(1 + index / 10, index % 10, 0);
}

UniverseDependency caret(const std::string& package, std::uint64_t major, std::uint64_t minor) {
    const auto low = Version::from_parts(major, minor, 0);
    const auto high = Version::from_parts(major + 1, 0, 0);
    return {{package, VersionSet::between(low, true, high, false)},
            package + "_m" + std::to_string(major) + " >= " + low.to_string()};
}

UniverseDependency exactly(const std::string& package, const Version& version) {
    return {{package, VersionSet::exactly(version)}, package + " = " + version.to_string()};
}

} // namespace

Universe random_universe(std::uint32_t seed, std::size_t packages, std::size_t versions) {
    std::mt19937 random(seed);
    Universe universe;
    universe.family = "random";
    const std::size_t majors = (versions + 9) / 10;
    std::vector<std::uint64_t> preferred(packages);
    for (std::size_t i = 0; i < packages; ++i) {
        universe.names.push_back("p" + std::to_string(i));
        preferred[i] = 1 + random() % majors;
    }
    universe.releases.resize(packages);
    for (std::size_t i = 0; i < packages; ++i) {
        for (std::size_t k = 0; k < versions; ++k) {
            UniverseRelease release{release_version(k), {}};
            const std::size_t count = random() % 5;
            for (std::size_t d = 0; d < count && i + 1 < packages; ++d) {
                const std::size_t span = std::min<std::size_t>(packages - i - 1, 400);
                const std::size_t target = i + 1 + random() % span;
                const bool same =
                    std::any_of(release.dependencies.begin(), release.dependencies.end(),
                                [&](const UniverseDependency& dep) {
                                    return dep.dependency.package == universe.names[target];
                                });
                if (same)
                    continue;
                const std::uint64_t major =
                    random() % 10 == 0 ? 1 + random() % majors : preferred[target];
                release.dependencies.push_back(
                    caret(universe.names[target], major, random() % 10 < 7 ? 0 : random() % 5));
            }
            universe.releases[i].push_back(std::move(release));
        }
    }
    for (std::size_t i = 0; i < 12 && i < packages; ++i)
        universe.root.push_back(caret(universe.names[i * 3], preferred[i * 3], 0));
    return universe;
}

Universe chain_universe(std::size_t length, std::size_t versions, bool forced) {
    Universe universe;
    universe.family = forced ? "chain-forced" : "chain";
    universe.unique_solution = forced;
    universe.releases.resize(length);
    for (std::size_t i = 0; i < length; ++i)
        universe.names.push_back("c" + std::to_string(i));
    for (std::size_t i = 0; i < length; ++i) {
        const bool last = i + 1 == length;
        const std::size_t count = last && forced ? 1 : versions;
        for (std::size_t k = 0; k < count; ++k) {
            UniverseRelease release{Version::from_parts(1, k, 0), {}};
            if (!last)
                release.dependencies.push_back(caret(universe.names[i + 1], 1, k));
            universe.releases[i].push_back(std::move(release));
        }
    }
    universe.root.push_back(caret(universe.names[0], 1, 0));
    return universe;
}

Universe backtracking_universe(std::size_t n) {
    Universe universe;
    universe.family = "backtrack";
    universe.names = {"foo", "bar", "baz"};
    universe.releases.resize(3);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            const auto v = Version::from_parts(i, j, 0);
            universe.releases[0].push_back({v, {exactly("baz", Version::from_parts(i, 0, 0))}});
            universe.releases[1].push_back({v, {exactly("baz", Version::from_parts(0, j, 0))}});
        }
    }
    universe.releases[2].push_back({Version::from_parts(0, 0, 0), {}});
    universe.root.push_back({{"foo", VersionSet::full()}, "foo"});
    universe.root.push_back({{"bar", VersionSet::full()}, "bar"});
    return universe;
}

resolve::Problem universe_problem(const Universe& universe) {
    resolve::Problem problem{"root", Version::from_parts(1, 0, 0), {}, {}, {}};
    for (const auto& dep : universe.root)
        problem.dependencies.push_back({dep.dependency.package, dep.dependency.range});
    return problem;
}

UniverseProvider::UniverseProvider(const Universe& universe) : m_universe(universe) {
    for (std::size_t i = 0; i < universe.names.size(); ++i)
        m_index.emplace(universe.names[i], i);
}

std::vector<resolve::Candidate> UniverseProvider::versions(std::string_view package) {
    std::vector<resolve::Candidate> out;
    auto found = m_index.find(package);
    if (found == m_index.end())
        return out;
    for (const auto& release : m_universe.releases[found->second])
        out.push_back({release.version});
    return out;
}

std::optional<std::vector<resolve::Dependency>>
UniverseProvider::dependencies(std::string_view package, const Version& version) {
    auto found = m_index.find(package);
    if (found == m_index.end())
        return std::nullopt;
    for (const auto& release : m_universe.releases[found->second]) {
        if (release.version == version) {
            std::vector<resolve::Dependency> out;
            for (const auto& dep : release.dependencies)
                out.push_back(dep.dependency);
            return out;
        }
    }
    return std::nullopt;
}

std::string to_testsolv(const Universe& universe, bool with_job) {
    std::string out = "repo system 0 testtags <inline>\n#>=Ver: 2\n"
                      "repo available 0 testtags <inline>\n#>=Ver: 2\n"
                      "#>=Pkg: root 1.0.0 1 noarch\n";
    for (const auto& dep : universe.root)
        out += "#>=Req: " + dep.libsolv + "\n";
    for (std::size_t i = 0; i < universe.names.size(); ++i) {
        const auto& name = universe.names[i];
        for (const auto& release : universe.releases[i]) {
            const auto v = release.version.to_string();
            out += "#>=Pkg: " + name + " " + v + " 1 noarch\n";
            out += "#>=Prv: " + name + "_m" + std::to_string(release.version.major()) + " = " + v +
                   "\n";
            for (const auto& dep : release.dependencies)
                out += "#>=Req: " + dep.libsolv + "\n";
        }
    }
    out += "system x86_64 rpm system\n";
    if (with_job)
        out += "job install name root\n";
    out += "result transaction,problems <inline>\n";
    return out;
}

std::map<std::string, std::string> solution_map(const resolve::Resolution& resolution) {
    std::map<std::string, std::string> out;
    if (!resolution.solved())
        return out;
    for (const auto& release : resolution.solution().releases)
        out[release.package] = release.version.to_string();
    return out;
}

} // namespace cairn::bench
