#pragma once

#include "cairn/core/buffer_pool.hpp"
#include "cairn/net/credentials.hpp"
#include "cairn/net/retry.hpp"
#include "cairn/net/url.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

// The one HTTP client of cairn (DESIGN.md sections 2 and 4): libcurl multi driven by one
// network thread, HTTP/2 multiplexing, connection reuse, one DNS resolution per host,
// retries with backoff, stall and truncation detection, conditional requests, credentials
// by URL prefix, and the network mode, enforced here and nowhere else.
namespace cairn::net {

// `network.mode`. The client treats `prefer_offline` like `online` (whether cached data
// is good enough is the metadata cache's decision); `offline` fails every request with
// Code::offline_miss before any curl handle or socket exists.
enum class NetworkMode { online, prefer_offline, offline };

enum class Method { get, head };

// What a 404/410 does: fail with Code::not_found, or resolve with the response (status
// kept) for callers that treat absence as expected (a registry search moving on).
enum class OnNotFound { error, respond };

// Bytes of a response body, in order. Called on the client's network thread: keep it
// short (hash, append to a file); hand heavy work to a worker. An exception thrown here
// aborts the request without retry and is what its future then holds.
using BodySink = std::function<void(std::span<const std::byte>)>;

struct Request {
    Url url;
    Method method = Method::get;
    // Extra headers. An `Authorization`, `Cookie` or `Proxy-Authorization` header given
    // here belongs to the request's origin: it is dropped on a redirect to another one.
    std::vector<std::pair<std::string, std::string>> headers{};
    // Conditional request: a 304 answer resolves with `not_modified = true`.
    std::optional<std::string> if_none_match{};     // an ETag as the server sent it
    std::optional<std::string> if_modified_since{}; // a Last-Modified value as sent
    RetryPolicy retry{};
    // The body's exact length when known (from signed metadata): fewer bytes is
    // Code::truncated (after retries), more is cut at the length and Code::integrity.
    std::optional<std::uint64_t> expected_size{};
    // A cap for bodies of unknown length: more bytes is cut and Code::integrity.
    std::optional<std::uint64_t> max_size{};
    OnNotFound on_not_found = OnNotFound::error;
    // Streaming sink for a 2xx body; without one, the body is collected in Response::body.
    // Only the final 2xx response's bytes reach it (never a redirect's or an error's).
    BodySink on_body{};
    // Called on the network thread before a retry delivers its body from byte 0 again,
    // when an earlier attempt already gave on_body some bytes: discard them.
    std::function<void()> on_restart{};
    // The same request may be sent a second time, beside the first, when the first one's
    // answer is slow to start (ClientOptions::hedge_floor): the first of the two exchanges
    // to succeed settles the request, and the other is dropped. For idempotent requests of
    // small documents; never for one with an on_body sink.
    bool hedge = false;
    // Where a collected body's buffer (no on_body sink) comes from when its length is
    // announced: a kept buffer with room for it, which whoever reads the body may give
    // back. Without a pool, each body gets a new buffer.
    std::shared_ptr<BufferPool> body_buffers{};
};

struct Response {
    int status = 0;            // the final response's HTTP status (304 when not modified)
    bool not_modified = false; // a conditional request was answered 304
    std::string etag{};        // as sent, quotes and W/ kept; empty when absent
    std::string last_modified{};
    std::string content_type{};
    Url effective_url; // after redirects
    std::uint64_t body_bytes = 0;
    std::string body{}; // the body when the request had no on_body sink
    int attempts = 0;   // attempts made, 1 when the first one succeeded
    // The final response's HTTP version, major * 10 + minor: 10, 11, 20 or 30; 0 if unknown.
    int http_version = 0;
    std::vector<std::pair<std::string, std::string>>
        headers{}; // final response's, names lower-case
};

struct ClientOptions {
    NetworkMode mode = NetworkMode::online;
    // `network.maxConnections`: transfers in flight at once, and open connections.
    int max_connections = 64;
    // Transfers in flight and connections to one host (scheme, name, port).
    int max_per_host = 64;
    // Hedging (Request::hedge): a request is sent again when its response headers have
    // taken more than four times the median wait of its host's recent exchanges, and at
    // least this long. The median counts once eight exchanges were seen, and being
    // relative it keeps a registry whose every answer is slow from being asked twice for
    // everything.
    // Zero turns hedging off (`network.hedging: false`). A registry's answers are mostly
    // quick, and a few take 50-80 ms before their first byte: on a resolution's chain of
    // dependencies, each of those waits is the whole install's.
    std::chrono::milliseconds hedge_floor{20};
    // CA bundle (PEM) to verify servers with, in place of libcurl's built-in bundle
    // (libcurl's built-in CA folder, if it has one, stays trusted). TLS verification cannot
    // be turned off.
    std::optional<std::string> ca_file{};
    // A folder of authorities under OpenSSL's hashed names ("<subject hash>.0"), tried alone
    // before any bundle: a handshake then reads only the authorities its chain names, where
    // a bundle is parsed whole for each new connection (some 40 ms for Debian's 144
    // authorities with OpenSSL 3). When the folder lacks a server's issuer, that request is
    // made again, and its origin (scheme, host, port) verified from then on, with the bundle
    // (`ca_file`, else libcurl's) and libcurl's built-in folder; any other verification
    // failure (an expired certificate, another name) is final. A folder without hashed names
    // is not used. Unset: libcurl's built-in CA folder, when libcurl verifies with OpenSSL
    // and `ca_file` is not given.
    std::optional<std::string> ca_folder{};
    Credentials credentials{};
    // A body that arrives at fewer than minimum_speed bytes per second, measured over each
    // stall_window from the response headers on, is cut and counts as a stall
    // (Code::stalled once retries are spent). The wait for the headers is bounded by the
    // request's RetryPolicy::timeout instead.
    std::chrono::milliseconds stall_window{30'000};
    std::uint64_t minimum_speed = 1024; // bytes per second
    int maximum_redirects = 10;
    std::string user_agent = "cairn";
};

// Counters for tests, benchmarks and the summary line.
struct ClientStatistics {
    std::uint64_t requests = 0;    // submitted
    std::uint64_t attempts = 0;    // HTTP exchanges started (retries and redirects included)
    std::uint64_t connections = 0; // new connections opened
    std::uint64_t bytes = 0;       // body bytes received
    std::uint64_t hedged = 0;      // requests sent a second time because they were slow
};

// Thread-safe: any thread may submit; every transfer runs on the client's one network
// thread, started (and libcurl loaded) by the first request (never in offline mode). Destroying the
// client fails requests still in flight with Code::network and joins the thread. libcurl's
// process-wide initialisation happens once, through a function-local static.
class Client {
public:
    explicit Client(ClientOptions options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Starts a request; many may be in flight at once. The future holds the Response for
    // 2xx and 304 (and 404/410 with OnNotFound::respond), or a cairn::Error:
    //   offline_miss  the mode is offline (no socket was opened);
    //   not_found     404/410;  unauthorized  401/403 (with a hint about credentials);
    //   truncated     the body ended early, every attempt;  stalled  too slow, every attempt;
    //   integrity     more bytes than expected_size/max_size;
    //   network       anything else: connection errors, timeouts, 5xx/429 after retries,
    //                 an https->http redirect, too many redirects.
    // Messages name the URL (redacted); causes give the HTTP status and attempt count.
    std::future<Response> submit(Request request);
    // What submit_then hands the settled request: a ready future (get() answers or throws
    // as submit's would).
    using Settled = std::function<void(std::future<Response>)>;
    // submit, with the ready future handed to `then` once the request settles instead of
    // returned: on the network thread, or on this thread for a request refused at once
    // (offline, or the client shutting down). `then` runs once; it should be quick (hand
    // the work to another thread) and must not wait for this client.
    void submit_then(Request request, Settled then);
    // submit(request).get().
    Response fetch(Request request);

    NetworkMode mode() const;
    ClientStatistics statistics() const;

    // Loads libcurl and starts the network thread now, on a thread of its own, for a
    // caller that knows requests are coming: the first one then does not wait for them
    // (libcurl and the thirty libraries it brings take 4-5 ms to load). Returns at once;
    // does nothing offline or once started. A failure to start is met by the first request.
    void prepare();

private:
    class Engine;
    Engine& engine();
    NetworkMode m_mode;
    ClientOptions m_options;
    mutable std::mutex m_start;         // guards m_engine's creation
    std::unique_ptr<Engine> m_engine{}; // null until the first request, and offline
    std::jthread m_preparing;           // prepare()'s: joined before the engine goes
};

} // namespace cairn::net
