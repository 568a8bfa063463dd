#pragma once

#include "cairn/net/client.hpp"
#include "cairn/protocol/npm/compact_packument.hpp"
#include "cairn/protocol/npm/packument.hpp"
#include "cairn/protocol/npm/registry_request.hpp"
#include "cairn/registry/registry_model.hpp"
#include "cairn/registry/source_mapping.hpp"
#include "cairn/store/metadata_cache.hpp"

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Looking npm packages up in the registries their authority owns (DESIGN.md sections 3
// and 4). Every npm metadata request goes through here, even with one registry: the source
// mapping picks the authority (a name is never asked of a registry outside it), the
// authority's registries are asked in their computed order with their `notFound` and
// timeout policies, and the metadata cache and network mode decide whether a request is
// made at all.
namespace cairn::registry {

namespace detail {
class PackumentDecoder;
}

// Where a packument came from this run.
enum class MetadataOrigin {
    network,     // fetched (200)
    revalidated, // the registry answered 304 to a conditional request
    cache,       // the cache was good enough for the mode (fresh, prefer-offline, offline)
    fallback,    // online, the registry could not be reached: the cache stood in
    folder,      // read from a file:// registry folder
};
std::string_view origin_name(MetadataOrigin origin);

// One registry's packument of a package.
struct NpmFound {
    std::string authority;
    std::string registry;
    protocol::npm::RegistryBase base;
    std::shared_ptr<const protocol::npm::CompactPackument> packument; // read lazily
    MetadataOrigin origin = MetadataOrigin::network;
    store::UnixSeconds fetched_at = 0; // when the registry last confirmed it
};

struct NpmLookupResult {
    std::string name;
    std::string authority;
    // The registries that have the package, in search order: one for `ordered` and
    // `concurrent`, every one for `union`. Empty: the authority does not have it.
    std::vector<NpmFound> found;
};

struct NpmFallback {
    std::string package;
    std::string registry;     // "authority/registry"
    std::string url;          // the registry's base URL (id)
    std::chrono::seconds age; // how old the cached data was
};

struct NpmLookupStatistics {
    std::uint64_t requests = 0;     // http requests submitted
    std::uint64_t not_modified = 0; // answered 304
    std::uint64_t cache_hits = 0;   // answered from the cache without a request
    std::uint64_t folder_reads = 0; // packuments read from registry folders
    std::vector<NpmFallback> fallbacks;
};

struct NpmLookupOptions {
    net::NetworkMode mode = net::NetworkMode::online;
    std::chrono::seconds metadata_ttl{300};
    bool fallback_to_cache = true;
    // A registry's search.timeout as the client's policy (ops::retry_policy).
    std::function<net::RetryPolicy(const Registry&)> retry_policy{};
    // The clock, in unix seconds (tests pin it).
    std::function<store::UnixSeconds()> now{};
};

// Not thread-safe: one thread asks (the resolver's), the client does the network work, and
// a thread of the lookup's own reads the answers.
class NpmLookup {
public:
    // `npm` must outlive the lookup (SourceMapping points into it), as must the client and
    // cache.
    NpmLookup(const FormatRegistries& npm, net::Client& client, store::MetadataCache& cache,
              NpmLookupOptions options);
    ~NpmLookup();
    NpmLookup(const NpmLookup&) = delete;
    NpmLookup& operator=(const NpmLookup&) = delete;

    // The authority that owns `name`. Throws cairn::Error(Code::config_invalid) when no
    // authority does (no default) or two patterns tie.
    const Authority& authority_for(std::string_view name) const;

    // Starts looking `name` up: what needs the network is submitted at once (every
    // registry of a `concurrent` or `union` authority, the first of an `ordered` one).
    // Idempotent.
    void start(std::string_view name);

    // Waits for `name`'s answer, starting it when needed. Errors carry the package and
    // registry as context:
    //   offline_miss  offline (or the registry unreachable and nothing cached) and no
    //                 registry of the authority has the package cached;
    //   network, stalled, truncated  a registry could not be reached, its timeout action
    //                 is not `continue`, and nothing is cached (or fallbackToCache is off);
    //   unauthorized  a registry refused the credentials;
    //   integrity     a registry served something that is not the package's packument.
    // A failure is remembered: asking again rethrows it.
    const NpmLookupResult& wait(std::string_view name);

    // Whether wait(name) would answer without waiting for the network (the first network
    // step of the lookup has its response, or needed none). Starts the lookup when needed.
    bool ready(std::string_view name);
    // The names whose lookups' network steps got their responses since the last call: a
    // lookup ready() found not ready stays so until its name has come out of here.
    std::vector<std::string> take_settled();

    // For the asking thread when no lookup it waits for is ready: reads a registry answer
    // on this thread (a small one, held up behind a large one), or waits up to `at_most`
    // for one to come or be read. False when that time passed with neither.
    // Answers are stored in the metadata cache in batches, one transaction each, when the
    // asking thread is idle (or by store_answers()), not one by one as they are read.
    bool idle(std::chrono::milliseconds at_most);

    // Stores the answers read from registries and not stored yet (one transaction). The
    // destructor stores what is left, errors ignored; call this to hear of them.
    void store_answers();

    // Drops a finished lookup's answer and the documents it holds (references from wait()
    // become invalid); asking again looks the name up anew. A lookup in flight is kept.
    void forget(std::string_view name);

    const NpmLookupStatistics& statistics() const { return m_statistics; }
    // Advice gathered along the way (e.g. cached data that could not be decoded).
    const std::vector<std::string>& warnings() const { return m_warnings; }

private:
    struct Attempt;
    struct Pending;
    Pending& pending(std::string_view name);
    void begin(Pending& pending, std::size_t index);
    // A cached row in an earlier compact form, answering from the cache: rewritten once in
    // the current form.
    void rewrite_if_earlier_form(const store::IndexKey& key, Attempt& attempt);
    // nullopt: the registry has no answer (offline miss, or continue after a failure).
    enum class Step { found, absent, skipped };
    Step finish(Pending& pending, std::size_t index, NpmLookupResult& result);
    store::UnixSeconds now() const;
    // Stores the `count` answers read first and not stored yet, in one transaction.
    void store_oldest(std::size_t count);

    const FormatRegistries& m_npm;
    SourceMapping m_mapping;
    net::Client& m_client;
    store::MetadataCache& m_cache;
    NpmLookupOptions m_options;
    std::map<std::string, std::unique_ptr<Pending>, std::less<>> m_pending;
    NpmLookupStatistics m_statistics;
    std::vector<std::string> m_warnings;
    bool m_rewrite_failed = false; // an earlier form of a cached row could not be rewritten
    // Registry answers read and not yet stored (store_answers()): each row without its
    // body, which is the packument's bytes.
    struct Unstored {
        store::IndexKey key;
        store::CachedDocument row;
        std::shared_ptr<const protocol::npm::CompactPackument> packument;
    };
    std::vector<Unstored> m_unstored;
    std::unique_ptr<detail::PackumentDecoder> m_decoder; // reads the registries' answers
};

} // namespace cairn::registry
