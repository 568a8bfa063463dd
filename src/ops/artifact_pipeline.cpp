// The install's artifact pipeline (artifact_pipeline.hpp).
#include "artifact_pipeline.hpp"

#include "cairn/core/encoding.hpp"
#include "cairn/net/client.hpp"

#include <fmt/format.h>

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

// A fixed set of threads running queued tasks; wait() returns once all have run.
class WorkerPool {
public:
    explicit WorkerPool(unsigned threads) {
        for (unsigned i = 0; i < threads; ++i)
            m_threads.emplace_back([this] { run(); });
    }
    ~WorkerPool() {
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

std::string fetch_lock_key(const Digest& digest) {
    return fmt::format("fetch-{}-{}", algorithm_name(digest.algorithm()), digest.hex());
}

struct Download {
    std::size_t index;
    store::FileLock lock;
    std::unique_ptr<store::BlobWriter> writer;
    std::future<net::Response> response;

    Download(std::size_t i, store::FileLock l, std::unique_ptr<store::BlobWriter> w)
        : index(i), lock(std::move(l)), writer(std::move(w)) {}
    Download(Download&&) = default;
    Download& operator=(Download&&) = default;
    ~Download() {
        if (response.valid())
            response.wait(); // the network thread writes into `writer` until then
    }
};

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

std::vector<ArtifactOutcome> ensure_unpacked(const store::Store& store,
                                             const std::function<net::Client&()>& client,
                                             const std::vector<NeededArtifact>& artifacts,
                                             const PipelineOptions& options) {
    std::vector<ArtifactOutcome> outcomes(artifacts.size());
    // Artifacts with one digest are one piece of work; its outcome is copied to the others.
    std::map<Digest, std::size_t> first_of;
    std::vector<std::size_t> work;
    for (std::size_t i = 0; i < artifacts.size(); ++i)
        if (first_of.emplace(artifacts[i].digest, i).second)
            work.push_back(i);

    std::mutex mutex; // guards outcomes and `done` across workers
    std::size_t done = 0;
    auto report = [&] {
        if (options.progress)
            options.progress(done, work.size());
    };
    auto fail = [&](std::size_t index, Error error) {
        error.while_(
            fmt::format("fetching {} from {}", artifacts[index].label, artifacts[index].url));
        std::lock_guard lock(mutex);
        outcomes[index].error = std::move(error);
        ++done;
    };
    store::UnpackOptions unpack_options{options.strip, options.limits};
    unsigned threads =
        options.workers ? options.workers : std::max(1u, std::thread::hardware_concurrency());
    // Started by the first piece of work for it: an install whose trees are all in the
    // store starts no thread.
    std::optional<WorkerPool> pool;
    auto unpack_later = [&](std::size_t index, std::function<void()> before = {}) {
        if (!pool)
            pool.emplace(threads);
        pool->post([&, index, before = std::move(before)] {
            try {
                if (before)
                    before();
                auto tree = store.unpack(artifacts[index].digest, unpack_options);
                std::lock_guard lock(mutex);
                outcomes[index].tree = tree.path;
                ++done;
            } catch (Error& error) {
                fail(index, std::move(error));
            } catch (const std::exception& e) {
                fail(index, Error(Code::internal, e.what()));
            }
        });
    };

    std::vector<std::size_t> to_download;
    for (std::size_t index : work) {
        const auto& artifact = artifacts[index];
        if (auto tree = store.find_unpacked(artifact.digest, options.strip)) {
            outcomes[index].tree = tree->path;
            ++done;
        } else if (store.find_blob(artifact.digest)) {
            unpack_later(index);
        } else if (auto path = file_url_path(artifact.url)) {
            unpack_later(index, [&store, &outcomes, &mutex, index, path = *path, &artifact] {
                std::error_code ec;
                if (!fs::is_regular_file(fs::symlink_status(path, ec))) {
                    Error error(Code::not_found,
                                fmt::format("{} is not a regular file", path.string()));
                    throw error;
                }
                auto info = store.add_blob_file(artifact.digest, path);
                std::lock_guard lock(mutex);
                outcomes[index].bytes = info.size;
                outcomes[index].downloaded = !info.already_present;
            });
        } else {
            to_download.push_back(index);
        }
    }

    // Downloads: a sliding window; each completed blob is committed and unpacked by the
    // pool while the next downloads run. An artifact another process is downloading (its
    // fetch lock is taken) waits until the end, then is taken from the store or fetched.
    std::deque<Download> in_flight;
    std::vector<std::size_t> deferred;
    auto start = [&](std::size_t index, store::FileLock lock) {
        const auto& artifact = artifacts[index];
        Download d(index, std::move(lock),
                   std::make_unique<store::BlobWriter>(store.write_blob(artifact.digest)));
        net::Request request{net::Url::parse(artifact.url)};
        store::BlobWriter* writer = d.writer.get();
        request.on_body = [writer](std::span<const std::byte> bytes) { writer->write(bytes); };
        request.on_restart = [writer] { writer->restart(); };
        d.response = client().submit(std::move(request));
        in_flight.push_back(std::move(d));
    };
    auto finish = [&](Download& d) {
        std::size_t index = d.index;
        try {
            d.response.get();
        } catch (Error& error) {
            d.lock.remove_file();
            fail(index, std::move(error));
            return;
        }
        // Commit (verify, fsync, link) and unpack on a worker; the lock goes with it.
        auto writer = std::make_shared<std::unique_ptr<store::BlobWriter>>(std::move(d.writer));
        auto lock = std::make_shared<store::FileLock>(std::move(d.lock));
        unpack_later(index, [&, writer, lock, index] {
            auto info = (*writer)->commit();
            lock->remove_file();
            std::lock_guard guard(mutex);
            outcomes[index].downloaded = !info.already_present;
            outcomes[index].bytes = info.size;
        });
    };
    std::size_t next = 0;
    const std::size_t window = std::max<std::size_t>(1, options.max_in_flight);
    while (next < to_download.size() || !in_flight.empty()) {
        while (next < to_download.size() && in_flight.size() < window) {
            std::size_t index = to_download[next++];
            auto lock = store.try_lock_entry(fetch_lock_key(artifacts[index].digest));
            if (!lock) {
                deferred.push_back(index);
                continue;
            }
            try {
                start(index, std::move(*lock));
            } catch (Error& error) {
                fail(index, std::move(error));
            }
        }
        if (in_flight.empty())
            continue;
        // Take whichever finished first; wait a little on the oldest otherwise.
        auto ready = in_flight.end();
        for (auto it = in_flight.begin(); it != in_flight.end(); ++it)
            if (it->response.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
                ready = it;
                break;
            }
        if (ready == in_flight.end()) {
            in_flight.front().response.wait_for(std::chrono::milliseconds(2));
            continue;
        }
        Download d = std::move(*ready);
        in_flight.erase(ready);
        finish(d);
        std::lock_guard lock(mutex);
        report();
    }
    for (std::size_t index : deferred) {
        auto lock = store.lock_entry(fetch_lock_key(artifacts[index].digest));
        if (store.find_blob(artifacts[index].digest)) {
            unpack_later(index);
            continue;
        }
        try {
            start(index, std::move(lock));
            Download d = std::move(in_flight.back());
            in_flight.pop_back();
            finish(d);
        } catch (Error& error) {
            fail(index, std::move(error));
        }
    }
    if (pool)
        pool->wait();
    report();

    for (std::size_t i = 0; i < artifacts.size(); ++i) {
        std::size_t first = first_of.at(artifacts[i].digest);
        if (first != i) {
            outcomes[i] = outcomes[first];
            outcomes[i].downloaded = false;
        }
    }
    return outcomes;
}

} // namespace cairn::ops::detail
