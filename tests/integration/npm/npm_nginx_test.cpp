// NpmMetadata over http against nginx serving a fixture registry folder: ETag/304
// revalidation visible in nginx's access log, offline after a warm run, prefer-offline,
// and fallback to the cache once nginx is stopped.
#include "support/nginx/nginx.hpp"
#include "support/npm_registry/npm_registry.hpp"
#include "support/temp_dir.hpp"

#include "cairn/core/error.hpp"
#include "cairn/ops/npm_metadata.hpp"

#include <gtest/gtest.h>

#include <set>

namespace cairn::ops {
namespace {

using version::Version;

registry::FormatRegistries over(const std::string& url) {
    registry::FormatRegistries npm;
    npm.format = "npm";
    registry::Authority pub;
    pub.name = "pub";
    registry::Registry r;
    r.name = "nginx";
    r.url = url;
    r.timeout.maximum_retries = 0;
    pub.registries = {r};
    npm.authorities = {pub};
    npm.default_authority = "pub";
    return npm;
}

class NpmNginx : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::have_nginx())
            GTEST_SKIP() << "nginx is not installed (Debian package nginx-light)";
        fixture.add_version("a", {.version = "1.0.0", .dependencies = {{"@s/b", "^2"}}});
        fixture.add_version("@s/b", {.version = "2.0.0"});
        fixture.write();
        test::NginxOptions options;
        options.root = fixture.root();
        options.access_log = true;
        options.npm_registry = true;
        nginx = std::make_unique<test::Nginx>(options);
    }

    std::unique_ptr<NpmMetadata> run(net::NetworkMode mode, std::chrono::seconds ttl) {
        client = std::make_unique<net::Client>(net::ClientOptions{mode});
        NpmMetadataOptions options;
        options.npm = over(nginx_url);
        options.mode = mode;
        options.metadata_ttl = ttl;
        options.now = [this] { return now; };
        return std::make_unique<NpmMetadata>(std::move(options), *client, cache);
    }

    test::TempDir tmp;
    test::NpmRegistryFixture fixture{tmp / "registry"};
    std::unique_ptr<test::Nginx> nginx;
    std::string nginx_url;
    store::MetadataCache cache{tmp / "meta.sqlite"};
    std::unique_ptr<net::Client> client;
    store::UnixSeconds now = 2'000'000;
};

TEST_F(NpmNginx, RevalidatesOfflineAndFallsBack) {
    nginx_url = nginx->base_url() + "/";
    std::vector<std::string> names{"a", "@s/b"};
    {
        auto warm = run(net::NetworkMode::online, std::chrono::seconds(0));
        warm->prefetch(names);
        ASSERT_NE(warm->releases("a"), nullptr);
        ASSERT_NE(warm->releases("@s/b"), nullptr);
        auto source = warm->source("@s/b", Version::parse_or_throw("2.0.0"));
        ASSERT_TRUE(source);
        EXPECT_EQ(source->tarball_url, nginx->url("/@s/b/-/b-2.0.0.tgz"));
        EXPECT_EQ(source->integrity, fixture.integrity("@s/b", "2.0.0"));
        EXPECT_EQ(warm->statistics().requests, 2u);
    }
    now += 1; // a TTL of 0: everything is stale, so it is revalidated
    {
        auto again = run(net::NetworkMode::online, std::chrono::seconds(0));
        again->prefetch(names);
        ASSERT_NE(again->releases("a"), nullptr);
        ASSERT_NE(again->releases("@s/b"), nullptr);
        EXPECT_EQ(again->statistics().not_modified, 2u);
    }
    auto lines = nginx->access_log_lines(4);
    ASSERT_EQ(lines.size(), 4u);
    std::multiset<std::string> got(lines.begin(), lines.end());
    EXPECT_EQ(got, (std::multiset<std::string>{"GET /a HTTP/1.1 200", "GET /@s%2fb HTTP/1.1 200",
                                               "GET /a HTTP/1.1 304", "GET /@s%2fb HTTP/1.1 304"}));

    {
        auto prefer = run(net::NetworkMode::prefer_offline, std::chrono::seconds(0));
        ASSERT_NE(prefer->releases("a"), nullptr);
        EXPECT_EQ(prefer->statistics().requests, 0u);
    }
    nginx.reset(); // stopped
    now += 120;
    {
        auto offline = run(net::NetworkMode::offline, std::chrono::seconds(0));
        ASSERT_NE(offline->releases("a"), nullptr);
        ASSERT_NE(offline->releases("@s/b"), nullptr);
        EXPECT_EQ(offline->source("a", Version::parse_or_throw("1.0.0"))->origin,
                  registry::MetadataOrigin::cache);
    }
    auto fallback = run(net::NetworkMode::online, std::chrono::seconds(0));
    fallback->prefetch(names);
    ASSERT_NE(fallback->releases("a"), nullptr);
    ASSERT_NE(fallback->releases("@s/b"), nullptr);
    auto stats = fallback->statistics();
    ASSERT_EQ(stats.fallbacks.size(), 2u);
    EXPECT_EQ(stats.fallbacks[0].age, std::chrono::seconds(120));
}

TEST_F(NpmNginx, AScopedNameReachesItsFolderThroughPercentEncoding) {
    nginx_url = nginx->base_url() + "/";
    auto online = run(net::NetworkMode::online, std::chrono::minutes(5));
    EXPECT_EQ(online->releases("@s/missing"), nullptr); // 404 from try_files
    ASSERT_NE(online->releases("@s/b"), nullptr);
    auto lines = nginx->access_log_lines(2);
    EXPECT_EQ(lines, (std::vector<std::string>{"GET /@s%2fmissing HTTP/1.1 404",
                                               "GET /@s%2fb HTTP/1.1 200"}));
}

} // namespace
} // namespace cairn::ops
