#include "install_fixture.hpp"

namespace cairn::test {
namespace {

class IncrementalTest : public InstallTest {
protected:
    fs::path a, b1, b2;
    InstallPlan plan(Layout layout) {
        return plan_of(
            {package("node_modules/a", "a", "1.0.0", a, {{"b", "node_modules/a/node_modules/b"}}),
             package("node_modules/a/node_modules/b", "b", "2.0.0", b2),
             package("node_modules/b", "b", "1.0.0", b1)},
            {{"a", "node_modules/a"}, {"b", "node_modules/b"}}, layout);
    }
    void SetUp() override {
        InstallTest::SetUp();
        a = make_tree({"a", "1.0.0", "", {}, {}});
        b1 = make_tree({"b", "1.0.0", "", {}, {}});
        b2 = make_tree({"b", "2.0.0", "", {}, {}});
    }
};

TEST_F(IncrementalTest, SamePlanAgainChangesNothing) {
    for (Layout layout : {Layout::hoisted, Layout::isolated}) {
        SCOPED_TRACE(std::string(layout_name(layout)));
        auto p = plan(layout);
        install(p);
        auto state_before = stat_of(project / "node_modules/.cairn/state.json");
        auto listing_before = listing(project / "node_modules");
        fs::path file = layout == Layout::hoisted
                            ? project / "node_modules/a/node_modules/b/index.js"
                            : project / "node_modules/.cairn/b@2.0.0/node_modules/b/index.js";
        auto file_before = stat_of(file);
        auto report = install(p);
        EXPECT_EQ(report.added, 0u);
        EXPECT_EQ(report.replaced, 0u);
        EXPECT_EQ(report.removed, 0u);
        EXPECT_EQ(report.unchanged, 3u);
        EXPECT_EQ(report.files_linked + report.files_copied, 0u);
        EXPECT_TRUE(report.warnings.empty());
        auto state_after = stat_of(project / "node_modules/.cairn/state.json");
        EXPECT_EQ(state_after.st_ino, state_before.st_ino); // not rewritten
        EXPECT_EQ(stat_of(file).st_ino, file_before.st_ino);
        EXPECT_EQ(listing(project / "node_modules"), listing_before);
    }
}

TEST_F(IncrementalTest, ChangedIntegrityIsReplacedAndItsNestedPackagesKept) {
    auto p = plan(Layout::hoisted);
    install(p);
    auto nested_before = stat_of(project / "node_modules/a/node_modules/b/index.js");
    // a is republished with other content under the same version (other integrity).
    auto a2 = make_tree({"a", "1.0.0", "", {{"index.js", "exports.version = 'patched';\n"}}, {}});
    p.packages[0].source = a2;
    p.packages[0].integrity = "sha512-other";
    auto report = install(p);
    EXPECT_EQ(report.replaced, 1u);
    EXPECT_EQ(report.unchanged, 2u);
    EXPECT_EQ(read_text(project / "node_modules/a/index.js"), "exports.version = 'patched';\n");
    EXPECT_EQ(stat_of(project / "node_modules/a/index.js").st_ino, stat_of(a2 / "index.js").st_ino);
    EXPECT_EQ(stat_of(project / "node_modules/a/node_modules/b/index.js").st_ino,
              nested_before.st_ino);
    // The old tree's files are gone from the folder, the old store tree is untouched.
    EXPECT_EQ(read_text(a / "index.js").find("patched"), std::string::npos);
}

TEST_F(IncrementalTest, IsolatedChangedDependencyIsRelinked) {
    auto p = plan(Layout::isolated);
    install(p);
    // a now resolves b to 1.0.0 and the nested b@2 is gone.
    p.packages[0].dependencies["b"] = "node_modules/b";
    p.packages.erase(p.packages.begin() + 1);
    auto report = install(p);
    EXPECT_EQ(report.removed, 1u);
    EXPECT_FALSE(fs::exists(project / "node_modules/.cairn/b@2.0.0"));
    EXPECT_EQ(fs::read_symlink(project / "node_modules/.cairn/a@1.0.0/node_modules/b"),
              "../../b@1.0.0/node_modules/b");
    if (have_program("node")) {
        EXPECT_EQ(node_eval("require('a').dep"), "1.0.0");
    }
}

TEST_F(IncrementalTest, PackagesNoLongerPlannedAndExtraneousFoldersAreRemoved) {
    auto p = plan(Layout::hoisted);
    install(p);
    write_file(project / "node_modules/junk/index.js", "x");
    write_file(project / "node_modules/@scope/junk/index.js", "x");
    write_file(project / "node_modules/a/node_modules/stray/index.js", "x");
    write_file(project / "node_modules/.keep-me/data", "tool cache");
    write_file(project / "node_modules/.package-lock.json", "{}");
    p.packages.erase(p.packages.begin() + 2); // b@1
    p.root_dependencies.erase("b");
    auto report = install(p);
    EXPECT_EQ(report.removed, 4u); // b, junk, @scope (with junk), stray
    EXPECT_FALSE(exists_no_follow(project / "node_modules/b"));
    EXPECT_FALSE(exists_no_follow(project / "node_modules/junk"));
    EXPECT_FALSE(exists_no_follow(project / "node_modules/@scope"));
    EXPECT_FALSE(exists_no_follow(project / "node_modules/a/node_modules/stray"));
    EXPECT_TRUE(fs::exists(project / "node_modules/.keep-me/data"));
    EXPECT_TRUE(fs::exists(project / "node_modules/.package-lock.json"));
    EXPECT_TRUE(fs::exists(project / "node_modules/a/node_modules/b/index.js"));
}

TEST_F(IncrementalTest, RemovalNeverFollowsLinksOutOfTheProject) {
    fs::path outside = tmp / "outside";
    write_file(outside / "precious.txt", "keep");
    write_file(outside / "sub/also.txt", "keep");
    auto p = plan(Layout::hoisted);
    install(p);
    fs::create_directory_symlink(outside, project / "node_modules/evil");
    fs::create_directory_symlink(outside, project / "node_modules/a/node_modules/evil2");
    // A package folder replaced by a link to outside, while its state says installed.
    fs::remove_all(project / "node_modules/b");
    fs::create_directory_symlink(outside, project / "node_modules/b");
    auto report = install(p);
    EXPECT_EQ(report.replaced, 1u);
    EXPECT_FALSE(exists_no_follow(project / "node_modules/evil"));
    EXPECT_FALSE(exists_no_follow(project / "node_modules/a/node_modules/evil2"));
    EXPECT_FALSE(fs::is_symlink(project / "node_modules/b"));
    EXPECT_EQ(read_text(outside / "precious.txt"), "keep");
    EXPECT_EQ(read_text(outside / "sub/also.txt"), "keep");
    EXPECT_EQ(listing(outside), (std::vector<std::string>{"precious.txt", "sub", "sub/also.txt"}));
}

TEST_F(IncrementalTest, AFolderDeletedByHandIsInstalledAgain) {
    auto p = plan(Layout::hoisted);
    install(p);
    fs::remove_all(project / "node_modules/b");
    auto report = install(p);
    EXPECT_EQ(report.replaced, 1u);
    EXPECT_EQ(report.unchanged, 2u);
    EXPECT_TRUE(fs::exists(project / "node_modules/b/index.js"));
}

TEST_F(IncrementalTest, AnUnreadableStateFileReinstallsWithAWarning) {
    auto p = plan(Layout::hoisted);
    install(p);
    write_file(project / "node_modules/.cairn/state.json", "{not json");
    auto report = install(p);
    EXPECT_EQ(report.added, 3u);
    ASSERT_EQ(report.warnings.size(), 1u);
    EXPECT_NE(report.warnings[0].find("state.json is not a state file"), std::string::npos);
    EXPECT_TRUE(fs::exists(project / "node_modules/a/node_modules/b/index.js"));
}

TEST_F(IncrementalTest, AnEmptyPlanEmptiesNodeModules) {
    install(plan(Layout::isolated));
    auto report = install(plan_of({}, {}, Layout::isolated));
    EXPECT_EQ(report.removed, 3u);
    EXPECT_EQ(listing(project / "node_modules"),
              (std::vector<std::string>{".cairn", ".cairn/state.json"}));
}

TEST_F(IncrementalTest, ProgressIsReported) {
    std::vector<std::string> seen;
    InstallOptions options;
    options.jobs = 3;
    options.progress = [&](const Progress& progress) {
        if (progress.phase == Progress::Phase::linking)
            seen.push_back(std::string(progress.current));
        EXPECT_LE(progress.done, progress.total);
    };
    materialize(plan(Layout::hoisted), options);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, (std::vector<std::string>{"node_modules/a", "node_modules/a/node_modules/b",
                                              "node_modules/b"}));
}

} // namespace
} // namespace cairn::test

namespace cairn::test {
namespace {

TEST_F(InstallTest, BundledDependenciesStayAndPlannedOnesWin) {
    auto b_planned = make_tree({"b", "2.0.0", "", {}, {}});
    auto a = make_tree({"a",
                        "1.0.0",
                        "",
                        {{"node_modules/bundled/index.js", "exports.bundled = true;\n"},
                         {"node_modules/b/index.js", "exports.version = 'stale bundled copy';\n"}},
                        {}});
    auto plan = plan_of(
        {package("node_modules/a", "a", "1.0.0", a, {{"b", "node_modules/a/node_modules/b"}}),
         package("node_modules/a/node_modules/b", "b", "2.0.0", b_planned)},
        {{"a", "node_modules/a"}});
    install(plan);
    auto nm = project / "node_modules/a/node_modules";
    EXPECT_EQ(read_text(nm / "bundled/index.js"), "exports.bundled = true;\n");
    EXPECT_EQ(stat_of(nm / "b/index.js").st_ino, stat_of(b_planned / "index.js").st_ino);
    auto report = install(plan);
    EXPECT_EQ(report.unchanged, 2u);
    EXPECT_EQ(report.removed, 0u);
    EXPECT_TRUE(fs::exists(nm / "bundled/index.js"));
    EXPECT_EQ(stat_of(nm / "b/index.js").st_ino, stat_of(b_planned / "index.js").st_ino);
}

} // namespace
} // namespace cairn::test
