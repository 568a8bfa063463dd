// The npm tree builder's metadata provider.
#include "cairn/ops/npm_metadata.hpp"

#include "npm_project.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"
#include "cairn/core/prefault.hpp"
#include "cairn/lock/lockfile.hpp"
#include "cairn/net/client_config.hpp"
#include "cairn/ops/npm_config.hpp"
#include "cairn/ops/registry_policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <set>
#include <tuple>

namespace cairn::ops {

namespace npm = protocol::npm;
using resolve::npm::EdgeType;
using resolve::npm::NpmCandidate;
using resolve::npm::NpmRelease;

namespace {

// The first of [first, last), sorted by version (`version_of` an element), whose version is
// identical to `version` (build metadata included); `last` when there is none.
template <typename It, typename VersionOf>
It find_identical(It first, It last, const version::Version& version, VersionOf version_of) {
    auto it = std::lower_bound(first, last, version, [&](const auto& element, const auto& v) {
        return version_of(element) < v;
    });
    for (; it != last && version_of(*it) == version; ++it)
        if (version_of(*it).identical(version))
            return it;
    return last;
}

} // namespace

// A list of a package's releases to choose among, sorted by version: what choosing needs
// of each (version, deprecated, engines.node) and where it comes from.
struct NpmMetadata::EntryList {
    struct Origin {
        std::uint32_t found = 0; // index into lookup->found
        std::uint32_t index = 0; // the release's index in that document
        std::uint64_t key() const { return (std::uint64_t{found} << 32) | index; }
    };
    std::vector<NpmCandidate> releases;
    std::vector<Origin> origins; // parallel to releases
    // The index of the release whose version is identical to `version`, if any.
    std::optional<std::size_t> find(const version::Version& version) const {
        auto it = find_identical(
            releases.begin(), releases.end(), version,
            [](const NpmCandidate& r) -> const auto& { return r.version; });
        if (it == releases.end())
            return std::nullopt;
        return static_cast<std::size_t>(it - releases.begin());
    }
};

// A package's releases across the registries that have it; a release's record and its
// dependencies are decoded from the compact document only when asked for.
//
// Two lists: `all`, every release, and first `some`, which leaves out the prereleases of
// the common form "1.2.3-tag" (npm's prerelease rule keeps them from every range that does
// not name a prerelease of that version itself, which is nearly every range). Reading those
// is most of the work: typescript, react and react-dom list 3,000 nightly builds each, a
// third of the 69,707 releases of the large bench project. `all` is built when something
// needs it (a dist-tag spec, a range naming a prerelease, a prerelease's record, a `latest`
// tag pointing at a prerelease); a package with no such prerelease has `all` alone, built
// at once. A package that needs both reads its other releases twice and keeps two lists (20
// of the large project's 376 packages with such prereleases).
struct NpmMetadata::Entry {
    const registry::NpmLookupResult* lookup = nullptr;
    EntryList all;
    EntryList some;
    bool has_all = false; // `all` is built (and `some` then unused unless built before)
    std::map<std::string, std::string> tags;
    std::map<std::uint64_t, NpmRelease> details; // with dependencies, on demand, by origin

    const registry::NpmFound& found(const EntryList::Origin& o) const {
        return lookup->found[o.found];
    }
    npm::PackumentRelease record(const EntryList::Origin& o) const {
        return found(o).packument->release(o.index);
    }
    // Where a release of one of the lists comes from, when it is one of their elements.
    std::optional<EntryList::Origin> origin_of(const NpmCandidate& release) const {
        std::less<const NpmCandidate*> before;
        for (const EntryList* l : {&some, &all}) {
            const auto& r = l->releases;
            if (!r.empty() && !before(&release, r.data()) && before(&release, r.data() + r.size()))
                return l->origins[static_cast<std::size_t>(&release - r.data())];
        }
        return std::nullopt;
    }
};

namespace {

store::UnixSeconds system_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

NpmMetadata::NpmMetadata(const config::LayeredConfig& config,
                         const std::optional<std::filesystem::path>& project_root,
                         const std::filesystem::path& store_root, const config::EnvLookup& env,
                         net::Client* client) {
    NpmConfigRequest request{project_root, env, store_root};
    NpmConfig npm_config = read_npm_config(request);
    NpmMetadataOptions options;
    options.npm = npm_registries(config, npm_config, request, &m_warnings);
    net::ClientOptions settings = net::client_options(config);
    options.mode = settings.mode;
    if (const config::Json* ttl = config.find({"network", "metadataTtl"})) {
        auto parsed = registry::parse_duration(*ttl);
        if (!parsed) {
            Error error(Code::config_invalid,
                        fmt::format("network.metadataTtl must be a duration such as \"5m\", not {}",
                                    config::to_json5_text(*ttl)));
            if (auto origin = config.origin({"network", "metadataTtl"}); !origin.empty())
                error.while_("reading network.metadataTtl (set at " + origin + ")");
            throw error;
        }
        options.metadata_ttl = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
    }
    if (const config::Json* fallback = config.find({"network", "fallbackToCache"})) {
        if (!fallback->is_boolean()) {
            Error error(Code::config_invalid,
                        fmt::format("network.fallbackToCache must be true or false, not {}",
                                    config::to_json5_text(*fallback)));
            if (auto origin = config.origin({"network", "fallbackToCache"}); !origin.empty())
                error.while_("reading network.fallbackToCache (set at " + origin + ")");
            throw error;
        }
        options.fallback_to_cache = fallback->get<bool>();
    }
    std::filesystem::create_directories(store_root);
    m_owned_cache = std::make_unique<store::MetadataCache>(store_root / "meta.sqlite");
    // This connection stores every answer of a cold resolution: their checkpoints wait.
    m_owned_cache->defer_checkpoints();
    if (!client) {
        add_npm_credentials(settings.credentials, npm_config, env);
        m_owned_client = std::make_unique<net::Client>(std::move(settings));
        client = m_owned_client.get();
    }
    m_client = client;
    m_cache = m_owned_cache.get();
    init(std::move(options));
}

NpmMetadata::NpmMetadata(NpmMetadataOptions options, net::Client& client,
                         store::MetadataCache& cache)
    : m_client(&client), m_cache(&cache) {
    init(std::move(options));
}

NpmMetadata::~NpmMetadata() = default;

void NpmMetadata::init(NpmMetadataOptions options) {
    m_npm = std::make_unique<registry::FormatRegistries>(std::move(options.npm));
    m_now = options.now ? options.now : system_now;
    registry::NpmLookupOptions lookup;
    lookup.mode = options.mode;
    lookup.metadata_ttl = options.metadata_ttl;
    lookup.fallback_to_cache = options.fallback_to_cache;
    lookup.retry_policy = [](const registry::Registry& r) { return retry_policy(r); };
    lookup.now = m_now;
    m_lookup = std::make_unique<registry::NpmLookup>(*m_npm, *m_client, *m_cache, lookup);
}

void NpmMetadata::prefetch(std::span<const std::string> packages) {
    for (const auto& package : packages)
        m_lookup->start(package);
}

void NpmMetadata::crawl(std::span<const resolve::npm::Edge> roots, const NpmCrawlHooks& hooks) {
    // Per package: the specs seen, the versions whose dependencies were followed, and those
    // told to on_pick. A spec is "likely" when some release that will probably be installed
    // wants it (the root does): the releases of specs that only unlikely releases want are
    // followed, for the resolver may need them, but not fetched ahead.
    struct Seen {
        std::vector<std::string> specs; // in the order they came (npm's, breadth first)
        std::set<std::string> likely_specs;
        std::set<std::string> followed;
        std::vector<version::Version> told;
        // Whether its lookup is ready (it stays so), and whether to ask: once, then again
        // only once its answer has come. A large project's cold crawl otherwise asked half
        // a million times, 20 ms of this thread's map lookups.
        bool ready = false;
        bool ask = true;
    };
    // The crawl's cache reads share read transactions (a warm crawl reads every packument
    // from the cache).
    auto reads = m_cache->hold_reads();
    std::map<std::string, Seen, std::less<>> seen;
    using SeenAt = decltype(seen)::iterator;
    std::deque<SeenAt> root_waiting;                // the root's packages, followed first
    std::deque<SeenAt> waiting;                     // the others, in the order they came
    version::NpmRangeCache ranges({.loose = true}); // as the tree builder reads them
    auto want = [&](const std::string& package, const std::string& spec, bool likely,
                    std::deque<SeenAt>& queue) {
        auto [it, fresh] = seen.try_emplace(package);
        auto& specs = it->second.specs;
        bool new_spec = std::find(specs.begin(), specs.end(), spec) == specs.end();
        if (new_spec)
            specs.push_back(spec);
        bool newly_likely = likely && it->second.likely_specs.insert(spec).second;
        if (fresh) {
            m_lookup->start(package);
            queue.push_back(it);
        } else if ((new_spec || newly_likely) && m_entries.contains(package)) {
            queue.push_back(it); // answered already: follow the new spec's pick
        }
    };
    // What the root's edges ask for, known before any lookup starts (see at_top below).
    std::map<std::string, std::set<std::string>, std::less<>> root_specs;
    for (const auto& edge : roots)
        root_specs[edge.package].insert(edge.spec);
    // The root's lookups start one at a time, each once the one before it is followed, and
    // all at once when none is ready (answers come from the network). From a warm cache a
    // start reads the package's row: a large project's 60 took 7 ms before the first
    // release was told, and linked ahead.
    std::size_t next_root = 0;
    auto start_root = [&] {
        const auto& edge = roots[next_root++];
        want(edge.package, edge.spec, true, root_waiting);
    };
    auto first_ready = [&](std::deque<SeenAt>& queue) {
        return std::find_if(queue.begin(), queue.end(), [&](SeenAt at) {
            Seen& s = at->second;
            if (!s.ready && s.ask) {
                s.ready = m_lookup->ready(at->first);
                s.ask = false;
            }
            return s.ready;
        });
    };
    for (;;) {
        for (const auto& name : m_lookup->take_settled())
            if (auto it = seen.find(name); it != seen.end())
                it->second.ask = true;
        if (root_waiting.empty() && next_root < roots.size())
            start_root();
        std::deque<SeenAt>* queue = &root_waiting;
        auto next = first_ready(root_waiting);
        if (next == root_waiting.end()) {
            queue = &waiting;
            next = first_ready(waiting);
        }
        if (next == queue->end()) {
            if (next_root < roots.size()) {
                while (next_root < roots.size())
                    start_root();
                continue;
            }
            if (root_waiting.empty() && waiting.empty())
                break;
            if (hooks.on_wait)
                hooks.on_wait();
            m_lookup->idle(std::chrono::milliseconds(1));
            continue;
        }
        std::string package = (*next)->first;
        queue->erase(next);
        // Those that are not prereleases, which most specs choose among (candidates()).
        const std::vector<NpmCandidate>* list = nullptr;
        try {
            list = candidates(package, false);
        } catch (const Error&) {
            continue; // the resolver meets the error when it asks
        }
        if (!list)
            continue;
        Seen& s = seen[package];
        // The release the tree builder picks for `spec` (`range`, its range; null for a
        // dist-tag): the `latest` tag's when it satisfies, is not deprecated and node runs
        // it, else the highest satisfying, non-deprecated first, then those node runs. (On
        // node 20, jest-dom's ^6.9.0 installs 6.9.1: 6.10.0 wants node 22.)
        const version::Version* node = hooks.node_version ? hooks.node_version() : nullptr;
        auto engine_ok = [&](const NpmCandidate& r) {
            if (!node || r.engines_node.empty())
                return true;
            const version::NpmRange* engines = ranges.find(r.engines_node);
            return !engines || engines->satisfies(*node);
        };
        // Both lists are sorted by version (build()): a tag's release is found by bisection,
        // and the highest satisfying release node runs, the usual pick, is met first from the
        // top; a spec such as "*" no longer tests every release of the package.
        auto release_of = [&](const std::vector<NpmCandidate>& in,
                              const std::optional<version::Version>& v) -> const NpmCandidate* {
            if (!v)
                return nullptr;
            auto it = std::lower_bound(
                in.begin(), in.end(), *v,
                [](const NpmCandidate& r, const version::Version& x) { return r.version < x; });
            return it != in.end() && it->version == *v ? &*it : nullptr;
        };
        const std::optional<version::Version> latest_version = dist_tag(package, "latest");
        auto pick_for = [&](const std::string& spec,
                            const version::NpmRange* range) -> const NpmCandidate* {
            // A dist-tag, or a range that names a prerelease, chooses among every release.
            const std::vector<NpmCandidate>& in =
                !range || range->admits_prereleases() ? *candidates(package, true) : *list;
            if (!range)
                return release_of(in, dist_tag(package, spec));
            const NpmCandidate* latest = release_of(in, latest_version);
            if (latest && !latest->deprecated && range->satisfies(latest->version) &&
                engine_ok(*latest))
                return latest;
            const NpmCandidate* pick = nullptr;
            std::tuple<bool, bool> pick_rank;
            for (auto r = in.rbegin(); r != in.rend(); ++r) {
                if (!range->satisfies(r->version))
                    continue;
                std::tuple<bool, bool> rank{!r->deprecated, engine_ok(*r)};
                if (rank == std::tuple(true, true))
                    return &*r;
                if (!pick || pick_rank < rank) {
                    pick = &*r;
                    pick_rank = rank;
                }
            }
            return pick;
        };
        // What the root's own edges pick goes to the top of node_modules, where npm reuses
        // it for every other spec it satisfies: with typescript ~6.0.3 at the root, a
        // peer's ">=4.8.4" installs no 7.x (a 10 MB platform package comes with it).
        std::vector<version::Version> at_top;
        if (auto it = root_specs.find(package); it != root_specs.end())
            for (const auto& spec : it->second)
                if (const NpmCandidate* pick = pick_for(spec, ranges.find(spec)))
                    at_top.push_back(pick->version);
        // So does the first release of a package placed anywhere (npm hoists it): a spec it
        // satisfies is met there. With jsdom ^26 met first, a peer's "*" installs no other
        // jsdom. Specs are taken in the order they came, as npm places breadth first.
        auto served = [&](const version::NpmRange* range, const version::Version& picked) {
            auto serves = [&](const version::Version& v) {
                return range && v != picked && range->satisfies(v);
            };
            return std::any_of(at_top.begin(), at_top.end(), serves) ||
                   std::any_of(s.told.begin(), s.told.end(), serves);
        };
        // By index: a package that depends on itself adds to s.specs meanwhile.
        for (std::size_t k = 0; k < s.specs.size(); ++k) {
            const std::string spec = s.specs[k];
            const version::NpmRange* range = ranges.find(spec);
            const NpmCandidate* pick = pick_for(spec, range);
            if (!pick)
                continue;
            bool likely = s.likely_specs.contains(spec) && !served(range, pick->version);
            bool first = s.followed.insert(pick->version.to_string()).second;
            bool tell = likely && std::none_of(s.told.begin(), s.told.end(), [&](const auto& v) {
                            return v.identical(pick->version);
                        });
            if (tell)
                s.told.push_back(pick->version);
            if (!first && !tell)
                continue;
            const NpmRelease& picked = details(package, *pick);
            if (tell && hooks.on_pick)
                likely = hooks.on_pick(package, picked);
            for (const auto& dep : picked.dependencies)
                if (!(dep.type == EdgeType::peer && dep.peer_optional))
                    want(dep.package, dep.spec, likely, waiting);
        }
    }
}

namespace {

// "1.2.3-tag": a prerelease whatever the mode of reading (the common form of one). Others
// that read as prereleases ("1.2.3beta" in loose mode) are rare and simply read.
bool common_prerelease(std::string_view text) {
    std::size_t pos = 0;
    for (int part = 0; part < 3; ++part) {
        std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
            ++pos;
        if (pos == start || pos == text.size())
            return false;
        if (part < 2 && text[pos++] != '.')
            return false;
    }
    return text[pos] == '-';
}

} // namespace

NpmMetadata::Entry& NpmMetadata::entry(std::string_view package) {
    if (auto it = m_entries.find(package); it != m_entries.end())
        return *it->second;
    const registry::NpmLookupResult& lookup = m_lookup->wait(package);
    auto made = std::make_unique<Entry>();
    ++m_packages;
    Entry& e = *made;
    e.lookup = &lookup;
    for (const auto& found : lookup.found)
        for (const auto& [tag, version] : found.packument->dist_tags())
            e.tags.emplace(tag, version);
    build(package, e, false);
    return *m_entries.emplace(std::string(package), std::move(made)).first->second;
}

const NpmMetadata::EntryList& NpmMetadata::list(std::string_view package, Entry& e,
                                                bool prereleases) {
    if (e.has_all)
        return e.all;
    if (!prereleases)
        return e.some;
    build(package, e, true);
    return e.all;
}

void NpmMetadata::build(std::string_view package, Entry& e, bool everything) {
    const registry::NpmLookupResult& lookup = *e.lookup;
    const registry::Authority* authority = m_npm->find_authority(lookup.authority);
    // Milliseconds, or -1 for none (a plain integer: GCC's -O2 flow analysis misreads an
    // optional duration here as maybe uninitialised).
    const store::UnixSeconds minimum_age_ms =
        authority && authority->minimum_release_age
            ? static_cast<store::UnixSeconds>(authority->minimum_release_age->count())
            : -1;
    // The releases too young to keep are counted (and told) once, by the whole list.
    everything = everything || minimum_age_ms >= 0;
    store::UnixSeconds now = m_now();
    std::size_t too_young = 0;
    bool left_out = false; // a prerelease passed by (then this is `some`)
    // The releases kept, in document order, and their order by version (build metadata
    // breaking ties, a registry's release before a later one's): indices are sorted, not
    // the candidates, which are large.
    std::vector<NpmCandidate> candidates;
    std::vector<EntryList::Origin> origin_of;
    std::vector<std::uint32_t> kept;
    auto by_version = [&](std::uint32_t a, std::uint32_t b) {
        return candidates[a].version.listed_before(candidates[b].version);
    };
    // Whether an earlier registry of a union kept this version (kept[0, earlier) is sorted).
    std::size_t earlier = 0;
    auto kept_earlier = [&](const version::Version& version) {
        auto end = kept.begin() + static_cast<std::ptrdiff_t>(earlier);
        return find_identical(
                   kept.begin(), end, version, [&](std::uint32_t k) -> const auto& {
                       return candidates[k].version;
                   }) != end;
    };
    for (std::size_t f = 0; f < lookup.found.size(); ++f) {
        const npm::CompactPackument& packument = *lookup.found[f].packument;
        candidates.reserve(candidates.size() + packument.size());
        prefault(candidates.data(), candidates.capacity() * sizeof(NpmCandidate));
        origin_of.reserve(origin_of.size() + packument.size());
        kept.reserve(kept.size() + packument.size());
        for (std::size_t i = 0; i < packument.size(); ++i) {
            npm::ReleaseSummary release = packument.summary(i);
            if (!everything && common_prerelease(release.version)) {
                left_out = true;
                continue;
            }
            auto version = version::Version::parse(release.version, version::ParseMode::loose);
            if (!version)
                continue; // npm skips what it cannot parse, too
            if (earlier && kept_earlier(*version))
                continue; // the first registry of a union that has a version keeps it
            if (minimum_age_ms >= 0 && release.published_ms &&
                now * 1000 - *release.published_ms < minimum_age_ms) {
                ++too_young;
                continue;
            }
            if (m_filter && !m_filter(package, NpmReleaseKey{release.version, release.integrity,
                                                             release.shasum}))
                continue;
            kept.push_back(static_cast<std::uint32_t>(candidates.size()));
            candidates.push_back(NpmCandidate{std::move(*version), release.deprecated,
                                              std::string(release.engines_node)});
            origin_of.push_back(
                EntryList::Origin{static_cast<std::uint32_t>(f), static_cast<std::uint32_t>(i)});
        }
        // Registries mostly list releases in version order already: then one pass.
        if (!std::is_sorted(kept.begin(), kept.end(), by_version))
            std::stable_sort(kept.begin(), kept.end(), by_version);
        earlier = kept.size();
    }
    EntryList& out = left_out ? e.some : e.all;
    e.has_all = !left_out;
    // Of identical versions within one document ("1.0.0", "v1.0.0") the first is kept.
    // Cached packuments list their releases by version (registry/packument_decoder.cpp):
    // then the candidates, in order and each once, are the entry's releases as they are.
    auto step = [](std::uint32_t a, std::uint32_t b) { return b != a + 1; };
    auto twins = [](const NpmCandidate& a, const NpmCandidate& b) {
        return a.version.identical(b.version);
    };
    if (std::adjacent_find(kept.begin(), kept.end(), step) == kept.end() &&
        std::adjacent_find(candidates.begin(), candidates.end(), twins) == candidates.end()) {
        out.releases = std::move(candidates);
        out.origins = std::move(origin_of);
    } else {
        out.releases.reserve(kept.size());
        out.origins.reserve(kept.size());
        for (std::uint32_t k : kept) {
            if (!out.releases.empty() &&
                out.releases.back().version.identical(candidates[k].version))
                continue;
            out.releases.push_back(std::move(candidates[k]));
            out.origins.push_back(origin_of[k]);
        }
    }
    if (too_young)
        m_warnings.push_back(fmt::format("{} release(s) of npm:{} are younger than the "
                                         "minimumReleaseAge of authority {} and were left out",
                                         too_young, package, lookup.authority));
}

const std::vector<NpmCandidate>* NpmMetadata::releases(std::string_view package) {
    return candidates(package, true);
}

const std::vector<NpmCandidate>* NpmMetadata::candidates(std::string_view package,
                                                         bool prereleases) {
    Entry& e = entry(package);
    if (e.lookup->found.empty())
        return nullptr;
    return &list(package, e, prereleases).releases;
}

std::optional<version::Version> NpmMetadata::dist_tag(std::string_view package,
                                                      std::string_view tag) {
    Entry& e = entry(package);
    auto it = e.tags.find(std::string(tag));
    if (it == e.tags.end())
        return std::nullopt;
    auto tagged = version::Version::parse(it->second, version::ParseMode::loose);
    if (!tagged)
        return std::nullopt;
    // A release that is no prerelease is in either list; below one, the search takes none.
    const EntryList& l = list(package, e, tagged->is_prerelease());
    if (l.find(*tagged))
        return tagged;
    // The tagged release was left out (too young, filtered): the highest one kept below it,
    // a prerelease only when the tag points at one.
    std::optional<version::Version> best;
    for (const auto& release : l.releases)
        if (release.version < *tagged &&
            (!release.version.is_prerelease() || tagged->is_prerelease()) &&
            (!best || *best < release.version))
            best = release.version;
    return best;
}

const NpmRelease& NpmMetadata::details(std::string_view package, const NpmCandidate& candidate) {
    Entry& e = entry(package);
    std::optional<EntryList::Origin> found = e.origin_of(candidate);
    if (!found) { // a copy: found by its version
        const EntryList& l = list(package, e, candidate.version.is_prerelease());
        auto i = l.find(candidate.version);
        if (!i)
            throw Error(Code::internal, fmt::format("{} is not a release npm metadata listed",
                                                    candidate.version.to_string()));
        found = l.origins[*i];
    }
    const EntryList::Origin origin = *found;
    auto it = e.details.find(origin.key());
    if (it == e.details.end())
        it = e.details
                 .emplace(origin.key(), detail::tree_release(candidate.version, e.record(origin)))
                 .first;
    return it->second;
}

std::optional<NpmDescribedRelease> NpmMetadata::describe(std::string_view package,
                                                         const version::Version& version) {
    Entry& e = entry(package);
    const EntryList& l = list(package, e, version.is_prerelease());
    auto i = l.find(version);
    if (!i)
        return std::nullopt;
    const EntryList::Origin& origin = l.origins[*i];
    NpmDescribedRelease described{e.record(origin), {}};
    const npm::PackumentRelease& r = described.record;
    const registry::NpmFound& found = e.found(origin);
    NpmReleaseSource& source = described.source;
    source.tarball_url = found.base.resolve(r.tarball);
    if (!r.integrity.empty())
        source.integrity = r.integrity;
    else if (!r.shasum.empty())
        source.integrity = Digest::parse_hex(DigestAlgorithm::sha1, r.shasum).sri();
    source.authority = found.authority;
    source.registry = found.registry;
    source.registry_url = found.base.id();
    source.origin = found.origin;
    source.has_install_script = r.has_install_script;
    source.deprecated = r.deprecated;
    return described;
}

std::vector<npm::PackumentRelease>
NpmMetadata::index_releases(std::string_view package,
                            const std::function<bool(const version::Version&)>& wanted,
                            bool prereleases) {
    Entry& e = entry(package);
    const EntryList& l = list(package, e, prereleases);
    std::vector<std::uint32_t> picked; // first, for one allocation of the (large) records
    for (std::size_t i = 0; i < l.releases.size(); ++i)
        if (wanted(l.releases[i].version))
            picked.push_back(static_cast<std::uint32_t>(i));
    std::vector<npm::PackumentRelease> out;
    out.reserve(picked.size());
    for (std::uint32_t i : picked) {
        const registry::NpmFound& found = e.found(l.origins[i]);
        npm::PackumentRelease r = found.packument->release_untimed(l.origins[i].index);
        if (r.integrity.empty()) {
            if (r.shasum.empty())
                continue;
            r.integrity = Digest::parse_hex(DigestAlgorithm::sha1, r.shasum).sri();
        }
        r.shasum.clear();
        r.tarball = found.base.resolve(r.tarball);
        out.push_back(std::move(r));
    }
    return out;
}

std::string NpmMetadata::index_entry(std::string_view package,
                                     const std::function<bool(const version::Version&)>& wanted,
                                     const std::map<std::string, std::string>& tags,
                                     bool prereleases) {
    Entry& e = entry(package);
    const EntryList& l = list(package, e, prereleases);
    // The releases index_releases() keeps, by version text, the last of a repeated text
    // kept: the order the lockfile writer gives a decoded entry's releases.
    struct Kept {
        std::string_view version;
        std::uint32_t i;
    };
    std::vector<Kept> kept;
    for (std::size_t i = 0; i < l.releases.size(); ++i) {
        if (!wanted(l.releases[i].version))
            continue;
        npm::ReleaseSummary summary = e.found(l.origins[i]).packument->summary(l.origins[i].index);
        if (summary.integrity.empty() && summary.shasum.empty())
            continue;
        kept.push_back(Kept{summary.version, static_cast<std::uint32_t>(i)});
    }
    if (kept.empty())
        return {};
    std::stable_sort(kept.begin(), kept.end(),
                     [](const Kept& a, const Kept& b) { return a.version < b.version; });
    std::string out;
    lock::IndexEntryWriter writer(out, package, tags);
    npm::ReleaseView view;
    std::string conventional, tarball, integrity;
    for (std::size_t k = 0; k < kept.size(); ++k) {
        if (k + 1 < kept.size() && kept[k + 1].version == kept[k].version)
            continue;
        const EntryList::Origin& origin = l.origins[kept[k].i];
        const registry::NpmFound& found = e.found(origin);
        found.packument->view(origin.index, view, conventional);
        tarball = found.base.resolve(view.tarball);
        view.tarball = tarball;
        if (view.integrity.empty()) {
            integrity = Digest::parse_hex(DigestAlgorithm::sha1, view.shasum).sri();
            view.integrity = integrity;
        }
        view.shasum = {};
        writer.release(view);
    }
    writer.finish();
    return out;
}

std::optional<NpmReleaseSource> NpmMetadata::source(std::string_view package,
                                                    const version::Version& version) {
    auto described = describe(package, version);
    if (!described)
        return std::nullopt;
    return std::move(described->source);
}

const registry::NpmLookupResult& NpmMetadata::lookup(std::string_view package) {
    return *entry(package).lookup;
}

void NpmMetadata::forget(std::string_view package) {
    if (auto it = m_entries.find(package); it != m_entries.end())
        m_entries.erase(it);
    m_lookup->forget(package);
}

void NpmMetadata::store_answers() {
    m_lookup->store_answers();
}

NpmMetadataStatistics NpmMetadata::statistics() const {
    const registry::NpmLookupStatistics& s = m_lookup->statistics();
    return NpmMetadataStatistics{m_packages,   s.requests,     s.not_modified,
                                 s.cache_hits, s.folder_reads, s.fallbacks};
}

std::vector<std::string> NpmMetadata::warnings() const {
    std::vector<std::string> out = m_warnings;
    out.insert(out.end(), m_lookup->warnings().begin(), m_lookup->warnings().end());
    return out;
}

} // namespace cairn::ops
