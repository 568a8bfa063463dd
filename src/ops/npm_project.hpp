#pragma once

// Private pieces of the npm project workflows (npm_install.hpp): reading the project,
// turning a resolved tree into a lockfile, a lockfile into an install plan, and the
// providers the resolver reads from.
#include "cairn/format/npm/manifest.hpp"
#include "cairn/install/install.hpp"
#include "cairn/lock/lockfile.hpp"
#include "cairn/ops/npm_metadata.hpp"
#include "cairn/resolve/npm_tree.hpp"
#include "cairn/store/store.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cairn::ops::detail {

struct NpmProject {
    std::filesystem::path dir;
    std::string manifest_text;
    format::npm::Manifest manifest;
    // cairn.lock as read; once parsed without its portable index, without the index's value
    // (whole_lock_text() has it all).
    std::optional<std::string> lock_text;
    bool lock_text_whole = true;
    std::string lock_key; // content_key of the whole text (of "" when there is none)
    std::optional<lock::Lockfile> lock;
};

// A short key of a text's content (not cryptographic: it tells versions of one file apart).
std::string content_key(std::string_view text);

// cairn.lock's text as it was read, index included: read again when the parse left the index
// out. Throws cairn::Error(Code::io) when there is none, or when the file changed meanwhile.
const std::string& whole_lock_text(NpmProject& project);
// The lockfile text a run now stands on (as written by it).
void set_lock_text(NpmProject& project, std::string text);

// Reads package.json (and cairn.lock when present) and refuses what cairn cannot install.
NpmProject read_npm_project(const std::filesystem::path& dir);

// The two halves of read_npm_project: the files' text only (what the no-op check needs),
// then parsing and checking that text.
NpmProject read_npm_texts(const std::filesystem::path& dir);
// `index`: whether cairn.lock's portable index is read (see lock::IndexReading).
void parse_npm_project(NpmProject& project, lock::IndexReading index = lock::IndexReading::read);

// The root requirements as the lockfile records them.
lock::LockedRoot locked_root(const format::npm::Manifest& manifest);

// The registry dependencies of the root, as tree edges (npm `overrides` applied by the
// provider, `file:`/`link:` folders left out: they are linked, not resolved).
std::vector<resolve::npm::Edge> root_edges(const format::npm::Manifest& manifest);
// The root's dependencies, one per name, in package.json's order: a name listed in several
// fields is the one of the field npm reads last (peer, then prod, then optional, then
// dev), as npm keeps one edge per name and lets a later field replace an earlier one.
std::vector<const format::npm::ManifestDependency*>
root_dependencies(const format::npm::Manifest& manifest);

// The platform cairn runs on, in npm's words.
resolve::npm::Platform current_platform();

// The version of the `node` on PATH (`node --version`), for engines.node; nullopt when
// there is none. CAIRN_NODE_VERSION overrides it (e.g. to install for another node).
// Starting node costs tens of milliseconds, so the answer is remembered in
// `<store_root>/node-version` for that binary (its path, size, mtime and inode).
std::optional<version::Version> node_version(const config::EnvLookup& env,
                                             const std::filesystem::path& store_root);

// A release as the tree builder sees it, from its registry record (shared by the portable
// index and the registry metadata).
resolve::npm::NpmRelease tree_release(const version::Version& version,
                                      const protocol::npm::PackumentRelease& release);

// Where `candidate` is in `list`: its own element, or the one of an identical version.
std::optional<std::size_t> position_of(const std::vector<resolve::npm::NpmCandidate>& list,
                                       const resolve::npm::NpmCandidate& candidate);

// Resolver input from the lockfile's portable index first, then from `fallback` for
// packages the index lacks or that `bypass` names (being updated).
class PortableIndexProvider : public resolve::npm::NpmTreeProvider {
public:
    PortableIndexProvider(const lock::Lockfile& lock, resolve::npm::NpmTreeProvider* fallback,
                          std::set<std::string> bypass);
    void prefetch(std::span<const std::string> packages) override;
    const std::vector<resolve::npm::NpmCandidate>* releases(std::string_view package) override;
    // The fallback's for a package the index does not serve; its own list else.
    const std::vector<resolve::npm::NpmCandidate>* candidates(std::string_view package,
                                                              bool prereleases) override;
    // The fallback's answer for a package the index does not serve (its own lists are in
    // the lockfile's order, by version text).
    bool releases_in_version_order(std::string_view package) override {
        return !serves(package) && m_fallback && m_fallback->releases_in_version_order(package);
    }
    const resolve::npm::NpmRelease& details(std::string_view package,
                                            const resolve::npm::NpmCandidate& candidate) override;
    std::optional<version::Version> dist_tag(std::string_view package,
                                             std::string_view tag) override;
    // Whether the index answers for this package (it has it and it is not bypassed).
    bool serves(std::string_view package) const;
    // The registry record of a release the index holds.
    const protocol::npm::PackumentRelease* indexed(std::string_view package,
                                                   const version::Version& version) const;

private:
    const lock::Lockfile& m_lock;
    resolve::npm::NpmTreeProvider* m_fallback;
    std::set<std::string> m_bypass;
    struct Listed {
        std::vector<resolve::npm::NpmCandidate> candidates;
        std::vector<resolve::npm::NpmRelease> releases; // parallel
    };
    std::map<std::string, Listed, std::less<>> m_listed;
};

// npm `overrides` of the root manifest, applied to every release's dependency edges:
//   { "foo": "1.0.0" }                 every dependency on foo uses 1.0.0
//   { "foo": "$foo" }                  the root's own spec for foo
//   { "parent": { "foo": "2" } }       only foo required by parent's releases
//   { "parent@^1": { "foo": "2" } }    only within parent releases matching ^1
//   { "parent": { ".": "1.2.0" } }     parent itself
class OverridingProvider : public resolve::npm::NpmTreeProvider {
public:
    OverridingProvider(const format::npm::Manifest& root, resolve::npm::NpmTreeProvider& inner);
    void prefetch(std::span<const std::string> packages) override;
    // The inner provider's list itself: overrides change only dependencies (details()).
    const std::vector<resolve::npm::NpmCandidate>* releases(std::string_view package) override;
    const std::vector<resolve::npm::NpmCandidate>* candidates(std::string_view package,
                                                              bool prereleases) override {
        return m_inner.candidates(package, prereleases);
    }
    bool releases_in_version_order(std::string_view package) override {
        return m_inner.releases_in_version_order(package);
    }
    const resolve::npm::NpmRelease& details(std::string_view package,
                                            const resolve::npm::NpmCandidate& candidate) override;
    std::optional<version::Version> dist_tag(std::string_view package,
                                             std::string_view tag) override;
    bool empty() const { return m_global.empty() && m_scoped.empty(); }
    // Root edges with the overrides that apply to them.
    std::vector<resolve::npm::Edge> apply_to_root(std::vector<resolve::npm::Edge> edges) const;

private:
    struct Scoped {
        std::string parent;
        std::optional<version::NpmRange> parent_range;
        std::map<std::string, std::string> specs;
    };
    void apply(std::string_view package, resolve::npm::NpmRelease& release) const;
    resolve::npm::NpmTreeProvider& m_inner;
    std::map<std::string, std::string> m_global;
    std::vector<Scoped> m_scoped;
    // Overridden details by the inner release they were made from.
    std::map<const resolve::npm::NpmRelease*, resolve::npm::NpmRelease> m_details;
};

// Where a resolved release's record and tarball come from.
class ReleaseRecords {
public:
    virtual ~ReleaseRecords() = default;
    // A release's registry record and where it comes from; nullopt when unknown.
    virtual std::optional<NpmDescribedRelease> describe(std::string_view package,
                                                        const version::Version& version) = 0;
    // Every release of the package the records know that `wanted` takes, with absolute
    // tarball URLs and SRI integrity (for the portable index). `prereleases`: whether
    // `wanted` may take a prerelease (when not, prereleases need not be offered to it).
    virtual std::vector<protocol::npm::PackumentRelease>
    all(std::string_view package, const std::function<bool(const version::Version&)>& wanted,
        bool prereleases) = 0;
    // The package's portable-index entry as the lockfile's text (lock::IndexEntryWriter,
    // with `tags`): what all() gives, written without records in between. nullopt where
    // these records cannot (lock_from_tree then uses all()); "" when no release is kept.
    virtual std::optional<std::string>
    index_entry(std::string_view /*package*/,
                const std::function<bool(const version::Version&)>& /*wanted*/,
                const std::map<std::string, std::string>& /*tags*/, bool /*prereleases*/) {
        return std::nullopt;
    }
    virtual std::map<std::string, std::string> tags(std::string_view package) = 0;
    // Nothing more will be asked about the package: what is held for it may go.
    virtual void forget(std::string_view package) = 0;
};

// The lockfile of a resolved tree: packages by path with integrity and source, the skipped
// optionals, and the portable index (every release that satisfied a requirement seen).
lock::Lockfile lock_from_tree(const resolve::npm::Tree& tree, const format::npm::Manifest& manifest,
                              ReleaseRecords& records);

// The install plan of a lockfile: every package with its unpacked tree (`trees`, by path),
// dev/optional ones left out as asked, dependencies resolved by walking up node_modules.
install::InstallPlan plan_from_lock(const lock::Lockfile& lock,
                                    const std::filesystem::path& project,
                                    const std::map<std::string, store::CompleteTree>& trees,
                                    const std::set<std::string>& excluded_paths,
                                    install::Layout layout,
                                    const std::set<std::string>& allow_scripts);

// The path a dependency `name` of the package at `from` ("" for the root) resolves to,
// walking up node_modules folders, among `paths`.
std::optional<std::string> resolve_path(const std::map<std::string, lock::LockedPackage>& paths,
                                        std::string_view from, std::string_view name);

// The folder above a package path: "node_modules/a/node_modules/b" -> "node_modules/a",
// "node_modules/a" -> "".
std::string parent_path(std::string_view path);

} // namespace cairn::ops::detail
