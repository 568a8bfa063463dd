// The lockfile of a resolved tree (ops/npm_graph.cpp): what its portable index asks of the
// release records for each package.
#include "npm_project.hpp"

#include "cairn/format/npm/manifest.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace cairn::ops::detail {
namespace {

using resolve::npm::Link;
using resolve::npm::Tree;
using resolve::npm::TreeNode;

// Records that know every release asked about and note what the index asks for.
class NotingRecords : public ReleaseRecords {
public:
    std::optional<NpmDescribedRelease> describe(std::string_view package,
                                                const version::Version& version) override {
        NpmDescribedRelease described;
        described.record.version = version.to_string();
        described.source.integrity = "sha512-" + std::string(86, 'A') + "==";
        described.source.tarball_url = "http://127.0.0.1:9/" + std::string(package) + ".tgz";
        described.source.authority = "npm";
        described.source.registry = "default";
        return described;
    }
    std::vector<protocol::npm::PackumentRelease>
    all(std::string_view, const std::function<bool(const version::Version&)>&, bool) override {
        return {};
    }
    std::optional<std::string> index_entry(std::string_view package,
                                           const std::function<bool(const version::Version&)>&,
                                           const std::map<std::string, std::string>&,
                                           bool prereleases) override {
        asked[std::string(package)] = prereleases;
        return "";
    }
    std::map<std::string, std::string> tags(std::string_view package) override {
        if (package == "e")
            return {{"latest", "2.0.0-beta.1"}};
        return {{"latest", "1.0.0"}};
    }
    void forget(std::string_view) override {}

    std::map<std::string, bool> asked; // package -> whether prereleases were offered
};

// The index offers a package's prereleases exactly when one of the specs it was asked for
// may take one: a range naming a prerelease, a tag pointing at one. A `^` range's upper
// bound (<2.0.0-0) takes none.
TEST(LockFromTree, TheIndexOffersPrereleasesOnlyToSpecsThatTakeThem) {
    Tree tree;
    tree.nodes.push_back(TreeNode{});
    auto add = [&](std::string package, std::string version, std::string spec) {
        TreeNode node;
        node.name = node.package = package;
        node.version = version::Version::parse_or_throw(version);
        tree.nodes.push_back(node);
        tree.nodes[0].children[package] = tree.nodes.size() - 1;
        tree.nodes[0].links.push_back(
            Link{package, spec, resolve::npm::EdgeType::prod, tree.nodes.size() - 1});
    };
    add("c", "1.0.0-beta.2", "^1.0.0-beta.1");
    add("d", "2.0.0", "^2.0.0");
    add("e", "2.0.0-beta.1", "latest");
    add("f", "1.0.0", "1.x || >=3.0.0-rc.1 <3.0.0");
    auto manifest = format::npm::read_manifest(
        R"({"name":"app","version":"1.0.0","dependencies":{"c":"^1.0.0-beta.1","d":"^2.0.0",
            "e":"latest","f":"1.x || >=3.0.0-rc.1 <3.0.0"}})",
        "package.json");
    NotingRecords records;
    lock_from_tree(tree, manifest, records);
    EXPECT_EQ(records.asked,
              (std::map<std::string, bool>{{"c", true}, {"d", false}, {"e", true}, {"f", true}}));
}

} // namespace
} // namespace cairn::ops::detail
