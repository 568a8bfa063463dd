#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

// When and how often the network client tries a request again.
namespace cairn::net {

// How one request is retried. A registry's `search.timeout` maps onto it (done in ops):
//   time           -> timeout
//   action retry   -> on_timeout = retry, maximumRetries -> maximum_retries
//   action fail    -> on_timeout = fail  (the search stops with the error)
//   action continue-> on_timeout = continue_search (the client fails the request exactly as
//                     with `fail`; the caller goes on to the next registry)
struct RetryPolicy {
    enum class OnTimeout { retry, fail, continue_search };

    // Time allowed for each attempt to connect and receive the response headers. The body
    // is then governed by the client's stall window, so large downloads are not cut.
    std::chrono::milliseconds timeout{30'000};
    // Whether timeouts and stalls are retried; connection errors, truncated bodies, 408,
    // 429 and 5xx (but 501/505) are always retried, up to maximum_retries.
    OnTimeout on_timeout = OnTimeout::retry;
    // Retries after the first attempt: at most 1 + maximum_retries attempts.
    int maximum_retries = 3;
    // Exponential backoff: initial_backoff * 2^(retry - 1), capped by maximum_backoff,
    // with jitter (a uniform draw between half and all of it).
    std::chrono::milliseconds initial_backoff{250};
    std::chrono::milliseconds maximum_backoff{8'000};
    // A 429/503 `Retry-After` (delta seconds or HTTP-date) is waited for instead of the
    // backoff, but never longer than this.
    std::chrono::milliseconds maximum_retry_after{60'000};
};

// Statuses worth another attempt: 408, 429 and 5xx except 501 and 505.
bool retryable_status(int status);

// A `Retry-After` value: delta seconds or an HTTP-date (relative to `now`), capped at
// `cap`; a date in the past is 0. nullopt when the value is neither.
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now,
                  std::chrono::milliseconds cap);

// The wait before retry number `retry` (1 for the first retry): initial_backoff doubled per
// retry, capped at maximum_backoff, then jittered to between half and all of it using
// `random` (any 64 random bits).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, std::uint64_t random);

} // namespace cairn::net
