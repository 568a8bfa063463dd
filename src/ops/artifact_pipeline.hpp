#pragma once

#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"
#include "cairn/store/store.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cairn::net {
class Client;
}

// The install's artifact pipeline: every artifact ends as a complete unpacked tree in the
// store. Trees already complete cost one stat; stored blobs are unpacked; missing ones are
// downloaded (a sliding window of requests through the one client) or read from file://
// URLs, verified while they stream, and unpacked by a worker pool while later downloads
// are still in flight.
namespace cairn::ops::detail {

struct NeededArtifact {
    std::string url; // http(s)://, or file:// for registry folders
    Digest digest;
    std::string label; // "npm:left-pad@1.3.0", for messages
};

struct ArtifactOutcome {
    std::optional<store::CompleteTree> tree; // the unpacked tree, when it worked
    std::optional<Error> error;              // why not, otherwise
    bool downloaded = false;
    std::uint64_t bytes = 0;
};

struct PipelineOptions {
    store::StripComponents strip = store::StripComponents::first;
    store::ExtractLimits limits; // also caps each download: limits.max_archive_bytes()
    std::size_t max_in_flight = 64;
    unsigned workers = 0; // 0: hardware threads
    // Called after each artifact completes (from the calling thread): done, total.
    std::function<void(std::size_t, std::size_t)> progress;
    // Called with each artifact's unpacked tree as soon as it is complete (found in the
    // store by add(), or unpacked by a worker): from any thread, possibly at once. It must
    // not throw (the artifact is complete whatever it does).
    std::function<void(const store::CompleteTree&)> on_tree;
};

// The pipeline as an object artifacts can be added to while other work goes on (the
// resolver adds the releases it will most likely pick while it still crawls metadata; the
// install then asks for what it settled on). add() starts the work at once and never
// blocks on the network; poll() moves finished downloads on to the workers; results()
// waits for the artifacts asked for. One thread (the caller's) adds, polls and waits;
// the workers only unpack. An artifact added twice (same digest) is one piece of work.
class ArtifactPipeline {
public:
    // `client` is called (from the calling thread) the first time a download is needed,
    // and not at all when the store and file:// URLs have everything.
    ArtifactPipeline(const store::Store& store, std::function<net::Client&()> client,
                     PipelineOptions options);
    ~ArtifactPipeline(); // waits for downloads and unpacking in progress
    ArtifactPipeline(const ArtifactPipeline&) = delete;
    ArtifactPipeline& operator=(const ArtifactPipeline&) = delete;

    // Starts (or joins) the work for one artifact; the id names it in results().
    std::size_t add(NeededArtifact artifact);
    // Without waiting: finished downloads go to the workers, queued ones start.
    void poll();
    // Waits for every artifact added so far, then gives one outcome per id, in order;
    // `downloaded` and `bytes` are counted once per piece of work among `ids`. Never
    // throws for a single artifact's failure (the caller decides: an optional package is
    // skipped, anything else fails the install).
    std::vector<ArtifactOutcome> results(std::span<const std::size_t> ids);

private:
    struct Work;
    struct Download;
    // Starts the download holding the artifact's fetch lock (taken here when not given;
    // deferred to the end when another process holds it).
    void start_download(Work& work, std::optional<store::FileLock> lock = std::nullopt);
    void finish_download(Download& download);
    // From its URL: a file:// copy (on a worker), or a download queued for the window.
    void fetch(Work& work);
    // Stored blobs the workers found damaged are fetched again (offline: they fail);
    // whether there were any.
    bool fetch_damaged();
    void unpack_later(Work& work, std::function<void()> before = {});
    void fail(Work& work, Error error);
    void report();
    void drain();

    const store::Store& m_store;
    std::function<net::Client&()> m_client;
    PipelineOptions m_options;
    std::map<Digest, std::size_t> m_by_digest; // digest -> index into m_work
    std::vector<std::unique_ptr<Work>> m_work; // stable addresses for the workers
    std::vector<std::size_t> m_work_of;        // id -> index into m_work
    std::deque<Work*> m_queued;                // downloads waiting for the window
    std::deque<std::unique_ptr<Download>> m_in_flight;
    // Whether downloads are queued or in flight, as of the last poll (for the workers).
    std::atomic<bool> m_downloading{false};
    std::vector<Work*> m_deferred; // another process holds their fetch lock
    std::vector<Work*> m_damaged;  // stored blobs that failed verification, under m_mutex
    std::mutex m_mutex;            // guards the outcomes and m_done across workers
    std::size_t m_done = 0;
    bool m_draining = false; // results() was called: progress is reported
    class Pool;
    std::unique_ptr<Pool> m_pool; // started by the first piece of work for it
};

// The path of a file:// URL ("file:///a/b%20c" -> "/a/b c"); nullopt for other schemes.
std::optional<std::filesystem::path> file_url_path(std::string_view url);

} // namespace cairn::ops::detail
