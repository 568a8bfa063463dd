// npm package lookups across an authority's registries, with the metadata cache and the
// network mode deciding what is asked.
#include "cairn/registry/npm_lookup.hpp"

#include "packument_decoder.hpp"

#include "cairn/config/variables.hpp"
#include "cairn/core/error.hpp"

#include <fmt/format.h>

namespace cairn::registry {

namespace npm = protocol::npm;

std::string_view origin_name(MetadataOrigin origin) {
    switch (origin) {
    case MetadataOrigin::network:
        return "network";
    case MetadataOrigin::revalidated:
        return "revalidated";
    case MetadataOrigin::cache:
        return "cache";
    case MetadataOrigin::fallback:
        return "fallback";
    case MetadataOrigin::folder:
        return "folder";
    }
    return "?";
}

struct NpmLookup::Attempt {
    const Registry* registry = nullptr;
    bool started = false;
    std::optional<npm::RegistryBase> base{};
    std::optional<store::CachedDocument> cached{};                   // the row read at start
    std::shared_ptr<const npm::CompactPackument> cached_packument{}; // null for an absence
    bool answer_from_cache = false;
    bool offline_miss = false;
    std::optional<std::future<detail::DecodedPackument>> response{}; // read on the decoder
};

struct NpmLookup::Pending {
    std::string name;
    const Authority* authority = nullptr;
    std::vector<Attempt> attempts;
    std::optional<NpmLookupResult> result;
    std::exception_ptr error;
};

namespace {

bool reachability_failure(Code code) {
    return code == Code::network || code == Code::stalled || code == Code::truncated;
}

std::string where(const Authority& authority, const Registry& registry, const std::string& url) {
    return fmt::format("registry {} of authority {} ({})", registry.name, authority.name, url);
}

} // namespace

NpmLookup::NpmLookup(const FormatRegistries& npm, net::Client& client, store::MetadataCache& cache,
                     NpmLookupOptions options)
    : m_npm(npm), m_mapping(npm), m_client(client), m_cache(cache), m_options(std::move(options)),
      m_decoder(std::make_unique<detail::PackumentDecoder>()) {
    if (m_client.mode() == net::NetworkMode::offline)
        m_options.mode = net::NetworkMode::offline;
}

NpmLookup::~NpmLookup() {
    // Wait for requests still in flight (and their reading) so that none outlives the
    // decoder.
    for (auto& [name, pending] : m_pending)
        for (auto& attempt : pending->attempts)
            if (attempt.response && attempt.response->valid())
                attempt.response->wait();
    try {
        store_answers();
    } catch (const Error&) {
        // The cache misses these answers, and the next run asks the registry again.
    }
}

store::UnixSeconds NpmLookup::now() const {
    if (m_options.now)
        return m_options.now();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const Authority& NpmLookup::authority_for(std::string_view name) const {
    const Authority* authority = m_mapping.authority_for(name);
    if (!authority) {
        Error error(Code::config_invalid, fmt::format("no npm authority serves {}", name));
        error.caused_by("no authority's packages pattern matches it, and formats.npm has no "
                        "default authority");
        error.hint("set formats.npm.defaults.authority, or add a pattern that matches it");
        throw error;
    }
    return *authority;
}

NpmLookup::Pending& NpmLookup::pending(std::string_view name) {
    auto it = m_pending.find(name);
    if (it != m_pending.end())
        return *it->second;
    auto created = std::make_unique<Pending>();
    created->name = std::string(name);
    Pending& p = *created;
    m_pending.emplace(std::string(name), std::move(created));
    try {
        p.authority = &authority_for(name);
        for (const auto& registry : p.authority->registries)
            p.attempts.push_back(Attempt{&registry});
        std::size_t first = p.authority->search_mode == SearchMode::ordered ? 1 : p.attempts.size();
        for (std::size_t i = 0; i < first && i < p.attempts.size(); ++i)
            begin(p, i);
    } catch (...) {
        p.error = std::current_exception();
    }
    return p;
}

void NpmLookup::start(std::string_view name) {
    pending(name);
}

void NpmLookup::forget(std::string_view name) {
    // Asked again, the name is looked up anew: its answer must be in the cache by then.
    store_answers();
    auto it = m_pending.find(name);
    if (it != m_pending.end() && (it->second->result || it->second->error))
        m_pending.erase(it);
}

void NpmLookup::rewrite_if_earlier_form(const store::IndexKey& key, Attempt& attempt) {
    if (!attempt.cached_packument || attempt.cached_packument->format() >= npm::k_compact_format)
        return;
    // Written by an earlier cairn: rewritten once in the current form, which is smaller
    // to keep in memory (validators and age unchanged).
    attempt.cached_packument = std::make_shared<const npm::CompactPackument>(
        npm::CompactPackument::of(attempt.cached_packument->decode()));
    store::CachedDocument current = *attempt.cached;
    current.body = attempt.cached_packument->bytes();
    try {
        m_cache.put(key, current);
    } catch (const Error& error) {
        if (!m_rewrite_failed)
            m_warnings.push_back(fmt::format("could not rewrite cached npm metadata in the "
                                             "current form (it is read in its earlier form "
                                             "until then): {}",
                                             error.message()));
        m_rewrite_failed = true;
    }
}

void NpmLookup::begin(Pending& p, std::size_t index) {
    Attempt& attempt = p.attempts[index];
    attempt.started = true;
    const Registry& registry = *attempt.registry;
    std::string url = config::expand_package_variables(registry.url, {p.name, "", "npm"});
    try {
        attempt.base = npm::RegistryBase::parse(url);
    } catch (Error& error) {
        error.while_(
            fmt::format("reading registry {} of authority {}", registry.name, p.authority->name));
        throw;
    }
    if (attempt.base->is_folder())
        return;
    store::IndexKey key = npm::packument_cache_key(*attempt.base, p.name);
    attempt.cached = m_cache.get(key);
    if (attempt.cached) {
        if (attempt.cached->encoding == npm::k_packument_encoding) {
            try {
                attempt.cached_packument =
                    std::make_shared<const npm::CompactPackument>(std::move(attempt.cached->body));
            } catch (const Error& error) {
                m_warnings.push_back(fmt::format("dropped the unreadable cached metadata of "
                                                 "npm:{} from {}: {}",
                                                 p.name, attempt.base->id(), error.message()));
                m_cache.erase(key);
                attempt.cached.reset();
            }
        } else if (attempt.cached->encoding != npm::k_absent_encoding) {
            attempt.cached.reset(); // another format's row under this key: not ours to read
        }
    }
    switch (m_options.mode) {
    case net::NetworkMode::offline:
        attempt.answer_from_cache = attempt.cached.has_value();
        attempt.offline_miss = !attempt.cached;
        break;
    case net::NetworkMode::prefer_offline:
        attempt.answer_from_cache = attempt.cached.has_value();
        break;
    case net::NetworkMode::online:
        attempt.answer_from_cache =
            attempt.cached && now() - attempt.cached->fetched_at < m_options.metadata_ttl.count();
        break;
    }
    if (attempt.answer_from_cache)
        rewrite_if_earlier_form(key, attempt);
    if (attempt.answer_from_cache || m_options.mode == net::NetworkMode::offline)
        return;
    std::optional<store::Validators> validators;
    if (attempt.cached)
        validators = attempt.cached->validators;
    net::Request request = npm::packument_request(*attempt.base, p.name, validators);
    if (m_options.retry_policy)
        request.retry = m_options.retry_policy(registry);
    attempt.response = m_decoder->fetch(m_client, std::move(request), p.name);
    ++m_statistics.requests;
}

NpmLookup::Step NpmLookup::finish(Pending& p, std::size_t index, NpmLookupResult& result) {
    Attempt& attempt = p.attempts[index];
    const Registry& registry = *attempt.registry;
    const npm::RegistryBase& base = *attempt.base;
    auto found = [&](std::shared_ptr<const npm::CompactPackument> packument, MetadataOrigin origin,
                     store::UnixSeconds fetched_at) {
        result.found.push_back(NpmFound{p.authority->name, registry.name, base,
                                        std::move(packument), origin, fetched_at});
        return Step::found;
    };
    auto from_cache = [&](MetadataOrigin origin) {
        if (!attempt.cached_packument)
            return Step::absent;
        return found(attempt.cached_packument, origin, attempt.cached->fetched_at);
    };

    if (base.is_folder()) {
        ++m_statistics.folder_reads;
        std::optional<npm::Packument> packument;
        try {
            packument = npm::read_folder_packument(base, p.name);
        } catch (Error& error) {
            error.while_(fmt::format("fetching npm:{} from {}", p.name,
                                     where(*p.authority, registry, base.id())));
            throw;
        }
        if (!packument)
            return Step::absent;
        return found(
            std::make_shared<const npm::CompactPackument>(npm::CompactPackument::of(*packument)),
            MetadataOrigin::folder, now());
    }
    if (attempt.offline_miss)
        return Step::skipped;
    if (attempt.answer_from_cache) {
        ++m_statistics.cache_hits;
        return from_cache(MetadataOrigin::cache);
    }

    store::IndexKey key = npm::packument_cache_key(base, p.name);
    std::optional<detail::DecodedPackument> answer;
    try {
        answer = attempt.response->get();
    } catch (Error& error) {
        if (reachability_failure(error.code()) && m_options.fallback_to_cache && attempt.cached) {
            store::UnixSeconds fetched_at = attempt.cached->fetched_at;
            m_statistics.fallbacks.push_back(NpmFallback{
                p.name, p.authority->name + "/" + registry.name, base.id(),
                std::chrono::seconds(std::max<store::UnixSeconds>(0, now() - fetched_at))});
            return from_cache(MetadataOrigin::fallback);
        }
        if (reachability_failure(error.code()) &&
            registry.timeout.action == TimeoutAction::continue_search) {
            m_warnings.push_back(fmt::format("{} could not be reached for npm:{} ({}); asking "
                                             "the next registry",
                                             where(*p.authority, registry, base.id()), p.name,
                                             error.message()));
            return Step::skipped;
        }
        error.while_(fmt::format("fetching npm:{} from {}", p.name,
                                 where(*p.authority, registry, base.id())));
        throw;
    }
    net::Response& response = answer->response;
    store::UnixSeconds fetched = now();
    if (response.status == 404 || response.status == 410) {
        m_cache.put(key, npm::cached_absence(response, fetched));
        return Step::absent;
    }
    if (response.not_modified) {
        ++m_statistics.not_modified;
        if (attempt.cached) {
            m_cache.touch(key, fetched);
            attempt.cached->fetched_at = fetched;
            return from_cache(MetadataOrigin::revalidated);
        }
        // Nothing cached to confirm (removed meanwhile): ask again without validators.
        net::Request request = npm::packument_request(base, p.name);
        if (m_options.retry_policy)
            request.retry = m_options.retry_policy(registry);
        ++m_statistics.requests;
        npm::PackumentParser parser;
        answer = detail::decode_packument(m_client.fetch(std::move(request)), p.name, parser);
        if (response.status == 404 || response.status == 410) {
            m_cache.put(key, npm::cached_absence(response, fetched));
            return Step::absent;
        }
    }
    try {
        if (answer->invalid)
            std::rethrow_exception(answer->invalid);
        if (!answer->row) // a 304 to a request without validators
            throw Error(Code::network, "the registry answered 304 (not modified) to a request "
                                       "that named no version of the document");
        store::CachedDocument& row = *answer->row;
        row.fetched_at = fetched;
        m_unstored.push_back(Unstored{std::move(key), std::move(row), answer->packument});
        return found(std::move(answer->packument), MetadataOrigin::network, fetched);
    } catch (Error& error) {
        error.while_(fmt::format("fetching npm:{} from {}", p.name,
                                 where(*p.authority, registry, base.id())));
        throw;
    }
}

bool NpmLookup::ready(std::string_view name) {
    Pending& p = pending(name);
    if (p.result || p.error)
        return true;
    for (auto& attempt : p.attempts) {
        if (!attempt.started)
            return true;
        if (attempt.response && attempt.response->valid() &&
            attempt.response->wait_for(std::chrono::seconds(0)) != std::future_status::ready)
            return false;
    }
    return true;
}

std::vector<std::string> NpmLookup::take_settled() {
    return m_decoder->take_settled();
}

bool NpmLookup::idle(std::chrono::milliseconds at_most) {
    // Reading an answer comes first: packages wait for it. Storing waits for a moment
    // that nothing is ready, and then takes every answer read meanwhile at once. In a cold
    // install of 250 packages, storing each on its own (a commit each, and WAL checkpoints
    // with fsync among them) took the asking thread 95-115 ms; in batches, with the
    // checkpoints left to the close (MetadataCache::defer_checkpoints), 13-30 ms.
    if (m_decoder->help())
        return true;
    if (!m_unstored.empty()) {
        // A batch at a time, so that an answer coming meanwhile waits for one commit only.
        constexpr std::size_t k_rows_per_commit = 64;
        store_oldest(k_rows_per_commit);
        return true;
    }
    return m_decoder->help_or_wait(at_most);
}

void NpmLookup::store_answers() {
    store_oldest(m_unstored.size());
}

void NpmLookup::store_oldest(std::size_t count) {
    count = std::min(count, m_unstored.size());
    if (count == 0)
        return;
    // Taken out first: rows a failed transaction did not store are not tried again.
    std::vector<Unstored> rows(
        std::make_move_iterator(m_unstored.begin()),
        std::make_move_iterator(m_unstored.begin() + static_cast<std::ptrdiff_t>(count)));
    m_unstored.erase(m_unstored.begin(), m_unstored.begin() + static_cast<std::ptrdiff_t>(count));
    m_cache.transaction([&] {
        for (const auto& r : rows)
            m_cache.put(r.key, r.row, r.packument->bytes());
    });
}

const NpmLookupResult& NpmLookup::wait(std::string_view name) {
    Pending& p = pending(name);
    if (p.error)
        std::rethrow_exception(p.error);
    if (p.result)
        return *p.result;
    try {
        NpmLookupResult result;
        result.name = p.name;
        result.authority = p.authority->name;
        std::vector<std::string> missed;
        for (std::size_t i = 0; i < p.attempts.size(); ++i) {
            if (!p.attempts[i].started)
                begin(p, i);
            Step step = finish(p, i, result);
            const Registry& registry = *p.attempts[i].registry;
            if (step == Step::found && p.authority->search_mode != SearchMode::union_all)
                break;
            if (step == Step::absent && registry.not_found == NotFound::stop)
                break;
            if (step == Step::skipped)
                missed.push_back(where(*p.authority, registry, p.attempts[i].base->id()));
        }
        if (result.found.empty() && !missed.empty()) {
            bool offline = m_options.mode == net::NetworkMode::offline;
            Error error(offline ? Code::offline_miss : Code::network,
                        offline ? fmt::format("npm:{} is not in the metadata cache, and the "
                                              "network mode is offline",
                                              p.name)
                                : fmt::format("npm:{} could not be looked up: no registry of "
                                              "authority {} could be reached",
                                              p.name, p.authority->name));
            for (const auto& registry : missed)
                error.caused_by(offline ? "nothing cached from " + registry
                                        : registry + " could not be reached");
            if (offline)
                error.hint("run `cairn fetch` (or the same command) while online to fill the "
                           "metadata cache");
            else
                error.hint("check the network, or set network.mode to prefer-offline to use "
                           "cached metadata");
            throw error;
        }
        p.result = std::move(result);
        return *p.result;
    } catch (...) {
        p.error = std::current_exception();
        throw;
    }
}

} // namespace cairn::registry
