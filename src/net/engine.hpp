#pragma once

#include "outcome.hpp"
#include "transfer.hpp"

#include "cairn/net/client.hpp"

#include <curl/curl.h>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace cairn::net {

// The network thread: one libcurl multi handle, the queues of requests per origin, the
// retries waiting for their time. Only submit() and statistics() run on other threads.
class Client::Engine {
public:
    explicit Engine(ClientOptions options);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // With `then`, the future is handed to it once settled, and the one returned is empty.
    std::future<Response> submit(Request request, Settled then = nullptr);
    ClientStatistics statistics() const;

private:
    using JobPtr = std::unique_ptr<detail::Job>;

    struct Host {
        detail::HostState state;
        std::deque<JobPtr> queue;
    };

    void run();
    void enqueue(JobPtr job, bool front);
    bool admit();
    void start(JobPtr job);
    void finish(CURL* easy, CURLcode code);
    void check_deadlines();
    // Hedging: the delay after which a request still waiting for its headers is sent again
    // (nullopt: not now, or never), sends those that are due, and settles a race.
    std::optional<detail::Clock::duration> hedge_delay(const detail::Job& job) const;
    void hedge_slow_requests();
    void settle_race(JobPtr job, detail::Outcome outcome);
    JobPtr take_out(detail::Job* job);
    bool release_due_retries();
    void settle(JobPtr job, detail::Outcome outcome);
    long poll_timeout() const;
    void fail_everything();

    ClientOptions m_options;
    CURLM* m_multi = nullptr;

    // Shared with submitting threads.
    mutable std::mutex m_mutex;
    std::vector<JobPtr> m_incoming;
    bool m_stop = false;
    std::uint64_t m_next_id = 1;
    std::atomic<std::uint64_t> m_requests{0};
    std::atomic<std::uint64_t> m_attempts{0};
    std::atomic<std::uint64_t> m_connections{0};
    std::atomic<std::uint64_t> m_bytes{0};
    std::atomic<std::uint64_t> m_hedged{0};

    // Network thread only.
    std::map<std::string, Host> m_hosts; // by origin
    std::map<CURL*, JobPtr> m_active;
    std::multimap<detail::Clock::time_point, JobPtr> m_waiting; // retries
    int m_in_flight = 0;
    std::mt19937_64 m_random;
    // The CA folder tried alone (ClientOptions::ca_folder), and the origins whose servers it
    // could not vouch for (verified with the bundle from then on).
    std::optional<std::string> m_ca_folder;
    std::set<std::string> m_bundle_origins;

    std::thread m_thread; // last: started when everything else exists
};

} // namespace cairn::net
