#include "catalog.hpp"

#include <algorithm>
#include <functional>

namespace cairn::resolve {

namespace {

void mix(std::size_t& seed, std::size_t value) {
    seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

void mix_cut(std::size_t& seed, const std::optional<version::VersionSet::Cut>& cut) {
    if (!cut) {
        mix(seed, 0x51);
        return;
    }
    mix(seed, cut->after ? 2 : 1);
    mix(seed, cut->version.major());
    mix(seed, cut->version.minor());
    mix(seed, cut->version.patch());
    for (const auto& id : cut->version.prerelease())
        mix(seed, std::hash<std::string>{}(id.text()));
}

// Equal sets have equal fingerprints (sets are canonical).
std::size_t fingerprint(PackageId package, const version::VersionSet& set) {
    std::size_t seed = package;
    for (const auto& interval : set.intervals()) {
        mix_cut(seed, interval.lower);
        mix_cut(seed, interval.upper);
    }
    return seed;
}

} // namespace

Catalog::Catalog(const Problem& problem, DependencyProvider& provider)
    : m_provider(provider), m_overrides(problem.overrides), m_locked(problem.locked) {
    intern(problem.root);
    m_unannounced.clear(); // the provider is never asked about the root
    auto& root = m_packages[k_root_package];
    root.loaded = true;
    root.candidates.push_back({problem.root_version, Availability::available});
    std::vector<Edge> edges;
    for (const auto& dep : problem.dependencies) {
        if (m_overrides.contains(dep.package) && dep.package != problem.root)
            continue; // replaced by the override below
        edges.push_back(make_edge(dep.package, dep.range, dep.kind));
    }
    for (const auto& [package, range] : m_overrides) {
        if (package != problem.root)
            edges.push_back(make_edge(package, range, DependencyKind::override));
    }
    m_packages[k_root_package].dependencies.emplace_back(std::move(edges));
    m_packages[k_root_package].locked.reset();
}

PackageId Catalog::intern(std::string_view name) {
    auto found = m_ids.find(std::string(name));
    if (found != m_ids.end())
        return found->second;
    const auto id = static_cast<PackageId>(m_packages.size());
    PackageRecord record;
    record.name = std::string(name);
    if (auto locked = m_locked.find(record.name); locked != m_locked.end())
        record.locked = locked->second;
    m_packages.push_back(std::move(record));
    m_ids.emplace(std::string(name), id);
    m_unannounced.emplace_back(name);
    return id;
}

void Catalog::announce() {
    if (m_unannounced.empty())
        return;
    auto names = std::move(m_unannounced);
    m_unannounced.clear();
    m_provider.prefetch(names);
}

const std::vector<Candidate>& Catalog::candidates(PackageId package) {
    auto& record = m_packages[package];
    if (!record.loaded) {
        announce();
        auto list = m_provider.versions(record.name);
        std::stable_sort(list.begin(), list.end(), [](const Candidate& a, const Candidate& b) {
            return a.version < b.version;
        });
        // Releases equal in precedence (differing in build metadata only) cannot be
        // told apart by ranges; the first one listed stands for all.
        list.erase(std::unique(list.begin(), list.end(),
                               [](const Candidate& a, const Candidate& b) {
                                   return a.version == b.version;
                               }),
                   list.end());
        auto& reloaded = m_packages[package];
        reloaded.candidates = std::move(list);
        reloaded.dependencies.assign(reloaded.candidates.size(), std::nullopt);
        reloaded.loaded = true;
    }
    return m_packages[package].candidates;
}

std::size_t Catalog::count_in(PackageId package, const version::VersionSet& set) {
    const auto& list = candidates(package);
    std::size_t count = 0;
    for (const auto& interval : set.intervals()) {
        auto begin = list.begin();
        if (interval.lower) {
            const auto& cut = *interval.lower;
            begin = std::partition_point(list.begin(), list.end(), [&](const Candidate& c) {
                return cut.after ? c.version <= cut.version : c.version < cut.version;
            });
        }
        auto end = list.end();
        if (interval.upper) {
            const auto& cut = *interval.upper;
            end = std::partition_point(begin, list.end(), [&](const Candidate& c) {
                return cut.after ? c.version <= cut.version : c.version < cut.version;
            });
        }
        if (end > begin)
            count += static_cast<std::size_t>(end - begin);
    }
    return count;
}

Edge Catalog::make_edge(std::string_view package, version::VersionSet range, DependencyKind kind) {
    const PackageId id = intern(package);
    Edge edge{id, std::move(range), kind, 0};
    edge.fingerprint = fingerprint(id, edge.range);
    return edge;
}

const std::optional<std::vector<Edge>>& Catalog::dependencies(PackageId package,
                                                              std::size_t index) {
    candidates(package);
    if (!m_packages[package].dependencies[index]) {
        const std::string name = m_packages[package].name;
        const auto version = m_packages[package].candidates[index].version;
        auto deps = m_provider.dependencies(name, version);
        std::optional<std::vector<Edge>> edges;
        if (deps) {
            edges.emplace();
            edges->reserve(deps->size());
            for (auto& dep : *deps) {
                // Only the root's overrides apply, and they replace every requirement
                // on the package (the override is a root requirement itself).
                if (m_overrides.contains(dep.package))
                    continue;
                edges->push_back(
                    make_edge(dep.package, std::move(dep.range), DependencyKind::normal));
            }
        }
        m_packages[package].dependencies[index].emplace(std::move(edges));
    }
    return *m_packages[package].dependencies[index];
}

bool Catalog::has_edge(PackageId package, std::size_t index, const Edge& edge) {
    const auto& deps = dependencies(package, index);
    if (!deps)
        return false;
    return std::any_of(deps->begin(), deps->end(), [&](const Edge& e) {
        return e.fingerprint == edge.fingerprint && e.package == edge.package &&
               e.range == edge.range;
    });
}

std::vector<DependencyRun> Catalog::dependency_runs(PackageId package, std::size_t index) {
    std::vector<DependencyRun> runs;
    const auto& deps = dependencies(package, index);
    if (!deps)
        return runs;
    const std::size_t count = m_packages[package].candidates.size();
    const std::size_t edges = deps->size();
    for (std::size_t i = 0; i < edges; ++i) {
        // The cached edge lists are never modified once filled and the records live in
        // a deque, so pointers to edges stay valid while neighbours are loaded.
        const Edge& edge = (*deps)[i];
        std::size_t first = index;
        std::size_t last = index;
        while (first > 0 && has_edge(package, first - 1, edge))
            --first;
        while (last + 1 < count && has_edge(package, last + 1, edge))
            ++last;
        runs.push_back({first, last, &edge});
    }
    return runs;
}

version::VersionSet Catalog::run_versions(PackageId package, std::size_t first, std::size_t last) {
    const auto& list = candidates(package);
    if (package == k_root_package)
        return version::VersionSet::exactly(list.front().version); // the root has one
    const bool open_low = first == 0;
    const bool open_high = last + 1 >= list.size();
    if (open_low && open_high)
        return version::VersionSet::full();
    if (open_low)
        return version::VersionSet::less_than(list[last + 1].version);
    if (open_high)
        return version::VersionSet::at_least(list[first].version);
    return version::VersionSet::between(list[first].version, true, list[last + 1].version, false);
}

} // namespace cairn::resolve
