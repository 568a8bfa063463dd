// A client costs nothing until it is used: constructing one loads no libcurl and starts no
// thread (a warm install answered from the metadata cache never pays for either); the first
// request does both.
#include "cairn/core/error.hpp"
#include "cairn/lazy/shared_library.hpp"
#include "cairn/net/client.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <iterator>
#include <thread>

namespace cairn::net {
namespace {

std::size_t threads() {
    auto tasks = std::filesystem::directory_iterator("/proc/self/task");
    return static_cast<std::size_t>(std::distance(tasks, std::filesystem::directory_iterator()));
}

TEST(ClientStart, NothingIsLoadedOrStartedBeforeTheFirstRequest) {
    ASSERT_FALSE(lazy::is_loaded(lazy::libcurl.soname)) << "loaded before the test began";
    std::size_t before = threads();
    Client client(ClientOptions{});
    EXPECT_FALSE(lazy::is_loaded(lazy::libcurl.soname));
    EXPECT_EQ(threads(), before);
    EXPECT_EQ(client.statistics().requests, 0u);

    // Port 1 on loopback refuses the connection: an error, after libcurl did its work.
    Request request{.url = Url::parse("http://127.0.0.1:1/x")};
    request.retry.maximum_retries = 0;
    EXPECT_THROW(client.fetch(std::move(request)), Error);
    EXPECT_TRUE(lazy::is_loaded(lazy::libcurl.soname));
    EXPECT_EQ(threads(), before + 1); // the network thread
    EXPECT_EQ(client.statistics().requests, 1u);
}

// prepare(): libcurl loaded and the network thread started ahead of the first request, on
// a thread of its own; the request then finds them.
TEST(ClientStart, PrepareStartsTheEngineAheadOfTheFirstRequest) {
    ASSERT_FALSE(lazy::is_loaded(lazy::libcurl.soname)) << "loaded before the test began";
    std::size_t before = threads();
    {
        Client dropped(ClientOptions{});
        dropped.prepare(); // and destroyed at once: its preparing thread is joined first
    }
    Client client(ClientOptions{});
    client.prepare();
    client.prepare(); // once is enough
    for (int i = 0; i < 500 && !lazy::is_loaded(lazy::libcurl.soname); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(lazy::is_loaded(lazy::libcurl.soname));
    EXPECT_EQ(client.statistics().requests, 0u);
    Request request{.url = Url::parse("http://127.0.0.1:1/x")};
    request.retry.maximum_retries = 0;
    EXPECT_THROW(client.fetch(std::move(request)), Error);
    EXPECT_EQ(client.statistics().requests, 1u);
    // The network thread, and the preparing one (finished, joined with the client).
    EXPECT_LE(threads(), before + 2);
}

TEST(ClientStart, OfflineNeverLoadsLibcurl) {
    ClientOptions options;
    options.mode = NetworkMode::offline;
    Client client(options);
    client.prepare(); // nothing to prepare offline
    try {
        client.fetch(Request{.url = Url::parse("http://127.0.0.1:1/x")});
        FAIL() << "an offline client made a request";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::offline_miss);
    }
    EXPECT_FALSE(lazy::is_loaded(lazy::libcurl.soname));
}

} // namespace
} // namespace cairn::net
