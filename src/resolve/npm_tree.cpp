// Building an npm node_modules tree: breadth first from the root, each dependency
// deduplicated against what it already resolves to, otherwise placed as high as it can go
// without changing what any placed package resolves to.
#include "cairn/resolve/npm_tree.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace cairn::resolve::npm {
namespace {

using version::NpmRange;
using version::NpmRangeCache;
using version::Version;

struct Work {
    std::size_t node; // the package whose dependency this is
    Edge edge;
};

std::string describe_requirer(const Tree& tree, std::size_t node) {
    if (node == 0)
        return "the root project";
    const TreeNode& n = tree.nodes[node];
    return fmt::format("{}@{} ({})", n.package, n.version->to_string(), tree.path(node));
}

class Builder {
public:
    Builder(NpmTreeProvider& provider, const TreeOptions& options)
        : m_provider(provider), m_options(options) {
        TreeNode root;
        root.parent = 0;
        m_tree.nodes.push_back(std::move(root));
    }

    Tree run(std::span<const Edge> root_dependencies) {
        std::vector<Edge> edges;
        for (const Edge& edge : root_dependencies) {
            if (edge.type == EdgeType::dev && !m_options.include_dev)
                continue;
            if (edge.type == EdgeType::optional && !m_options.include_optional)
                continue;
            Edge e = edge;
            if (e.type == EdgeType::peer) // the root's peers are installed like its dependencies
                e.type = EdgeType::prod;
            edges.push_back(std::move(e));
        }
        enqueue(0, std::move(edges));
        while (!m_queue.empty()) {
            Work work = std::move(m_queue.front());
            m_queue.pop_front();
            process(work);
        }
        compute_flags();
        return std::move(m_tree);
    }

private:
    NpmTreeProvider& m_provider;
    const TreeOptions& m_options;
    Tree m_tree;
    std::deque<Work> m_queue;
    std::set<std::string> m_announced;
    NpmRangeCache m_ranges{{.loose = true}}; // edges' specs and engines.node values
    // Every link by the name it is under: (node, index in its links). Whether a placement
    // shadows a link looks at those of one name, not at every node's (a large project's
    // tree had spent a third of its time in those scans).
    std::map<std::string, std::vector<std::pair<std::size_t, std::size_t>>, std::less<>>
        m_links_named;

    void enqueue(std::size_t node, std::vector<Edge> edges) {
        std::sort(edges.begin(), edges.end(),
                  [](const Edge& a, const Edge& b) { return a.name < b.name; });
        // An optional peer is looked up only if something else places it: announcing it
        // would start lookups nobody finishes (and, online, requests on every run).
        std::vector<std::string> fresh;
        for (const Edge& edge : edges)
            if (!(edge.type == EdgeType::peer && edge.peer_optional) &&
                m_announced.insert(edge.package).second)
                fresh.push_back(edge.package);
        if (!fresh.empty())
            m_provider.prefetch(fresh);
        for (Edge& edge : edges)
            m_queue.push_back({node, std::move(edge)});
    }

    bool satisfies(const Edge& edge, const Version& version) {
        if (const NpmRange* range = m_ranges.find(edge.spec))
            return range->satisfies(version);
        // A dist-tag is satisfied by the version it points at.
        auto tagged = m_provider.dist_tag(edge.package, edge.spec);
        return tagged && *tagged == version;
    }

    void link(std::size_t node, const Edge& edge, std::size_t target) {
        auto& links = m_tree.nodes[node].links;
        links.push_back({edge.name, edge.spec, edge.type, target});
        m_links_named[edge.name].emplace_back(node, links.size() - 1);
    }

    void skip(const Work& work, std::string reason) {
        m_tree.skipped.push_back(
            {work.edge.name, work.edge.spec, m_tree.path(work.node), std::move(reason)});
    }

    void process(const Work& work) {
        const Edge& edge = work.edge;
        if (auto found = m_tree.resolve(work.node, edge.name)) {
            const TreeNode& existing = m_tree.nodes[*found];
            if (existing.package == edge.package && satisfies(edge, *existing.version)) {
                link(work.node, edge, *found);
                return;
            }
            if (edge.type == EdgeType::peer) {
                if (edge.peer_optional)
                    return; // an optional peer is checked only when present... and it is not
                // Another version beside the dependent is a conflict; one further up is
                // shadowed by placing the peer beside its dependent (npm nests them).
                if (existing.parent == m_tree.nodes[work.node].parent)
                    throw peer_conflict(work, *found);
            }
        } else if (edge.type == EdgeType::peer && edge.peer_optional) {
            return; // optional peers are never installed for their own sake
        }

        const NpmRelease* release = choose(work);
        if (!release)
            return; // an optional dependency skipped
        // A peer goes beside the package that wants it; anything else below its requirer.
        std::size_t start =
            edge.type == EdgeType::peer ? m_tree.nodes[work.node].parent : work.node;
        // A peer nested to shadow another version further up must not take that version
        // away from a sibling that needs it: that is a conflict, as in npm.
        if (edge.type == EdgeType::peer)
            if (auto found = m_tree.resolve(work.node, edge.name);
                found && shadows_unsatisfied(start, edge.name, release->version))
                throw peer_conflict(work, *found);
        std::size_t location = place_location(start, edge, *release);
        std::size_t index = m_tree.nodes.size();
        TreeNode node;
        node.name = edge.name;
        node.package = edge.package;
        node.version = release->version;
        node.parent = location;
        node.peer = edge.type == EdgeType::peer;
        m_tree.nodes.push_back(std::move(node));
        m_tree.nodes[location].children[edge.name] = index;
        link(work.node, edge, index);
        if (release->deprecated)
            m_tree.warnings.push_back(
                fmt::format("{}@{} is deprecated", edge.package, release->version.to_string()));
        enqueue(index, release->dependencies);
    }

    // The release to install for an edge, with its details; nullptr when an optional one
    // is skipped.
    const NpmRelease* choose(const Work& work) {
        const Edge& edge = work.edge;
        bool optional = edge.type == EdgeType::optional;
        const NpmRange* range = m_ranges.find(edge.spec);
        bool prereleases = !range || range->admits_prereleases(); // a dist-tag may name one
        const std::vector<NpmCandidate>* releases =
            m_provider.candidates(edge.package, prereleases);
        if (releases && releases->empty() && !prereleases)
            releases = m_provider.releases(edge.package); // its every release a prerelease
        if (!releases || releases->empty()) {
            if (optional) {
                skip(work, fmt::format("the registry has no package {}", edge.package));
                return nullptr;
            }
            Error error(Code::not_found,
                        fmt::format("the registry has no package {}", edge.package));
            error.while_(fmt::format("resolving {}@\"{}\" for {}", edge.name, edge.spec,
                                     describe_requirer(m_tree, work.node)));
            error.hint("check the name for typos, and which registry serves it with `cairn "
                       "config explain formats.npm`");
            throw error;
        }
        const NpmCandidate* candidate = pick(edge, *releases);
        if (!candidate) {
            if (optional) {
                skip(work, fmt::format("no version of {} matches \"{}\"", edge.package, edge.spec));
                return nullptr;
            }
            releases = m_provider.releases(edge.package); // what the registry has, in all
            const NpmCandidate* newest = &releases->front();
            for (const auto& r : *releases)
                if (r.version > newest->version)
                    newest = &r;
            Error error(Code::not_found,
                        fmt::format("no version of {} matches \"{}\"", edge.package, edge.spec));
            error.caused_by(fmt::format("the newest of its {} versions is {}", releases->size(),
                                        newest->version.to_string()));
            error.while_(fmt::format("resolving {} for {}", edge.name,
                                     describe_requirer(m_tree, work.node)));
            throw error;
        }
        const NpmRelease* best = &m_provider.details(edge.package, *candidate);
        const Platform& p = m_options.platform;
        std::string mismatch;
        if (!platform_allows(best->os, p.os))
            mismatch = fmt::format("os {} (it supports {})", p.os, fmt::join(best->os, ", "));
        else if (!platform_allows(best->cpu, p.cpu))
            mismatch = fmt::format("cpu {} (it supports {})", p.cpu, fmt::join(best->cpu, ", "));
        else if (!p.libc.empty() && !platform_allows(best->libc, p.libc))
            mismatch = fmt::format("libc {} (it supports {})", p.libc, fmt::join(best->libc, ", "));
        if (!mismatch.empty()) {
            std::string what = fmt::format("{}@{} does not support this platform: {}", edge.package,
                                           best->version.to_string(), mismatch);
            if (optional) {
                skip(work, what);
                return nullptr;
            }
            Error error(Code::unsupported, what);
            error.while_(fmt::format("resolving {} for {}", edge.name,
                                     describe_requirer(m_tree, work.node)));
            throw error;
        }
        return best;
    }

    // npm-pick-manifest's order: the lockfile's version, the `latest` tag when it satisfies,
    // then the highest satisfying version, non-deprecated before deprecated.
    const NpmCandidate* pick(const Edge& edge, const std::vector<NpmCandidate>& releases) {
        // A list in version order (as NpmMetadata's always are) is bisected to find a
        // version, and the usual pick is the first met from its top.
        bool sorted = m_provider.releases_in_version_order(edge.package);
        auto find = [&](const Version& v) -> const NpmCandidate* {
            if (sorted) {
                auto it = std::lower_bound(
                    releases.begin(), releases.end(), v,
                    [](const NpmCandidate& r, const Version& x) { return r.version < x; });
                return it != releases.end() && it->version == v ? &*it : nullptr;
            }
            for (const auto& r : releases)
                if (r.version == v)
                    return &r;
            return nullptr;
        };
        const NpmRange* range = m_ranges.find(edge.spec);
        if (!range) {
            auto tagged = m_provider.dist_tag(edge.package, edge.spec);
            return tagged ? find(*tagged) : nullptr;
        }
        if (auto it = m_options.preferred.find(edge.package); it != m_options.preferred.end())
            if (const NpmCandidate* r = find(it->second); r && range->satisfies(r->version))
                return r;
        if (auto latest = m_provider.dist_tag(edge.package, "latest"))
            if (const NpmCandidate* r = find(*latest);
                r && !r->deprecated && engine_ok(*r) && range->satisfies(r->version))
                return r;
        // Non-deprecated first, then those whose engines.node admits this node, then the
        // highest version (of equal ones in a sorted list, the first, as the scan below).
        auto rank = [&](const NpmCandidate& r) {
            return std::make_tuple(!r.deprecated, engine_ok(r));
        };
        const NpmCandidate* best = nullptr;
        if (sorted) {
            // From the top: the same choice as the scan below (which keeps the first of
            // equal keys, so here the last of equal versions), stopping once nothing further
            // down can rank higher.
            const auto top = std::make_tuple(true, true);
            for (auto r = releases.rbegin(); r != releases.rend(); ++r) {
                if (best && r->version < best->version && rank(*best) == top)
                    break;
                if (!range->satisfies(r->version))
                    continue;
                if (!best || rank(*r) > rank(*best) ||
                    (rank(*r) == rank(*best) && !(r->version < best->version)))
                    best = &*r;
            }
            return best;
        }
        for (const auto& r : releases) {
            if (!range->satisfies(r.version))
                continue;
            if (!best || rank(r) > rank(*best) ||
                (rank(r) == rank(*best) && r.version > best->version))
                best = &r;
        }
        return best;
    }

    bool engine_ok(const NpmCandidate& release) {
        if (!m_options.node_version || release.engines_node.empty())
            return true;
        const NpmRange* range = m_ranges.find(release.engines_node);
        return !range || range->satisfies(*m_options.node_version);
    }

    // The highest folder, from `start` upward, where the package can live: no other
    // package of that name is in the way, and nothing already placed below that folder
    // would resolve to it without being satisfied.
    std::size_t place_location(std::size_t start, const Edge& edge, const NpmRelease& release) {
        const Version& version = release.version;
        std::size_t chosen = start;
        for (std::size_t loc = start;; loc = m_tree.nodes[loc].parent) {
            if (m_tree.nodes[loc].children.contains(edge.name))
                break;
            if (shadows_unsatisfied(loc, edge.name, version))
                break;
            if (!peers_fit(loc, start, release))
                break;
            chosen = loc;
            if (loc == 0)
                break;
        }
        if (m_tree.nodes[chosen].children.contains(edge.name)) {
            Error error(Code::internal, fmt::format("no place for {}@{} under {}", edge.package,
                                                    version.to_string(), m_tree.path(start)));
            throw error;
        }
        return chosen;
    }

    // Whether the release's peers can be met from a package placed in `loc`'s
    // node_modules: each resolves from there to a satisfying version, or can be placed
    // beside it (nothing of that name in `loc` itself and, above `start`, nothing
    // unsatisfying further up either: hoisting stops where the peers would not follow).
    bool peers_fit(std::size_t loc, std::size_t start, const NpmRelease& release) {
        for (const Edge& peer : release.dependencies) {
            if (peer.type != EdgeType::peer || peer.peer_optional)
                continue;
            auto found = m_tree.resolve(loc, peer.name);
            if (!found)
                continue;
            const TreeNode& n = m_tree.nodes[*found];
            if (n.package == peer.package && satisfies(peer, *n.version))
                continue;
            if (n.parent == loc || loc != start)
                return false;
        }
        return true;
    }

    bool inside(std::size_t node, std::size_t ancestor) const {
        for (std::size_t n = node;; n = m_tree.nodes[n].parent) {
            if (n == ancestor)
                return true;
            if (n == 0)
                return false;
        }
    }

    bool shadows_unsatisfied(std::size_t loc, const std::string& name, const Version& version) {
        auto named = m_links_named.find(name);
        if (named == m_links_named.end())
            return false;
        for (const auto& [i, k] : named->second) {
            const Link& l = m_tree.nodes[i].links[k];
            if (!inside(i, loc) || inside(l.target, loc))
                continue;
            if (!satisfies({l.name, m_tree.nodes[l.target].package, l.spec, l.type, false},
                           version))
                return true;
        }
        return false;
    }

    Error peer_conflict(const Work& work, std::size_t existing) {
        const TreeNode& wanting = m_tree.nodes[work.node];
        const TreeNode& present = m_tree.nodes[existing];
        Error error(Code::no_solution,
                    fmt::format("could not resolve the peer dependency {}@\"{}\" of {}@{}",
                                work.edge.name, work.edge.spec, wanting.package,
                                wanting.version->to_string()));
        error.caused_by(fmt::format("{}@{} ({}) needs {} {}", wanting.package,
                                    wanting.version->to_string(), m_tree.path(work.node),
                                    work.edge.name, work.edge.spec));
        std::string by;
        for (std::size_t i = 0; i < m_tree.nodes.size(); ++i)
            for (const Link& l : m_tree.nodes[i].links)
                if (l.target == existing && by.empty())
                    by = fmt::format(", required by {} (\"{}\")", describe_requirer(m_tree, i),
                                     l.spec);
        error.caused_by(fmt::format("{}@{} is installed at {}{}", present.package,
                                    present.version->to_string(), m_tree.path(existing), by));
        error.hint(fmt::format("align the versions (for example `cairn add {}@\"{}\"`), or add "
                               "an override for {} to package.json",
                               work.edge.name, work.edge.spec, work.edge.name));
        return error;
    }

    // dev: reachable from the root only through a devDependency; optional: only through
    // optional dependencies (npm's calcDepFlags).
    void compute_flags() {
        auto reach = [&](auto skip_edge) {
            std::vector<bool> seen(m_tree.nodes.size(), false);
            std::deque<std::size_t> queue{0};
            seen[0] = true;
            while (!queue.empty()) {
                std::size_t n = queue.front();
                queue.pop_front();
                for (const Link& l : m_tree.nodes[n].links) {
                    if (skip_edge(n, l) || seen[l.target])
                        continue;
                    seen[l.target] = true;
                    queue.push_back(l.target);
                }
            }
            return seen;
        };
        auto prod =
            reach([](std::size_t n, const Link& l) { return n == 0 && l.type == EdgeType::dev; });
        auto required =
            reach([](std::size_t, const Link& l) { return l.type == EdgeType::optional; });
        for (std::size_t i = 1; i < m_tree.nodes.size(); ++i) {
            m_tree.nodes[i].dev = !prod[i];
            m_tree.nodes[i].optional = !required[i];
        }
    }
};

} // namespace

bool platform_allows(const std::vector<std::string>& allowed, const std::string& actual) {
    if (allowed.empty() || actual.empty())
        return true;
    bool any_positive = false;
    bool listed = false;
    for (const auto& entry : allowed) {
        if (entry.starts_with('!')) {
            if (entry.substr(1) == actual)
                return false;
        } else {
            any_positive = true;
            listed = listed || entry == actual;
        }
    }
    return !any_positive || listed;
}

std::string Tree::path(std::size_t node) const {
    if (node == 0)
        return "";
    std::string parent = path(nodes[node].parent);
    return (parent.empty() ? "" : parent + "/") + "node_modules/" + nodes[node].name;
}

std::optional<std::size_t> Tree::resolve(std::size_t from, std::string_view name) const {
    for (std::size_t n = from;; n = nodes[n].parent) {
        auto it = nodes[n].children.find(std::string(name));
        if (it != nodes[n].children.end())
            return it->second;
        if (n == 0)
            return std::nullopt;
    }
}

Tree build_npm_tree(std::span<const Edge> root_dependencies, NpmTreeProvider& provider,
                    const TreeOptions& options) {
    return Builder(provider, options).run(root_dependencies);
}

} // namespace cairn::resolve::npm
