#pragma once

#include "term.hpp"

#include "cairn/resolve/provider.hpp"
#include "cairn/resolve/resolver.hpp"
#include "cairn/version/version.hpp"
#include "cairn/version/version_set.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cairn::resolve {

// One requirement with its package interned.
struct Edge {
    PackageId package = 0;
    version::VersionSet range;
    DependencyKind kind = DependencyKind::normal;
    std::size_t fingerprint = 0; // cheap pre-check for equal requirements
};

// Releases [first, last] (indexes into the candidates) share one requirement.
struct DependencyRun {
    std::size_t first = 0;
    std::size_t last = 0;
    const Edge* edge = nullptr;
};

// What the solver knows about packages: names interned to ids, candidates sorted by
// version, dependencies cached, overrides applied. Every newly seen name is queued and
// announced to the provider in one prefetch() before the solver next blocks on it.
class Catalog {
public:
    Catalog(const Problem& problem, DependencyProvider& provider);

    std::size_t size() const { return m_packages.size(); }
    const std::string& name(PackageId package) const { return m_packages[package].name; }
    PackageId intern(std::string_view name);
    // Tells the provider about names seen since the last call.
    void announce();

    // Releases of the package, oldest first (loads on first use).
    const std::vector<Candidate>& candidates(PackageId package);
    // The number of candidates inside `set`.
    std::size_t count_in(PackageId package, const version::VersionSet& set);
    // The requirements of one candidate; nullopt when the provider cannot tell.
    const std::optional<std::vector<Edge>>& dependencies(PackageId package, std::size_t index);
    // For each requirement of candidate `index`, the widest run of neighbouring
    // candidates that have the same requirement.
    std::vector<DependencyRun> dependency_runs(PackageId package, std::size_t index);
    // The versions of a run as a range: open-ended at the oldest and newest candidate
    // (as Dart pub states them, closer to what people write); the root's one version.
    version::VersionSet run_versions(PackageId package, std::size_t first, std::size_t last);

    const std::optional<version::Version>& locked(PackageId package) const {
        return m_packages[package].locked;
    }

private:
    struct PackageRecord {
        std::string name;
        bool loaded = false;
        std::vector<Candidate> candidates;
        std::vector<std::optional<std::optional<std::vector<Edge>>>> dependencies;
        std::optional<version::Version> locked;
    };

    Edge make_edge(std::string_view package, version::VersionSet range, DependencyKind kind);
    bool has_edge(PackageId package, std::size_t index, const Edge& edge);

    DependencyProvider& m_provider;
    std::deque<PackageRecord> m_packages; // a deque: references stay valid as it grows
    std::unordered_map<std::string, PackageId> m_ids;
    std::vector<std::string> m_unannounced;
    std::map<std::string, version::VersionSet> m_overrides;
    std::map<std::string, version::Version> m_locked;
};

} // namespace cairn::resolve
