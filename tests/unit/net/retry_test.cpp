#include "cairn/net/retry.hpp"

#include <gtest/gtest.h>

namespace cairn::net {
namespace {

using std::chrono::milliseconds;

TEST(Retry, RetryableStatuses) {
    for (int status : {408, 429, 500, 502, 503, 504, 599})
        EXPECT_TRUE(retryable_status(status)) << status;
    for (int status : {200, 304, 400, 401, 403, 404, 410, 501, 505})
        EXPECT_FALSE(retryable_status(status)) << status;
}

TEST(Retry, ParsesRetryAfterDeltaAndDate) {
    auto now = std::chrono::system_clock::from_time_t(784111777); // Sun, 06 Nov 1994 08:49:37 GMT
    milliseconds cap(60'000);
    EXPECT_EQ(parse_retry_after("5", now, cap), milliseconds(5000));
    EXPECT_EQ(parse_retry_after(" 0 ", now, cap), milliseconds(0));
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now, cap), milliseconds(10'000));
    EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:40 GMT", now, cap), milliseconds(3000));
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now, cap), milliseconds(0));
    // Absurd values are held to the cap.
    EXPECT_EQ(parse_retry_after("86400", now, cap), cap);
    EXPECT_EQ(parse_retry_after("99999999999999999999999999", now, cap), cap);
    EXPECT_EQ(parse_retry_after("Fri, 31 Dec 2100 23:59:59 GMT", now, cap), cap);
    EXPECT_FALSE(parse_retry_after("", now, cap));
    EXPECT_FALSE(parse_retry_after("-1", now, cap));
    EXPECT_FALSE(parse_retry_after("soon", now, cap));
}

TEST(Retry, BackoffGrowsIsCappedAndJittered) {
    RetryPolicy policy;
    policy.initial_backoff = milliseconds(100);
    policy.maximum_backoff = milliseconds(1000);
    for (std::uint64_t random : {0ull, 1ull, 12345ull, ~0ull}) {
        for (int retry = 1; retry <= 8; ++retry) {
            std::int64_t full = std::min<std::int64_t>(100LL << (retry - 1), 1000);
            auto delay = backoff_delay(policy, retry, random).count();
            EXPECT_GE(delay, full / 2) << retry;
            EXPECT_LE(delay, full) << retry;
        }
    }
    // Different random bits give different waits (jitter), within the bounds.
    EXPECT_NE(backoff_delay(policy, 4, 0), backoff_delay(policy, 4, 1));
    policy.initial_backoff = milliseconds(0);
    EXPECT_EQ(backoff_delay(policy, 3, 99), milliseconds(0));
}

} // namespace
} // namespace cairn::net
