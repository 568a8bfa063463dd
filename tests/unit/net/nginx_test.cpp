// The network client against a real server (Debian's nginx on loopback): many files at once,
// byte for byte, streamed and collected, and nginx's own validators for 304.
#include "support/nginx/nginx.hpp"
#include "support/temp_dir.hpp"

#include "cairn/core/error.hpp"
#include "cairn/net/client.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace cairn::net {
namespace {

class NginxClient : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::have_nginx())
            GTEST_SKIP() << "nginx is not installed (Debian package nginx-light)";
        std::mt19937 random(42);
        std::filesystem::create_directories(m_root / "pkg");
        for (int i = 0; i < k_files; ++i) {
            std::size_t size = random() % 200'000;
            std::string bytes(size, '\0');
            for (auto& byte : bytes)
                byte = static_cast<char>(random());
            std::ofstream(m_root / "pkg" / (std::to_string(i) + ".tgz"), std::ios::binary) << bytes;
            m_contents.push_back(std::move(bytes));
        }
        m_nginx.emplace(test::NginxOptions{.root = m_root.path(), .access_log = true});
    }

    std::string url(int i) const { return m_nginx->url("/pkg/" + std::to_string(i) + ".tgz"); }

    static constexpr int k_files = 120;
    test::TempDir m_root;
    std::vector<std::string> m_contents;
    std::optional<test::Nginx> m_nginx;
};

TEST_F(NginxClient, DownloadsManyFilesByteForByte) {
    Client client(ClientOptions{.max_connections = 16, .max_per_host = 16});
    std::vector<std::future<Response>> futures;
    for (int i = 0; i < k_files; ++i)
        futures.push_back(client.submit(Request{.url = Url::parse(url(i))}));
    for (int i = 0; i < k_files; ++i) {
        Response response = futures[i].get();
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(response.body_bytes, m_contents[i].size());
        EXPECT_TRUE(response.body == m_contents[i]) << "file " << i << " differs";
        EXPECT_EQ(response.content_type, "application/octet-stream");
    }
    EXPECT_LE(client.statistics().connections, 16u);
}

TEST_F(NginxClient, StreamsIntoSinksWithExpectedSizes) {
    Client client;
    std::vector<std::string> sunk(k_files);
    std::vector<std::future<Response>> futures;
    for (int i = 0; i < k_files; ++i) {
        Request request{.url = Url::parse(url(i))};
        request.expected_size = m_contents[i].size();
        request.on_body = [&sunk, i](std::span<const std::byte> bytes) {
            sunk[i].append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        };
        futures.push_back(client.submit(std::move(request)));
    }
    for (int i = 0; i < k_files; ++i) {
        EXPECT_TRUE(futures[i].get().body.empty());
        EXPECT_TRUE(sunk[i] == m_contents[i]) << "file " << i << " differs";
    }
}

TEST_F(NginxClient, CollectsBodiesIntoBuffersGivenBack) {
    Client client;
    auto pool = std::make_shared<BufferPool>(8u << 20);
    auto fetch = [&](int i) {
        Request request{.url = Url::parse(url(i))};
        request.body_buffers = pool;
        return client.fetch(std::move(request));
    };
    // The largest file's buffer, given back, carries each smaller file after it.
    int largest = 0;
    for (int i = 0; i < k_files; ++i)
        if (m_contents[i].size() > m_contents[largest].size())
            largest = i;
    Response first = fetch(largest);
    ASSERT_TRUE(first.body == m_contents[largest]);
    const char* address = first.body.data();
    pool->give(std::move(first.body));
    int reused = 0;
    for (int i = 0; i < k_files; ++i) {
        if (m_contents[i].size() < 64 * 1024)
            continue; // not worth keeping
        Response response = fetch(i);
        EXPECT_TRUE(response.body == m_contents[i]) << "file " << i << " differs";
        reused += response.body.data() == address;
        pool->give(std::move(response.body));
    }
    EXPECT_GT(reused, k_files / 2);
    EXPECT_EQ(pool->kept_buffers(), 1u);
}

TEST_F(NginxClient, NotFoundAndConditionalRequests) {
    Client client;
    try {
        client.fetch(Request{.url = Url::parse(m_nginx->url("/pkg/none.tgz"))});
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::not_found);
    }
    Response first = client.fetch(Request{.url = Url::parse(url(0))});
    ASSERT_FALSE(first.etag.empty());
    ASSERT_FALSE(first.last_modified.empty());
    Request again{.url = Url::parse(url(0))};
    again.if_none_match = first.etag;
    Response second = client.fetch(std::move(again));
    EXPECT_TRUE(second.not_modified);
    EXPECT_EQ(second.status, 304);
    EXPECT_EQ(second.body_bytes, 0u);
}

} // namespace
} // namespace cairn::net
