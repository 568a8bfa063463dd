// The network client against the fault-injecting loopback server: retries, Retry-After,
// truncation, stalls, timeouts, credentials and redirects, conditional requests, the
// offline mode, many requests at once. Attempts and headers are read from the server's log.
#include "support/fault_server/fault_server.hpp"

#include "cairn/core/error.hpp"
#include "cairn/net/client.hpp"

#include <gtest/gtest.h>

#include <future>
#include <optional>
#include <thread>

namespace cairn::net {
namespace {

using namespace std::chrono_literals;
using test::FaultServer;
using test::Reply;

RetryPolicy quick_retries(int maximum_retries) {
    RetryPolicy policy;
    policy.maximum_retries = maximum_retries;
    policy.initial_backoff = 5ms;
    policy.maximum_backoff = 20ms;
    policy.timeout = 10s;
    return policy;
}

Request get(const std::string& url, int maximum_retries = 3) {
    return Request{.url = Url::parse(url), .retry = quick_retries(maximum_retries)};
}

Error error_of(Client& client, Request request) {
    try {
        client.fetch(std::move(request));
    } catch (const Error& error) {
        return error;
    }
    return Error(Code::internal, "no error");
}

bool has_cause(const Error& error, std::string_view cause) {
    for (const auto& c : error.causes())
        if (c == cause)
            return true;
    return false;
}

TEST(Client, RetriesServerErrorsUntilSuccess) {
    FaultServer server;
    server.script("/a", {Reply::status_only(503), Reply::status_only(500), Reply::ok("payload")});
    Client client;
    Response response = client.fetch(get(server.url("/a")));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "payload");
    EXPECT_EQ(response.body_bytes, 7u);
    EXPECT_EQ(response.attempts, 3);
    EXPECT_EQ(server.request_count("/a"), 3u);
}

TEST(Client, GivesUpAfterMaximumRetries) {
    FaultServer server;
    server.script("/down", Reply::status_only(502));
    Client client;
    Error error = error_of(client, get(server.url("/down"), 2));
    EXPECT_EQ(error.code(), Code::network);
    EXPECT_EQ(error.message(), "HTTP 502 from " + server.url("/down"));
    EXPECT_TRUE(has_cause(error, "gave up after 3 attempts"));
    EXPECT_EQ(server.request_count("/down"), 3u);

    server.script("/once", Reply::status_only(500));
    Error no_retry = error_of(client, get(server.url("/once"), 0));
    EXPECT_TRUE(has_cause(no_retry, "gave up after 1 attempt"));
    EXPECT_EQ(server.request_count("/once"), 1u);
}

TEST(Client, DoesNotRetryClientErrors) {
    FaultServer server;
    server.script("/bad", Reply::status_only(400));
    Client client;
    Error error = error_of(client, get(server.url("/bad")));
    EXPECT_EQ(error.code(), Code::network);
    EXPECT_EQ(server.request_count("/bad"), 1u);
}

TEST(Client, HonoursRetryAfter) {
    FaultServer server;
    // Delta seconds: the backoff alone would retry within 20 ms.
    server.script("/delta", {Reply::retry_after(429, "1"), Reply::ok("ok")});
    Client client;
    EXPECT_EQ(client.fetch(get(server.url("/delta"))).body, "ok");
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_GE(requests[1].received_at - requests[0].received_at, 950ms);

    // An absurd value is held to maximum_retry_after.
    server.script("/absurd", {Reply::retry_after(503, "999999999"), Reply::ok("ok")});
    Request capped = get(server.url("/absurd"));
    capped.retry.maximum_retry_after = 300ms;
    EXPECT_EQ(client.fetch(std::move(capped)).body, "ok");
    EXPECT_EQ(server.request_count("/absurd"), 2u);
}

TEST(Client, HonoursRetryAfterDates) {
    FaultServer server;
    char date[64];
    std::time_t later = std::time(nullptr) + 3;
    std::tm utc{};
    gmtime_r(&later, &utc);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    server.script("/date", {Reply::retry_after(503, date), Reply::ok("ok")});
    Client client;
    EXPECT_EQ(client.fetch(get(server.url("/date"))).body, "ok");
    ASSERT_EQ(server.requests().size(), 2u);
    // The retry waited for the date itself: the wall clock has reached it (a slow machine
    // only makes this later, so the check cannot flake).
    EXPECT_GE(std::chrono::system_clock::now(),
              std::chrono::system_clock::from_time_t(later) - 100ms);
}

TEST(Client, ShortBodyIsRetriedThenTruncated) {
    FaultServer server;
    Reply short_body = Reply::ok(std::string(40, 'x'));
    short_body.content_length = 100;
    server.script("/short", short_body);
    Client client;
    Error error = error_of(client, get(server.url("/short"), 2));
    EXPECT_EQ(error.code(), Code::truncated);
    EXPECT_EQ(error.message(),
              "download of " + server.url("/short") + " ended early: 40 of 100 bytes");
    EXPECT_TRUE(has_cause(error, "gave up after 3 attempts"));
    EXPECT_EQ(server.request_count("/short"), 3u);
}

TEST(Client, AnAbsurdContentLengthIsNoPromiseOfMemory) {
    // The body's room is reserved from Content-Length, up to a cap: a petabyte announced
    // before 40 bytes is a truncated download, not an allocation that fails.
    FaultServer server;
    Reply liar = Reply::ok(std::string(40, 'x'));
    liar.content_length = std::uint64_t{1} << 50;
    server.script("/liar", liar);
    Client client;
    Error error = error_of(client, get(server.url("/liar"), 0));
    EXPECT_EQ(error.code(), Code::truncated);
    server.script("/fine", Reply::ok(std::string(3000, 'y')));
    EXPECT_EQ(client.fetch(get(server.url("/fine"))).body, std::string(3000, 'y'));
}

TEST(Client, ResetMidBodyIsTruncated) {
    FaultServer server;
    Reply reset = Reply::ok(std::string(100'000, 'r'));
    reset.reset_after = 30'000;
    server.script("/reset", reset);
    Client client;
    Error error = error_of(client, get(server.url("/reset"), 1));
    EXPECT_EQ(error.code(), Code::truncated);
    EXPECT_TRUE(
        error.message().starts_with("download of " + server.url("/reset") + " ended early: "))
        << error.message();
    EXPECT_EQ(server.request_count("/reset"), 2u);
}

TEST(Client, RetryRestartsTheSinkFromByteZero) {
    FaultServer server;
    std::string full(50'000, '\0');
    for (std::size_t i = 0; i < full.size(); ++i)
        full[i] = static_cast<char>('a' + i % 26);
    Reply broken = Reply::ok(full);
    broken.close_after = 20'000;
    server.script("/blob", {broken, Reply::ok(full)});
    Client client;
    std::string sunk;
    int restarts = 0;
    Request request = get(server.url("/blob"));
    request.expected_size = full.size();
    request.on_body = [&](std::span<const std::byte> bytes) {
        sunk.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    };
    request.on_restart = [&] {
        ++restarts;
        sunk.clear();
    };
    Response response = client.fetch(std::move(request));
    EXPECT_EQ(restarts, 1);
    EXPECT_EQ(sunk, full);
    EXPECT_TRUE(response.body.empty());
    EXPECT_EQ(response.body_bytes, full.size());
    EXPECT_EQ(response.attempts, 2);
}

TEST(Client, ExpectedSizeIsEnforcedBothWays) {
    FaultServer server;
    server.script("/small", Reply::ok(std::string(50, 's')));
    server.script("/big", Reply::ok(std::string(5000, 'b')));
    Client client;
    Request small = get(server.url("/small"), 1);
    small.expected_size = 100;
    Error truncated = error_of(client, std::move(small));
    EXPECT_EQ(truncated.code(), Code::truncated);
    EXPECT_EQ(truncated.message(),
              "download of " + server.url("/small") + " ended early: 50 of 100 bytes");
    EXPECT_EQ(server.request_count("/small"), 2u);

    std::uint64_t sunk = 0;
    Request big = get(server.url("/big"));
    big.expected_size = 1000;
    big.on_body = [&](std::span<const std::byte> bytes) { sunk += bytes.size(); };
    Error too_long = error_of(client, std::move(big));
    EXPECT_EQ(too_long.code(), Code::integrity);
    EXPECT_EQ(too_long.message(),
              server.url("/big") + " sent more than the expected 1000 bytes; the download was cut");
    EXPECT_LE(sunk, 1000u);
    EXPECT_EQ(server.request_count("/big"), 1u);
}

TEST(Client, SilentStallIsDetected) {
    FaultServer server;
    Reply stall = Reply::ok(std::string(1000, 'z'));
    stall.pause_after = 10;
    stall.pause = 20s;
    server.script("/stall", stall);
    ClientOptions options;
    options.stall_window = 300ms;
    options.minimum_speed = 100;
    Client client(options);
    Error error = error_of(client, get(server.url("/stall"), 1));
    EXPECT_EQ(error.code(), Code::stalled);
    EXPECT_EQ(error.message(),
              "download of " + server.url("/stall") + " stalled: less than 100 bytes/s for 300 ms");
    EXPECT_EQ(server.request_count("/stall"), 2u);
}

TEST(Client, SlowDripIsAStall) {
    FaultServer server;
    Reply drip = Reply::ok(std::string(100'000, 'd'));
    drip.drip_interval = 100ms;
    drip.drip_bytes = 1; // 10 bytes/s
    server.script("/drip", drip);
    ClientOptions options;
    options.stall_window = 500ms;
    options.minimum_speed = 1000;
    Client client(options);
    Request request = get(server.url("/drip"), 0);
    Error error = error_of(client, std::move(request));
    EXPECT_EQ(error.code(), Code::stalled);
    EXPECT_EQ(server.request_count("/drip"), 1u);
}

TEST(Client, HeaderTimeoutFollowsOnTimeout) {
    FaultServer server;
    Reply slow = Reply::ok("late");
    slow.delay_before_headers = 20s;
    server.script("/slow", slow);
    Client client;
    Request fail = get(server.url("/slow"), 3);
    fail.retry.timeout = 200ms;
    fail.retry.on_timeout = RetryPolicy::OnTimeout::fail;
    Error error = error_of(client, std::move(fail));
    EXPECT_EQ(error.code(), Code::network);
    EXPECT_EQ(error.message(), "no response from " + server.url("/slow") + " within 200 ms");
    EXPECT_EQ(server.request_count("/slow"), 1u);

    Request retry = get(server.url("/slow"), 1);
    retry.retry.timeout = 200ms;
    EXPECT_EQ(error_of(client, std::move(retry)).code(), Code::network);
    EXPECT_EQ(server.request_count("/slow"), 3u);
}

TEST(Client, NotFoundAndUnauthorized) {
    FaultServer server;
    server.script("/gone", Reply::status_only(410));
    server.script("/secret", Reply::status_only(401));
    Client client;
    Error missing = error_of(client, get(server.url("/missing")));
    EXPECT_EQ(missing.code(), Code::not_found);
    EXPECT_EQ(missing.message(), "HTTP 404 from " + server.url("/missing") + ": not found");
    EXPECT_EQ(error_of(client, get(server.url("/gone"))).code(), Code::not_found);
    Request respond = get(server.url("/missing"));
    respond.on_not_found = OnNotFound::respond;
    EXPECT_EQ(client.fetch(std::move(respond)).status, 404);

    Error denied = error_of(client, get(server.url("/secret")));
    EXPECT_EQ(denied.code(), Code::unauthorized);
    EXPECT_EQ(denied.message(), "HTTP 401 from " + server.url("/secret") + ": access denied");
    ASSERT_EQ(denied.hints().size(), 1u);
    EXPECT_EQ(denied.hints()[0],
              "no credential matches http://127.0.0.1:" + std::to_string(server.port()) +
                  ": add an `auth` entry for it to a *.user.json5 config file, or a "
                  "`//host/path/:_authToken=` line to .npmrc");
    EXPECT_EQ(server.request_count("/secret"), 1u);
}

TEST(Client, CredentialsGoOnlyToTheirPrefix) {
    FaultServer server;
    server.script("/private/pkg", Reply::ok("mine"));
    server.script("/public/pkg", Reply::ok("ours"));
    ClientOptions options;
    options.credentials.add({Url::parse(server.url("/private/")), SchemeMatch::exact,
                             Credential::bearer("canary-token-1", "test")});
    Client client(options);
    client.fetch(get(server.url("/private/pkg")));
    client.fetch(get(server.url("/public/pkg")));
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].header("authorization"), "Bearer canary-token-1");
    EXPECT_FALSE(requests[1].header("authorization"));
}

TEST(Client, RedirectToAnotherPortDropsCredentials) {
    FaultServer origin;
    FaultServer other; // another port: another origin
    other.script("/landing", Reply::ok("elsewhere"));
    origin.script("/private/away", Reply::redirect(other.url("/landing")));
    origin.script("/private/here", Reply::redirect("/private/landing", 307));
    origin.script("/private/landing", Reply::ok("home"));
    origin.script("/private/out", Reply::redirect("/public/x", 301));
    origin.script("/public/x", Reply::ok("public"));
    ClientOptions options;
    options.credentials.add({Url::parse(origin.url("/private/")), SchemeMatch::exact,
                             Credential::bearer("canary-token-2", "test")});
    Client client(options);

    Request away = get(origin.url("/private/away"));
    away.headers = {{"Cookie", "session=canary-cookie"}, {"Accept", "application/json"}};
    Response response = client.fetch(std::move(away));
    EXPECT_EQ(response.body, "elsewhere");
    EXPECT_EQ(response.effective_url.text(), other.url("/landing"));
    auto there = other.requests();
    ASSERT_EQ(there.size(), 1u);
    EXPECT_FALSE(there[0].header("authorization"));
    EXPECT_FALSE(there[0].header("cookie"));
    EXPECT_EQ(there[0].header("accept"), "application/json");
    EXPECT_EQ(origin.requests()[0].header("authorization"), "Bearer canary-token-2");
    EXPECT_EQ(origin.requests()[0].header("cookie"), "session=canary-cookie");

    // The same origin under the prefix keeps them; leaving the prefix drops them.
    EXPECT_EQ(client.fetch(get(origin.url("/private/here"))).body, "home");
    EXPECT_EQ(client.fetch(get(origin.url("/private/out"))).body, "public");
    for (const auto& request : origin.requests()) {
        if (request.target.starts_with("/private/"))
            EXPECT_EQ(request.header("authorization"), "Bearer canary-token-2") << request.target;
        else
            EXPECT_FALSE(request.header("authorization")) << request.target;
    }
}

TEST(Client, UrlUserInfoIsBasicAuthForThatOriginOnly) {
    FaultServer origin;
    FaultServer other;
    other.script("/x", Reply::ok("x"));
    origin.script("/r", Reply::redirect(other.url("/x")));
    Client client;
    std::string url = "http://me:canary-pw@127.0.0.1:" + std::to_string(origin.port()) + "/r";
    EXPECT_EQ(client.fetch(get(url)).body, "x");
    EXPECT_EQ(origin.requests().at(0).header("authorization"), "Basic bWU6Y2FuYXJ5LXB3");
    EXPECT_FALSE(other.requests().at(0).header("authorization"));
    // Errors name the URL without its password.
    origin.script("/fail?token=canary-q", Reply::status_only(500));
    Error error =
        error_of(client, get("http://me:canary-pw@127.0.0.1:" + std::to_string(origin.port()) +
                                 "/fail?token=canary-q",
                             0));
    EXPECT_EQ(error.message(), "HTTP 500 from http://***@127.0.0.1:" +
                                   std::to_string(origin.port()) + "/fail?token=***");
}

TEST(Client, NpmrcCredentialsReachTheirRegistry) {
    FaultServer server;
    server.script("/pkg", Reply::ok("{}"));
    ClientOptions options;
    options.credentials.add_npmrc(
        "//127.0.0.1:" + std::to_string(server.port()) + "/:_authToken=${CANARY}\n",
        [](std::string_view name) -> std::optional<std::string> {
            if (name == "CANARY")
                return "canary-token-3";
            return std::nullopt;
        },
        ".npmrc");
    Client client(options);
    client.fetch(get(server.url("/pkg")));
    EXPECT_EQ(server.requests().at(0).header("authorization"), "Bearer canary-token-3");
}

TEST(Client, RedirectLoopsEnd) {
    FaultServer server;
    server.script("/loop", Reply::redirect("/loop"));
    ClientOptions options;
    options.maximum_redirects = 5;
    Client client(options);
    Error error = error_of(client, get(server.url("/loop")));
    EXPECT_EQ(error.code(), Code::network);
    EXPECT_EQ(error.message(),
              "too many redirects fetching " + server.url("/loop") + " (more than 5)");
    EXPECT_EQ(server.request_count("/loop"), 6u);
}

TEST(Client, ConditionalRequestsGetNotModified) {
    FaultServer server;
    Reply tagged = Reply::ok("{\"versions\":{}}");
    tagged.etag = "\"v1\"";
    tagged.last_modified = "Sun, 06 Nov 1994 08:49:37 GMT";
    server.script("/meta", tagged);
    Client client;
    Response first = client.fetch(get(server.url("/meta")));
    EXPECT_EQ(first.status, 200);
    EXPECT_FALSE(first.not_modified);
    EXPECT_EQ(first.etag, "\"v1\"");
    EXPECT_EQ(first.last_modified, "Sun, 06 Nov 1994 08:49:37 GMT");

    Request by_etag = get(server.url("/meta"));
    by_etag.if_none_match = first.etag;
    Response second = client.fetch(std::move(by_etag));
    EXPECT_EQ(second.status, 304);
    EXPECT_TRUE(second.not_modified);
    EXPECT_TRUE(second.body.empty());

    Request by_date = get(server.url("/meta"));
    by_date.if_modified_since = first.last_modified;
    EXPECT_TRUE(client.fetch(std::move(by_date)).not_modified);

    Request stale = get(server.url("/meta"));
    stale.if_none_match = "\"v0\"";
    Response changed = client.fetch(std::move(stale));
    EXPECT_EQ(changed.status, 200);
    EXPECT_EQ(changed.body, "{\"versions\":{}}");

    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_FALSE(requests[0].header("if-none-match"));
    EXPECT_EQ(requests[1].header("if-none-match"), "\"v1\"");
    EXPECT_EQ(requests[2].header("if-modified-since"), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(Client, ManyRequestsAtOnceShareConnections) {
    FaultServer server;
    constexpr int k_count = 300;
    for (int i = 0; i < k_count; ++i)
        server.script("/f/" + std::to_string(i), Reply::ok("body-" + std::to_string(i)));
    ClientOptions options;
    options.max_connections = 8;
    options.max_per_host = 8;
    Client client(options);
    std::vector<std::future<Response>> futures;
    for (int i = 0; i < k_count; ++i)
        futures.push_back(client.submit(get(server.url("/f/" + std::to_string(i)))));
    for (int i = 0; i < k_count; ++i)
        EXPECT_EQ(futures[i].get().body, "body-" + std::to_string(i));
    EXPECT_EQ(server.requests().size(), static_cast<std::size_t>(k_count));
    EXPECT_LE(server.connection_count(), 8u);
    EXPECT_GE(server.connection_count(), 1u);
    auto statistics = client.statistics();
    EXPECT_EQ(statistics.requests, static_cast<std::uint64_t>(k_count));
    EXPECT_EQ(statistics.connections, server.connection_count());
}

TEST(Client, OfflineOpensNoSocket) {
    FaultServer server;
    server.script("/pkg", Reply::ok("never"));
    Client client(ClientOptions{.mode = NetworkMode::offline});
    Error error = error_of(client, get(server.url("/pkg")));
    EXPECT_EQ(error.code(), Code::offline_miss);
    EXPECT_EQ(error.message(),
              "cannot fetch " + server.url("/pkg") + ": the network mode is offline");
    ASSERT_EQ(error.hints().size(), 1u);
    EXPECT_EQ(error.hints()[0], "fill the cache by running the same command while online, or "
                                "import a bundle made on a connected machine");
    Error secret = error_of(
        client, get("http://u:canary-pw@127.0.0.1:" + std::to_string(server.port()) + "/pkg"));
    EXPECT_EQ(secret.message().find("canary-pw"), std::string::npos);
    std::vector<std::future<Response>> many;
    for (int i = 0; i < 20; ++i)
        many.push_back(client.submit(get(server.url("/pkg"))));
    for (auto& future : many)
        EXPECT_THROW(future.get(), Error);
    EXPECT_EQ(server.connection_count(), 0u);
    EXPECT_TRUE(server.requests().empty());
    EXPECT_EQ(client.statistics().attempts, 0u);
}

TEST(Client, PreferOfflineStillFetches) {
    FaultServer server;
    server.script("/pkg", Reply::ok("fetched"));
    Client client(ClientOptions{.mode = NetworkMode::prefer_offline});
    EXPECT_EQ(client.fetch(get(server.url("/pkg"))).body, "fetched");
}

TEST(Client, SinkExceptionsReachTheCaller) {
    FaultServer server;
    server.script("/x", Reply::ok("data"));
    Client client;
    Request request = get(server.url("/x"));
    request.on_body = [](std::span<const std::byte>) { throw std::runtime_error("disk full"); };
    try {
        client.fetch(std::move(request));
        FAIL();
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "disk full");
    }
    EXPECT_EQ(server.request_count("/x"), 1u);
}

TEST(Client, ConnectionRefusedIsRetriedThenANetworkError) {
    std::string url;
    {
        FaultServer gone;
        url = gone.url("/x");
    }
    Client client;
    Error error = error_of(client, get(url, 1));
    EXPECT_EQ(error.code(), Code::network);
    EXPECT_EQ(error.message(), "cannot fetch " + url);
    EXPECT_TRUE(has_cause(error, "gave up after 2 attempts"));
}

TEST(Client, DestroyingTheClientFailsPendingRequests) {
    FaultServer server;
    Reply slow = Reply::ok("late");
    slow.delay_before_headers = 20s;
    server.script("/slow", slow);
    std::future<Response> pending;
    {
        Client client;
        pending = client.submit(get(server.url("/slow")));
    }
    try {
        pending.get();
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.message(),
                  "the network client stopped before " + server.url("/slow") + " was fetched");
    }
}

// What a submit_then continuation hears of a request: one call, with a future that is
// already settled, and the thread it ran on.
struct Heard {
    std::promise<void> called;
    std::optional<Response> response;
    std::optional<Error> error;
    bool was_ready = false;
    std::thread::id thread;
    int calls = 0;

    Client::Settled listener() {
        return [this](std::future<Response> settled) {
            ++calls;
            thread = std::this_thread::get_id();
            was_ready = settled.wait_for(0s) == std::future_status::ready;
            try {
                response = settled.get();
            } catch (const Error& e) {
                error = e;
            }
            called.set_value();
        };
    }
    void wait() { ASSERT_EQ(called.get_future().wait_for(20s), std::future_status::ready); }
};

TEST(Client, SubmitThenHandsTheSettledRequestOver) {
    FaultServer server;
    server.script("/a", {Reply::status_only(503), Reply::ok("payload")});
    Client client;
    Heard answer;
    client.submit_then(get(server.url("/a")), answer.listener());
    answer.wait();
    ASSERT_TRUE(answer.response) << (answer.error ? answer.error->message() : "no call");
    EXPECT_EQ(answer.response->body, "payload");
    EXPECT_EQ(answer.response->attempts, 2) << "called once, when settled, not per attempt";
    EXPECT_EQ(answer.calls, 1);
    EXPECT_TRUE(answer.was_ready);
    EXPECT_NE(answer.thread, std::this_thread::get_id()) << "on the network thread";

    Heard failure;
    client.submit_then(get(server.url("/missing")), failure.listener());
    failure.wait();
    ASSERT_TRUE(failure.error);
    EXPECT_EQ(failure.error->code(), Code::not_found);
    EXPECT_EQ(failure.calls, 1);
}

TEST(Client, SubmitThenOfflineAnswersOnTheCallingThread) {
    FaultServer server;
    Client client(ClientOptions{.mode = NetworkMode::offline});
    Heard refused;
    client.submit_then(get(server.url("/pkg")), refused.listener());
    EXPECT_EQ(refused.calls, 1) << "before submit_then returns";
    EXPECT_EQ(refused.thread, std::this_thread::get_id());
    ASSERT_TRUE(refused.error);
    EXPECT_EQ(refused.error->code(), Code::offline_miss);
    EXPECT_EQ(server.connection_count(), 0u);
}

TEST(Client, SubmitThenHearsOfTheClientStopping) {
    FaultServer server;
    Reply slow = Reply::ok("late");
    slow.delay_before_headers = 20s;
    server.script("/slow", slow);
    Heard stopped;
    {
        Client client;
        client.submit_then(get(server.url("/slow")), stopped.listener());
    }
    EXPECT_EQ(stopped.calls, 1) << "by the time the client is gone";
    ASSERT_TRUE(stopped.error);
    EXPECT_EQ(stopped.error->message(),
              "the network client stopped before " + server.url("/slow") + " was fetched");
}

} // namespace
} // namespace cairn::net
