// The npm tree builder on in-memory registries: hoisting, dedupe, nesting on conflict,
// no shadowing, peers, optional and platform skips, dist-tags, dev/optional flags.
#include "cairn/core/error.hpp"
#include "cairn/resolve/npm_tree.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace cairn::resolve::npm {
namespace {

using version::Version;

class MemoryRegistry : public NpmTreeProvider {
public:
    MemoryRegistry& add(const std::string& name, const std::string& version,
                        std::vector<Edge> deps = {}) {
        NpmRelease r{{*Version::parse(version)}, std::move(deps), {}, {}, {}};
        for (auto& d : r.dependencies)
            if (d.package.empty())
                d.package = d.name;
        m_packages[name].push_back(std::move(r));
        m_candidates.erase(name);
        return *this;
    }
    NpmRelease& last(const std::string& name) {
        m_candidates.erase(name);
        return m_packages[name].back();
    }
    void tag(const std::string& name, const std::string& tag, const std::string& version) {
        m_tags[name].insert_or_assign(tag, *Version::parse(version));
    }

    void prefetch(std::span<const std::string> packages) override {
        for (const auto& p : packages)
            prefetched.push_back(p);
    }
    bool releases_in_version_order(std::string_view) override { return in_version_order; }
    const std::vector<NpmCandidate>* releases(std::string_view package) override {
        auto it = m_packages.find(std::string(package));
        if (it == m_packages.end())
            return nullptr;
        auto [listed, fresh] = m_candidates.try_emplace(it->first);
        if (fresh)
            listed->second.assign(it->second.begin(), it->second.end());
        return &listed->second;
    }
    const NpmRelease& details(std::string_view package, const NpmCandidate& candidate) override {
        const auto& list = m_candidates.at(std::string(package));
        return m_packages.at(std::string(package))
            .at(static_cast<std::size_t>(&candidate - list.data()));
    }
    std::optional<Version> dist_tag(std::string_view package, std::string_view tag) override {
        auto it = m_tags.find(std::string(package));
        if (it == m_tags.end())
            return std::nullopt;
        auto t = it->second.find(std::string(tag));
        if (t == it->second.end())
            return std::nullopt;
        return t->second;
    }

    std::vector<std::string> prefetched;
    bool in_version_order = false; // what releases_in_version_order() says (of every package)

private:
    std::map<std::string, std::vector<NpmRelease>> m_packages;
    std::map<std::string, std::vector<NpmCandidate>> m_candidates; // what releases() lists
    std::map<std::string, std::map<std::string, Version>> m_tags;
};

Edge dep(std::string name, std::string spec, EdgeType type = EdgeType::prod) {
    return Edge{name, name, std::move(spec), type, false};
}

// "path@version" for every node but the root, in path order: the layout under test.
std::vector<std::string> layout(const Tree& tree) {
    std::vector<std::string> out;
    for (std::size_t i = 1; i < tree.nodes.size(); ++i)
        out.push_back(tree.path(i) + "@" + tree.nodes[i].version->to_string());
    std::sort(out.begin(), out.end());
    return out;
}

Tree build(MemoryRegistry& registry, std::vector<Edge> root, TreeOptions options = {}) {
    options.platform = {"linux", "x64", "glibc"};
    return build_npm_tree(root, registry, options);
}

TEST(NpmTree, HoistsAndNestsOnConflict) {
    MemoryRegistry r;
    r.add("a", "1.0.0", {dep("b", "^1")});
    r.add("c", "1.0.0", {dep("b", "^2")});
    r.add("b", "1.4.0").add("b", "2.1.0").add("b", "1.5.0-beta.1");
    Tree t = build(r, {dep("a", "^1"), dep("c", "^1")});
    EXPECT_EQ(layout(t), (std::vector<std::string>{"node_modules/a@1.0.0", "node_modules/b@1.4.0",
                                                   "node_modules/c/node_modules/b@2.1.0",
                                                   "node_modules/c@1.0.0"}));
}

TEST(NpmTree, DedupesToAPlacedSatisfyingVersion) {
    MemoryRegistry r;
    r.add("a", "1.0.0", {dep("b", "^1.1")});
    r.add("c", "1.0.0", {dep("b", "^1.0.0")});
    r.add("b", "1.0.0").add("b", "1.2.0");
    Tree t = build(r, {dep("a", "1"), dep("c", "1")});
    EXPECT_EQ(layout(t), (std::vector<std::string>{"node_modules/a@1.0.0", "node_modules/b@1.2.0",
                                                   "node_modules/c@1.0.0"}));
    auto c = t.resolve(0, "c");
    ASSERT_TRUE(c);
    EXPECT_EQ(t.nodes[*c].links.at(0).target, *t.resolve(0, "b"));
}

TEST(NpmTree, TheRootsOwnVersionStaysOnTop) {
    MemoryRegistry r;
    r.add("a", "1.0.0", {dep("b", "^1")});
    r.add("b", "1.0.0").add("b", "2.0.0");
    Tree t = build(r, {dep("a", "^1"), dep("b", "^2")});
    EXPECT_EQ(layout(t),
              (std::vector<std::string>{"node_modules/a/node_modules/b@1.0.0",
                                        "node_modules/a@1.0.0", "node_modules/b@2.0.0"}));
}

TEST(NpmTree, NeverShadowsWhatAPlacedPackageResolvesTo) {
    MemoryRegistry r;
    r.add("a", "1.0.0", {dep("m", "^1"), dep("n", "^1")});
    r.add("m", "1.0.0", {dep("x", "^1")}).add("m", "2.0.0");
    r.add("n", "1.0.0", {dep("x", "^2")}).add("n", "2.0.0");
    r.add("x", "1.0.0").add("x", "2.0.0");
    Tree t = build(r, {dep("a", "1"), dep("m", "2"), dep("n", "2"), dep("x", "1")});
    // x@2 cannot go to node_modules/a/node_modules/x: a's m@1 resolves x to the root's x@1.
    EXPECT_EQ(layout(t),
              (std::vector<std::string>{"node_modules/a/node_modules/m@1.0.0",
                                        "node_modules/a/node_modules/n/node_modules/x@2.0.0",
                                        "node_modules/a/node_modules/n@1.0.0",
                                        "node_modules/a@1.0.0", "node_modules/m@2.0.0",
                                        "node_modules/n@2.0.0", "node_modules/x@1.0.0"}));
}

TEST(NpmTree, PeersArePlacedBesideTheirDependent) {
    MemoryRegistry r;
    r.add("react-dom", "18.2.0",
          {Edge{"react", "react", "^18.2.0", EdgeType::peer, false},
           Edge{"scheduler", "scheduler", "^0.23", EdgeType::prod, false}});
    r.add("react", "18.2.0").add("react", "17.0.2").add("scheduler", "0.23.0");
    Tree t = build(r, {dep("react-dom", "^18")});
    EXPECT_EQ(layout(t), (std::vector<std::string>{"node_modules/react-dom@18.2.0",
                                                   "node_modules/react@18.2.0",
                                                   "node_modules/scheduler@0.23.0"}));
    EXPECT_TRUE(t.nodes[*t.resolve(0, "react")].peer);
}

// eslint needs ajv 6 at the top; schema-utils needs ajv 8 and ajv-keywords, whose peer is
// ajv 8: ajv-keywords must stay nested beside schema-utils' own ajv, not hoist to the top
// where its peer would resolve to ajv 6 (the large benchmark project hit this).
TEST(NpmTree, PackagesWithPeersStayWhereTheirPeersResolve) {
    MemoryRegistry r;
    r.add("eslint", "9.0.0", {dep("ajv", "^6.12.4")});
    r.add("ajv", "6.12.6").add("ajv", "8.17.1");
    r.add("ajv-keywords", "5.1.0", {dep("ajv", "^8.8.2", EdgeType::peer)});
    r.add("schema-utils", "4.3.0", {dep("ajv", "^8.9.0"), dep("ajv-keywords", "^5.1.0")});
    r.add("webpack", "5.0.0", {dep("schema-utils", "^4.3.0")});
    Tree t = build(r, {dep("eslint", "^9"), dep("webpack", "^5")});
    EXPECT_EQ(layout(t), (std::vector<std::string>{
                             "node_modules/ajv@6.12.6",
                             "node_modules/eslint@9.0.0",
                             "node_modules/schema-utils/node_modules/ajv-keywords@5.1.0",
                             "node_modules/schema-utils/node_modules/ajv@8.17.1",
                             "node_modules/schema-utils@4.3.0",
                             "node_modules/webpack@5.0.0",
                         }));
}

// A peer whose wrong version is further up (not beside its dependent) is nested beside it.
TEST(NpmTree, APeerShadowedFurtherUpIsPlacedBesideItsDependent) {
    MemoryRegistry r;
    r.add("host", "1.0.0").add("host", "2.0.0");
    r.add("plugin", "1.0.0", {dep("host", "^2", EdgeType::peer)});
    r.add("tool", "1.0.0", {dep("plugin", "^1")});
    r.add("wrapper", "1.0.0", {dep("tool", "^1")});
    // The root pins host 1 and tool is nested under wrapper (root has its own tool? no):
    // plugin hoists as far as its peer allows.
    Tree t = build(r, {dep("host", "^1"), dep("wrapper", "^1")});
    auto l = layout(t);
    EXPECT_NE(std::find(l.begin(), l.end(), "node_modules/host@1.0.0"), l.end());
    // Wherever plugin went, its peer resolves to host 2.
    for (std::size_t i = 1; i < t.nodes.size(); ++i)
        if (t.nodes[i].package == "plugin") {
            auto host = t.resolve(i, "host");
            ASSERT_TRUE(host);
            EXPECT_EQ(t.nodes[*host].version->to_string(), "2.0.0") << t.path(i);
        }
}

// npm-pick-manifest: a release whose engines.node excludes the running node is chosen only
// when no other satisfies (the large benchmark project's @testing-library/jest-dom 6.10.0
// needs node >=22; npm on node 20 installs 6.9.1).
TEST(NpmTree, ReleasesForAnotherNodeAreAvoided) {
    MemoryRegistry r;
    r.add("dom", "6.9.1").add("dom", "6.10.0");
    r.last("dom").engines_node = ">=22";
    r.add("dom", "7.0.1");
    r.last("dom").engines_node = ">=22";
    r.tag("dom", "latest", "7.0.1");
    TreeOptions options;
    options.node_version = *Version::parse("20.20.2");
    Tree t = build(r, {dep("dom", "^6.9.0")}, options);
    EXPECT_EQ(layout(t), (std::vector<std::string>{"node_modules/dom@6.9.1"}));
    options.node_version = *Version::parse("22.1.0");
    t = build(r, {dep("dom", "^6.9.0")}, options);
    EXPECT_EQ(layout(t), (std::vector<std::string>{"node_modules/dom@6.10.0"}));
    // Nothing else satisfies: the release is chosen anyway.
    options.node_version = *Version::parse("20.20.2");
    t = build(r, {dep("dom", "^7")}, options);
    EXPECT_EQ(layout(t), (std::vector<std::string>{"node_modules/dom@7.0.1"}));
}

// Nesting a peer beside its dependent must not change what a sibling resolves to.
TEST(NpmTree, ANestedPeerThatWouldShadowASiblingsVersionIsAConflict) {
    MemoryRegistry r;
    r.add("host", "1.0.0").add("host", "2.0.0");
    r.add("plugin", "1.0.0", {dep("host", "^2", EdgeType::peer)});
    r.add("old-user", "1.0.0", {dep("host", "^1")}).add("old-user", "2.0.0");
    r.add("group", "1.0.0", {dep("old-user", "^1"), dep("plugin", "^1")});
    // host 1 and old-user 2 at the top (the root's); under group: old-user 1 (host ^1,
    // resolving to the top) and plugin, whose peer host ^2 would have to go beside it,
    // under group, where old-user 1 would then find host 2.
    try {
        build(r, {dep("host", "^1"), dep("old-user", "^2"), dep("group", "^1")});
        FAIL() << "a peer nested over a sibling's dependency was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::no_solution);
        EXPECT_EQ(e.message(), "could not resolve the peer dependency host@\"^2\" of plugin@1.0.0");
    }
}

TEST(NpmTree, PeerConflictIsExplainedLikeEresolve) {
    MemoryRegistry r;
    r.add("react-dom", "18.2.0", {Edge{"react", "react", "^18.2.0", EdgeType::peer, false}});
    r.add("react", "18.2.0").add("react", "17.0.2");
    try {
        build(r, {dep("react", "^17"), dep("react-dom", "^18")});
        FAIL() << "a peer conflict must fail";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::no_solution);
        EXPECT_EQ(e.message(),
                  "could not resolve the peer dependency react@\"^18.2.0\" of react-dom@18.2.0");
        EXPECT_EQ(e.causes(), (std::vector<std::string>{
                                  "react-dom@18.2.0 (node_modules/react-dom) needs react ^18.2.0",
                                  "react@17.0.2 is installed at node_modules/react, required by "
                                  "the root project (\"^17\")"}));
    }
}

TEST(NpmTree, OptionalPeersAreNotInstalled) {
    MemoryRegistry r;
    r.add("plugin", "1.0.0", {Edge{"typescript", "typescript", "*", EdgeType::peer, true}});
    r.add("typescript", "5.0.0");
    Tree t = build(r, {dep("plugin", "1")});
    EXPECT_EQ(layout(t), (std::vector<std::string>{"node_modules/plugin@1.0.0"}));
}

TEST(NpmTree, OptionalDependenciesAreSkippedWithAReason) {
    MemoryRegistry r;
    r.add("fsevents", "2.3.3");
    r.last("fsevents").os = {"darwin"};
    Tree t = build(r, {dep("fsevents", "^2", EdgeType::optional),
                       dep("@biomejs/cli-linux-x64", "1.0.0", EdgeType::optional)});
    EXPECT_TRUE(layout(t).empty());
    ASSERT_EQ(t.skipped.size(), 2u);
    EXPECT_EQ(t.skipped[0].name, "@biomejs/cli-linux-x64");
    EXPECT_EQ(t.skipped[0].reason, "the registry has no package @biomejs/cli-linux-x64");
    EXPECT_EQ(t.skipped[1].reason,
              "fsevents@2.3.3 does not support this platform: os linux (it supports darwin)");
}

TEST(NpmTree, RequiredPackagesThatCannotBeFoundAreErrors) {
    MemoryRegistry r;
    r.add("a", "1.0.0", {dep("ghost", "^1")});
    r.add("b", "1.0.0").add("b", "1.2.0");
    try {
        build(r, {dep("b", "^2")});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::not_found);
        EXPECT_EQ(e.message(), "no version of b matches \"^2\"");
        EXPECT_EQ(e.causes().at(0), "the newest of its 2 versions is 1.2.0");
        EXPECT_EQ(e.context().at(0), "resolving b for the root project");
    }
    try {
        build(r, {dep("a", "^1")});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "the registry has no package ghost");
        EXPECT_EQ(e.context().at(0), "resolving ghost@\"^1\" for a@1.0.0 (node_modules/a)");
    }
}

TEST(NpmTree, PlatformMismatchOfARequiredPackage) {
    MemoryRegistry r;
    r.add("win-only", "1.0.0");
    r.last("win-only").os = {"win32"};
    try {
        build(r, {dep("win-only", "1")});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::unsupported);
        EXPECT_EQ(e.message(),
                  "win-only@1.0.0 does not support this platform: os linux (it supports win32)");
    }
}

TEST(NpmTree, DistTagsAndTheLatestPreference) {
    MemoryRegistry r;
    r.add("lib", "1.0.0").add("lib", "1.1.0").add("lib", "2.0.0-rc.1");
    r.tag("lib", "latest", "1.0.0");
    r.tag("lib", "next", "2.0.0-rc.1");
    EXPECT_EQ(layout(build(r, {dep("lib", "^1")})),
              (std::vector<std::string>{"node_modules/lib@1.0.0"}))
        << "npm prefers the latest tag when it satisfies";
    EXPECT_EQ(layout(build(r, {dep("lib", "next")})),
              (std::vector<std::string>{"node_modules/lib@2.0.0-rc.1"}));
    TreeOptions prefer;
    prefer.preferred.insert_or_assign("lib", *Version::parse("1.1.0"));
    EXPECT_EQ(layout(build(r, {dep("lib", "^1")}, prefer)),
              (std::vector<std::string>{"node_modules/lib@1.1.0"}))
        << "a locked version that still satisfies is kept";
}

TEST(NpmTree, AliasesInstallUnderTheirOwnName) {
    MemoryRegistry r;
    r.add("lodash", "3.10.1").add("lodash", "4.17.21");
    Tree t =
        build(r, {dep("lodash", "^4"), Edge{"lodash3", "lodash", "^3", EdgeType::prod, false}});
    EXPECT_EQ(layout(t), (std::vector<std::string>{"node_modules/lodash3@3.10.1",
                                                   "node_modules/lodash@4.17.21"}));
}

TEST(NpmTree, DevAndOptionalFlags) {
    MemoryRegistry r;
    r.add("jest", "29.0.0", {dep("shared", "^1"), dep("only-dev", "^1")});
    r.add("app-lib", "1.0.0", {dep("shared", "^1")});
    r.add("shared", "1.0.0").add("only-dev", "1.0.0");
    Tree t = build(r, {dep("jest", "^29", EdgeType::dev), dep("app-lib", "^1")});
    EXPECT_TRUE(t.nodes[*t.resolve(0, "jest")].dev);
    EXPECT_TRUE(t.nodes[*t.resolve(0, "only-dev")].dev);
    EXPECT_FALSE(t.nodes[*t.resolve(0, "shared")].dev);
    TreeOptions production;
    production.include_dev = false;
    EXPECT_EQ(
        layout(build(r, {dep("jest", "^29", EdgeType::dev), dep("app-lib", "^1")}, production)),
        (std::vector<std::string>{"node_modules/app-lib@1.0.0", "node_modules/shared@1.0.0"}));
}

TEST(NpmTree, EveryNameIsPrefetchedOnceBeforeItIsNeeded) {
    MemoryRegistry r;
    r.add("a", "1.0.0", {dep("b", "^1"), dep("c", "^1")});
    r.add("b", "1.0.0", {dep("c", "^1")}).add("c", "1.0.0");
    build(r, {dep("a", "1")});
    EXPECT_EQ(r.prefetched, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(NpmTree, OptionalPeersAreNotPrefetchedUnlessSomethingElseNeedsThem) {
    MemoryRegistry r;
    Edge optional_peer = dep("canvas", "^2", EdgeType::peer);
    optional_peer.peer_optional = true;
    Edge lazy_peer = dep("later", "^1", EdgeType::peer);
    lazy_peer.peer_optional = true;
    r.add("a", "1.0.0", {optional_peer, lazy_peer, dep("b", "^1")});
    r.add("b", "1.0.0", {dep("later", "^1")}).add("later", "1.0.0").add("canvas", "2.0.0");
    Tree t = build(r, {dep("a", "^1")});
    EXPECT_EQ(r.prefetched, (std::vector<std::string>{"a", "b", "later"}));
    EXPECT_FALSE(t.resolve(0, "canvas"));
    EXPECT_TRUE(t.resolve(0, "later"));
}

TEST(PlatformAllows, Negations) {
    EXPECT_TRUE(platform_allows({}, "linux"));
    EXPECT_TRUE(platform_allows({"linux", "darwin"}, "linux"));
    EXPECT_FALSE(platform_allows({"darwin"}, "linux"));
    EXPECT_FALSE(platform_allows({"!linux"}, "linux"));
    EXPECT_TRUE(platform_allows({"!win32"}, "linux"));
}

// A package's releases its provider lists in version order are searched from the top (and
// bisected), others scanned whole: both choose the same release, deprecated and engines.node
// included, and of two releases that differ only in build metadata the one listed first.
TEST(NpmTree, ReleasesInVersionOrderArePickedAsInAnyOrder) {
    std::mt19937 random(2026);
    const std::vector<std::string> specs = {"^1",         "~1.2",        "*",     ">=1.2.0 <3",
                                            "1.x || 2.x", "^2.1.0-rc.0", "<=1.3", ">0.5.0",
                                            "latest",     "2.0.0",       "^0.9"};
    int unordered_lists = 0;
    for (int round = 0; round < 400; ++round) {
        std::vector<NpmRelease> releases;
        for (int n = 1 + static_cast<int>(random() % 24); n > 0; --n) {
            std::string text = fmt::format("{}.{}.{}", random() % 3, random() % 4, random() % 3);
            if (random() % 6 == 0)
                text += fmt::format("-rc.{}", random() % 2);
            if (random() % 8 == 0)
                text += fmt::format("+b{}", random() % 2);
            NpmRelease r{{*Version::parse(text)}, {}, {}, {}, {}};
            r.deprecated = random() % 4 == 0;
            if (random() % 4 == 0)
                r.engines_node = random() % 2 ? ">=22" : ">=18";
            // One release of each version exactly (as a registry's document has).
            if (std::none_of(releases.begin(), releases.end(),
                             [&](const NpmRelease& o) { return o.version.identical(r.version); }))
                releases.push_back(std::move(r));
        }
        std::vector<NpmRelease> ordered = releases;
        std::stable_sort(
            ordered.begin(), ordered.end(),
            [](const NpmRelease& a, const NpmRelease& b) { return a.version < b.version; });
        std::shuffle(releases.begin(), releases.end(), random);
        bool shuffled_in_order = std::is_sorted(
            releases.begin(), releases.end(),
            [](const NpmRelease& a, const NpmRelease& b) { return a.version < b.version; });
        unordered_lists += shuffled_in_order ? 0 : 1;
        // The unordered list scanned whole decides among releases of equal precedence by
        // position: the ordered one is given them in that same relative order.
        std::stable_sort(
            ordered.begin(), ordered.end(), [&](const NpmRelease& a, const NpmRelease& b) {
                if (a.version < b.version || b.version < a.version)
                    return a.version < b.version;
                auto at = [&](const NpmRelease& x) {
                    return std::find_if(releases.begin(), releases.end(), [&](const NpmRelease& o) {
                        return o.version.identical(x.version);
                    });
                };
                return at(a) < at(b);
            });
        std::string latest = ordered[random() % ordered.size()].version.to_string();
        const std::string& spec = specs[random() % specs.size()];
        TreeOptions options;
        if (random() % 2)
            options.node_version = *Version::parse("20.1.0");
        auto layout_from = [&](const std::vector<NpmRelease>& list, bool in_order) {
            MemoryRegistry r;
            r.in_version_order = in_order;
            for (const NpmRelease& release : list) {
                r.add("p", release.version.to_string());
                r.last("p").deprecated = release.deprecated;
                r.last("p").engines_node = release.engines_node;
            }
            r.tag("p", "latest", latest);
            try {
                return layout(build(r, {dep("p", spec)}, options));
            } catch (const Error&) {
                return std::vector<std::string>{"(none)"};
            }
        };
        EXPECT_EQ(layout_from(ordered, true), layout_from(releases, false))
            << "round " << round << ", spec " << spec << ", latest " << latest;
    }
    EXPECT_GT(unordered_lists, 300); // against lists out of order, mostly
}

} // namespace
} // namespace cairn::resolve::npm
