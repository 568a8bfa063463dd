// The install's artifact pipeline (artifact_pipeline.hpp).
#include "artifact_pipeline.hpp"

#include "cairn/core/encoding.hpp"
#include "cairn/core/thread_name.hpp"
#include "cairn/net/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace cairn::ops::detail {

namespace {

namespace fs = std::filesystem;

std::string fetch_lock_key(const Digest& digest) {
    return fmt::format("fetch-{}-{}", algorithm_name(digest.algorithm()), digest.hex());
}

} // namespace

std::optional<fs::path> file_url_path(std::string_view url) {
    constexpr std::string_view prefix = "file://";
    if (url.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    std::string_view rest = url.substr(prefix.size());
    if (rest.rfind("localhost/", 0) == 0)
        rest.remove_prefix(9);
    if (rest.empty() || rest[0] != '/')
        return std::nullopt;
    std::string path;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '%' && i + 2 < rest.size()) {
            auto byte = encoding::hex_decode(rest.substr(i + 1, 2));
            if (byte && byte->size() == 1) {
                path += static_cast<char>((*byte)[0]);
                i += 2;
                continue;
            }
        }
        path += rest[i];
    }
    return fs::path(path);
}

struct ArtifactPipeline::Work {
    NeededArtifact artifact;
    ArtifactOutcome outcome;      // written under m_mutex
    std::optional<Error> damaged; // the stored blob's verification failure, under m_mutex
    bool fetched_again = false;   // after a damaged stored blob (main thread only)
};

struct ArtifactPipeline::Download {
    Work* work;
    store::FileLock lock;
    std::unique_ptr<store::BlobWriter> writer;
    std::future<net::Response> response;

    Download(Work* w, store::FileLock l, std::unique_ptr<store::BlobWriter> b)
        : work(w), lock(std::move(l)), writer(std::move(b)) {}
    ~Download() {
        if (response.valid())
            response.wait(); // the network thread writes into `writer` until then
    }
};

// A fixed set of threads running queued tasks; wait() returns once all have run.
class ArtifactPipeline::Pool {
public:
    explicit Pool(unsigned threads) {
        for (unsigned i = 0; i < threads; ++i)
            m_threads.emplace_back([this] {
                name_this_thread("cairn-unpack");
                run();
            });
    }
    ~Pool() {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_ready.notify_all();
        for (auto& t : m_threads)
            t.join();
    }
    void post(std::function<void()> task) {
        {
            std::lock_guard lock(m_mutex);
            m_tasks.push_back(std::move(task));
            ++m_pending;
        }
        m_ready.notify_one();
    }
    void wait() {
        std::unique_lock lock(m_mutex);
        m_idle.wait(lock, [this] { return m_pending == 0; });
    }
    // Tasks posted and not yet finished (a running task counts itself).
    std::size_t pending() {
        std::lock_guard lock(m_mutex);
        return m_pending;
    }

private:
    void run() {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(m_mutex);
                m_ready.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
                if (m_tasks.empty())
                    return;
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
            }
            task(); // tasks catch their own errors
            std::lock_guard lock(m_mutex);
            if (--m_pending == 0)
                m_idle.notify_all();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::condition_variable m_idle;
    std::deque<std::function<void()>> m_tasks;
    std::size_t m_pending = 0;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

ArtifactPipeline::ArtifactPipeline(const store::Store& store, std::function<net::Client&()> client,
                                   PipelineOptions options)
    : m_store(store), m_client(std::move(client)), m_options(std::move(options)) {}

ArtifactPipeline::~ArtifactPipeline() {
    m_queued.clear();
    m_in_flight.clear(); // each waits for its response
    m_pool.reset();      // runs what was posted, then joins
}

void ArtifactPipeline::report() {
    // Progress is the wait for results: work started early is not what the user waits for.
    if (m_options.progress && m_draining)
        m_options.progress(m_done, m_work.size());
}

void ArtifactPipeline::fail(Work& work, Error error) {
    error.while_(fmt::format("fetching {} from {}", work.artifact.label, work.artifact.url));
    std::lock_guard lock(m_mutex);
    work.outcome.error = std::move(error);
    ++m_done;
}

void ArtifactPipeline::unpack_later(Work& work, std::function<void()> before) {
    if (!m_pool)
        m_pool = std::make_unique<Pool>(m_options.workers
                                            ? m_options.workers
                                            : std::max(1u, std::thread::hardware_concurrency()));
    // A blob the store already had is read again here, and verified on the way: one that
    // turns out damaged (quarantined by the store) is fetched again, once.
    bool stored = !before && !work.fetched_again;
    // The task asks the pool it runs on (not m_pool, which the pipeline's destructor has
    // already emptied while the pool runs what was posted).
    Pool* pool = m_pool.get();
    pool->post([this, pool, &work, stored, before = std::move(before)] {
        try {
            if (before)
                before();
            // An archive's files are written on threads of their own only when nothing
            // else keeps the cores busy: beside other archives and downloads, the hand-over
            // costs more than it overlaps (a large project's cold install spent 60 ms of
            // CPU more, 36,000 futex calls against bun's 400).
            bool alone = pool->pending() <= 1 && !m_downloading.load();
            auto tree =
                m_store.unpack(work.artifact.digest, {m_options.strip, m_options.limits, alone});
            {
                std::lock_guard lock(m_mutex);
                work.outcome.tree = store::CompleteTree{tree.path, tree.listing};
                ++m_done;
            }
            if (m_options.on_tree)
                m_options.on_tree(*work.outcome.tree);
        } catch (Error& error) {
            if (stored && error.code() == Code::cache_corrupt) {
                std::lock_guard lock(m_mutex);
                work.damaged = std::move(error);
                m_damaged.push_back(&work);
                return;
            }
            fail(work, std::move(error));
        } catch (const std::exception& e) {
            fail(work, Error(Code::internal, e.what()));
        }
    });
}

std::size_t ArtifactPipeline::add(NeededArtifact artifact) {
    auto [slot, fresh] = m_by_digest.emplace(artifact.digest, m_work.size());
    m_work_of.push_back(slot->second);
    if (!fresh)
        return m_work_of.size() - 1;
    m_work.push_back(std::make_unique<Work>(Work{std::move(artifact), {}, {}, false}));
    Work& work = *m_work.back();
    const NeededArtifact& a = work.artifact;
    if (auto tree = m_store.complete_tree(a.digest, m_options.strip)) {
        {
            std::lock_guard lock(m_mutex);
            work.outcome.tree = *tree;
            ++m_done;
        }
        if (m_options.on_tree)
            m_options.on_tree(*tree);
    } else if (m_store.find_blob(a.digest)) {
        unpack_later(work);
    } else {
        fetch(work);
    }
    return m_work_of.size() - 1;
}

void ArtifactPipeline::fetch(Work& work) {
    if (auto path = file_url_path(work.artifact.url)) {
        unpack_later(work, [this, &work, path = *path] {
            std::error_code ec;
            if (!fs::is_regular_file(fs::symlink_status(path, ec))) {
                Error error(Code::not_found,
                            fmt::format("{} is not a regular file", path.string()));
                throw error;
            }
            auto info = m_store.add_blob_file(work.artifact.digest, path);
            std::lock_guard lock(m_mutex);
            work.outcome.bytes = info.size;
            work.outcome.downloaded = !info.already_present;
        });
        return;
    }
    m_queued.push_back(&work);
    poll();
}

bool ArtifactPipeline::fetch_damaged() {
    std::vector<Work*> damaged;
    {
        std::lock_guard lock(m_mutex);
        damaged.swap(m_damaged);
    }
    for (Work* work : damaged) {
        work->fetched_again = true;
        Error error = std::move(*work->damaged);
        work->damaged.reset();
        if (!file_url_path(work->artifact.url) && m_client().mode() == net::NetworkMode::offline)
            fail(*work, std::move(error)); // offline: the damage is the answer
        else
            fetch(*work);
    }
    return !damaged.empty();
}

void ArtifactPipeline::start_download(Work& work, std::optional<store::FileLock> lock) {
    if (!lock)
        lock = m_store.try_lock_entry(fetch_lock_key(work.artifact.digest));
    if (!lock) {
        m_deferred.push_back(&work);
        return;
    }
    try {
        auto d = std::make_unique<Download>(
            &work, std::move(*lock),
            std::make_unique<store::BlobWriter>(m_store.write_blob(work.artifact.digest)));
        net::Request request{net::Url::parse(work.artifact.url)};
        store::BlobWriter* writer = d->writer.get();
        request.on_body = [writer](std::span<const std::byte> bytes) { writer->write(bytes); };
        request.on_restart = [writer] { writer->restart(); };
        // A tarball larger than what it may unpack to could never be unpacked: an endless
        // or oversized body is cut there instead of filling the disk.
        request.max_size = m_options.limits.max_archive_bytes();
        d->response = m_client().submit(std::move(request));
        m_in_flight.push_back(std::move(d));
    } catch (Error& error) {
        fail(work, std::move(error));
    }
}

void ArtifactPipeline::finish_download(Download& d) {
    Work& work = *d.work;
    try {
        d.response.get();
    } catch (Error& error) {
        d.lock.remove_file();
        fail(work, std::move(error));
        return;
    }
    // Commit (verify, link into place) and unpack on a worker; the lock goes with it.
    auto writer = std::make_shared<std::unique_ptr<store::BlobWriter>>(std::move(d.writer));
    auto lock = std::make_shared<store::FileLock>(std::move(d.lock));
    unpack_later(work, [this, &work, writer, lock] {
        auto info = (*writer)->commit();
        lock->remove_file();
        std::lock_guard guard(m_mutex);
        work.outcome.downloaded = !info.already_present;
        work.outcome.bytes = info.size;
    });
}

void ArtifactPipeline::poll() {
    fetch_damaged();
    const std::size_t window = std::max<std::size_t>(1, m_options.max_in_flight);
    for (;;) {
        while (!m_queued.empty() && m_in_flight.size() < window) {
            Work* work = m_queued.front();
            m_queued.pop_front();
            start_download(*work);
        }
        auto ready = std::find_if(m_in_flight.begin(), m_in_flight.end(), [](const auto& d) {
            return d->response.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
        });
        if (ready == m_in_flight.end()) {
            m_downloading.store(!m_queued.empty() || !m_in_flight.empty());
            return;
        }
        std::unique_ptr<Download> d = std::move(*ready);
        m_in_flight.erase(ready);
        m_downloading.store(!m_queued.empty() || !m_in_flight.empty());
        finish_download(*d);
        std::lock_guard lock(m_mutex);
        report();
    }
}

void ArtifactPipeline::drain() {
    m_draining = true;
    for (;;) {
        poll();
        if (!m_in_flight.empty()) {
            m_in_flight.front()->response.wait_for(std::chrono::milliseconds(2));
            continue;
        }
        if (!m_queued.empty())
            continue;
        if (!m_deferred.empty()) {
            // What another process was downloading: by now in the store, or ours to fetch.
            std::vector<Work*> deferred = std::move(m_deferred);
            m_deferred.clear();
            for (Work* work : deferred) {
                auto lock = m_store.lock_entry(fetch_lock_key(work->artifact.digest));
                if (m_store.find_blob(work->artifact.digest))
                    unpack_later(*work);
                else
                    start_download(*work, std::move(lock));
            }
            continue;
        }
        // Nothing left on the network: the workers finish, and may hand back damaged blobs.
        if (m_pool)
            m_pool->wait();
        if (!fetch_damaged())
            break;
    }
    std::lock_guard lock(m_mutex);
    report();
}

std::vector<ArtifactOutcome> ArtifactPipeline::results(std::span<const std::size_t> ids) {
    drain();
    std::vector<ArtifactOutcome> out;
    out.reserve(ids.size());
    std::vector<bool> counted(m_work.size(), false);
    std::lock_guard lock(m_mutex);
    for (std::size_t id : ids) {
        std::size_t w = m_work_of.at(id);
        out.push_back(m_work[w]->outcome);
        if (counted[w])
            out.back().downloaded = false;
        counted[w] = true;
    }
    return out;
}

} // namespace cairn::ops::detail
