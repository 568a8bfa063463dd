#include "cairn/net/retry.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace cairn::net {

bool retryable_status(int status) {
    return status == 408 || status == 429 ||
           (status >= 500 && status <= 599 && status != 501 && status != 505);
}

std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now,
                  std::chrono::milliseconds cap) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
        value.remove_suffix(1);
    if (value.empty())
        return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        std::uint64_t seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        // Too many digits to count is "absurdly long": the cap.
        if (ec != std::errc{} || seconds > static_cast<std::uint64_t>(cap.count()) / 1000 + 1)
            return cap;
        return std::min(cap, std::chrono::milliseconds(seconds * 1000));
    }
    std::string text(value);
    time_t date = curl_getdate(text.c_str(), nullptr);
    if (date == -1)
        return std::nullopt;
    auto at = std::chrono::system_clock::from_time_t(date);
    if (at <= now)
        return std::chrono::milliseconds(0);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
    return std::min(cap, wait);
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry,
                                        std::uint64_t random) {
    std::int64_t base = std::max<std::int64_t>(policy.initial_backoff.count(), 0);
    std::int64_t cap = std::max<std::int64_t>(policy.maximum_backoff.count(), 0);
    std::int64_t delay = base;
    for (int i = 1; i < retry && delay < cap; ++i)
        delay *= 2;
    delay = std::min(delay, cap);
    if (delay <= 1)
        return std::chrono::milliseconds(delay);
    std::int64_t half = delay / 2;
    std::int64_t span = delay - half + 1;
    return std::chrono::milliseconds(
        half + static_cast<std::int64_t>(random % static_cast<std::uint64_t>(span)));
}

} // namespace cairn::net
