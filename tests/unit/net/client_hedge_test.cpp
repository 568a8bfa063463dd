// Hedged requests (Request::hedge) against the loopback fault server: a request whose answer
// is slow to start is sent a second time once its host has a history of quick answers, the
// first exchange to succeed settles it, and a failure of either leaves the other to finish.
// The server's replies differ, so which exchange settled a request is read from its body,
// and the server's log counts the exchanges; no assertion depends on how long anything took.
#include "support/fault_server/fault_server.hpp"

#include "cairn/core/error.hpp"
#include "cairn/net/client.hpp"

#include <gtest/gtest.h>

namespace cairn::net {
namespace {

using namespace std::chrono_literals;
using test::FaultServer;
using test::Reply;

Reply after(std::chrono::milliseconds delay, Reply reply) {
    reply.delay_before_headers = delay;
    return reply;
}

Request hedged(const std::string& url, int maximum_retries = 3) {
    Request request{.url = Url::parse(url)};
    request.retry.maximum_retries = maximum_retries;
    request.retry.initial_backoff = 5ms;
    request.retry.maximum_backoff = 20ms;
    request.retry.timeout = 30s;
    request.hedge = true;
    return request;
}

// Hedges wait at least 100 ms.
ClientOptions hedging_options(std::chrono::milliseconds floor = 100ms) {
    ClientOptions options;
    options.hedge_floor = floor;
    return options;
}

// The eight quick answers from `server` that make the client's median wait for it known.
void warm_up(Client& client, FaultServer& server) {
    server.script("/warm", Reply::ok("w"));
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(client.fetch(hedged(server.url("/warm"))).body, "w");
}

TEST(ClientHedge, ASlowAnswerIsAskedForAgainAndTheQuickerOneSettles) {
    FaultServer server;
    Client client(hedging_options());
    warm_up(client, server);
    server.script("/doc", {after(20s, Reply::ok("slow")), Reply::ok("quick")});
    Response response = client.fetch(hedged(server.url("/doc")));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "quick");
    EXPECT_EQ(server.request_count("/doc"), 2u);
    EXPECT_EQ(client.statistics().hedged, 1u);
    // The dropped exchange leaves nothing behind: the client carries on.
    server.script("/after", Reply::ok("next"));
    EXPECT_EQ(client.fetch(hedged(server.url("/after"))).body, "next");
}

TEST(ClientHedge, TheFirstExchangeWinsWhenItAnswersFirst) {
    FaultServer server;
    Client client(hedging_options());
    warm_up(client, server);
    // 1 s leaves the hedge, due after 100 ms, time to start even on a loaded machine.
    server.script("/doc", {after(1s, Reply::ok("first")), after(20s, Reply::ok("second"))});
    EXPECT_EQ(client.fetch(hedged(server.url("/doc"))).body, "first");
    EXPECT_EQ(server.request_count("/doc"), 2u);
    EXPECT_EQ(client.statistics().hedged, 1u);
}

TEST(ClientHedge, AFailedHedgeLeavesTheFirstExchangeAlone) {
    FaultServer server;
    Client client(hedging_options());
    warm_up(client, server);
    // The hedge's 503 would be retried for a request of its own; a hedge is dropped instead.
    server.script("/doc", {after(1s, Reply::ok("first")), Reply::status_only(503)});
    EXPECT_EQ(client.fetch(hedged(server.url("/doc"))).body, "first");
    EXPECT_EQ(server.request_count("/doc"), 2u);
}

TEST(ClientHedge, AFailedFirstExchangeHandsTheRequestToItsHedge) {
    FaultServer server;
    Client client(hedging_options());
    warm_up(client, server);
    // No retries: alone, the first exchange's 503 would fail the request.
    server.script("/doc", {after(1s, Reply::status_only(503)), after(1500ms, Reply::ok("second"))});
    Response response = client.fetch(hedged(server.url("/doc"), 0));
    EXPECT_EQ(response.body, "second");
    EXPECT_EQ(server.request_count("/doc"), 2u);
}

TEST(ClientHedge, OnlyRequestsThatAllowItAreHedged) {
    FaultServer server;
    Client client(hedging_options());
    warm_up(client, server);
    server.script("/doc", {after(400ms, Reply::ok("slow")), Reply::ok("quick")});
    Request plain = hedged(server.url("/doc"));
    plain.hedge = false;
    EXPECT_EQ(client.fetch(std::move(plain)).body, "slow");
    EXPECT_EQ(server.request_count("/doc"), 1u);
    EXPECT_EQ(client.statistics().hedged, 0u);
}

TEST(ClientHedge, NothingIsHedgedBeforeTheHostHasAHistory) {
    FaultServer server;
    Client client(hedging_options());
    server.script("/doc", {after(400ms, Reply::ok("slow")), Reply::ok("quick")});
    EXPECT_EQ(client.fetch(hedged(server.url("/doc"))).body, "slow");
    EXPECT_EQ(server.request_count("/doc"), 1u);
}

TEST(ClientHedge, HedgingOffSendsEachRequestOnce) {
    FaultServer server;
    Client client(hedging_options(0ms));
    warm_up(client, server);
    server.script("/doc", {after(400ms, Reply::ok("slow")), Reply::ok("quick")});
    EXPECT_EQ(client.fetch(hedged(server.url("/doc"))).body, "slow");
    EXPECT_EQ(server.request_count("/doc"), 1u);
}

} // namespace
} // namespace cairn::net
