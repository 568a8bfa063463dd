// A client costs nothing until it is used: constructing one loads no libcurl and starts no
// thread (a warm install answered from the metadata cache never pays for either); the first
// request does both.
#include "cairn/core/error.hpp"
#include "cairn/lazy/shared_library.hpp"
#include "cairn/net/client.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <iterator>

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

TEST(ClientStart, OfflineNeverLoadsLibcurl) {
    ClientOptions options;
    options.mode = NetworkMode::offline;
    Client client(options);
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
