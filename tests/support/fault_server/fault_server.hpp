#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

// A loopback HTTP/1.1 server whose answers are scripted per path, for testing how a client
// survives faults: delays, resets mid-body, bodies shorter or longer than Content-Length,
// wrong bytes, 429/5xx with Retry-After, slow drips and stalls, redirects, ETag and
// Last-Modified with 304. It logs every request with its headers, and counts connections,
// so tests can assert what a client sent (credentials included) and how often.
// Listens on 127.0.0.1, ephemeral port; one thread accepts, one thread per connection.
namespace cairn::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

// How the server answers one request.
struct Reply {
    int status = 200;
    std::string body;
    Headers headers; // sent as given, after Content-Length
    // The Content-Length announced; default body.size(). None with `close_delimited`.
    std::optional<std::uint64_t> content_length;
    bool close_delimited = false; // no Content-Length: the body ends when the server closes
    // Validators: a request whose If-None-Match equals `etag` (or whose If-Modified-Since
    // equals `last_modified`, when it sends no If-None-Match) gets 304 and no body.
    std::optional<std::string> etag;
    std::optional<std::string> last_modified;
    // Faults.
    std::chrono::milliseconds delay_before_headers{0};
    // Reset the connection (TCP RST) after this many body bytes.
    std::optional<std::size_t> reset_after;
    // Close the connection cleanly after this many body bytes (short body on a
    // keep-alive connection looks truncated to the client).
    std::optional<std::size_t> close_after;
    // Send the body in pieces of drip_bytes every drip_interval (0: at once).
    std::chrono::milliseconds drip_interval{0};
    std::size_t drip_bytes = 1;
    // After this many body bytes, go silent for `pause` (then carry on).
    std::optional<std::size_t> pause_after;
    std::chrono::milliseconds pause{0};

    static Reply ok(std::string body);
    static Reply status_only(int status);
    static Reply retry_after(int status, std::string retry_after_value);
    static Reply redirect(std::string location, int status = 302);
};

struct ReceivedRequest {
    std::string method;
    std::string target;         // path and query as sent
    Headers headers;            // names lower-case, in order
    std::size_t connection = 0; // 1-based number of the connection it came on
    std::chrono::steady_clock::time_point received_at{};
    std::optional<std::string> header(std::string_view name) const; // name lower-case
};

class FaultServer {
public:
    FaultServer(); // throws std::runtime_error when it cannot listen
    ~FaultServer();
    FaultServer(const FaultServer&) = delete;
    FaultServer& operator=(const FaultServer&) = delete;

    std::uint16_t port() const { return m_port; }
    std::string base_url() const; // "http://127.0.0.1:PORT"
    std::string url(std::string_view target) const;

    // Answers for requests to `target` (path and query, exactly as sent), one per request in
    // order; the last one repeats. Targets with no script get 404.
    void script(std::string target, std::vector<Reply> replies);
    void script(std::string target, Reply reply) { script(std::move(target), std::vector{reply}); }

    std::vector<ReceivedRequest> requests() const;
    std::size_t request_count(std::string_view target) const;
    std::size_t connection_count() const;

private:
    struct Script {
        std::vector<Reply> replies;
        std::size_t next = 0;
    };

    void accept_loop();
    void serve(int fd, std::size_t connection);
    Reply next_reply(const std::string& target);
    // Sleeps, returning false early when the server stops.
    bool sleep_for(std::chrono::milliseconds duration);

    int m_listen_fd = -1;
    std::uint16_t m_port = 0;
    mutable std::mutex m_mutex;
    std::condition_variable m_stopped;
    bool m_stop = false;
    std::map<std::string, Script> m_scripts;
    std::vector<ReceivedRequest> m_requests;
    std::vector<int> m_connection_fds;
    std::size_t m_connections = 0;
    std::vector<std::thread> m_threads;
    std::thread m_acceptor;
};

} // namespace cairn::test
