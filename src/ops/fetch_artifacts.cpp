// ops::fetch_artifacts: downloads into the store through the network client, then unpacks.
#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"
#include "cairn/net/client.hpp"
#include "cairn/ops/fetch.hpp"

#include <fmt/format.h>

#include <fstream>
#include <future>
#include <memory>
#include <set>

namespace cairn::ops {

namespace {

std::string describe(const Artifact& artifact, const net::Url& url) {
    return fmt::format("fetching artifact {} from {}", artifact.digest.sri(), url.redacted());
}

// A response that waits for its transfer when destroyed: the request's body sink points
// at the writer beside it, which the network thread must be done with before it goes
// (a batch cut short by an exception would otherwise free writers still being written).
struct PendingResponse {
    std::future<net::Response> future;

    PendingResponse() = default;
    PendingResponse(PendingResponse&&) = default;
    PendingResponse& operator=(PendingResponse&&) = default;
    ~PendingResponse() {
        if (future.valid())
            future.wait();
    }
};

struct InFlight {
    const Artifact* artifact;
    net::Url url;
    store::FileLock lock; // this process downloads it; others wait rather than duplicate
    std::unique_ptr<store::BlobWriter> writer;
    PendingResponse response; // declared after the writer, so destroyed (waited for) first
};

std::string fetch_lock_key(const Digest& digest) {
    return fmt::format("fetch-{}-{}", algorithm_name(digest.algorithm()), digest.hex());
}

InFlight start(const store::Store& store, net::Client& client, const Artifact& artifact,
               store::FileLock lock, std::uint64_t max_size) {
    InFlight item{&artifact,
                  net::Url::parse(artifact.url),
                  std::move(lock),
                  std::make_unique<store::BlobWriter>(store.write_blob(artifact.digest)),
                  {}};
    net::Request request{item.url};
    store::BlobWriter* writer = item.writer.get();
    request.on_body = [writer](std::span<const std::byte> bytes) { writer->write(bytes); };
    request.on_restart = [writer] { writer->restart(); };
    request.max_size = max_size;
    item.response.future = client.submit(std::move(request));
    return item;
}

} // namespace

Artifact parse_artifact(std::string_view text) {
    auto hash = text.rfind('#');
    if (hash == std::string_view::npos) {
        Error error(Code::usage, fmt::format("{} has no integrity", text::quote(text)));
        error.hint("write artifacts as URL#SRI, e.g. https://host/pkg-1.0.0.tgz#sha512-...");
        throw error;
    }
    std::string url(text::trim(text.substr(0, hash)));
    net::Url::parse(url); // throws Code::usage naming the (redacted) text
    return Artifact{url, Digest::parse_sri(text.substr(hash + 1))};
}

std::vector<Artifact> read_artifact_list(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        Error error(Code::io, fmt::format("cannot read the artifact list {}", path.string()));
        error.caused_by(std::error_code(errno, std::generic_category()).message());
        throw error;
    }
    std::vector<Artifact> out;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        std::string_view trimmed = text::trim(line);
        if (trimmed.empty() || trimmed[0] == '#')
            continue;
        std::string entry(trimmed);
        if (auto space = entry.find_first_of(" \t"); space != std::string::npos)
            entry = entry.substr(0, space) + "#" + std::string(text::trim(entry.substr(space)));
        try {
            out.push_back(parse_artifact(entry));
        } catch (Error& error) {
            error.while_(fmt::format("reading {}:{}", path.string(), number));
            throw;
        }
    }
    return out;
}

FetchSummary fetch_artifacts(const store::Store& store, net::Client& client,
                             const std::vector<Artifact>& artifacts, const FetchOptions& options) {
    auto started = std::chrono::steady_clock::now();
    FetchSummary summary;
    summary.requested = artifacts.size();
    std::vector<const Artifact*> missing;
    std::set<Digest> seen;
    for (const auto& artifact : artifacts) {
        if (!seen.insert(artifact.digest).second)
            continue;
        if (store.find_blob(artifact.digest))
            ++summary.already_stored;
        else
            missing.push_back(&artifact);
    }
    summary.requested = seen.size();
    // An archive larger than what it may unpack to could never be unpacked: an endless or
    // oversized body is cut there instead of filling the disk.
    const std::uint64_t max_size = options.limits.max_archive_bytes();

    // Downloads run in batches of max_in_flight. An artifact another process is already
    // downloading (its fetch lock is taken) is deferred: once this process's own batches
    // are done, it waits for that lock, one artifact at a time, and downloads only what the
    // other process did not store (it may have failed or been killed).
    std::optional<Error> first_error;
    auto finish = [&](InFlight& item) {
        try {
            item.response.future.get();
            auto info = item.writer->commit();
            ++(info.already_present ? summary.already_stored : summary.downloaded);
            summary.downloaded_bytes += info.already_present ? 0 : info.size;
        } catch (Error& error) {
            error.while_(describe(*item.artifact, item.url));
            if (!first_error)
                first_error = error;
        }
        item.lock.remove_file();
    };
    std::vector<const Artifact*> deferred;
    const std::size_t per_batch = std::max<std::size_t>(1, options.max_in_flight);
    for (std::size_t begin = 0; begin < missing.size(); begin += per_batch) {
        std::size_t end = std::min(missing.size(), begin + per_batch);
        std::vector<InFlight> batch;
        batch.reserve(end - begin);
        for (std::size_t i = begin; i < end; ++i) {
            const Artifact& artifact = *missing[i];
            auto lock = store.try_lock_entry(fetch_lock_key(artifact.digest));
            if (!lock)
                deferred.push_back(&artifact);
            else if (store.find_blob(artifact.digest))
                ++summary.already_stored; // stored by another process meanwhile
            else
                batch.push_back(start(store, client, artifact, std::move(*lock), max_size));
        }
        for (auto& item : batch)
            finish(item);
        if (first_error)
            throw *first_error;
    }
    for (const Artifact* artifact : deferred) {
        auto lock = store.lock_entry(fetch_lock_key(artifact->digest));
        if (store.find_blob(artifact->digest)) {
            ++summary.already_stored;
            continue;
        }
        InFlight item = start(store, client, *artifact, std::move(lock), max_size);
        finish(item);
        if (first_error)
            throw *first_error;
    }

    if (options.unpack) {
        store::UnpackOptions unpack{options.strip, options.limits};
        for (const auto& digest : seen) {
            auto tree = store.unpack(digest, unpack);
            ++(tree.already_present ? summary.already_unpacked : summary.unpacked);
        }
    }
    summary.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return summary;
}

} // namespace cairn::ops
