#include "outcome.hpp"

#include <fmt/format.h>

namespace cairn::net::detail {

namespace {

std::string attempts_text(int attempts) {
    return attempts == 1 ? "gave up after 1 attempt"
                         : fmt::format("gave up after {} attempts", attempts);
}

std::string seconds_text(std::chrono::milliseconds duration) {
    if (duration.count() % 1000 == 0)
        return fmt::format("{} s", duration.count() / 1000);
    return fmt::format("{} ms", duration.count());
}

// Decorates an error with the facts every network error carries.
Error with_facts(Error error, const Job& job) {
    if (!job.url.same_origin(job.request.url) || job.url.path() != job.request.url.path())
        error.caused_by("redirected to " + job.url.redacted());
    error.caused_by(attempts_text(job.attempts));
    return error;
}

Outcome fail(Error error) {
    return Outcome{Outcome::Kind::fail, {}, {}, {}, std::make_exception_ptr(std::move(error))};
}

Outcome retry(Error error, std::optional<std::chrono::milliseconds> after = std::nullopt) {
    return Outcome{Outcome::Kind::retry, {}, {}, after, std::make_exception_ptr(std::move(error))};
}

Outcome retry_on_timeout(const Job& job, Error error) {
    if (job.request.retry.on_timeout == RetryPolicy::OnTimeout::retry)
        return retry(std::move(error));
    return fail(std::move(error));
}

bool transport_failure(CURLcode code) {
    switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
        return true;
    default:
        return false;
    }
}

// The version libcurl used for the job's exchange, major * 10 + minor (0 when unknown).
int http_version(const Job& job) {
    long version = CURL_HTTP_VERSION_NONE;
    if (!job.easy || curl_easy_getinfo(job.easy, CURLINFO_HTTP_VERSION, &version) != CURLE_OK)
        return 0;
    switch (version) {
    case CURL_HTTP_VERSION_1_0:
        return 10;
    case CURL_HTTP_VERSION_1_1:
        return 11;
    case CURL_HTTP_VERSION_2_0:
        return 20;
    case CURL_HTTP_VERSION_3:
        return 30;
    default:
        return 0;
    }
}

Response make_response(Job& job) {
    Response response{.effective_url = job.url};
    response.status = job.status;
    response.not_modified = job.status == 304;
    response.etag = job.response_header("etag").value_or("");
    response.last_modified = job.response_header("last-modified").value_or("");
    response.content_type = job.response_header("content-type").value_or("");
    response.body_bytes = job.received;
    response.body = std::move(job.body);
    response.attempts = job.attempts;
    response.http_version = http_version(job);
    response.headers = std::move(job.response_headers);
    return response;
}

Outcome judge_status(Job& job, const ClientOptions& options) {
    const std::string url = job.request.url.redacted();
    int status = job.status;
    if (status >= 200 && status < 300) {
        std::optional<std::uint64_t> announced;
        if (auto length = job.response_header("content-length"))
            announced = std::strtoull(length->c_str(), nullptr, 10);
        bool encoded = job.response_header("content-encoding").has_value();
        std::optional<std::uint64_t> wanted = job.request.expected_size;
        if (!wanted && !encoded && job.request.method == Method::get)
            wanted = announced;
        if (job.request.method == Method::get && wanted && job.received < *wanted)
            return retry(with_facts(
                Error(Code::truncated, fmt::format("download of {} ended early: {} of {} bytes",
                                                   url, job.received, *wanted)),
                job));
        return Outcome{Outcome::Kind::done, make_response(job), {}, {}, {}};
    }
    if (status == 304) {
        if (job.request.if_none_match || job.request.if_modified_since)
            return Outcome{Outcome::Kind::done, make_response(job), {}, {}, {}};
        return fail(with_facts(
            Error(Code::network,
                  fmt::format("HTTP 304 from {} to a request that was not conditional", url)),
            job));
    }
    if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        auto location = job.response_header("location");
        if (!location)
            return fail(
                with_facts(Error(Code::network,
                                 fmt::format("HTTP {} from {} without a Location", status, url)),
                           job));
        auto target = job.url.resolve(*location);
        if (!target)
            return fail(with_facts(
                Error(Code::network,
                      fmt::format("HTTP {} from {} points to an unusable location", status, url)),
                job));
        if (job.url.scheme() == "https" && target->scheme() == "http")
            return fail(with_facts(
                Error(Code::network, fmt::format("refused a redirect from https to http: {} -> {}",
                                                 job.url.redacted(), target->redacted())),
                job));
        if (job.redirects >= options.maximum_redirects)
            return fail(with_facts(
                Error(Code::network, fmt::format("too many redirects fetching {} (more than {})",
                                                 url, options.maximum_redirects)),
                job));
        return Outcome{Outcome::Kind::redirect, {}, *target, {}, {}};
    }
    if (status == 401 || status == 403) {
        const Credential* sent = nullptr;
        bool from_url = job.same_origin_as_request() && job.request.url.has_userinfo();
        if (!from_url)
            sent = options.credentials.find(job.url);
        bool header_given = false;
        for (const auto& [name, value] : job.request.headers)
            if (name.size() == 13 && strncasecmp(name.c_str(), "authorization", 13) == 0)
                header_given = true;
        Error error(Code::unauthorized, fmt::format("HTTP {} from {}: access denied", status, url));
        if (from_url || header_given)
            error.hint("the registry refused the credentials given with the request");
        else if (sent)
            error.hint(fmt::format("the registry refused the credential from {}: check or renew it",
                                   sent->source));
        else
            error.hint(fmt::format(
                "no credential matches {}: add an `auth` entry for it to a *.user.json5 config "
                "file, or a `//host/path/:_authToken=` line to .npmrc",
                job.url.origin()));
        return fail(with_facts(std::move(error), job));
    }
    if (status == 404 || status == 410) {
        if (job.request.on_not_found == OnNotFound::respond) {
            job.body.clear();
            job.received = 0;
            return Outcome{Outcome::Kind::done, make_response(job), {}, {}, {}};
        }
        return fail(with_facts(
            Error(Code::not_found, fmt::format("HTTP {} from {}: not found", status, url)), job));
    }
    Error error(Code::network, fmt::format("HTTP {} from {}", status, url));
    if (retryable_status(status)) {
        std::optional<std::chrono::milliseconds> after;
        if (auto value = job.response_header("retry-after"))
            after = parse_retry_after(*value, std::chrono::system_clock::now(),
                                      job.request.retry.maximum_retry_after);
        return retry(with_facts(std::move(error), job), after);
    }
    return fail(with_facts(std::move(error), job));
}

} // namespace

Outcome judge(Job& job, CURLcode code, const ClientOptions& options) {
    const std::string url = job.request.url.redacted();
    switch (job.cut) {
    case Cut::sink_threw:
        return Outcome{Outcome::Kind::fail, {}, {}, {}, job.sink_error};
    case Cut::too_large: {
        bool expected =
            job.request.expected_size &&
            (!job.request.max_size || *job.request.expected_size <= *job.request.max_size);
        Error error =
            expected ? Error(Code::integrity,
                             fmt::format("{} sent more than the expected {} bytes; the download "
                                         "was cut",
                                         url, *job.request.expected_size))
                     : Error(Code::integrity,
                             fmt::format("{} sent more than {} bytes, the most accepted for it; "
                                         "the download was cut",
                                         url, job.request.max_size.value_or(0)));
        return fail(with_facts(std::move(error), job));
    }
    case Cut::error_body_too_large:
        return retry(
            with_facts(Error(Code::network, fmt::format("HTTP {} from {} with an oversized body",
                                                        job.status, url)),
                       job));
    case Cut::timeout:
        return retry_on_timeout(
            job,
            with_facts(Error(Code::network, fmt::format("no response from {} within {}", url,
                                                        seconds_text(job.request.retry.timeout))),
                       job));
    case Cut::stalled:
        return retry_on_timeout(
            job,
            with_facts(Error(Code::stalled,
                             fmt::format("download of {} stalled: less than {} bytes/s for {}", url,
                                         options.minimum_speed, seconds_text(options.stall_window)))
                           .caused_by(fmt::format("{} bytes received", job.received)),
                       job));
    case Cut::none:
        break;
    }
    if (code == CURLE_OK)
        return judge_status(job, options);

    std::string detail = job.error_buffer[0] ? job.error_buffer : curl_easy_strerror(code);
    bool body_started = job.status >= 200 && job.status < 300 && job.headers_done;
    if (code == CURLE_OPERATION_TIMEDOUT)
        return retry_on_timeout(
            job,
            with_facts(Error(Code::network, fmt::format("no response from {} within {}", url,
                                                        seconds_text(job.request.retry.timeout)))
                           .caused_by(detail),
                       job));
    if (body_started && transport_failure(code)) {
        std::string of = job.request.expected_size
                             ? fmt::format(" of {}", *job.request.expected_size)
                             : (job.response_header("content-length")
                                    ? " of " + *job.response_header("content-length")
                                    : std::string());
        return retry(
            with_facts(Error(Code::truncated, fmt::format("download of {} ended early: {}{} bytes",
                                                          url, job.received, of))
                           .caused_by(detail),
                       job));
    }
    if (transport_failure(code))
        return retry(with_facts(
            Error(Code::network, fmt::format("cannot fetch {}", url)).caused_by(detail), job));
    Error error(Code::network, fmt::format("cannot fetch {}", url));
    error.caused_by(detail);
    if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE)
        error.hint("the server's TLS certificate could not be verified; if it is signed by a "
                   "private authority, point `network.caFile` at that authority's certificate");
    return fail(with_facts(std::move(error), job));
}

Error offline_error(const Url& url) {
    return Error(Code::offline_miss,
                 fmt::format("cannot fetch {}: the network mode is offline", url.redacted()))
        .hint("fill the cache by running the same command while online, or import a bundle "
              "made on a connected machine");
}

Error shutdown_error(const Url& url) {
    return Error(Code::network,
                 fmt::format("the network client stopped before {} was fetched", url.redacted()));
}

} // namespace cairn::net::detail
