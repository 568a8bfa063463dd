// NpmMetadata over file:// registry folders written by the fixture builder: no network.
#include "support/npm_registry/npm_registry.hpp"
#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"
#include "cairn/lock/lockfile.hpp"
#include "cairn/ops/npm_metadata.hpp"
#include "cairn/registry/npm_sources.hpp"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

namespace cairn::ops {
namespace {

using resolve::npm::EdgeType;
using test::NpmFixtureVersion;
using version::Version;

Version v(std::string_view text) {
    return Version::parse_or_throw(text);
}

registry::FormatRegistries default_only(const std::string& url) {
    net::NpmrcRegistries npmrc;
    npmrc.registry = net::NpmrcSetting{url, "test"};
    return registry::npm_authorities(nullptr, npmrc);
}

registry::Registry registry_of(std::string name, std::string url,
                               registry::NotFound not_found = registry::NotFound::continue_search) {
    registry::Registry r;
    r.name = std::move(name);
    r.url = std::move(url);
    r.not_found = not_found;
    return r;
}

// The default authority "pub" over two registries, "first" then "second".
registry::FormatRegistries
first_and_second(const std::string& first, const std::string& second,
                 registry::SearchMode mode = registry::SearchMode::ordered) {
    registry::FormatRegistries npm;
    npm.format = "npm";
    registry::Authority pub;
    pub.name = "pub";
    pub.search_mode = mode;
    pub.registries = {registry_of("first", first), registry_of("second", second)};
    npm.authorities = {pub};
    npm.default_authority = "pub";
    return npm;
}

struct Harness {
    test::TempDir tmp;
    test::NpmRegistryFixture fixture{tmp / "registry"};
    net::Client client{net::ClientOptions{net::NetworkMode::offline}};
    std::unique_ptr<store::MetadataCache> cache =
        std::make_unique<store::MetadataCache>(tmp / "meta.sqlite");

    std::unique_ptr<NpmMetadata> provider(registry::FormatRegistries npm,
                                          store::UnixSeconds now = 0) {
        NpmMetadataOptions options;
        options.npm = std::move(npm);
        options.mode = net::NetworkMode::offline; // folders work offline
        if (now)
            options.now = [now] { return now; };
        return std::make_unique<NpmMetadata>(std::move(options), client, *cache);
    }
};

TEST(NpmMetadata, ReadsReleasesFromARegistryFolder) {
    Harness h;
    h.fixture.add_version("a", {.version = "1.0.0", .dependencies = {{"b", "^1.0.0"}}});
    h.fixture.add_version("a", {.version = "1.1.0",
                                .dependencies = {{"b", "^1.0.0"}, {"opt", "^1"}},
                                .optional_dependencies = {{"opt", "^1"}},
                                .peer_dependencies = {{"react", ">=17"}, {"dom", "*"}},
                                .optional_peers = {"dom"},
                                .deprecated = "use 2.x"});
    h.fixture.add_version("b", {.version = "1.0.0",
                                .bin = {{"b", "cli.js"}},
                                .scripts = {{"postinstall", "node x.js"}},
                                .os = {"linux"}});
    h.fixture.add_version("@s/p", {.version = "2.0.0", .dependencies = {{"q", "npm:b@^1"}}});
    h.fixture.write();
    auto provider = h.provider(default_only(h.fixture.file_url()));

    std::vector<std::string> names{"a", "b", "@s/p", "missing"};
    provider->prefetch(names);
    const auto* a = provider->releases("a");
    ASSERT_NE(a, nullptr);
    ASSERT_EQ(a->size(), 2u);
    // The list has what choosing reads; details() decodes the rest on demand.
    EXPECT_EQ(a->at(1).version, v("1.1.0"));
    EXPECT_TRUE(a->at(1).deprecated);
    const auto& a11 = provider->details("a", a->at(1));
    EXPECT_EQ(&provider->details("a", a->at(1)), &a11); // decoded once
    EXPECT_EQ(a11.version, v("1.1.0"));
    EXPECT_TRUE(a11.deprecated);
    ASSERT_EQ(a11.dependencies.size(), 4u);
    EXPECT_EQ(a11.dependencies[0].name, "b");
    EXPECT_EQ(a11.dependencies[0].type, EdgeType::prod);
    EXPECT_EQ(a11.dependencies[1].name, "opt"); // listed in both: optional wins
    EXPECT_EQ(a11.dependencies[1].type, EdgeType::optional);
    EXPECT_EQ(a11.dependencies[2].type, EdgeType::peer);
    EXPECT_EQ(a11.dependencies[2].name, "dom"); // the fixture writes keys sorted
    EXPECT_TRUE(a11.dependencies[2].peer_optional);
    EXPECT_EQ(a11.dependencies[3].name, "react");
    EXPECT_FALSE(a11.dependencies[3].peer_optional);
    EXPECT_EQ(provider->dist_tag("a", "latest"), v("1.1.0"));
    EXPECT_EQ(provider->dist_tag("a", "next"), std::nullopt);

    const auto* p = provider->releases("@s/p");
    ASSERT_NE(p, nullptr);
    const auto& p200 = provider->details("@s/p", p->at(0));
    ASSERT_EQ(p200.dependencies.size(), 1u);
    EXPECT_EQ(p200.dependencies[0].name, "q"); // an alias
    EXPECT_EQ(p200.dependencies[0].package, "b");
    EXPECT_EQ(p200.dependencies[0].spec, "^1");
    EXPECT_EQ(provider->releases("missing"), nullptr);

    auto source = provider->source("a", v("1.1.0"));
    ASSERT_TRUE(source);
    EXPECT_EQ(source->tarball_url, h.fixture.file_url() + "a/-/a-1.1.0.tgz");
    EXPECT_EQ(source->integrity, h.fixture.integrity("a", "1.1.0"));
    EXPECT_EQ(source->authority, "npmrc");
    EXPECT_EQ(source->registry, "npmrc");
    EXPECT_EQ(source->registry_url, h.fixture.file_url());
    EXPECT_EQ(source->origin, registry::MetadataOrigin::folder);
    EXPECT_EQ(source->deprecated, "use 2.x");
    EXPECT_FALSE(source->has_install_script);
    auto b = provider->source("b", v("1.0.0"));
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->has_install_script);
    EXPECT_EQ(provider->details("b", provider->releases("b")->at(0)).os,
              std::vector<std::string>{"linux"});
    auto scoped = provider->source("@s/p", v("2.0.0"));
    ASSERT_TRUE(scoped);
    EXPECT_EQ(scoped->tarball_url, h.fixture.file_url() + "@s/p/-/p-2.0.0.tgz");
    EXPECT_FALSE(provider->source("a", v("9.9.9")));

    auto stats = provider->statistics();
    EXPECT_EQ(stats.requests, 0u);
    EXPECT_EQ(stats.folder_reads, 4u);
    EXPECT_EQ(stats.packages, 4u);
}

TEST(NpmMetadata, TheTreeBuilderResolvesThroughIt) {
    Harness h;
    h.fixture.add_version("app-dep", {.version = "1.0.0", .dependencies = {{"leaf", "^2.0.0"}}});
    h.fixture.add_version("leaf", {.version = "2.0.0"});
    h.fixture.add_version("leaf", {.version = "2.3.1"});
    h.fixture.add_version("leaf", {.version = "3.0.0"});
    h.fixture.write();
    auto provider = h.provider(default_only(h.fixture.file_url()));
    std::vector<resolve::npm::Edge> root{{"app-dep", "app-dep", "^1", EdgeType::prod}};
    auto tree = resolve::npm::build_npm_tree(root, *provider, {});
    ASSERT_EQ(tree.nodes.size(), 3u);
    auto leaf = tree.resolve(0, "leaf");
    ASSERT_TRUE(leaf);
    EXPECT_EQ(tree.nodes[*leaf].version, v("2.3.1"));
}

// Choosing for a range that names no prerelease passes the "1.2.3-tag" releases by, so
// they are not read; a range that names one, a dist-tag, a prerelease's record and the
// whole list still see them all, and a release of either list has its details.
TEST(NpmMetadata, PrereleasesAreReadOnlyWhenAChoiceCanTakeThem) {
    Harness h;
    for (const char* version : {"1.0.0", "1.1.0-beta.1", "1.1.0", "2.0.0-rc.1", "2.0.0-rc.2"})
        h.fixture.add_version("p", {.version = version, .dependencies = {{"leaf", "^1"}}});
    h.fixture.package("p").dist_tags = {{"latest", "1.1.0"}, {"next", "2.0.0-rc.2"}};
    h.fixture.add_version("leaf", {.version = "1.0.0"});
    h.fixture.add_version("only-pre", {.version = "1.0.0-beta.2"});
    h.fixture.write();
    auto versions = [](const std::vector<resolve::npm::NpmCandidate>* list) {
        std::vector<std::string> out;
        for (const auto& r : *list)
            out.push_back(r.version.to_string());
        return out;
    };
    {
        auto provider = h.provider(default_only(h.fixture.file_url()));
        EXPECT_EQ(versions(provider->candidates("p", false)),
                  (std::vector<std::string>{"1.0.0", "1.1.0"}));
        const auto& stable = provider->candidates("p", false)->back();
        EXPECT_EQ(provider->details("p", stable).dependencies.size(), 1u);
        EXPECT_EQ(versions(provider->candidates("p", true)),
                  (std::vector<std::string>{"1.0.0", "1.1.0-beta.1", "1.1.0", "2.0.0-rc.1",
                                            "2.0.0-rc.2"}));
        const auto& pre = provider->candidates("p", true)->back();
        EXPECT_EQ(provider->details("p", pre).version, v("2.0.0-rc.2"));
        // The first list stays (references to it hold); both lists share the details.
        EXPECT_EQ(stable.version, v("1.1.0"));
        const auto& twin = (*provider->candidates("p", false))[2];
        EXPECT_EQ(twin.version, v("1.1.0"));
        EXPECT_EQ(&provider->details("p", twin), &provider->details("p", stable));
        EXPECT_EQ(versions(provider->releases("p")), versions(provider->candidates("p", true)));
        // A copy is found by its version, in a provider that has read no prerelease yet too.
        resolve::npm::NpmCandidate stable_copy = stable, pre_copy = pre;
        auto fresh = h.provider(default_only(h.fixture.file_url()));
        EXPECT_EQ(fresh->details("p", stable_copy).version, v("1.1.0"));
        EXPECT_EQ(fresh->details("p", pre_copy).version, v("2.0.0-rc.2"));
    }
    for (auto [spec, expected] : {std::pair{"^1.0.0", "1.1.0"},
                                  {"^2.0.0-rc.1", "2.0.0-rc.2"},
                                  {"next", "2.0.0-rc.2"},
                                  {"1.1.0-beta.1", "1.1.0-beta.1"}}) {
        auto provider = h.provider(default_only(h.fixture.file_url()));
        std::vector<resolve::npm::Edge> root{{"p", "p", spec, EdgeType::prod}};
        auto tree = resolve::npm::build_npm_tree(root, *provider, {});
        auto p = tree.resolve(0, "p");
        ASSERT_TRUE(p) << spec;
        EXPECT_EQ(tree.nodes[*p].version, v(expected)) << spec;
        auto described = provider->describe("p", v(expected));
        ASSERT_TRUE(described) << spec;
        EXPECT_EQ(described->record.version, expected);
    }
    // A package of prereleases alone: found for a range that names one, and for one that
    // does not, the error names its newest release.
    auto provider = h.provider(default_only(h.fixture.file_url()));
    std::vector<resolve::npm::Edge> pre{{"only-pre", "only-pre", "^1.0.0-beta.1", EdgeType::prod}};
    EXPECT_EQ(resolve::npm::build_npm_tree(pre, *provider, {}).nodes.size(), 2u);
    std::vector<resolve::npm::Edge> plain{{"only-pre", "only-pre", "^1.0.0", EdgeType::prod}};
    try {
        resolve::npm::build_npm_tree(plain, *provider, {});
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "no version of only-pre matches \"^1.0.0\"");
        EXPECT_EQ(e.causes(),
                  std::vector<std::string>{"the newest of its 1 versions is 1.0.0-beta.2"});
    }
    // The portable index offers prereleases only when its ranges may take them.
    auto every = [](const version::Version&) { return true; };
    EXPECT_EQ(provider->index_releases("p", every, false).size(), 2u);
    EXPECT_EQ(provider->index_releases("p", every, true).size(), 5u);
}

TEST(NpmMetadata, CrawlFetchesTheGraphOfTheHighestSatisfyingReleases) {
    Harness h;
    h.fixture.add_version("top", {.version = "0.9.0", .dependencies = {{"old", "*"}}});
    h.fixture.add_version("top", {.version = "1.0.0", .dependencies = {{"mid", "^1"}}});
    h.fixture.add_version("mid", {.version = "1.0.0", .dependencies = {{"never", "*"}}});
    h.fixture.add_version("mid", {.version = "1.2.0", .dependencies = {{"leaf", "latest"}}});
    h.fixture.add_version("leaf", {.version = "1.0.0",
                                   .dependencies = {{"alias", "npm:mid@^1"}},
                                   .peer_dependencies = {{"opt-peer", "*"}},
                                   .optional_peers = {"opt-peer"}});
    for (const char* name : {"old", "never", "opt-peer"})
        h.fixture.add_version(name, {.version = "1.0.0"});
    h.fixture.write();
    auto provider = h.provider(default_only(h.fixture.file_url()));
    std::vector<resolve::npm::Edge> root{{"top", "top", "^1", EdgeType::prod}};
    provider->crawl(root);
    EXPECT_EQ(provider->statistics().packages, 3u); // top, mid, leaf
    EXPECT_EQ(provider->statistics().folder_reads, 3u);
    auto tree = resolve::npm::build_npm_tree(root, *provider, {});
    EXPECT_EQ(tree.nodes.size(), 5u);                   // root, top, mid, leaf, alias (mid again)
    EXPECT_EQ(provider->statistics().folder_reads, 3u); // nothing left to fetch
}

TEST(NpmMetadata, CrawlTellsTheReleasesLikelyToBeInstalled) {
    Harness h;
    h.fixture.add_version("ts", {.version = "6.0.3"});
    h.fixture.add_version("ts",
                          {.version = "7.0.2", .optional_dependencies = {{"ts-native", "7.0.2"}}});
    h.fixture.add_version("ts-native", {.version = "7.0.2"});
    h.fixture.add_version("plugin", {.version = "1.0.0",
                                     .dependencies = {{"wasm-only", "^1"}},
                                     .peer_dependencies = {{"ts", ">=4.8.4"}}});
    h.fixture.add_version(
        "wasm-only",
        {.version = "1.0.0", .dependencies = {{"wasm-helper", "^1"}}, .cpu = {"wasm32"}});
    h.fixture.add_version("wasm-helper", {.version = "1.0.0"});
    h.fixture.write();
    auto provider = h.provider(default_only(h.fixture.file_url()));
    // "plugin" first: its peer's spec reaches ts before the root's own does.
    std::vector<resolve::npm::Edge> root{{"plugin", "plugin", "^1", EdgeType::prod},
                                         {"ts", "ts", "~6.0.0", EdgeType::dev}};
    std::set<std::string> told;
    NpmCrawlHooks hooks;
    hooks.on_pick = [&](std::string_view package, const resolve::npm::NpmRelease& release) {
        told.insert(std::string(package) + "@" + release.version.to_string());
        return release.cpu.empty(); // wasm32 only: not on this machine
    };
    provider->crawl(root, hooks);
    // Not ts 7 (the root's 6.0.3 serves the peer's ">=4.8.4"), nor what only it, or only a
    // package of another platform, depends on.
    EXPECT_EQ(told, (std::set<std::string>{"plugin@1.0.0", "ts@6.0.3", "wasm-only@1.0.0"}));
    // Their metadata is read all the same: the resolver may still want them.
    EXPECT_EQ(provider->statistics().packages, 5u);
}

// The crawl tells the release the tree builder will pick: the `latest` tag's, one that this
// node runs, and none for a spec that a release told before satisfies (npm places that one
// first, at the top, where the spec finds it).
TEST(NpmMetadata, CrawlTellsWhatTheTreeBuilderWillPick) {
    Harness h;
    h.fixture.add_version(
        "env", {.version = "1.0.0", .dependencies = {{"abstract", "^1"}, {"dom", "^26"}}});
    h.fixture.add_version("abstract", {.version = "1.0.0", .peer_dependencies = {{"dom", "*"}}});
    h.fixture.add_version("dom", {.version = "26.1.0", .engines_node = ">=18"});
    h.fixture.add_version("dom", {.version = "29.1.1", .engines_node = ">=20"});
    h.fixture.add_version("dom", {.version = "31.0.1", .engines_node = ">=22"});
    h.fixture.add_version("matchers", {.version = "6.9.1"});
    h.fixture.add_version("matchers", {.version = "6.10.0"});
    h.fixture.add_version("matchers", {.version = "7.0.0"});
    h.fixture.package("matchers").dist_tags = {{"latest", "6.9.1"}};
    h.fixture.add_version("old", {.version = "2.0.0"});
    h.fixture.add_version("old", {.version = "2.1.0", .deprecated = "use 2.0.0"});
    h.fixture.write();
    auto provider = h.provider(default_only(h.fixture.file_url()));
    std::vector<resolve::npm::Edge> root{{"env", "env", "^1", EdgeType::prod},
                                         {"matchers", "matchers", "^6.9.0", EdgeType::dev},
                                         {"old", "old", "^2", EdgeType::prod}};
    std::set<std::string> told;
    version::Version node = v("20.11.0");
    NpmCrawlHooks hooks;
    hooks.on_pick = [&](std::string_view package, const resolve::npm::NpmRelease& release) {
        told.insert(std::string(package) + "@" + release.version.to_string());
        return true;
    };
    hooks.node_version = [&] { return &node; };
    provider->crawl(root, hooks);
    EXPECT_EQ(told, (std::set<std::string>{"abstract@1.0.0", "dom@26.1.0", "env@1.0.0",
                                           "matchers@6.9.1", "old@2.0.0"}));
    resolve::npm::TreeOptions options;
    options.node_version = node;
    auto tree = resolve::npm::build_npm_tree(root, *provider, options);
    std::set<std::string> placed;
    for (std::size_t i = 1; i < tree.nodes.size(); ++i)
        placed.insert(tree.nodes[i].name + "@" + tree.nodes[i].version->to_string());
    EXPECT_EQ(placed, told);
}

// A package that depends on itself adds a spec of its own while its specs are followed.
TEST(NpmMetadata, CrawlFollowsAPackageThatDependsOnItself) {
    Harness h;
    h.fixture.add_version("self", {.version = "1.0.0", .dependencies = {{"self", "^2"}}});
    h.fixture.add_version("self", {.version = "2.0.0", .dependencies = {{"self", "*"}}});
    h.fixture.write();
    auto provider = h.provider(default_only(h.fixture.file_url()));
    std::vector<resolve::npm::Edge> root{{"self", "self", "^1", EdgeType::prod}};
    std::vector<std::string> told;
    NpmCrawlHooks hooks;
    hooks.on_pick = [&](std::string_view package, const resolve::npm::NpmRelease& release) {
        told.push_back(std::string(package) + "@" + release.version.to_string());
        return true;
    };
    provider->crawl(root, hooks);
    // ^1, then ^2 (nested under 1.0.0), then "*", which 2.0.0 serves.
    EXPECT_EQ(told, (std::vector<std::string>{"self@1.0.0", "self@2.0.0"}));
}

TEST(NpmMetadata, TheShasumStandsInForAMissingIntegrity) {
    Harness h;
    std::string sha1 = "5b8a3a7765dfe001261dde915589e782f8c94d1e";
    test::write_file(h.tmp / "registry/old/index.json",
                     R"({"name":"old","dist-tags":{"latest":"0.1.0"},"versions":{"0.1.0":{
                       "name":"old","version":"0.1.0",
                       "dist":{"tarball":"http://127.0.0.1:1/old-0.1.0.tgz","shasum":")" +
                         sha1 + R"("}}}})");
    auto provider = h.provider(default_only(h.fixture.file_url()));
    auto source = provider->source("old", v("0.1.0"));
    ASSERT_TRUE(source);
    EXPECT_EQ(source->integrity, Digest::parse_hex(DigestAlgorithm::sha1, sha1).sri());
    EXPECT_EQ(source->tarball_url, "http://127.0.0.1:1/old-0.1.0.tgz"); // absolute: kept
}

// "mixed": 1.2.0 with dist.integrity and a relative tarball, 1.0.0 with only dist.shasum
// (returned) and a time, 1.1.0 with no digest at all, 2.0.0 with dist.integrity.
std::string write_mixed_digests(Harness& h) {
    std::string sha1 = "5b8a3a7765dfe001261dde915589e782f8c94d1e";
    test::write_file(h.tmp / "registry/mixed/index.json",
                     R"({"name":"mixed","dist-tags":{"latest":"1.2.0"},
                       "time":{"1.0.0":"2024-01-01T00:00:00.000Z"},"versions":{
                       "1.2.0":{"name":"mixed","version":"1.2.0","dependencies":{"a":"^1"},
                         "dist":{"tarball":"mixed-1.2.0.tgz","integrity":"sha512-AAAA"}},
                       "1.0.0":{"name":"mixed","version":"1.0.0",
                         "dist":{"tarball":"http://127.0.0.1:1/mixed-1.0.0.tgz","shasum":")" +
                         sha1 + R"("}},
                       "1.1.0":{"name":"mixed","version":"1.1.0",
                         "dist":{"tarball":"http://127.0.0.1:1/mixed-1.1.0.tgz"}},
                       "2.0.0":{"name":"mixed","version":"2.0.0",
                         "dist":{"tarball":"http://127.0.0.1:1/mixed-2.0.0.tgz",
                                 "integrity":"sha512-BBBB"}}}})");
    return sha1;
}

// The portable index's releases: those wanted, by version, each with its tarball resolved,
// its integrity (the sha1 of dist.shasum where dist.integrity is missing), no shasum or time,
// and a release with neither digest left out; as describe() tells them.
TEST(NpmMetadata, IndexReleasesAreTheWantedOnesWithTheirDigests) {
    Harness h;
    const std::string sha1 = write_mixed_digests(h);
    auto provider = h.provider(default_only(h.fixture.file_url()));
    auto releases = provider->index_releases(
        "mixed", [](const version::Version& version) { return version.major() == 1; }, false);
    ASSERT_EQ(releases.size(), 2u); // 1.1.0 has no digest; 2.0.0 is not wanted
    EXPECT_EQ(releases[0].version, "1.0.0");
    EXPECT_EQ(releases[0].integrity, Digest::parse_hex(DigestAlgorithm::sha1, sha1).sri());
    EXPECT_EQ(releases[0].shasum, "");
    EXPECT_FALSE(releases[0].published);
    EXPECT_EQ(releases[1].version, "1.2.0");
    EXPECT_EQ(releases[1].integrity, "sha512-AAAA");
    EXPECT_EQ(releases[1].dependencies, (std::vector<protocol::npm::NameRange>{{"a", "^1"}}));
    for (const auto& release : releases) {
        auto described = provider->describe("mixed", v(release.version));
        ASSERT_TRUE(described);
        EXPECT_EQ(release.tarball, described->source.tarball_url);
        EXPECT_EQ(release.integrity, described->source.integrity);
    }
}

// The portable index written straight from the cached documents is, byte for byte, the
// index_releases() records written by the lockfile writer: every field a release can have,
// digests from dist.shasum, releases left out, and entries of both kinds merged by name.
TEST(NpmMetadata, IndexEntriesAreWrittenAsTheirRecordsWouldBe) {
    Harness h;
    h.fixture.add_version("a", {.version = "1.0.0", .dependencies = {{"b", "^1.0.0"}}});
    h.fixture.add_version("a", {.version = "1.1.0",
                                .dependencies = {{"z", "^1"}, {"b", "^1.0.0"}, {"opt", "^1"}},
                                .optional_dependencies = {{"opt", "^1"}},
                                .peer_dependencies = {{"react", ">=17"}, {"dom", "*"}},
                                .optional_peers = {"dom"},
                                .os = {"linux", "!win32"},
                                .cpu = {"x64"},
                                .libc = {"glibc"},
                                .engines_node = ">=18 <24",
                                .deprecated = "use \"2.x\"\n"});
    h.fixture.add_version("a", {.version = "2.0.0-rc.1",
                                .bin = {{"a", "cli.js"}},
                                .scripts = {{"install", "node-gyp rebuild"}}});
    h.fixture.add_version("a", {.version = "3.0.0"});
    h.fixture.add_version("b", {.version = "1.0.0"});
    h.fixture.write();
    const std::string sha1 = write_mixed_digests(h);
    auto provider = h.provider(default_only(h.fixture.file_url()));
    auto below_3 = [](const version::Version& version) { return version.major() < 3; };
    auto every = [](const version::Version&) { return true; };
    std::map<std::string, std::string> tags{{"latest", "1.1.0"}, {"next", "2.0.0-rc.1"}};

    lock::Lockfile records;
    lock::Lockfile straight;
    for (auto [name, wanted, with_tags] :
         {std::tuple{"a", +below_3, true}, {"b", +every, false}, {"mixed", +every, true}}) {
        std::map<std::string, std::string> entry_tags = with_tags ? tags : decltype(tags){};
        protocol::npm::Packument entry;
        entry.name = name;
        entry.dist_tags = entry_tags;
        entry.releases = provider->index_releases(name, wanted, true);
        ASSERT_FALSE(entry.releases.empty()) << name;
        records.index.emplace(name, std::move(entry));
        // "b" stays decoded in the second lockfile too: the writer merges both kinds.
        if (std::string(name) == "b")
            straight.index.emplace(name, records.index.at(name));
        else
            straight.index_entries.emplace(name,
                                           provider->index_entry(name, wanted, entry_tags, true));
    }
    std::string expected = lock::write_lockfile(records);
    EXPECT_EQ(lock::write_lockfile(straight), expected);
    EXPECT_NE(expected.find(R"("deprecated":"use \"2.x\"\n")"), std::string::npos) << expected;
    EXPECT_NE(expected.find(R"("hasInstallScript":true)"), std::string::npos) << expected;
    EXPECT_NE(expected.find(Digest::parse_hex(DigestAlgorithm::sha1, sha1).sri()),
              std::string::npos);
    EXPECT_EQ(expected.find("mixed-1.1.0.tgz"), std::string::npos); // no digest: left out
    EXPECT_EQ(expected.find("3.0.0"), std::string::npos);           // not wanted
    // Nothing wanted: no entry at all.
    EXPECT_EQ(provider->index_entry(
                  "a", [](const version::Version&) { return false; }, tags, true),
              "");
}

TEST(NpmMetadata, MinimumReleaseAgeLeavesOutYoungReleases) {
    Harness h;
    h.fixture.add_version("fresh", {.version = "1.0.0", .time = "2024-01-01T00:00:00.000Z"});
    h.fixture.add_version("fresh", {.version = "1.1.0", .time = "2024-03-01T00:00:00.000Z"});
    h.fixture.add_version("fresh", {.version = "1.2.0", .time = "2024-03-09T12:00:00.000Z"});
    h.fixture.write();
    auto npm = default_only(h.fixture.file_url());
    npm.authorities.at(0).minimum_release_age = std::chrono::hours(24 * 3);
    // 2024-03-10T00:00:00Z: 1.2.0 is 12 hours old.
    auto provider = h.provider(std::move(npm), 1710028800);
    const auto* releases = provider->releases("fresh");
    ASSERT_NE(releases, nullptr);
    ASSERT_EQ(releases->size(), 2u);
    EXPECT_EQ(releases->back().version, v("1.1.0"));
    EXPECT_EQ(provider->dist_tag("fresh", "latest"), v("1.1.0")); // latest 1.2.0 is too young
    EXPECT_FALSE(provider->describe("fresh", v("1.2.0")));
    auto warnings = provider->warnings();
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0], "1 release(s) of npm:fresh are younger than the minimumReleaseAge of "
                           "authority npmrc and were left out");
}

TEST(NpmMetadata, TheFilterHookKeepsOnlyWhatItAccepts) {
    Harness h;
    h.fixture.add_version("f", {.version = "1.0.0"});
    h.fixture.add_version("f", {.version = "1.0.1"});
    h.fixture.write();
    auto provider = h.provider(default_only(h.fixture.file_url()));
    std::vector<std::string> integrities;
    provider->set_filter([&](std::string_view package, const NpmReleaseKey& r) {
        integrities.emplace_back(r.integrity);
        return package == "f" && r.version == "1.0.0";
    });
    const auto* releases = provider->releases("f");
    ASSERT_NE(releases, nullptr);
    ASSERT_EQ(releases->size(), 1u);
    EXPECT_EQ(releases->at(0).version, v("1.0.0"));
    EXPECT_EQ(provider->dist_tag("f", "latest"), v("1.0.0"));
    // The filter saw each release's integrity (what the offline filter checks the store for).
    EXPECT_EQ(integrities, (std::vector<std::string>{h.fixture.integrity("f", "1.0.0"),
                                                     h.fixture.integrity("f", "1.0.1")}));
}

TEST(NpmMetadata, OrderedSearchStopsOrContinuesAtNotFound) {
    Harness h;
    test::NpmRegistryFixture second(h.tmp / "second");
    h.fixture.add_version("only-first", {.version = "1.0.0"});
    h.fixture.add_version("both", {.version = "1.0.0"});
    second.add_version("both", {.version = "2.0.0"});
    second.add_version("only-second", {.version = "1.0.0"});
    h.fixture.write();
    second.write();

    auto npm = first_and_second(h.fixture.file_url(), second.file_url());
    registry::Authority stopper;
    stopper.name = "stopper";
    stopper.packages = {"stop-*"};
    stopper.registries = {registry_of("first", h.fixture.file_url(), registry::NotFound::stop),
                          registry_of("second", second.file_url())};
    npm.authorities.push_back(stopper);
    second.add_version("stop-me", {.version = "1.0.0"});
    second.write();

    auto provider = h.provider(npm);
    ASSERT_NE(provider->releases("both"), nullptr);
    EXPECT_EQ(provider->releases("both")->size(), 1u); // the first registry has it: ordered
    EXPECT_EQ(provider->source("both", v("1.0.0"))->registry, "first");
    ASSERT_NE(provider->releases("only-second"), nullptr);
    EXPECT_EQ(provider->source("only-second", v("1.0.0"))->registry, "second");
    EXPECT_EQ(provider->releases("stop-me"), nullptr); // notFound: stop at "first"

    npm.authorities[0].search_mode = registry::SearchMode::union_all;
    auto united = h.provider(npm);
    ASSERT_NE(united->releases("both"), nullptr);
    EXPECT_EQ(united->releases("both")->size(), 2u);
    EXPECT_EQ(united->source("both", v("2.0.0"))->registry, "second");
    EXPECT_EQ(united->source("both", v("1.0.0"))->registry, "first");
}

TEST(NpmMetadata, AUnionListsReleasesByVersionAndTheFirstRegistryKeepsADuplicate) {
    Harness h;
    test::NpmRegistryFixture second(h.tmp / "second");
    h.fixture.add_version("u", {.version = "2.0.0"});
    h.fixture.add_version("u", {.version = "1.0.0"});
    second.add_version("u", {.version = "3.0.0"});
    second.add_version("u", {.version = "1.0.0"});
    second.add_version("u", {.version = "1.0.0-beta.1"});
    second.add_version("u", {.version = "0.5.0"});
    h.fixture.write();
    second.write();
    auto npm =
        first_and_second(h.fixture.file_url(), second.file_url(), registry::SearchMode::union_all);

    auto provider = h.provider(npm);
    const auto* releases = provider->releases("u");
    ASSERT_NE(releases, nullptr);
    std::vector<std::string> listed;
    for (const auto& release : *releases)
        listed.push_back(release.version.to_string());
    EXPECT_EQ(listed,
              (std::vector<std::string>{"0.5.0", "1.0.0-beta.1", "1.0.0", "2.0.0", "3.0.0"}));
    EXPECT_EQ(provider->source("u", v("1.0.0"))->registry, "first");
    EXPECT_EQ(provider->source("u", v("1.0.0-beta.1"))->registry, "second");
    EXPECT_EQ(provider->details("u", releases->at(2)).version, v("1.0.0"));
    // A release equal to a listed one (not the list's own object) is found by its version.
    resolve::npm::NpmCandidate copy = releases->at(3);
    EXPECT_EQ(&provider->details("u", copy), &provider->details("u", releases->at(3)));
    EXPECT_FALSE(provider->describe("u", v("1.5.0")));
}

TEST(NpmMetadata, AUnionAsksAboutAVersionOnlyOfTheFirstRegistryThatHasIt) {
    Harness h;
    test::NpmRegistryFixture second(h.tmp / "second");
    for (auto* fixture : {&h.fixture, &second}) {
        fixture->add_version("u", {.version = "1.0.0", .time = "2024-01-01T00:00:00.000Z"});
        fixture->add_version("u", {.version = "2.0.0", .time = "2024-03-09T12:00:00.000Z"});
        fixture->write();
    }
    second.add_version("u", {.version = "3.0.0", .time = "2024-03-09T12:00:00.000Z"});
    second.write();
    auto npm =
        first_and_second(h.fixture.file_url(), second.file_url(), registry::SearchMode::union_all);
    npm.authorities.at(0).minimum_release_age = std::chrono::hours(24 * 3);
    auto provider = h.provider(std::move(npm), 1710028800); // 2024-03-10T00:00:00Z
    std::vector<std::string> filtered;
    provider->set_filter([&](std::string_view, const NpmReleaseKey& key) {
        filtered.emplace_back(key.version);
        return true;
    });
    ASSERT_NE(provider->releases("u"), nullptr);
    EXPECT_EQ(provider->releases("u")->size(), 1u);
    EXPECT_EQ(filtered, std::vector<std::string>{"1.0.0"}); // not the second's copy
    // 2.0.0 of each registry (the first one's was left out, so the second's is asked
    // about), and 3.0.0; never the 1.0.0 the first registry kept.
    EXPECT_EQ(provider->warnings(),
              std::vector<std::string>{"3 release(s) of npm:u are younger than the "
                                       "minimumReleaseAge of authority pub and were left out"});
}

TEST(NpmMetadata, AForgottenPackageIsReadAnewWhenAskedAgain) {
    Harness h;
    h.fixture.add_version("a", {.version = "1.0.0"});
    h.fixture.write();
    auto provider = h.provider(default_only(h.fixture.file_url()));
    ASSERT_NE(provider->releases("a"), nullptr);
    provider->forget("a");
    provider->forget("never-asked");
    h.fixture.add_version("a", {.version = "1.1.0"});
    h.fixture.write();
    const auto* again = provider->releases("a");
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->size(), 2u); // read anew, not remembered
    EXPECT_EQ(provider->source("a", v("1.1.0"))->registry, "npmrc");
    EXPECT_EQ(provider->statistics().folder_reads, 2u);
}

TEST(NpmMetadata, AFolderServingAnotherPackagesDocumentIsRefused) {
    Harness h;
    test::write_file(h.tmp / "registry/liar/index.json", R"({"name":"other","versions":{}})");
    auto provider = h.provider(default_only(h.fixture.file_url()));
    try {
        provider->releases("liar");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity);
        EXPECT_EQ(error.causes().at(0), "it describes \"other\", not \"liar\"");
        EXPECT_EQ(error.context().at(0),
                  "fetching npm:liar from registry npmrc of authority npmrc (" +
                      h.fixture.file_url() + ")");
    }
}

} // namespace
} // namespace cairn::ops
