#pragma once

#include "cairn/net/client.hpp"

#include <curl/curl.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// One request as the network thread carries it: the caller's Request and promise, where it
// is (redirect hop, attempt), and the state of its current HTTP exchange, with the libcurl
// callbacks that fill that state. Everything here runs on the network thread.
namespace cairn::net::detail {

using Clock = std::chrono::steady_clock;

// Connection bookkeeping for one origin (scheme, host, port).
struct HostState {
    int in_flight = 0;
    // Whether a transfer to it has received a response (so its name is resolved and a
    // connection exists). Until then, to a plain-HTTP origin, one transfer goes alone and
    // the others wait to reuse its DNS answer. HTTPS transfers all start at once: libcurl
    // holds them (CURLOPT_PIPEWAIT) until the first handshake tells whether the connection
    // multiplexes (HTTP/2: they share it) or not (new connections, the name resolved by
    // then). Waiting for the first response instead held every other request of a cold
    // install back by that response's time: the small project's cold install took 226 ms
    // with the wait, 168 without (medians of 15 alternating runs, one connection either way).
    bool warmed = false;
    bool waits_for_first = true; // plain HTTP
    // How long its recent exchanges waited for their response headers (the last
    // k_waits_kept), for hedging, and their median once k_waits_needed were seen: worked
    // out once per answer, where the network thread asks for it on every turn of its loop.
    static constexpr std::size_t k_waits_kept = 32;
    static constexpr std::size_t k_waits_needed = 8;
    std::array<Clock::duration, k_waits_kept> waits{};
    std::size_t waits_seen = 0;
    std::optional<Clock::duration> median_wait;
    void record_wait(Clock::duration wait);
};

// Why the client itself cut an exchange short.
enum class Cut { none, timeout, stalled, too_large, sink_threw, error_body_too_large };

struct Job {
    Job(Request request_, std::uint64_t id_);
    // A second exchange of `original`'s request (hedging): it settles nothing of its own
    // until it takes the original's place (take_over).
    static std::unique_ptr<Job> hedge_of(Job& original, std::uint64_t id);
    // Makes this job the request's carrier: the original's promise, continuation and count
    // of attempts pass to it, and it is a hedge no longer.
    void take_over(Job& original);

    Request request;
    std::uint64_t id;
    std::promise<Response> promise;
    // Client::submit_then's continuation, and the future it is handed once settled.
    Client::Settled then{};
    std::future<Response> settled{};

    // Settles the request (once): the promise, then the continuation if there is one.
    void resolve(Response response);
    void reject(std::exception_ptr error);

    // Where the request is.
    Url url;           // the current hop (no user information)
    int attempts = 0;  // attempts started (the first one and retries; not redirect hops)
    int redirects = 0; // hops followed in the current attempt
    bool following_redirect = false;
    bool same_attempt = false;   // the next exchange repeats this hop (with the CA bundle)
    bool body_delivered = false; // on_body has received bytes since the last restart
    bool ca_folder_only = false; // the current exchange verifies with the CA folder alone
    bool restart_owed = false;   // on_restart is due before the next bytes
    Clock::time_point due{};     // when a scheduled retry may start
    HostState* host = nullptr;   // of the current hop while in flight
    // Hedging: the other exchange of the request while both run (each points at the other),
    // whether this is the second one, and whether the request was hedged already.
    Job* twin = nullptr;
    bool is_hedge = false;
    bool hedged = false;

    // The current exchange.
    CURL* easy = nullptr;
    curl_slist* header_list = nullptr;
    int status = 0;
    bool headers_done = false;
    std::vector<std::pair<std::string, std::string>> response_headers;
    std::uint64_t received = 0; // 2xx body bytes of this exchange
    std::uint64_t error_body = 0;
    std::string body;
    // Pages of `body`'s buffer made present ahead of the bytes (deliver()): up to this
    // offset of the buffer that began at `prefaulted_in`.
    std::size_t prefaulted = 0;
    const char* prefaulted_in = nullptr;
    Cut cut = Cut::none;
    std::exception_ptr sink_error;
    Clock::time_point started{};
    Clock::time_point window_start{};
    std::uint64_t window_received = 0;
    char error_buffer[CURL_ERROR_SIZE] = {};

    std::optional<std::string> response_header(std::string_view lower_name) const;
    bool same_origin_as_request() const { return url.same_origin(request.url); }
};

// Creates the curl easy handle for the job's current hop, with its headers (credentials
// for this hop only) and callbacks, and resets the exchange state; with `ca_folder`, the
// server is verified against that folder alone (ClientOptions::ca_folder). Throws
// cairn::Error.
void prepare_exchange(Job& job, const ClientOptions& options, const std::string* ca_folder);
// Frees the easy handle and header list (after removal from the multi handle).
void release_exchange(Job& job);

} // namespace cairn::net::detail
