#include "engine.hpp"

#include "ca_folder.hpp"
#include "outcome.hpp"
#include "read_ahead.hpp"

#include "cairn/core/thread_name.hpp"
#include "cairn/core/unique_name.hpp"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace cairn::net {

using detail::Clock;
using detail::Job;
using detail::Outcome;

namespace {

// libcurl's process-wide setup, done once, the first time a client goes online.
void initialise_curl() {
    static const CURLcode k_initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (k_initialised != CURLE_OK)
        throw Error(Code::internal, fmt::format("libcurl failed to initialise: {}",
                                                curl_easy_strerror(k_initialised)));
}

// How often deadlines (header timeouts, stall windows) are checked while transfers run.
constexpr long k_deadline_tick_ms = 100;

// Whether a refused handshake means that the authorities tried lack the server's issuer, and
// not that its certificate is expired, for another name, or otherwise bad.
bool issuer_unknown(CURL* easy, CURLcode code) {
    if (code == CURLE_SSL_CACERT_BADFILE)
        return true;
    if (code != CURLE_PEER_FAILED_VERIFICATION)
        return false;
    long result = 0;
    if (curl_easy_getinfo(easy, CURLINFO_SSL_VERIFYRESULT, &result) != CURLE_OK)
        return false;
    // OpenSSL's X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
    // X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN and X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY.
    return result == 2 || result == 18 || result == 19 || result == 20;
}

} // namespace

Client::Engine::Engine(ClientOptions options)
    : m_options(std::move(options)),
      m_random(process_random_seed() ^ reinterpret_cast<std::uintptr_t>(this)) {
    initialise_curl();
    if (m_options.ca_folder) {
        if (detail::has_hashed_names(*m_options.ca_folder))
            m_ca_folder = m_options.ca_folder;
    } else if (!m_options.ca_file) {
        m_ca_folder = detail::builtin_hashed_ca_folder();
    }
    m_options.max_connections = std::max(1, m_options.max_connections);
    m_options.max_per_host = std::clamp(m_options.max_per_host, 1, m_options.max_connections);
    m_multi = curl_multi_init();
    if (!m_multi)
        throw Error(Code::internal, "libcurl could not create a multi handle");
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event wake_event{};
    wake_event.events = EPOLLIN;
    wake_event.data.fd = m_wake;
    if (m_epoll < 0 || m_wake < 0 ||
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &wake_event) != 0) {
        int error = errno;
        if (m_epoll >= 0)
            ::close(m_epoll);
        if (m_wake >= 0)
            ::close(m_wake);
        curl_multi_cleanup(m_multi);
        throw Error(Code::io, fmt::format("the network thread could not set up its event loop: {}",
                                          std::strerror(error)));
    }
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &Engine::on_socket);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &Engine::on_timer);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
    curl_multi_setopt(m_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      static_cast<long>(m_options.max_connections));
    curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      static_cast<long>(m_options.max_per_host));
    curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, static_cast<long>(m_options.max_connections));
    m_thread = std::thread([this] {
        name_this_thread("cairn-net");
        run();
    });
}

Client::Engine::~Engine() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    wake();
    m_thread.join();
    curl_multi_cleanup(m_multi);
    ::close(m_epoll);
    ::close(m_wake);
}

void Client::Engine::wake() {
    std::uint64_t one = 1;
    // Fails only when the counter is full, and then the loop has a wake-up waiting anyway.
    [[maybe_unused]] auto written = ::write(m_wake, &one, sizeof one);
}

// libcurl names a socket to wait on, new waits on one, or one to forget.
int Client::Engine::on_socket(CURL* easy, curl_socket_t socket, int what, void* engine, void*) {
    auto* self = static_cast<Engine*>(engine);
    int epoll = self->m_epoll;
    if (what == CURL_POLL_REMOVE) {
        ::epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nullptr);
        self->m_sockets.erase(socket);
        return 0;
    }
    const void*& tls = self->m_sockets[socket];
    if (const void* now = detail::tls_connection(easy))
        tls = now;
    epoll_event event{};
    event.data.fd = socket;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        event.events |= EPOLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        event.events |= EPOLLOUT;
    if (::epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT)
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event);
    return 0;
}

// libcurl wants curl_multi_socket_action(CURL_SOCKET_TIMEOUT) after timeout_ms (-1: never).
int Client::Engine::on_timer(CURLM*, long timeout_ms, void* engine) {
    auto* self = static_cast<Engine*>(engine);
    if (timeout_ms < 0)
        self->m_curl_due.reset();
    else
        self->m_curl_due = Clock::now() + std::chrono::milliseconds(timeout_ms);
    return 0;
}

std::future<Response> Client::Engine::submit(Request request, Settled then) {
    std::future<Response> future;
    JobPtr refused; // settled outside the lock: a continuation may take its time
    {
        std::lock_guard lock(m_mutex);
        auto job = std::make_unique<Job>(std::move(request), m_next_id++);
        future = job->promise.get_future();
        if (then) {
            job->then = std::move(then);
            job->settled = std::move(future);
        }
        if (m_stop)
            refused = std::move(job);
        else
            m_incoming.push_back(std::move(job));
    }
    if (refused) {
        refused->reject(std::make_exception_ptr(detail::shutdown_error(refused->url)));
        return future;
    }
    ++m_requests;
    wake();
    return future;
}

ClientStatistics Client::Engine::statistics() const {
    return ClientStatistics{m_requests.load(), m_attempts.load(), m_connections.load(),
                            m_bytes.load(), m_hedged.load()};
}

void Client::Engine::enqueue(JobPtr job, bool front) {
    auto [it, added] = m_hosts.try_emplace(job->url.origin());
    Host& host = it->second;
    if (added)
        host.state.waits_for_first = job->url.scheme() != "https";
    if (front)
        host.queue.push_front(std::move(job));
    else
        host.queue.push_back(std::move(job));
}

bool Client::Engine::admit() {
    bool started = false;
    for (auto& [origin, host] : m_hosts) {
        while (!host.queue.empty() && m_in_flight < m_options.max_connections &&
               host.state.in_flight < m_options.max_per_host &&
               (host.state.warmed || !host.state.waits_for_first || host.state.in_flight == 0)) {
            JobPtr job = std::move(host.queue.front());
            host.queue.pop_front();
            job->host = &host.state;
            start(std::move(job));
            started = true;
        }
        if (m_in_flight >= m_options.max_connections)
            break;
    }
    return started;
}

void Client::Engine::start(JobPtr job) {
    if (!job->following_redirect && !job->same_attempt) {
        ++job->attempts;
        job->redirects = 0;
    }
    job->following_redirect = false;
    job->same_attempt = false;
    bool folder_alone = m_ca_folder && !m_bundle_origins.contains(job->url.origin());
    try {
        detail::prepare_exchange(*job, m_options, folder_alone ? &*m_ca_folder : nullptr);
    } catch (...) { // whatever fails here fails this request, never the network thread
        detail::release_exchange(*job);
        job->reject(std::current_exception());
        return;
    }
    CURLMcode code = curl_multi_add_handle(m_multi, job->easy);
    if (code != CURLM_OK) {
        detail::release_exchange(*job);
        job->reject(std::make_exception_ptr(
            Error(Code::internal,
                  fmt::format("libcurl refused a transfer: {}", curl_multi_strerror(code)))));
        return;
    }
    ++m_attempts;
    ++m_in_flight;
    ++job->host->in_flight;
    CURL* easy = job->easy;
    m_active.emplace(easy, std::move(job));
}

void Client::Engine::finish(CURL* easy, CURLcode code) {
    auto it = m_active.find(easy);
    if (it == m_active.end())
        return;
    JobPtr job = std::move(it->second);
    m_active.erase(it);
    curl_multi_remove_handle(m_multi, easy);
    long connects = 0;
    if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0)
        m_connections += static_cast<std::uint64_t>(connects);
    m_bytes += job->received;
    --m_in_flight;
    --job->host->in_flight;
    job->host->warmed = true;
    job->host = nullptr;
    if (job->ca_folder_only && issuer_unknown(easy, code)) {
        // The folder lacks this server's authority (one added to the bundle file alone, say):
        // its origin is verified with the bundle from now on, starting with this hop again,
        // as the same attempt (whose time limit starts over).
        m_bundle_origins.insert(job->url.origin());
        detail::release_exchange(*job);
        job->same_attempt = true;
        enqueue(std::move(job), true);
        return;
    }
    Outcome outcome{Outcome::Kind::fail, {}, {}, {}, {}};
    try {
        outcome = detail::judge(*job, code, m_options);
    } catch (...) { // e.g. bad_alloc: fail this request, keep the network thread alive
        outcome.kind = Outcome::Kind::fail;
        outcome.error = std::current_exception();
    }
    detail::release_exchange(*job);
    if (job->twin)
        settle_race(std::move(job), std::move(outcome));
    else if (!job->is_hedge)
        settle(std::move(job), std::move(outcome));
    // else: a hedge whose original settled meanwhile (never left running): nothing to do
}

std::optional<Clock::duration> Client::Engine::hedge_delay(const Job& job) const {
    if (!job.request.hedge || job.request.on_body || job.hedged || job.headers_done || !job.host ||
        m_options.hedge_floor.count() <= 0)
        return std::nullopt;
    if (!job.host->median_wait)
        return std::nullopt;
    return std::max<Clock::duration>(m_options.hedge_floor, 4 * *job.host->median_wait);
}

void Client::Engine::hedge_slow_requests() {
    auto now = Clock::now();
    std::vector<Job*> due;
    for (auto& [easy, job] : m_active)
        if (auto delay = hedge_delay(*job); delay && now - job->started >= *delay)
            due.push_back(job.get());
    for (Job* job : due) {
        std::uint64_t id = 0;
        {
            std::lock_guard lock(m_mutex);
            id = m_next_id++;
        }
        ++m_hedged;
        enqueue(Job::hedge_of(*job, id), true);
    }
}

// Takes a job out of wherever it is (running, or queued for its host) and returns it.
Client::Engine::JobPtr Client::Engine::take_out(Job* job) {
    if (job->easy) {
        if (auto it = m_active.find(job->easy); it != m_active.end() && it->second.get() == job) {
            JobPtr taken = std::move(it->second);
            m_active.erase(it);
            curl_multi_remove_handle(m_multi, taken->easy);
            detail::release_exchange(*taken);
            --m_in_flight;
            --taken->host->in_flight;
            taken->host = nullptr;
            return taken;
        }
    }
    for (auto& [origin, host] : m_hosts)
        for (auto it = host.queue.begin(); it != host.queue.end(); ++it)
            if (it->get() == job) {
                JobPtr taken = std::move(*it);
                host.queue.erase(it);
                return taken;
            }
    return nullptr;
}

// One of a hedged request's two exchanges is over. The first to succeed settles the
// request and the other is dropped; a failure leaves the other to carry on alone (a hedge
// is never retried, and an original that fails while its hedge runs hands it the request).
// A redirect is followed by the exchange that got it, still racing.
void Client::Engine::settle_race(JobPtr job, Outcome outcome) {
    Job* other = job->twin;
    if (outcome.kind == Outcome::Kind::redirect) {
        settle(std::move(job), std::move(outcome));
        return;
    }
    if (outcome.kind == Outcome::Kind::done) {
        JobPtr dropped = take_out(other);
        if (job->is_hedge)
            job->take_over(*other);
        other->twin = nullptr;
        job->twin = nullptr;
        settle(std::move(job), std::move(outcome));
        return;
    }
    if (job->is_hedge) {
        other->twin = nullptr;
        return;
    }
    other->take_over(*job);
}

void Client::Engine::settle(JobPtr job, Outcome outcome) {
    switch (outcome.kind) {
    case Outcome::Kind::done:
        job->resolve(std::move(*outcome.response));
        return;
    case Outcome::Kind::fail:
        job->reject(outcome.error);
        return;
    case Outcome::Kind::redirect:
        ++job->redirects;
        job->following_redirect = true;
        job->url = *outcome.location;
        enqueue(std::move(job), true);
        return;
    case Outcome::Kind::retry:
        break;
    }
    if (job->attempts > job->request.retry.maximum_retries) {
        job->reject(outcome.error);
        return;
    }
    std::chrono::milliseconds delay =
        outcome.retry_after ? *outcome.retry_after
                            : backoff_delay(job->request.retry, job->attempts, m_random());
    if (job->body_delivered) {
        job->restart_owed = true;
        job->body_delivered = false;
    }
    job->url = job->request.url.without_userinfo();
    job->redirects = 0;
    job->due = Clock::now() + delay;
    auto due = job->due;
    m_waiting.emplace(due, std::move(job));
}

bool Client::Engine::release_due_retries() {
    bool released = false;
    auto now = Clock::now();
    while (!m_waiting.empty() && m_waiting.begin()->first <= now) {
        JobPtr job = std::move(m_waiting.begin()->second);
        m_waiting.erase(m_waiting.begin());
        enqueue(std::move(job), true);
        released = true;
    }
    return released;
}

void Client::Engine::check_deadlines() {
    auto now = Clock::now();
    std::vector<CURL*> cut;
    for (auto& [easy, job] : m_active) {
        if (!job->headers_done) {
            if (now - job->started > job->request.retry.timeout) {
                job->cut = detail::Cut::timeout;
                cut.push_back(easy);
            }
            continue;
        }
        if (now - job->window_start < m_options.stall_window)
            continue;
        std::uint64_t needed = static_cast<std::uint64_t>(
            static_cast<double>(m_options.minimum_speed) *
            std::chrono::duration<double>(m_options.stall_window).count());
        if (job->received - job->window_received < needed) {
            job->cut = detail::Cut::stalled;
            cut.push_back(easy);
        } else {
            job->window_start = now;
            job->window_received = job->received;
        }
    }
    for (CURL* easy : cut)
        finish(easy, CURLE_ABORTED_BY_CALLBACK);
}

long Client::Engine::poll_timeout() const {
    long timeout = 1000;
    auto now = Clock::now();
    if (m_curl_due) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(*m_curl_due - now);
        timeout = std::min<long>(timeout, std::max<long>(0, static_cast<long>(left.count())));
    }
    if (!m_active.empty())
        timeout = std::min(timeout, k_deadline_tick_ms);
    for (const auto& [easy, job] : m_active)
        if (auto delay = hedge_delay(*job)) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(job->started + *delay - now);
            timeout = std::min<long>(timeout, std::max<long>(0, static_cast<long>(left.count())));
        }
    if (!m_waiting.empty()) {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(m_waiting.begin()->first -
                                                                          Clock::now());
        timeout = std::min<long>(timeout, std::max<long>(0, static_cast<long>(wait.count())));
    }
    return timeout;
}

void Client::Engine::run() {
    auto last_check = Clock::now();
    while (true) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stop)
                break;
            for (auto& job : m_incoming)
                enqueue(std::move(job), false);
            m_incoming.clear();
        }
        release_due_retries();
        admit();
        run_due_timer();
        collect_finished();
        hedge_slow_requests();
        auto now = Clock::now();
        if (now - last_check >= std::chrono::milliseconds(k_deadline_tick_ms)) {
            check_deadlines();
            last_check = now;
        }
        // Freed slots and redirects start at once; otherwise sleep until a socket, curl's
        // timer, a deadline, a retry or a new request needs the thread (or, while TLS bytes
        // read ahead remain, only a moment: libcurl may take them once its state moves on).
        bool drained = drain_read_ahead();
        if (admit())
            continue;
        wait_for_events(drained ? poll_timeout() : std::min(poll_timeout(), 1L));
    }
    fail_everything();
}

void Client::Engine::run_due_timer() {
    // Running the timer may set it again, already due (a transfer just added): a few
    // rounds at most.
    for (int round = 0; round < 8 && m_curl_due && *m_curl_due <= Clock::now(); ++round) {
        m_curl_due.reset();
        int running = 0;
        curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
}

void Client::Engine::collect_finished() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(m_multi, &left))
        if (message->msg == CURLMSG_DONE)
            finish(message->easy_handle, message->data.result);
}

// Connections whose TLS bytes OpenSSL read ahead are handed to libcurl again until none
// holds any (read_ahead.hpp). False when some still do after a few rounds: the next wait
// then only looks at the sockets.
bool Client::Engine::drain_read_ahead() {
    std::vector<curl_socket_t> sockets;
    auto add = [&](curl_socket_t socket) {
        if (std::find(sockets.begin(), sockets.end(), socket) == sockets.end())
            sockets.push_back(socket);
    };
    for (int round = 0; round < 8; ++round) {
        collect_finished(); // a finished transfer's connection may be gone
        sockets.clear();
        for (const auto& [easy, job] : m_active) {
            const void* tls = detail::tls_connection(easy);
            if (!detail::has_read_ahead(tls))
                continue;
            auto known = std::find_if(m_sockets.begin(), m_sockets.end(),
                                      [&](const auto& entry) { return entry.second == tls; });
            if (known != m_sockets.end()) {
                add(known->first);
                continue;
            }
            for (const auto& [socket, other] : m_sockets) // which one is not known: all
                add(socket);
        }
        if (sockets.empty())
            return true;
        for (curl_socket_t socket : sockets) {
            int running = 0;
            curl_multi_socket_action(m_multi, socket, CURL_CSELECT_IN, &running);
        }
    }
    return false;
}

void Client::Engine::wait_for_events(long timeout) {
    std::array<epoll_event, 64> events;
    int ready = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()),
                             static_cast<int>(timeout));
    for (int i = 0; i < ready; ++i) {
        const epoll_event& event = events[static_cast<std::size_t>(i)];
        if (event.data.fd == m_wake) {
            std::uint64_t count = 0;
            [[maybe_unused]] auto got = ::read(m_wake, &count, sizeof count);
            continue;
        }
        int flags = 0;
        if (event.events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP))
            flags |= CURL_CSELECT_IN;
        if (event.events & EPOLLOUT)
            flags |= CURL_CSELECT_OUT;
        if (event.events & EPOLLERR)
            flags |= CURL_CSELECT_ERR;
        int running = 0;
        curl_multi_socket_action(m_multi, event.data.fd, flags, &running);
    }
}

void Client::Engine::fail_everything() {
    for (auto& [easy, job] : m_active) {
        curl_multi_remove_handle(m_multi, easy);
        detail::release_exchange(*job);
        job->reject(std::make_exception_ptr(detail::shutdown_error(job->request.url)));
    }
    m_active.clear();
    for (auto& [due, job] : m_waiting)
        job->reject(std::make_exception_ptr(detail::shutdown_error(job->request.url)));
    m_waiting.clear();
    for (auto& [origin, host] : m_hosts)
        for (auto& job : host.queue)
            job->reject(std::make_exception_ptr(detail::shutdown_error(job->request.url)));
    m_hosts.clear();
    std::vector<JobPtr> incoming;
    {
        std::lock_guard lock(m_mutex);
        incoming.swap(m_incoming);
    }
    for (auto& job : incoming)
        job->reject(std::make_exception_ptr(detail::shutdown_error(job->request.url)));
}

} // namespace cairn::net
