// NpmMetadata against loopback fault servers: authorities never leak names or tokens to
// each other's registries, conditional revalidation, the network modes, fallback to cache.
#include "support/fault_server/fault_server.hpp"
#include "support/nginx/nginx.hpp"
#include "support/npm_registry/earlier_compact.hpp"
#include "support/npm_registry/npm_registry.hpp"
#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include "cairn/core/error.hpp"
#include "cairn/ops/npm_metadata.hpp"
#include "cairn/protocol/npm/compact_packument.hpp"
#include "cairn/protocol/npm/registry_request.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace cairn::ops {
namespace {

namespace fs = std::filesystem;
using test::FaultServer;
using test::Reply;
using version::Version;

std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A packument as the fixture builder writes it, for a scripted reply.
std::string packument(const std::string& name, std::vector<std::string> versions) {
    test::TempDir tmp;
    test::NpmRegistryFixture fixture(tmp / "r");
    for (const auto& v : versions)
        fixture.add_version(name, {.version = v});
    fixture.write();
    return read(fixture.packument_path(name));
}

registry::Registry registry_of(std::string name, std::string url) {
    registry::Registry r;
    r.name = std::move(name);
    r.url = std::move(url);
    r.timeout.maximum_retries = 0;
    return r;
}

registry::FormatRegistries one_registry(const std::string& url) {
    registry::FormatRegistries npm;
    npm.format = "npm";
    registry::Authority pub;
    pub.name = "pub";
    pub.registries = {registry_of("main", url)};
    npm.authorities = {pub};
    npm.default_authority = "pub";
    return npm;
}

struct Clock {
    store::UnixSeconds now = 1'000'000;
};

struct Harness {
    test::TempDir tmp;
    Clock clock;
    std::unique_ptr<store::MetadataCache> cache =
        std::make_unique<store::MetadataCache>(tmp / "meta.sqlite");

    // A fresh provider and client, as a new cairn run would have.
    struct Run {
        std::unique_ptr<net::Client> client;
        std::unique_ptr<NpmMetadata> metadata;
    };
    Run run(registry::FormatRegistries npm, net::NetworkMode mode,
            std::chrono::seconds ttl = std::chrono::minutes(5), bool fallback = true) {
        Run r;
        r.client = std::make_unique<net::Client>(net::ClientOptions{mode});
        NpmMetadataOptions options;
        options.npm = std::move(npm);
        options.mode = mode;
        options.metadata_ttl = ttl;
        options.fallback_to_cache = fallback;
        options.now = [this] { return clock.now; };
        r.metadata = std::make_unique<NpmMetadata>(std::move(options), *r.client, *cache);
        return r;
    }
};

TEST(NpmLookupServer, AuthoritiesKeepTheirNamesAndTokensApart) {
    FaultServer pub, priv;
    // Each server could answer every name: only the source mapping keeps them apart.
    for (FaultServer* server : {&pub, &priv}) {
        server->script("/left-pad", Reply::ok(packument("left-pad", {"1.0.0"})));
        server->script("/@priv%2ftool", Reply::ok(packument("@priv/tool", {"2.0.0"})));
        server->script("/@priv%2fmissing", Reply::ok(packument("@priv/missing", {"1.0.0"})));
    }
    test::TempDir tmp;
    fs::path project = tmp / "project";
    test::write_file(
        project / ".npmrc",
        "registry=" + pub.base_url() + "/\n" + "@priv:registry=" + priv.base_url() + "/\n" +
            "//127.0.0.1:" + std::to_string(pub.port()) + "/:_authToken=public-token\n" +
            "//127.0.0.1:" + std::to_string(priv.port()) + "/:_authToken=private-token\n");
    config::ConfigLocations locations;
    locations.project_dir = project / ".config/cairn";
    auto env = [&](std::string_view name) -> std::optional<std::string> {
        if (name == "HOME")
            return (tmp / "home").string();
        return std::nullopt;
    };
    auto config = config::LayeredConfig::load(locations, env);
    NpmMetadata metadata(config, project, tmp / "store", env);
    std::vector<std::string> names{"left-pad", "@priv/tool", "@priv/missing"};
    metadata.prefetch(names);
    ASSERT_NE(metadata.releases("left-pad"), nullptr);
    ASSERT_NE(metadata.releases("@priv/tool"), nullptr);
    ASSERT_NE(metadata.releases("@priv/missing"), nullptr);
    EXPECT_EQ(metadata.source("@priv/tool", Version::parse_or_throw("2.0.0"))->authority,
              "npmrc:@priv");
    EXPECT_EQ(metadata.source("left-pad", Version::parse_or_throw("1.0.0"))->tarball_url,
              pub.base_url() + "/left-pad/-/left-pad-1.0.0.tgz");

    for (const auto& request : pub.requests()) {
        EXPECT_EQ(request.target, "/left-pad");
        EXPECT_EQ(request.header("authorization"), "Bearer public-token");
        EXPECT_EQ(request.header("accept"),
                  "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*");
    }
    EXPECT_EQ(pub.requests().size(), 1u);
    EXPECT_EQ(priv.requests().size(), 2u);
    for (const auto& request : priv.requests()) {
        EXPECT_TRUE(request.target.starts_with("/@priv%2f")) << request.target;
        EXPECT_EQ(request.header("authorization"), "Bearer private-token");
    }
}

// A packument's releases are cached by version (build metadata breaking ties, equals and
// what is not a version in document order, the latter last), so that a resolution reading
// them finds them sorted; the releases listed are the same either way, the first of two
// identical versions ("1.0.0", "v1.0.0") kept.
TEST(NpmLookupServer, ReleasesAreCachedByVersion) {
    FaultServer server;
    auto release = [](std::string version, std::string digest) {
        return fmt::format(R"("{0}":{{"name":"order","version":"{0}","dist":{{"tarball":)"
                           R"("http://127.0.0.1:1/{0}.tgz","integrity":"sha512-{1}"}}}})",
                           version, digest);
    };
    server.script("/order",
                  Reply::ok(R"({"name":"order","dist-tags":{"latest":"2.0.0"},"versions":{)" +
                            release("2.0.0", "AA") + "," + release("not-a-version", "BB") + "," +
                            release("1.0.0+b", "CC") + "," + release("1.0.0", "DD") + "," +
                            release("v1.0.0", "EE") + "," + release("1.0.0-rc.1", "FF") + "}}"));
    Harness h;
    {
        auto r = h.run(one_registry(server.base_url()), net::NetworkMode::online);
        const auto* releases = r.metadata->releases("order");
        ASSERT_NE(releases, nullptr);
        std::vector<std::string> listed;
        for (const auto& candidate : *releases)
            listed.push_back(candidate.version.to_string());
        EXPECT_EQ(listed, (std::vector<std::string>{"1.0.0-rc.1", "1.0.0", "1.0.0+b", "2.0.0"}));
        EXPECT_EQ(r.metadata->source("order", Version::parse_or_throw("1.0.0"))->integrity,
                  "sha512-DD"); // not v1.0.0's
    }
    std::vector<std::string> cached;
    for (const auto& key : h.cache->keys()) {
        auto row = h.cache->get(key);
        ASSERT_TRUE(row);
        protocol::npm::CompactPackument packument(row->body);
        for (std::size_t i = 0; i < packument.size(); ++i)
            cached.emplace_back(packument.summary(i).version);
    }
    EXPECT_EQ(cached, (std::vector<std::string>{"1.0.0-rc.1", "1.0.0", "v1.0.0", "1.0.0+b", "2.0.0",
                                                "not-a-version"}));
}

TEST(NpmLookupServer, StaleMetadataIsRevalidatedWithTheCachedEtag) {
    FaultServer server;
    Reply reply = Reply::ok(packument("a", {"1.0.0"}));
    reply.etag = "\"v1\"";
    server.script("/a", reply);
    Harness h;
    auto npm = one_registry(server.base_url());
    {
        auto first = h.run(npm, net::NetworkMode::online);
        ASSERT_NE(first.metadata->releases("a"), nullptr);
        EXPECT_EQ(first.metadata->source("a", Version::parse_or_throw("1.0.0"))->origin,
                  registry::MetadataOrigin::network);
        EXPECT_EQ(first.metadata->statistics().requests, 1u);
    }
    h.clock.now += 60; // younger than the 5 minute TTL: no request
    {
        auto fresh = h.run(npm, net::NetworkMode::online);
        ASSERT_NE(fresh.metadata->releases("a"), nullptr);
        EXPECT_EQ(fresh.metadata->statistics().requests, 0u);
        EXPECT_EQ(fresh.metadata->statistics().cache_hits, 1u);
    }
    h.clock.now += 600; // stale: a conditional request, answered 304
    {
        auto stale = h.run(npm, net::NetworkMode::online);
        ASSERT_NE(stale.metadata->releases("a"), nullptr);
        EXPECT_EQ(stale.metadata->source("a", Version::parse_or_throw("1.0.0"))->origin,
                  registry::MetadataOrigin::revalidated);
        EXPECT_EQ(stale.metadata->statistics().not_modified, 1u);
    }
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].header("if-none-match"), std::nullopt);
    EXPECT_EQ(requests[1].header("if-none-match"), "\"v1\"");
    // The 304 refreshed the fetch time: right after it, no request is needed.
    h.clock.now += 60;
    auto again = h.run(npm, net::NetworkMode::online);
    ASSERT_NE(again.metadata->releases("a"), nullptr);
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST(NpmLookupServer, PreferOfflineAndOfflineUseAnyCachedMetadata) {
    FaultServer server;
    server.script("/a", Reply::ok(packument("a", {"1.0.0"})));
    server.script("/b", Reply::ok(packument("b", {"1.0.0"})));
    Harness h;
    auto npm = one_registry(server.base_url());
    {
        auto warm = h.run(npm, net::NetworkMode::online);
        ASSERT_NE(warm.metadata->releases("a"), nullptr);
        EXPECT_EQ(warm.metadata->releases("gone"), nullptr); // 404: remembered as absent
    }
    h.clock.now += 86400 * 30;
    {
        auto prefer = h.run(npm, net::NetworkMode::prefer_offline);
        ASSERT_NE(prefer.metadata->releases("a"), nullptr); // month-old cache: used
        EXPECT_EQ(prefer.metadata->releases("gone"), nullptr);
        ASSERT_NE(prefer.metadata->releases("b"), nullptr); // a miss: fetched
        EXPECT_EQ(prefer.metadata->statistics().requests, 1u);
        EXPECT_EQ(prefer.metadata->statistics().cache_hits, 2u);
    }
    std::size_t before = server.requests().size();
    auto offline = h.run(npm, net::NetworkMode::offline);
    ASSERT_NE(offline.metadata->releases("a"), nullptr);
    ASSERT_NE(offline.metadata->releases("b"), nullptr);
    EXPECT_EQ(offline.metadata->releases("gone"), nullptr);
    try {
        offline.metadata->releases("never-seen");
        FAIL() << "expected an offline miss";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::offline_miss);
        EXPECT_EQ(format_plain(error),
                  "error: npm:never-seen is not in the metadata cache, and the network mode is "
                  "offline\n"
                  "  caused by: nothing cached from registry main of authority pub (" +
                      server.base_url() +
                      "/)\n"
                      "hint: run `cairn fetch` (or the same command) while online to fill the "
                      "metadata cache\n");
    }
    EXPECT_EQ(server.requests().size(), before);
}

TEST(NpmLookupServer, AnEarlierCompactFormInTheCacheIsReadAndRewrittenOnce) {
    FaultServer server;
    server.script("/a", Reply::ok(packument("a", {"1.0.0", "1.1.0"})));
    Harness h;
    auto npm = one_registry(server.base_url());
    std::string tarball;
    {
        auto warm = h.run(npm, net::NetworkMode::online);
        tarball = warm.metadata->source("a", Version::parse_or_throw("1.1.0"))->tarball_url;
    }
    // The row as an earlier cairn left it: the same document in cpk2.
    auto key = protocol::npm::packument_cache_key(
        protocol::npm::RegistryBase::parse(server.base_url()), "a");
    auto row = h.cache->get(key);
    ASSERT_TRUE(row);
    ASSERT_EQ(row->body.substr(0, 4), "cpk3");
    auto document = protocol::npm::decode_packument(row->body);
    for (auto& release : document.releases)
        release.shasum = "0123456789abcdef0123456789abcdef01234567";
    row->body = test::earlier_compact_packument(document, 2);
    h.cache->put(key, *row);

    std::size_t before = server.requests().size();
    auto read_offline = [&] {
        auto offline = h.run(npm, net::NetworkMode::offline);
        EXPECT_NE(offline.metadata->releases("a"), nullptr);
        EXPECT_EQ(offline.metadata->releases("a")->size(), 2u);
        EXPECT_EQ(offline.metadata->source("a", Version::parse_or_throw("1.1.0"))->tarball_url,
                  tarball);
        return offline.metadata->warnings();
    };
    // Another process writing meanwhile: the row stays as it is, read all the same.
    h.cache = std::make_unique<store::MetadataCache>(
        h.tmp / "meta.sqlite", store::MetadataCacheOptions{std::chrono::milliseconds(20)});
    store::MetadataCache writer(h.tmp / "meta.sqlite");
    writer.transaction([&] {
        auto warnings = read_offline();
        ASSERT_EQ(warnings.size(), 1u);
        EXPECT_TRUE(warnings[0].starts_with(
            "could not rewrite cached npm metadata in the current form (it is read in its "
            "earlier form until then): "))
            << warnings[0];
    });
    EXPECT_EQ(h.cache->get(key)->body, row->body);
    EXPECT_TRUE(read_offline().empty());
    auto rewritten = h.cache->get(key);
    ASSERT_TRUE(rewritten);
    EXPECT_EQ(rewritten->body.substr(0, 4), "cpk3");
    EXPECT_LT(rewritten->body.size(), row->body.size());
    EXPECT_EQ(rewritten->fetched_at, row->fetched_at); // as old as it was
    EXPECT_EQ(rewritten->validators.etag, row->validators.etag);
    EXPECT_EQ(protocol::npm::decode_packument(rewritten->body).releases.at(1).tarball,
              document.releases.at(1).tarball);
    EXPECT_EQ(server.requests().size(), before);
}

TEST(NpmLookupServer, AnUnreachableRegistryFallsBackToTheCache) {
    Harness h;
    std::string url;
    {
        FaultServer server;
        url = server.base_url();
        server.script("/a", Reply::ok(packument("a", {"1.0.0"})));
        auto warm = h.run(one_registry(url), net::NetworkMode::online);
        ASSERT_NE(warm.metadata->releases("a"), nullptr);
    } // the server is gone: its port refuses connections
    h.clock.now += 3600;
    auto npm = one_registry(url);
    auto cold = h.run(npm, net::NetworkMode::online);
    ASSERT_NE(cold.metadata->releases("a"), nullptr);
    EXPECT_EQ(cold.metadata->source("a", Version::parse_or_throw("1.0.0"))->origin,
              registry::MetadataOrigin::fallback);
    auto stats = cold.metadata->statistics();
    ASSERT_EQ(stats.fallbacks.size(), 1u);
    EXPECT_EQ(stats.fallbacks[0].package, "a");
    EXPECT_EQ(stats.fallbacks[0].registry, "pub/main");
    EXPECT_EQ(stats.fallbacks[0].url, url + "/");
    EXPECT_EQ(stats.fallbacks[0].age, std::chrono::seconds(3600));

    // Nothing cached: the network error stands, with the package and registry as context.
    try {
        cold.metadata->releases("b");
        FAIL() << "expected a network error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::network);
        EXPECT_EQ(error.context().back(),
                  "fetching npm:b from registry main of authority pub (" + url + "/)");
    }
    // fallbackToCache off: the error stands even with data cached.
    auto strict = h.run(npm, net::NetworkMode::online, std::chrono::minutes(5), false);
    try {
        strict.metadata->releases("a");
        FAIL() << "expected a network error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::network);
    }
}

TEST(NpmLookupServer, TimeoutActionContinueMovesOnToTheNextRegistry) {
    FaultServer live;
    live.script("/a", Reply::ok(packument("a", {"3.0.0"})));
    std::string dead = "http://127.0.0.1:" + std::to_string(test::pick_free_port());
    registry::FormatRegistries npm = one_registry(dead);
    npm.authorities[0].registries[0].timeout.action = registry::TimeoutAction::continue_search;
    npm.authorities[0].registries.push_back(registry_of("backup", live.base_url()));
    Harness h;
    auto run = h.run(npm, net::NetworkMode::online);
    ASSERT_NE(run.metadata->releases("a"), nullptr);
    EXPECT_EQ(run.metadata->source("a", Version::parse_or_throw("3.0.0"))->registry, "backup");
    auto warnings = run.metadata->warnings();
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_TRUE(warnings[0].starts_with("registry main of authority pub (" + dead +
                                        "/) could not be reached for npm:a"))
        << warnings[0];
}

TEST(NpmLookupServer, NotFoundStopEndsTheSearchOverHttp) {
    FaultServer first, second;
    second.script("/a", Reply::ok(packument("a", {"1.0.0"})));
    registry::FormatRegistries npm = one_registry(first.base_url());
    npm.authorities[0].registries.push_back(registry_of("second", second.base_url()));
    Harness h;
    {
        auto go_on = h.run(npm, net::NetworkMode::online);
        ASSERT_NE(go_on.metadata->releases("a"), nullptr);
        EXPECT_EQ(go_on.metadata->source("a", Version::parse_or_throw("1.0.0"))->registry,
                  "second");
    }
    npm.authorities[0].registries[0].not_found = registry::NotFound::stop;
    Harness fresh;
    auto stop = fresh.run(npm, net::NetworkMode::online);
    EXPECT_EQ(stop.metadata->releases("a"), nullptr);
    EXPECT_EQ(second.request_count("/a"), 1u); // only the first run asked it
}

TEST(NpmLookupServer, GarbageFromARegistryIsAnIntegrityError) {
    FaultServer server;
    server.script("/a", Reply::ok("<html>proxy login</html>"));
    Harness h;
    auto run = h.run(one_registry(server.base_url()), net::NetworkMode::online);
    try {
        run.metadata->releases("a");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity);
        EXPECT_EQ(error.message(),
                  "the registry document " + server.base_url() + "/a is not a valid packument");
        EXPECT_EQ(error.context().back(), "fetching npm:a from registry main of authority pub (" +
                                              server.base_url() + "/)");
    }
    EXPECT_EQ(h.cache->count(), 0u); // nothing of it was cached
}

// One large document and many small ones in flight at once: each is read once (on the
// lookup's decoder thread, or by the asking thread while it waits), into the answer a
// lone fetch gives, and cached.
TEST(NpmLookupServer, ManyAnswersInFlightAreEachReadOnce) {
    FaultServer server;
    std::string big = R"({"name": "big", "versions": {)";
    const std::string filler(600, 'x');
    for (int i = 0; i < 3000; ++i)
        big += fmt::format(R"({}"1.{}.0": {{"description": "{}", "dependencies": {{"s0": "^1"}},
            "dist": {{"tarball": "{}/big/-/big-1.{}.0.tgz"}}}})",
                           i ? "," : "", i, filler, server.base_url(), i);
    big += "}}";
    server.script("/big", Reply::ok(big));
    std::vector<resolve::npm::Edge> roots{{"big", "big", "*"}};
    for (int i = 0; i < 40; ++i) {
        std::string name = "s" + std::to_string(i);
        server.script("/" + name, Reply::ok(packument(name, {"1.0.0", "1.1.0"})));
        roots.push_back({name, name, "^1"});
    }
    Harness h;
    auto run = h.run(one_registry(server.base_url()), net::NetworkMode::online);
    run.metadata->crawl(roots);
    const auto* releases = run.metadata->releases("big");
    ASSERT_NE(releases, nullptr);
    EXPECT_EQ(releases->size(), 3000u);
    EXPECT_EQ(server.request_count("/big"), 1u);
    for (int i = 0; i < 40; ++i) {
        std::string name = "s" + std::to_string(i);
        ASSERT_NE(run.metadata->releases(name), nullptr) << name;
        EXPECT_EQ(run.metadata->releases(name)->size(), 2u) << name;
        EXPECT_EQ(server.request_count("/" + name), 1u) << name;
    }
    // Answers are stored in batches while the crawl waits; what is left, now.
    run.metadata->store_answers();
    EXPECT_EQ(h.cache->count(), 41u);
}

// The root's lookups start one at a time while the cache answers them, but when the network
// must: every one is asked before the first answer is followed, none waits for another.
TEST(NpmLookupServer, TheRootsLookupsAreAllAskedBeforeTheFirstAnswerIsFollowed) {
    FaultServer server;
    std::vector<resolve::npm::Edge> roots;
    for (int i = 0; i < 6; ++i) {
        std::string name = "r" + std::to_string(i);
        Reply reply = Reply::ok(packument(name, {"1.0.0"}));
        reply.delay_before_headers = std::chrono::milliseconds(20);
        server.script("/" + name, reply);
        roots.push_back({name, name, "^1"});
    }
    Harness h;
    auto crawl = [&](Harness::Run& run) {
        // The lookups that had gone to the network when each release was told.
        std::vector<std::uint64_t> asked;
        NpmCrawlHooks hooks;
        hooks.on_pick = [&](std::string_view, const resolve::npm::NpmRelease&) {
            asked.push_back(run.metadata->statistics().requests);
            return true;
        };
        run.metadata->crawl(roots, hooks);
        return asked;
    };
    {
        auto cold = h.run(one_registry(server.base_url()), net::NetworkMode::online);
        EXPECT_EQ(crawl(cold), std::vector<std::uint64_t>(6, 6u));
        cold.metadata->store_answers();
    }
    // From the cache: every release told, no request made.
    auto warm = h.run(one_registry(server.base_url()), net::NetworkMode::online);
    EXPECT_EQ(crawl(warm), std::vector<std::uint64_t>(6, 0u));
    EXPECT_EQ(warm.metadata->statistics().cache_hits, 6u);
    EXPECT_EQ(server.requests().size(), 6u);
}

TEST(NpmLookupServer, AForgottenAnswerIsReadAgainFromTheCache) {
    FaultServer server;
    server.script("/a", Reply::ok(packument("a", {"1.0.0", "1.1.0"})));
    Harness h;
    auto run = h.run(one_registry(server.base_url()), net::NetworkMode::online);
    ASSERT_NE(run.metadata->releases("a"), nullptr);
    run.metadata->forget("a");
    ASSERT_NE(run.metadata->releases("a"), nullptr);
    EXPECT_EQ(run.metadata->releases("a")->size(), 2u);
    EXPECT_EQ(server.request_count("/a"), 1u); // fresh in the cache: not asked again
}

TEST(NpmLookupServer, AnswersNotStoredYetAreStoredAtTheEnd) {
    FaultServer server;
    std::vector<resolve::npm::Edge> roots;
    for (int i = 0; i < 5; ++i) {
        std::string name = "p" + std::to_string(i);
        server.script("/" + name, Reply::ok(packument(name, {"1.0.0"})));
        roots.push_back({name, name, "^1"});
    }
    Harness h;
    {
        auto run = h.run(one_registry(server.base_url()), net::NetworkMode::online);
        run.metadata->crawl(roots);
        for (int i = 0; i < 5; ++i)
            ASSERT_NE(run.metadata->releases("p" + std::to_string(i)), nullptr);
    }
    EXPECT_EQ(h.cache->count(), 5u);
    // A later run finds them all in the cache, without the network.
    auto offline = h.run(one_registry(server.base_url()), net::NetworkMode::offline);
    for (int i = 0; i < 5; ++i)
        EXPECT_NE(offline.metadata->releases("p" + std::to_string(i)), nullptr);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(server.request_count("/p" + std::to_string(i)), 1u);
}

} // namespace
} // namespace cairn::ops
