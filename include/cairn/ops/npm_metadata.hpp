#pragma once

#include "cairn/config/layered_config.hpp"
#include "cairn/net/client.hpp"
#include "cairn/protocol/npm/packument.hpp"
#include "cairn/registry/npm_lookup.hpp"
#include "cairn/registry/registry_model.hpp"
#include "cairn/resolve/npm_tree.hpp"
#include "cairn/store/metadata_cache.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The npm tree builder's metadata provider (resolve/npm_tree.hpp): packuments from the
// registries each name's authority owns (registry::NpmLookup), through one network client
// (every prefetched name in flight at once) and the store's metadata cache, in the
// configured network mode; kept in their compact form until forget(), each release decoded
// when it is asked for.
namespace cairn::ops {

// What the integrator needs about one release.
struct NpmReleaseSource {
    std::string tarball_url; // absolute: dist.tarball resolved against the registry's base
    std::string integrity;   // SRI: dist.integrity, else "sha1-..." from dist.shasum; may be empty
    std::string authority;
    std::string registry;
    std::string registry_url; // the registry's base URL (without user information)
    registry::MetadataOrigin origin = registry::MetadataOrigin::network;
    bool has_install_script = false;
    std::optional<std::string> deprecated; // the message
};

struct NpmDescribedRelease {
    protocol::npm::PackumentRelease record;
    NpmReleaseSource source;
};

struct NpmMetadataStatistics {
    std::uint64_t packages = 0;     // names looked up
    std::uint64_t requests = 0;     // http requests made
    std::uint64_t not_modified = 0; // answered 304
    std::uint64_t cache_hits = 0;   // answered from the cache without asking
    std::uint64_t folder_reads = 0; // read from file:// registry folders
    // Online, registries that could not be reached: the cache stood in, this old.
    std::vector<registry::NpmFallback> fallbacks;
};

// What a release filter is shown of a release: its version and how its artifact is
// verified (read without decoding the rest of the release).
struct NpmReleaseKey {
    std::string_view version;
    std::string_view integrity; // dist.integrity, "" when absent
    std::string_view shasum;    // dist.shasum; "" when absent (or, as cached since cpk3,
                                // when there is an integrity)
};

// Keeps a release only when it returns true (e.g. offline: only releases whose tarball is
// in the store).
using NpmReleaseFilter = std::function<bool(std::string_view package, const NpmReleaseKey&)>;

struct NpmMetadataOptions {
    registry::FormatRegistries npm; // the authorities (ops::npm_registries)
    net::NetworkMode mode = net::NetworkMode::online;
    std::chrono::seconds metadata_ttl{300};
    bool fallback_to_cache = true;
    std::function<store::UnixSeconds()> now{}; // default: the system clock
};

// What NpmMetadata::crawl tells as it goes: `on_pick` hears each release whose
// dependencies are followed and that will probably be installed (to start fetching its
// artifact early), and answers whether it will (false: not on this platform, so neither
// will what only it depends on). Not likely: a release that only releases not likely to
// be installed depend on, and one whose spec a release placed earlier satisfies too (npm
// places the first release of a package at the top, where it serves that spec as well).
// `on_wait` runs while no answer is ready yet. `node_version`, when set, gives the node
// version that releases' engines.node must admit, or null while it is not known yet: a
// release is picked as the tree builder picks it.
struct NpmCrawlHooks {
    std::function<bool(std::string_view package, const resolve::npm::NpmRelease&)> on_pick{};
    std::function<void()> on_wait{};
    std::function<const version::Version*()> node_version{};
};

class NpmMetadata : public resolve::npm::NpmTreeProvider {
public:
    // From what a command has: the session configuration (formats.npm, network.mode,
    // network.metadataTtl, network.fallbackToCache, auth and the client settings), the
    // project root (its .npmrc), the store root (meta.sqlite; npm's remembered default
    // registry) and the environment (npm_config_*, HOME, PATH). Throws cairn::Error
    // (config_invalid...) as ops::npm_registries and net::client_options do. The lookups
    // use `client` when one is given (borrowed: it must outlive this), else a client of
    // their own made from the configuration with npm's credentials.
    NpmMetadata(const config::LayeredConfig& config,
                const std::optional<std::filesystem::path>& project_root,
                const std::filesystem::path& store_root, const config::EnvLookup& env,
                net::Client* client = nullptr);
    // Explicit pieces; the client and cache are borrowed and must outlive this.
    NpmMetadata(NpmMetadataOptions options, net::Client& client, store::MetadataCache& cache);
    ~NpmMetadata() override;

    // Set before the first lookup.
    void set_filter(NpmReleaseFilter filter) { m_filter = std::move(filter); }

    // NpmTreeProvider. releases() waits only for that name; errors (offline_miss, network,
    // unauthorized, integrity) propagate with the package and registry as context.
    void prefetch(std::span<const std::string> packages) override;
    const std::vector<resolve::npm::NpmCandidate>* releases(std::string_view package) override;
    // Without prereleases, the list leaves out those of the form "1.2.3-tag" until one is
    // needed (their versions are most of what reading a package's releases costs).
    const std::vector<resolve::npm::NpmCandidate>* candidates(std::string_view package,
                                                              bool prereleases) override;
    // Always: build() sorts both lists.
    bool releases_in_version_order(std::string_view) override { return true; }
    const resolve::npm::NpmRelease& details(std::string_view package,
                                            const resolve::npm::NpmCandidate& candidate) override;
    std::optional<version::Version> dist_tag(std::string_view package,
                                             std::string_view tag) override;

    // Speculative prefetch of a whole graph: looks up the roots and, as each answer arrives
    // (in whatever order the network delivers them), the dependencies of the release each
    // seen spec would most likely pick (the highest satisfying it), so a deep graph costs
    // about one round trip per level at network speed instead of one per resolver step.
    // Lookup failures are left for the resolver to meet (and report) when it asks.
    // See NpmCrawlHooks.
    void crawl(std::span<const resolve::npm::Edge> roots, const NpmCrawlHooks& hooks = {});

    // The release as its registry described it, with where it comes from; nullopt when
    // unknown (or filtered out). Decoded afresh on each call: nothing is kept.
    std::optional<NpmDescribedRelease> describe(std::string_view package,
                                                const version::Version& version);
    std::optional<NpmReleaseSource> source(std::string_view package,
                                           const version::Version& version);
    // The releases `wanted` picks, as a lockfile's portable index keeps them: by version,
    // each with its tarball URL resolved, its integrity (dist.integrity, else "sha1-..." from
    // dist.shasum) and no shasum or time; a release with neither digest is left out. One
    // pass over the package's releases, rather than describe() for each. `prereleases`:
    // whether `wanted` may take a prerelease (else those are not offered to it).
    std::vector<protocol::npm::PackumentRelease>
    index_releases(std::string_view package,
                   const std::function<bool(const version::Version&)>& wanted, bool prereleases);
    // The same releases as index_releases(), written straight from the cached documents as
    // the package's entry in the lockfile's portable index (lock::IndexEntryWriter, with
    // `tags`), without decoding them into records: "" when none is kept.
    std::string index_entry(std::string_view package,
                            const std::function<bool(const version::Version&)>& wanted,
                            const std::map<std::string, std::string>& tags, bool prereleases);
    // The raw lookup (every registry that answered), for `explain`-style output.
    const registry::NpmLookupResult& lookup(std::string_view package);

    // Drops what is held for a package (its documents and releases; references to them
    // become invalid) once nothing more is needed of it; asking again reads it anew.
    void forget(std::string_view package);

    NpmMetadataStatistics statistics() const;
    // Stores the registries' answers not stored in the metadata cache yet (the lookups do
    // it in batches when idle, and at the end whatever is left, errors ignored).
    void store_answers();
    // Warnings: configuration advice, unsupported search modes, unreachable registries
    // skipped, dropped cache rows.
    std::vector<std::string> warnings() const;
    const registry::FormatRegistries& registries() const { return *m_npm; }
    // The network client the lookups use (artifact downloads may share its connections).
    net::Client& client() const { return *m_client; }

private:
    struct Entry;
    Entry& entry(std::string_view package);
    // Fills the entry's list of every release, or (`everything` false) of those that are not
    // prereleases of the common form, when there are such prereleases.
    void build(std::string_view package, Entry& entry, bool everything);
    // The entry's list to choose among (`prereleases` or not), built when it must be.
    struct EntryList;
    const EntryList& list(std::string_view package, Entry& entry, bool prereleases);
    void init(NpmMetadataOptions options);

    std::unique_ptr<net::Client> m_owned_client;
    std::unique_ptr<store::MetadataCache> m_owned_cache;
    std::unique_ptr<registry::FormatRegistries> m_npm;
    net::Client* m_client = nullptr;
    store::MetadataCache* m_cache = nullptr;
    std::unique_ptr<registry::NpmLookup> m_lookup;
    std::function<store::UnixSeconds()> m_now;
    NpmReleaseFilter m_filter;
    std::map<std::string, std::unique_ptr<Entry>, std::less<>> m_entries;
    std::uint64_t m_packages = 0; // entries made
    std::vector<std::string> m_warnings;
};

} // namespace cairn::ops
