#pragma once

#include "cairn/version/npm_range.hpp"
#include "cairn/version/version.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The npm tree builder (DESIGN.md section 5): npm v7+ semantics, where several versions
// of one package may coexist. Each dependency resolves by walking up node_modules folders;
// a new package is placed as high in the tree as it can go without shadowing what other
// packages already resolve to (hoisting), and nested where it conflicts. Pure: metadata
// comes through NpmTreeProvider.
namespace cairn::resolve::npm {

enum class EdgeType { prod, dev, optional, peer };

// One dependency as a manifest states it.
struct Edge {
    std::string name;    // the folder name under node_modules (the key in package.json)
    std::string package; // the registry package (differs for aliases `npm:other@^2`)
    std::string spec;    // an npm range or a dist-tag, as written
    EdgeType type = EdgeType::prod;
    bool peer_optional = false; // peerDependenciesMeta.<name>.optional
};

struct Platform {
    std::string os;   // node's process.platform: "linux", "darwin", "win32"...
    std::string cpu;  // process.arch: "x64", "arm64"...
    std::string libc; // "glibc", "musl", or "" where it means nothing
};

// What choosing among a package's releases reads of each one (NpmTreeProvider::releases()).
struct NpmCandidate {
    version::Version version;
    bool deprecated = false;
    std::string engines_node = {}; // engines.node: the node versions it supports ("" any)
};

// One release as the registry describes it: what choosing reads and what placing it needs.
struct NpmRelease : NpmCandidate {
    std::vector<Edge> dependencies; // prod, optional and peer (dev dependencies never apply)
    std::vector<std::string> os, cpu, libc;
};

class NpmTreeProvider {
public:
    virtual ~NpmTreeProvider() = default;
    // A hint: these packages will be asked about soon (fetch them all at once).
    virtual void prefetch(std::span<const std::string> packages) = 0;
    // Every release of a package, for choosing among them; nullptr when the registry does
    // not have the package.
    virtual const std::vector<NpmCandidate>* releases(std::string_view package) = 0;
    // The releases a choice falls among: every one when `prereleases`, else possibly those
    // alone that are not prereleases (npm's prerelease rule: a range admits one only when
    // it names a prerelease of the same version itself, NpmRange::admits_prereleases()), a
    // list a provider may build for less (typescript and react list thousands of nightly
    // builds). Sorted the same way as releases(); details() takes its elements too.
    virtual const std::vector<NpmCandidate>* candidates(std::string_view package,
                                                        bool /*prereleases*/) {
        return releases(package);
    }
    // Whether releases(package) lists them in version order (ascending precedence): the
    // tree builder then bisects it and searches from the top. False is always correct.
    virtual bool releases_in_version_order(std::string_view /*package*/) { return false; }
    // The release `candidate` (one of releases(package)) stands for, in full; the reference
    // stays valid as long as the provider. (One provider that wraps another passes this on.)
    virtual const NpmRelease& details(std::string_view package, const NpmCandidate& candidate) = 0;
    // The version a dist-tag points at, if the package has that tag.
    virtual std::optional<version::Version> dist_tag(std::string_view package,
                                                     std::string_view tag) = 0;
};

// A dependency of a node and the node it resolved to.
struct Link {
    std::string name;
    std::string spec;
    EdgeType type = EdgeType::prod;
    std::size_t target = 0;
};

struct TreeNode {
    std::string name;                        // folder name under its parent's node_modules
    std::string package;                     // registry package
    std::optional<version::Version> version; // none only for the root
    std::size_t parent = 0;                  // index into Tree::nodes; the root is its own
    std::map<std::string, std::size_t> children;
    bool dev = false;        // reachable only through devDependencies
    bool optional = false;   // reachable only through optional dependencies
    bool peer = false;       // placed to satisfy a peer dependency
    std::vector<Link> links; // its dependencies, resolved (skipped optional ones absent)
};

// An optional dependency left out, and why (platform, missing from the registry...).
struct SkippedOptional {
    std::string name;
    std::string spec;
    std::string required_by; // a node's path, "" for the root
    std::string reason;
};

struct Tree {
    std::vector<TreeNode> nodes; // nodes[0] is the root
    std::vector<SkippedOptional> skipped;
    std::vector<std::string> warnings; // e.g. deprecated releases chosen

    // "node_modules/a/node_modules/b"; "" for the root.
    std::string path(std::size_t node) const;
    // The node a dependency `name` of `from` resolves to by walking up, if any.
    std::optional<std::size_t> resolve(std::size_t from, std::string_view name) const;
};

struct TreeOptions {
    Platform platform;
    bool include_dev = true;
    bool include_optional = true;
    // The node version installs are for: releases whose engines.node excludes it are
    // chosen only when nothing else satisfies (npm-pick-manifest's rule). None: unknown.
    std::optional<version::Version> node_version;
    // Versions to keep when they still satisfy (from a lockfile), by package name.
    std::map<std::string, version::Version> preferred;
};

// Throws cairn::Error: not_found (no release satisfies a required spec, or the package does
// not exist) naming the dependency and who requires it; no_solution for a peer dependency
// conflict, explained like npm's ERESOLVE; unsupported for a required package that does not
// support this platform.
Tree build_npm_tree(std::span<const Edge> root_dependencies, NpmTreeProvider& provider,
                    const TreeOptions& options);

// Whether a release's os/cpu/libc lists admit the platform (entries may be negated "!win32").
bool platform_allows(const std::vector<std::string>& allowed, const std::string& actual);

} // namespace cairn::resolve::npm
