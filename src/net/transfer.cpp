#include "transfer.hpp"

#include "read_ahead.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/prefault.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace cairn::net::detail {

namespace {

constexpr std::uint64_t k_max_error_body = 1 << 20; // drained (for connection reuse), not kept

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                             text.back() == '\n'))
        text.remove_suffix(1);
    return text;
}

bool is_success(int status) {
    return status >= 200 && status < 300;
}

// Headers whose value is a credential of the request's origin.
bool origin_bound(std::string_view lower_name) {
    return lower_name == "authorization" || lower_name == "cookie" ||
           lower_name == "proxy-authorization";
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    Job& job = *static_cast<Job*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        // A new response (a 1xx, or the final one): its status replaces the last.
        std::size_t space = line.find(' ');
        job.status = 0;
        if (space != std::string_view::npos && line.size() >= space + 4)
            for (std::size_t i = space + 1; i < space + 4; ++i)
                job.status =
                    job.status * 10 +
                    (std::isdigit(static_cast<unsigned char>(line[i])) ? line[i] - '0' : 0);
        job.response_headers.clear();
        job.headers_done = false;
        return line.size();
    }
    std::string_view trimmed = trim(line);
    if (trimmed.empty()) {
        if (job.status >= 200) {
            job.headers_done = true;
            job.window_start = Clock::now();
            job.window_received = 0;
            if (job.host) {
                job.host->warmed = true;
                job.host->record_wait(job.window_start - job.started);
            }
        }
        return line.size();
    }
    std::size_t colon = trimmed.find(':');
    if (colon != std::string_view::npos)
        job.response_headers.emplace_back(lower(trim(trimmed.substr(0, colon))),
                                          std::string(trim(trimmed.substr(colon + 1))));
    return line.size();
}

// Makes room for the whole body at once when the response says how long it is (and the
// bytes are not decoded on the way, which would change their length): grown by doubling,
// a 10 MB packument was copied 16 MB over and faulted in 32 MB of fresh pages, on the
// network thread. A little more room, for a parser's padding (simdjson's, the packuments').
void reserve_body(Job& job, std::optional<std::uint64_t> limit) {
    constexpr std::uint64_t k_reserved_at_most = 64u << 20; // a header is no promise
    constexpr std::size_t k_padding = 64;
    std::optional<std::uint64_t> length;
    for (const auto& [name, value] : job.response_headers) {
        if (name == "content-encoding" && value != "identity")
            return;
        if (name == "content-length") {
            std::uint64_t n = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec == std::errc() && end == value.data() + value.size())
                length = n;
        }
    }
    if (!length)
        return;
    auto room = static_cast<std::size_t>(
                    std::min({*length, limit.value_or(k_reserved_at_most), k_reserved_at_most})) +
                k_padding;
    if (!job.request.body_buffers || job.body.capacity() >= room) {
        job.body.reserve(room);
        return;
    }
    auto taken = job.request.body_buffers->take(room);
    job.body = std::move(taken.buffer);
    // Pages a kept buffer holds already need no prefault_ahead.
    job.prefaulted_in = job.body.data();
    job.prefaulted = taken.present;
}

// Before `length` more bytes go into a body buffer with room for them: its next pages made
// present a window at a time, not one trap each as the bytes reach them (a large project's
// cold install had spent 3% of its CPU faulting in response bodies). Never more than a
// window past what has come: a Content-Length is no promise.
void prefault_ahead(Job& job, std::size_t length) {
    constexpr std::size_t k_window = 256u << 10;
    std::size_t need = job.body.size() + length;
    if (job.body.capacity() < need)
        return; // the buffer grows (and moves): no length was announced
    if (job.prefaulted_in != job.body.data()) {
        job.prefaulted_in = job.body.data();
        job.prefaulted = 0;
    }
    if (need <= job.prefaulted)
        return;
    std::size_t from = std::max(job.prefaulted, job.body.size());
    std::size_t to = std::min(job.body.capacity(), std::max(need, from + k_window));
    prefault(job.body.data() + from, to - from);
    job.prefaulted = to;
}

// Delivers bytes to the caller's sink (or the body buffer). False when the sink threw.
bool deliver(Job& job, const char* data, std::size_t length, std::optional<std::uint64_t> limit) {
    if (length == 0)
        return true;
    if (!job.request.on_body) {
        if (job.body.empty())
            reserve_body(job, limit);
        prefault_ahead(job, length);
        job.body.append(data, length);
        return true;
    }
    try {
        if (job.restart_owed) {
            job.restart_owed = false;
            if (job.request.on_restart)
                job.request.on_restart();
        }
        job.body_delivered = true;
        job.request.on_body(std::span(reinterpret_cast<const std::byte*>(data), length));
    } catch (...) {
        job.sink_error = std::current_exception();
        job.cut = Cut::sink_threw;
        return false;
    }
    return true;
}

size_t on_write(char* data, size_t size, size_t count, void* user) {
    Job& job = *static_cast<Job*>(user);
    std::size_t length = size * count;
    if (!is_success(job.status)) {
        // A redirect's or an error's body: drained so the connection can be reused.
        job.error_body += length;
        if (job.error_body > k_max_error_body) {
            job.cut = Cut::error_body_too_large;
            return 0;
        }
        return length;
    }
    std::optional<std::uint64_t> limit = job.request.expected_size;
    if (job.request.max_size && (!limit || *job.request.max_size < *limit))
        limit = job.request.max_size;
    if (limit && job.received + length > *limit) {
        std::size_t allowed = static_cast<std::size_t>(*limit - job.received);
        if (deliver(job, data, allowed, limit)) {
            job.received += allowed;
            job.cut = Cut::too_large;
        }
        return 0;
    }
    if (!deliver(job, data, length, limit))
        return 0;
    job.received += length;
    return length;
}

void append_header(Job& job, const std::string& line) {
    curl_slist* next = curl_slist_append(job.header_list, line.c_str());
    if (!next)
        throw Error(Code::internal, "out of memory building request headers");
    job.header_list = next;
}

template <typename T>
void set(CURL* easy, CURLoption option, T value) {
    CURLcode code = curl_easy_setopt(easy, option, value);
    if (code != CURLE_OK)
        throw Error(Code::internal,
                    fmt::format("libcurl refused option {}: {}", static_cast<int>(option),
                                curl_easy_strerror(code)));
}

} // namespace

Job::Job(Request request_, std::uint64_t id_)
    : request(std::move(request_)), id(id_), url(request.url.without_userinfo()) {}

void HostState::record_wait(Clock::duration wait) {
    waits[waits_seen++ % k_waits_kept] = wait;
    if (waits_seen < k_waits_needed)
        return;
    std::size_t kept = std::min(waits_seen, k_waits_kept);
    std::array<Clock::duration, k_waits_kept> sorted = waits;
    auto middle = sorted.begin() + static_cast<std::ptrdiff_t>(kept / 2);
    std::nth_element(sorted.begin(), middle, sorted.begin() + static_cast<std::ptrdiff_t>(kept));
    median_wait = *middle;
}

std::unique_ptr<Job> Job::hedge_of(Job& original, std::uint64_t id) {
    auto hedge = std::make_unique<Job>(original.request, id);
    hedge->is_hedge = true;
    hedge->hedged = true;
    hedge->twin = &original;
    original.twin = hedge.get();
    original.hedged = true;
    return hedge;
}

void Job::take_over(Job& original) {
    promise = std::move(original.promise);
    then = std::exchange(original.then, nullptr);
    settled = std::move(original.settled);
    attempts = std::max(attempts, original.attempts);
    is_hedge = false;
    twin = nullptr;
    original.twin = nullptr;
}

void Job::resolve(Response response) {
    promise.set_value(std::move(response));
    if (then)
        std::exchange(then, nullptr)(std::move(settled));
}

void Job::reject(std::exception_ptr error) {
    promise.set_exception(std::move(error));
    if (then)
        std::exchange(then, nullptr)(std::move(settled));
}

std::optional<std::string> Job::response_header(std::string_view lower_name) const {
    for (const auto& [name, value] : response_headers)
        if (name == lower_name)
            return value;
    return std::nullopt;
}

void prepare_exchange(Job& job, const ClientOptions& options, const std::string* ca_folder) {
    job.status = 0;
    job.headers_done = false;
    job.response_headers.clear();
    job.received = 0;
    job.error_body = 0;
    job.body.clear();
    job.cut = Cut::none;
    job.sink_error = nullptr;
    job.started = Clock::now();
    job.window_start = job.started;
    job.window_received = 0;
    job.error_buffer[0] = '\0';

    job.easy = curl_easy_init();
    if (!job.easy)
        throw Error(Code::internal, "libcurl could not create a transfer");
    CURL* easy = job.easy;
    std::string url = job.url.text();
    set(easy, CURLOPT_URL, url.c_str());
    set(easy, CURLOPT_PRIVATE, static_cast<void*>(&job));
    set(easy, CURLOPT_ERRORBUFFER, job.error_buffer);
    set(easy, CURLOPT_NOSIGNAL, 1L);
    set(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    set(easy, CURLOPT_FOLLOWLOCATION, 0L); // redirects are followed by the engine, hop by hop
    set(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    set(easy, CURLOPT_PIPEWAIT, 1L);
    set(easy, CURLOPT_ACCEPT_ENCODING, "");
    // Bodies are taken 64 KiB at a time (what OpenSSL reads ahead), not libcurl's 16: each
    // pass of libcurl's reading loop ends in a zero-timeout poll of the socket, and a large
    // cold install made 37,566 of them (14,447 now; 13,130 futex calls -> 9,005).
    set(easy, CURLOPT_BUFFERSIZE, 64L * 1024);
    set(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    set(easy, CURLOPT_DNS_CACHE_TIMEOUT, 600L);
    set(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(job.request.retry.timeout.count()));
    set(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    set(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (read_ahead_available())
        set(easy, CURLOPT_SSL_CTX_FUNCTION, &enable_read_ahead);
    job.ca_folder_only = ca_folder != nullptr;
    if (ca_folder) {
        set(easy, CURLOPT_CAINFO, static_cast<const char*>(nullptr)); // no bundle to parse
        set(easy, CURLOPT_CAPATH, ca_folder->c_str());
    } else if (options.ca_file) {
        set(easy, CURLOPT_CAINFO, options.ca_file->c_str());
    }
    set(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
    // No CURLOPT_PROXY: libcurl then takes http_proxy, https_proxy, all_proxy and no_proxy
    // from the environment.
    if (job.request.method == Method::head)
        set(easy, CURLOPT_NOBODY, 1L);
    set(easy, CURLOPT_HEADERFUNCTION, &on_header);
    set(easy, CURLOPT_HEADERDATA, static_cast<void*>(&job));
    set(easy, CURLOPT_WRITEFUNCTION, &on_write);
    set(easy, CURLOPT_WRITEDATA, static_cast<void*>(&job));

    // Headers, credentials included, are chosen for this hop's origin.
    bool same_origin = job.same_origin_as_request();
    bool has_authorization = false;
    for (const auto& [name, value] : job.request.headers) {
        std::string key = lower(name);
        if (origin_bound(key) && !same_origin)
            continue;
        if (key == "authorization")
            has_authorization = true;
        append_header(job, name + ": " + value);
    }
    if (!has_authorization) {
        if (same_origin && job.request.url.has_userinfo()) {
            Credential from_url = Credential::basic(job.request.url.username(),
                                                    job.request.url.password(), "the URL");
            append_header(job, "Authorization: " + from_url.authorization());
        } else if (const Credential* credential = options.credentials.find(job.url)) {
            append_header(job, "Authorization: " + credential->authorization());
        }
    }
    if (job.request.if_none_match)
        append_header(job, "If-None-Match: " + *job.request.if_none_match);
    if (job.request.if_modified_since)
        append_header(job, "If-Modified-Since: " + *job.request.if_modified_since);
    if (job.header_list)
        set(easy, CURLOPT_HTTPHEADER, job.header_list);
}

void release_exchange(Job& job) {
    if (job.easy)
        curl_easy_cleanup(job.easy);
    job.easy = nullptr;
    if (job.header_list)
        curl_slist_free_all(job.header_list);
    job.header_list = nullptr;
}

} // namespace cairn::net::detail
