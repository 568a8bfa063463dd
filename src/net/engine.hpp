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
//
// libcurl is driven through curl_multi_socket_action over an epoll set: it names the
// sockets it waits on and the time of its next timeout, and each readiness wakes only the
// transfers of that socket. (curl_multi_perform walked every transfer each turn, and each
// of those polled its socket: a large cold install made 52,671 poll calls.)
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
    // The event loop's parts: libcurl's timer run when due, the epoll set waited on and
    // each ready socket handed to libcurl, the finished transfers collected, connections
    // holding TLS bytes read ahead handed to libcurl again (false: some still do).
    void run_due_timer();
    void wait_for_events(long timeout_ms);
    void collect_finished();
    bool drain_read_ahead();
    void wake();
    static int on_socket(CURL* easy, curl_socket_t socket, int what, void* engine, void*);
    static int on_timer(CURLM* multi, long timeout_ms, void* engine);

    ClientOptions m_options;
    CURLM* m_multi = nullptr;
    int m_epoll = -1; // the sockets libcurl waits on, and m_wake
    int m_wake = -1;  // an eventfd: a request came, or the engine stops

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
    std::optional<detail::Clock::time_point> m_curl_due; // libcurl's timer (on_timer)
    // The sockets libcurl has the engine watch, and the TLS connection on each where known
    // (read_ahead.hpp).
    std::map<curl_socket_t, const void*> m_sockets;
    std::mt19937_64 m_random;
    // The CA folder tried alone (ClientOptions::ca_folder), and the origins whose servers it
    // could not vouch for (verified with the bundle from then on).
    std::optional<std::string> m_ca_folder;
    std::set<std::string> m_bundle_origins;

    std::thread m_thread; // last: started when everything else exists
};

} // namespace cairn::net
