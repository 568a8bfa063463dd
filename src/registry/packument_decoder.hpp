#pragma once

#include "cairn/net/client.hpp"
#include "cairn/protocol/npm/compact_packument.hpp"
#include "cairn/protocol/npm/packument.hpp"
#include "cairn/store/metadata_cache.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

// Registry answers to packument requests, read on a thread of their own: the thread that
// asks (the resolver's) goes on choosing versions while a large document is parsed, and
// one parser's buffers serve every document.
namespace cairn::registry::detail {

struct DecodedPackument {
    net::Response response; // its body dropped once read
    // A 2xx body read: its compact form, and the cache row to store (the response's
    // validators, without the body: that is the packument's bytes; fetched_at is left for
    // the caller to set).
    std::shared_ptr<const protocol::npm::CompactPackument> packument{};
    std::optional<store::CachedDocument> row{};
    // The body is not the package's packument (cairn::Error(Code::integrity)).
    std::exception_ptr invalid{};
};

// Reads a settled response: a 2xx body that is not a 304 or an absence (404, 410) is
// parsed into the compact form; errors of the request itself are rethrown.
// The body's buffer goes back to `bodies` when there is one.
DecodedPackument decode_packument(net::Response response, const std::string& name,
                                  protocol::npm::PackumentParser& parser,
                                  BufferPool* bodies = nullptr);

class PackumentDecoder {
public:
    PackumentDecoder() = default;
    // Reads what it was handed, then stops its thread.
    ~PackumentDecoder();
    PackumentDecoder(const PackumentDecoder&) = delete;
    PackumentDecoder& operator=(const PackumentDecoder&) = delete;

    // Submits `request` to `client` and reads the answer on the decoder's thread (started
    // by the first answer) as soon as it settles. The future holds the decoded answer, or
    // the client's error for the request.
    std::future<DecodedPackument> fetch(net::Client& client, net::Request request,
                                        std::string name);

    // For the one thread that asks, when it has nothing else to do: reads a waiting answer
    // of at most `helper_limit` bytes itself (so that small documents are not held up
    // behind a large one), else waits up to `at_most` for an answer to come or to be read.
    // False when that time passed with neither.
    bool help_or_wait(std::chrono::milliseconds at_most);
    // The reading part of help_or_wait alone: false when no small answer was waiting.
    bool help();
    // The names of the answers settled (their futures made ready) since the last call.
    std::vector<std::string> take_settled();

    static constexpr std::size_t helper_limit = 256 * 1024;

private:
    struct Task {
        std::optional<net::Response> response{}; // or
        std::exception_ptr error{};              // the request's failure
        std::shared_ptr<std::promise<DecodedPackument>> promise{};
        std::string name{};
    };
    void post(Task task);
    void run();
    // Takes a waiting small answer and reads it (unlocking `lock` to do so); false if none.
    bool help_locked(std::unique_lock<std::mutex>& lock);
    void settle(Task& task, protocol::npm::PackumentParser& parser);

    std::mutex m_mutex;
    std::condition_variable m_wake; // a task came, or stop
    std::condition_variable m_news; // a task came or was read (for help_or_wait)
    std::deque<Task> m_tasks;
    std::uint64_t m_events = 0;         // tasks queued and tasks read by the decoder's thread
    std::vector<std::string> m_settled; // names, for take_settled()
    bool m_stop = false;
    std::thread m_thread;                               // started by the first task
    protocol::npm::PackumentParser m_parser{16u << 20}; // the decoder's thread only
    protocol::npm::PackumentParser m_helper_parser;     // the asking thread only
    // Bodies' buffers, from one answer to the next: up to 32 MiB, about the bytes of the
    // answers in flight at once in a large project's cold install.
    std::shared_ptr<BufferPool> m_bodies = std::make_shared<BufferPool>(32u << 20);
};

} // namespace cairn::registry::detail
