#include "install_fixture.hpp"

#include "cairn/core/folder_hint.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <unistd.h>

#include <optional>

namespace cairn::test {
namespace {

// root -> a@1, b@1; a@1 -> b@2 (nested under a); c@1 (scoped @s/c) -> b@1 (hoisted).
struct Tree {
    InstallPlan plan;
    fs::path a, b1, b2, c;
};

class LayoutTest : public InstallTest {
protected:
    Tree tree(Layout layout) {
        Tree t;
        t.a = make_tree({"a", "1.0.0", "", {}, {}});
        t.b1 = make_tree({"b", "1.0.0", "", {}, {}});
        t.b2 = make_tree({"b", "2.0.0", "", {{"lib/deep/x.js", "module.exports = 'x';\n"}}, {}});
        t.c = make_tree({"@s/c", "1.0.0", "", {{"link-to-index.js", ""}}, {}});
        fs::remove(t.c / "link-to-index.js");
        fs::create_symlink("index.js", t.c / "link-to-index.js");
        t.plan = plan_of(
            {package("node_modules/a", "a", "1.0.0", t.a, {{"b", "node_modules/a/node_modules/b"}}),
             package("node_modules/a/node_modules/b", "b", "2.0.0", t.b2),
             package("node_modules/b", "b", "1.0.0", t.b1),
             package("node_modules/@s/c", "@s/c", "1.0.0", t.c, {{"b", "node_modules/b"}})},
            {{"a", "node_modules/a"}, {"b", "node_modules/b"}, {"@s/c", "node_modules/@s/c"}},
            layout);
        return t;
    }
};

TEST_F(LayoutTest, HoistedPlacesTopLevelAndNestedPackagesAsHardLinks) {
    auto t = tree(Layout::hoisted);
    auto report = install(t.plan);
    EXPECT_EQ(report.added, 4u);
    EXPECT_EQ(report.unchanged, 0u);
    EXPECT_EQ(report.removed, 0u);
    // 2 files each, + b@2's lib/deep/x.js; the link is recreated, not counted.
    EXPECT_EQ(report.files_linked, 9u);
    EXPECT_EQ(report.files_copied, 0u);
    auto nm = project / "node_modules";
    EXPECT_EQ(stat_of(nm / "a/index.js").st_ino, stat_of(t.a / "index.js").st_ino);
    EXPECT_EQ(stat_of(nm / "a/node_modules/b/lib/deep/x.js").st_ino,
              stat_of(t.b2 / "lib/deep/x.js").st_ino);
    EXPECT_EQ(stat_of(nm / "b/package.json").st_ino, stat_of(t.b1 / "package.json").st_ino);
    EXPECT_EQ(fs::read_symlink(nm / "@s/c/link-to-index.js"), "index.js");
    EXPECT_TRUE(fs::exists(nm / ".cairn/state.json"));
    // The store's files keep their mode.
    EXPECT_EQ(stat_of(t.a / "index.js").st_mode & 07777, 0644u);
    // Where the filesystem keeps inode flags, node_modules and .cairn are marked as tops of
    // unrelated hierarchies (core/folder_hint.hpp); the project folder itself is not.
    // Whether this filesystem takes the flag at all: a folder beside the project, marked.
    fs::create_directory(tmp / "probe");
    int probe = ::open((tmp / "probe").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(probe, 0);
    bool supported = folder_hint::mark_top_of_hierarchies(probe);
    ::close(probe);
    if (auto project_flags = inode_flags(project); project_flags && supported) {
        EXPECT_FALSE(*project_flags & FS_TOPDIR_FL);
        EXPECT_TRUE(*inode_flags(nm) & FS_TOPDIR_FL);
        EXPECT_TRUE(*inode_flags(nm / ".cairn") & FS_TOPDIR_FL);
        EXPECT_FALSE(*inode_flags(nm / "a") & FS_TOPDIR_FL);
    }
}

TEST_F(LayoutTest, HoistedNodeResolvesNestedAndHoistedVersions) {
    CAIRN_NEED_NODE();
    auto t = tree(Layout::hoisted);
    install(t.plan);
    EXPECT_EQ(node_eval("require('a').dep"), "2.0.0");
    EXPECT_EQ(node_eval("require('@s/c').dep"), "1.0.0");
    EXPECT_EQ(node_eval("require('b').version"), "1.0.0");
}

TEST_F(LayoutTest, IsolatedLinksDependenciesBesideEachPackage) {
    auto t = tree(Layout::isolated);
    auto report = install(t.plan);
    EXPECT_EQ(report.added, 4u);
    auto nm = project / "node_modules";
    auto store_dir = nm / ".cairn";
    EXPECT_TRUE(fs::is_directory(store_dir / "a@1.0.0/node_modules/a"));
    EXPECT_EQ(stat_of(store_dir / "a@1.0.0/node_modules/a/index.js").st_ino,
              stat_of(t.a / "index.js").st_ino);
    EXPECT_TRUE(fs::is_directory(store_dir / "@s+c@1.0.0/node_modules/@s/c"));
    // Dependencies: relative links beside the package.
    EXPECT_EQ(fs::read_symlink(store_dir / "a@1.0.0/node_modules/b"),
              "../../b@2.0.0/node_modules/b");
    EXPECT_EQ(fs::read_symlink(store_dir / "@s+c@1.0.0/node_modules/b"),
              "../../b@1.0.0/node_modules/b");
    // The root's direct dependencies.
    EXPECT_EQ(fs::read_symlink(nm / "a"), ".cairn/a@1.0.0/node_modules/a");
    EXPECT_EQ(fs::read_symlink(nm / "@s/c"), "../.cairn/@s+c@1.0.0/node_modules/@s/c");
    EXPECT_EQ(fs::read_symlink(nm / "b"), ".cairn/b@1.0.0/node_modules/b");
    // Nothing else at the top.
    std::vector<std::string> top;
    for (const auto& entry : fs::directory_iterator(nm))
        top.push_back(entry.path().filename().string());
    std::sort(top.begin(), top.end());
    EXPECT_EQ(top, (std::vector<std::string>{".cairn", "@s", "a", "b"}));
}

TEST_F(LayoutTest, IsolatedNodeResolvesThroughTheLinks) {
    CAIRN_NEED_NODE();
    auto t = tree(Layout::isolated);
    install(t.plan);
    EXPECT_EQ(node_eval("require('a').dep"), "2.0.0");
    EXPECT_EQ(node_eval("require('@s/c').dep"), "1.0.0");
    EXPECT_EQ(node_eval("require('b').version"), "1.0.0");
}

TEST_F(LayoutTest, IsolatedKeepsApartOneVersionWithDifferentDependencies) {
    // x@1 appears twice: once resolving b to 1.0.0, once to 2.0.0.
    auto x = make_tree({"x", "1.0.0", "", {}, {}});
    auto b1 = make_tree({"b", "1.0.0", "", {}, {}});
    auto b2 = make_tree({"b", "2.0.0", "", {}, {}});
    auto p = make_tree({"p", "1.0.0", "", {}, {}});
    auto plan = plan_of(
        {package("node_modules/x", "x", "1.0.0", x, {{"b", "node_modules/b"}}),
         package("node_modules/b", "b", "1.0.0", b1),
         package("node_modules/p", "p", "1.0.0", p, {{"x", "node_modules/p/node_modules/x"}}),
         package("node_modules/p/node_modules/x", "x", "1.0.0", x,
                 {{"b", "node_modules/p/node_modules/b"}}),
         package("node_modules/p/node_modules/b", "b", "2.0.0", b2)},
        {{"x", "node_modules/x"}, {"p", "node_modules/p"}}, Layout::isolated);
    auto report = install(plan);
    EXPECT_EQ(report.added, 5u);
    std::vector<std::string> keys;
    for (const auto& entry : fs::directory_iterator(project / "node_modules/.cairn"))
        if (entry.path().filename().string().starts_with("x@"))
            keys.push_back(entry.path().filename().string());
    ASSERT_EQ(keys.size(), 2u);
    for (const auto& key : keys)
        EXPECT_TRUE(key.starts_with("x@1.0.0_")) << key;
    if (have_program("node")) {
        EXPECT_EQ(node_eval("require('x').dep"), "1.0.0");
        EXPECT_EQ(node_eval("require(require.resolve('x', {paths: [require.resolve('p')]})).dep"),
                  "2.0.0");
    }
}

TEST_F(LayoutTest, LinkedFolderBecomesASymbolicLink) {
    fs::path local = tmp / "local-lib";
    write_file(local / "package.json", R"({"name": "local-lib", "version": "0.0.1"})");
    write_file(local / "index.js", "exports.local = true;\n");
    auto a = make_tree({"a", "1.0.0", "", {}, {}});
    for (Layout layout : {Layout::hoisted, Layout::isolated}) {
        PlannedPackage linked;
        linked.path = "node_modules/local-lib";
        linked.name = "local-lib";
        linked.package = "local-lib";
        linked.version = "0.0.1";
        linked.link_target = fs::path("../local-lib");
        auto plan =
            plan_of({linked, package("node_modules/a", "a", "1.0.0", a,
                                     {{"local-lib", "node_modules/local-lib"}})},
                    {{"local-lib", "node_modules/local-lib"}, {"a", "node_modules/a"}}, layout);
        install(plan);
        EXPECT_EQ(fs::read_symlink(project / "node_modules/local-lib"), "../../local-lib")
            << layout_name(layout);
        if (have_program("node")) {
            EXPECT_EQ(node_eval("require('local-lib').local"), "true");
        }
        EXPECT_TRUE(fs::exists(local / "index.js"));
    }
}

TEST_F(LayoutTest, SwitchingLayoutReinstallsCleanly) {
    auto hoisted = tree(Layout::hoisted);
    install(hoisted.plan);
    auto isolated = hoisted.plan;
    isolated.layout = Layout::isolated;
    auto report = install(isolated);
    EXPECT_EQ(report.added, 4u);
    EXPECT_EQ(report.removed, 4u);
    EXPECT_TRUE(fs::is_symlink(project / "node_modules/a"));
    EXPECT_FALSE(fs::exists(project / "node_modules/a/node_modules"));
    if (have_program("node")) {
        EXPECT_EQ(node_eval("require('a').dep"), "2.0.0");
    }

    report = install(hoisted.plan);
    EXPECT_EQ(report.added, 4u);
    EXPECT_EQ(report.removed, 4u);
    EXPECT_FALSE(fs::is_symlink(project / "node_modules/a"));
    EXPECT_EQ(listing(project / "node_modules/.cairn"), std::vector<std::string>{"state.json"});
    EXPECT_EQ(listing(project / "node_modules"),
              (std::vector<std::string>{".cairn",
                                        ".cairn/state.json",
                                        "@s",
                                        "@s/c",
                                        "@s/c/index.js",
                                        "@s/c/link-to-index.js",
                                        "@s/c/package.json",
                                        "a",
                                        "a/index.js",
                                        "a/node_modules",
                                        "a/node_modules/b",
                                        "a/node_modules/b/index.js",
                                        "a/node_modules/b/lib",
                                        "a/node_modules/b/lib/deep",
                                        "a/node_modules/b/lib/deep/x.js",
                                        "a/node_modules/b/package.json",
                                        "a/package.json",
                                        "b",
                                        "b/index.js",
                                        "b/package.json"}));
    if (have_program("node")) {
        EXPECT_EQ(node_eval("require('a').dep"), "2.0.0");
    }
}

} // namespace
} // namespace cairn::test
