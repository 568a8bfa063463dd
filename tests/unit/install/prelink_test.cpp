// Packages linked ahead into staged folders, then taken where the plan puts them
// (cairn/install/prelink.hpp).
#include "install_fixture.hpp"

#include "cairn/install/prelink.hpp"

#include <unistd.h>

namespace cairn::test {
namespace {

class PrelinkTest : public InstallTest {
protected:
    InstallReport install_with(const InstallPlan& plan, Prelinker* prelinker) {
        InstallOptions options;
        options.jobs = 2;
        options.prelinker = prelinker;
        return materialize(plan, options);
    }

    // Whether the file is the store's inode (a hard link), not a copy.
    static bool same_inode(const fs::path& a, const fs::path& b) {
        return stat_of(a).st_ino == stat_of(b).st_ino;
    }
};

TEST_F(PrelinkTest, StagedTreesAreTakenWhereThePlanPutsThem) {
    fs::path a = make_tree({"a", "1.0.0", "", {}, {}});
    fs::path b1 = make_tree({"b", "1.0.0", "", {}, {}});
    fs::path b2 = make_tree({"b", "2.0.0", "", {}, {}});
    fs::path c = make_tree({"@s/c",
                            "1.0.0",
                            R"("bin": {"c": "cli.js"})",
                            {{"cli.js", "#!/usr/bin/env node\n"}, {"lib/deep/x.js", "x"}},
                            {}});
    fs::path d = make_tree({"d", "1.0.0", "", {}, {}});
    fs::path unused = make_tree({"x", "1.0.0", "", {}, {}});
    auto prelinker = Prelinker::for_new_node_modules(project, 2);
    ASSERT_TRUE(prelinker);
    for (const auto& tree : {a, b1, b2, c, d, unused, d})
        prelinker->add(tree);
    auto plan = plan_of(
        {package("node_modules/a", "a", "1.0.0", a, {{"b", "node_modules/a/node_modules/b"}}),
         package("node_modules/a/node_modules/b", "b", "2.0.0", b2),
         package("node_modules/a/node_modules/d", "d", "1.0.0", d),
         package("node_modules/b", "b", "1.0.0", b1),
         package("node_modules/@s/c", "@s/c", "1.0.0", c),
         package("node_modules/d", "d", "1.0.0", d)},
        {{"a", "node_modules/a"},
         {"b", "node_modules/b"},
         {"@s/c", "node_modules/@s/c"},
         {"d", "node_modules/d"}});
    auto report = install_with(plan, prelinker.get());
    // Taken: a, then the packages nested in it, b@1, @s/c, and d at one of its two places
    // (its second copy is linked in place).
    EXPECT_EQ(report.prelinked, 5u);
    EXPECT_EQ(report.added, 6u);
    // x's staged folder and d's second one went with the placing, before the state was
    // written.
    EXPECT_EQ(listing(project / "node_modules"),
              (std::vector<std::string>{".bin",
                                        ".bin/c",
                                        ".cairn",
                                        ".cairn/state.json",
                                        "@s",
                                        "@s/c",
                                        "@s/c/cli.js",
                                        "@s/c/index.js",
                                        "@s/c/lib",
                                        "@s/c/lib/deep",
                                        "@s/c/lib/deep/x.js",
                                        "@s/c/package.json",
                                        "a",
                                        "a/index.js",
                                        "a/node_modules",
                                        "a/node_modules/b",
                                        "a/node_modules/b/index.js",
                                        "a/node_modules/b/package.json",
                                        "a/node_modules/d",
                                        "a/node_modules/d/index.js",
                                        "a/node_modules/d/package.json",
                                        "a/package.json",
                                        "b",
                                        "b/index.js",
                                        "b/package.json",
                                        "d",
                                        "d/index.js",
                                        "d/package.json"}));
    EXPECT_TRUE(same_inode(project / "node_modules/@s/c/lib/deep/x.js", c / "lib/deep/x.js"));
    EXPECT_TRUE(same_inode(project / "node_modules/b/index.js", b1 / "index.js"));
    // The bin of a taken package is linked and made executable (a copy: the store's file
    // keeps its mode).
    EXPECT_EQ(fs::read_symlink(project / "node_modules/.bin/c"), "../@s/c/cli.js");
    EXPECT_EQ(::access((project / "node_modules/@s/c/cli.js").c_str(), X_OK), 0);
    EXPECT_EQ(stat_of(c / "cli.js").st_mode & 0777, 0644u);
    CAIRN_NEED_NODE();
    EXPECT_EQ(node_eval("require('a').dep + ' ' + require('b').version"), "2.0.0 1.0.0");
}

// A package bundling a package that the plan nests in it is linked in place, without the
// bundled copy; its staged folder (which holds that copy) is not used.
TEST_F(PrelinkTest, APackageBundlingWhatThePlanNestsIsLinkedInPlace) {
    fs::path a = make_tree({"a",
                            "1.0.0",
                            "",
                            {{"node_modules/b/package.json", R"({"name":"b","version":"0.1.0"})"},
                             {"node_modules/b/index.js", "module.exports = 'bundled';"},
                             {"node_modules/b/bundled-only.js", "module.exports = 1;"},
                             {"node_modules/e/index.js", "module.exports = 'kept';"}},
                            {}});
    fs::path b = make_tree({"b", "2.0.0", "", {}, {}});
    auto prelinker = Prelinker::for_new_node_modules(project, 2);
    ASSERT_TRUE(prelinker);
    prelinker->add(a);
    prelinker->add(b);
    auto plan = plan_of(
        {package("node_modules/a", "a", "1.0.0", a, {{"b", "node_modules/a/node_modules/b"}}),
         package("node_modules/a/node_modules/b", "b", "2.0.0", b)},
        {{"a", "node_modules/a"}});
    auto report = install_with(plan, prelinker.get());
    EXPECT_EQ(report.prelinked, 1u); // b
    EXPECT_EQ(report.added, 2u);
    EXPECT_TRUE(same_inode(project / "node_modules/a/node_modules/b/index.js", b / "index.js"));
    // Nothing of the bundled copy is mixed into the planned one.
    EXPECT_FALSE(fs::exists(project / "node_modules/a/node_modules/b/bundled-only.js"));
    EXPECT_TRUE(fs::exists(project / "node_modules/a/node_modules/e/index.js"));
    EXPECT_TRUE(same_inode(project / "node_modules/a/index.js", a / "index.js"));
    for (const auto& entry : fs::directory_iterator(project / "node_modules/.cairn")) {
        if (entry.is_directory()) {
            EXPECT_TRUE(fs::is_empty(entry.path())) << entry.path();
        }
    }
}

TEST_F(PrelinkTest, TheIsolatedLayoutTakesThemToo) {
    fs::path a = make_tree({"a", "1.0.0", "", {}, {}});
    fs::path b = make_tree({"b", "1.0.0", "", {}, {}});
    auto prelinker = Prelinker::for_new_node_modules(project, 2);
    ASSERT_TRUE(prelinker);
    prelinker->add(a);
    prelinker->add(b);
    auto plan = plan_of({package("node_modules/a", "a", "1.0.0", a, {{"b", "node_modules/b"}}),
                         package("node_modules/b", "b", "1.0.0", b)},
                        {{"a", "node_modules/a"}}, Layout::isolated);
    auto report = install_with(plan, prelinker.get());
    EXPECT_EQ(report.prelinked, 2u);
    EXPECT_TRUE(same_inode(project / "node_modules/.cairn/a@1.0.0/node_modules/a/index.js",
                           a / "index.js"));
    EXPECT_TRUE(fs::is_symlink(project / "node_modules/.cairn/a@1.0.0/node_modules/b"));
    CAIRN_NEED_NODE();
    EXPECT_EQ(node_eval("require('a').dep"), "1.0.0");
}

TEST_F(PrelinkTest, APackageWhoseScriptsRunIsCopiedNotTaken) {
    fs::path a = make_tree({"a", "1.0.0", "", {}, {}});
    auto prelinker = Prelinker::for_new_node_modules(project, 2);
    ASSERT_TRUE(prelinker);
    prelinker->add(a);
    auto planned = package("node_modules/a", "a", "1.0.0", a);
    planned.run_scripts = true;
    auto report = install_with(plan_of({planned}, {{"a", "node_modules/a"}}), prelinker.get());
    EXPECT_EQ(report.prelinked, 0u);
    EXPECT_FALSE(same_inode(project / "node_modules/a/index.js", a / "index.js"));
    EXPECT_EQ(listing(project / "node_modules"),
              (std::vector<std::string>{".cairn", ".cairn/state.json", "a", "a/index.js",
                                        "a/package.json"}));
}

TEST_F(PrelinkTest, ARunThatInstallsNothingLeavesNoNodeModules) {
    fs::path a = make_tree({"a", "1.0.0", "", {}, {}});
    {
        auto prelinker = Prelinker::for_new_node_modules(project, 2);
        ASSERT_TRUE(prelinker);
        EXPECT_TRUE(fs::is_directory(project / "node_modules/.cairn"));
        prelinker->add(a);
        prelinker->add(project / "no-such-tree"); // not staged, and no error
    }                                             // the resolution failed, say
    EXPECT_FALSE(exists_no_follow(project / "node_modules"));
    EXPECT_TRUE(fs::exists(a / "index.js"));
}

TEST_F(PrelinkTest, OnlyANewNodeModulesIsStagedInto) {
    fs::create_directories(project / "node_modules");
    EXPECT_FALSE(Prelinker::for_new_node_modules(project));
    fs::remove(project / "node_modules");
    fs::create_directories(tmp / "elsewhere");
    fs::create_directory_symlink(tmp / "elsewhere", project / "node_modules");
    EXPECT_FALSE(Prelinker::for_new_node_modules(project));
    EXPECT_TRUE(fs::is_empty(tmp / "elsewhere"));
    EXPECT_FALSE(Prelinker::for_new_node_modules(tmp / "no-such-project"));
}

TEST_F(PrelinkTest, TreesAddedFromManyThreadsAreStagedOnce) {
    std::vector<fs::path> trees;
    std::vector<PlannedPackage> packages;
    std::map<std::string, std::string> roots;
    for (int i = 0; i < 40; ++i) {
        std::string name = "p" + std::to_string(i);
        trees.push_back(
            make_tree({name, "1.0.0", "", {{"lib/a.js", "a"}, {"lib/b/c.js", "c"}}, {}}));
        packages.push_back(package("node_modules/" + name, name, "1.0.0", trees.back()));
        roots.emplace(name, "node_modules/" + name);
    }
    auto prelinker = Prelinker::for_new_node_modules(project, 3);
    ASSERT_TRUE(prelinker);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (const auto& tree : trees)
                prelinker->add(tree);
        });
    for (auto& thread : threads)
        thread.join();
    auto report = install_with(plan_of(packages, roots), prelinker.get());
    EXPECT_EQ(report.prelinked, 40u);
    EXPECT_EQ(report.files_linked, 40u * 4);
    prelinker.reset();
    for (int i = 0; i < 40; ++i)
        EXPECT_EQ(read_text(project / "node_modules" / ("p" + std::to_string(i)) / "lib/b/c.js"),
                  "c");
    listing(project / "node_modules"); // asserts the buckets are empty
    prelinker.reset();
    listing(project / "node_modules");
}

// materialize() takes a staged folder as soon as its tree is staged, not once every tree
// is: a large tree added right before the placing is still being linked when asked for.
TEST_F(PrelinkTest, ATreeStillBeingStagedIsTakenOnceComplete) {
    std::map<std::string, std::string> files;
    for (int i = 0; i < 600; ++i)
        files["lib/d" + std::to_string(i % 30) + "/f" + std::to_string(i) + ".js"] = "x";
    fs::path big = make_tree({"big", "1.0.0", "", files, {}});
    fs::path small = make_tree({"small", "1.0.0", "", {}, {}});
    auto prelinker = Prelinker::for_new_node_modules(project, 2);
    ASSERT_TRUE(prelinker);
    prelinker->add(big);
    prelinker->add(small);
    auto report =
        install_with(plan_of({package("node_modules/big", "big", "1.0.0", big),
                              package("node_modules/small", "small", "1.0.0", small)},
                             {{"big", "node_modules/big"}, {"small", "node_modules/small"}}),
                     prelinker.get());
    EXPECT_EQ(report.prelinked, 2u);
    EXPECT_EQ(report.files_linked, 602u + 2u);
    for (int i = 0; i < 600; i += 37) {
        std::string rel = "lib/d" + std::to_string(i % 30) + "/f" + std::to_string(i) + ".js";
        EXPECT_TRUE(same_inode(project / "node_modules/big" / rel, big / rel)) << rel;
    }
    // Added after the placing began: ignored (materialize() links what it plans itself).
    prelinker->add(make_tree({"late", "1.0.0", "", {}, {}}));
    prelinker.reset();
    listing(project / "node_modules"); // asserts the buckets are empty
}

} // namespace
} // namespace cairn::test
