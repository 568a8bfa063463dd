#include "install_fixture.hpp"

namespace cairn::test {
namespace {

using BinsTest = InstallTest;
using ScriptsTest = InstallTest;

TEST_F(BinsTest, BinsAreLinkedAndMadeExecutableWithoutTouchingTheStore) {
    auto tool = make_tree({"tool",
                           "1.0.0",
                           R"("bin": {"tool": "cli.js", "tool-ok": "ok.js"})",
                           {{"cli.js", "#!/bin/sh\necho tool-ran\n"}, {"ok.js", "#!/bin/sh\n"}},
                           {{"ok.js", 0755}}});
    auto plan = plan_of({package("node_modules/tool", "tool", "1.0.0", tool)},
                        {{"tool", "node_modules/tool"}});
    auto report = install(plan);
    EXPECT_EQ(report.bins, (std::vector<std::string>{"tool", "tool-ok"}));
    auto bin = project / "node_modules/.bin";
    EXPECT_EQ(fs::read_symlink(bin / "tool"), "../tool/cli.js");
    EXPECT_EQ(fs::read_symlink(bin / "tool-ok"), "../tool/ok.js");
    // cli.js had no exec bit: it became an executable copy; the store's file is as it was.
    auto installed = stat_of(project / "node_modules/tool/cli.js");
    auto stored = stat_of(tool / "cli.js");
    EXPECT_NE(installed.st_ino, stored.st_ino);
    EXPECT_EQ(installed.st_mode & 07777, 0755u);
    EXPECT_EQ(stored.st_mode & 07777, 0644u);
    EXPECT_EQ(stored.st_nlink, 1u);
    // ok.js was executable already: still a hard link.
    EXPECT_EQ(stat_of(project / "node_modules/tool/ok.js").st_ino, stat_of(tool / "ok.js").st_ino);
    EXPECT_EQ(report.files_copied, 1u);
    EXPECT_EQ(report.files_linked, 3u);
    auto ran = run({(bin / "tool").string()});
    EXPECT_EQ(ran.out, "tool-ran\n");
}

TEST_F(BinsTest, DirectDependencyWinsAConflictWithAWarning) {
    auto mine = make_tree({"mine", "1.0.0", R"("bin": {"x": "mine.js"})", {{"mine.js", ""}}, {}});
    auto aaa = make_tree({"aaa", "1.0.0", R"("bin": {"x": "aaa.js"})", {{"aaa.js", ""}}, {}});
    auto zzz = make_tree({"zzz", "1.0.0", R"("bin": {"y": "z.js"})", {{"z.js", ""}}, {}});
    auto yyy = make_tree({"yyy", "1.0.0", R"("bin": {"y": "y.js"})", {{"y.js", ""}}, {}});
    // aaa is hoisted (a transitive dependency), mine is the root's: mine wins "x" although
    // aaa comes first by path. Neither yyy nor zzz is direct: the first by path wins "y".
    auto plan = plan_of({package("node_modules/aaa", "aaa", "1.0.0", aaa),
                         package("node_modules/mine", "mine", "1.0.0", mine,
                                 {{"aaa", "node_modules/aaa"},
                                  {"yyy", "node_modules/yyy"},
                                  {"zzz", "node_modules/zzz"}}),
                         package("node_modules/zzz", "zzz", "1.0.0", zzz),
                         package("node_modules/yyy", "yyy", "1.0.0", yyy)},
                        {{"mine", "node_modules/mine"}});
    auto report = install(plan);
    EXPECT_EQ(fs::read_symlink(project / "node_modules/.bin/x"), "../mine/mine.js");
    EXPECT_EQ(fs::read_symlink(project / "node_modules/.bin/y"), "../yyy/y.js");
    EXPECT_EQ(report.warnings,
              (std::vector<std::string>{
                  "node_modules/.bin/x: mine@1.0.0 and aaa@1.0.0 both provide it; it runs "
                  "mine@1.0.0's",
                  "node_modules/.bin/y: yyy@1.0.0 and zzz@1.0.0 both provide it; it runs "
                  "yyy@1.0.0's"}));
}

TEST_F(BinsTest, NestedNodeModulesGetTheirOwnBinAndStaleBinsGo) {
    auto a = make_tree({"a", "1.0.0", "", {}, {}});
    auto t1 = make_tree({"t", "1.0.0", R"("bin": "t.js")", {{"t.js", ""}}, {{"t.js", 0755}}});
    auto t2 = make_tree({"t", "2.0.0", R"("bin": "t.js")", {{"t.js", ""}}, {{"t.js", 0755}}});
    auto plan = plan_of(
        {package("node_modules/a", "a", "1.0.0", a, {{"t", "node_modules/a/node_modules/t"}}),
         package("node_modules/a/node_modules/t", "t", "2.0.0", t2),
         package("node_modules/t", "t", "1.0.0", t1)},
        {{"a", "node_modules/a"}, {"t", "node_modules/t"}});
    install(plan);
    EXPECT_EQ(fs::read_symlink(project / "node_modules/.bin/t"), "../t/t.js");
    EXPECT_EQ(fs::read_symlink(project / "node_modules/a/node_modules/.bin/t"), "../t/t.js");
    write_file(project / "node_modules/.bin/stale", "");
    plan.packages.pop_back();
    plan.root_dependencies.erase("t");
    auto report = install(plan);
    EXPECT_TRUE(report.bins.empty());
    EXPECT_FALSE(exists_no_follow(project / "node_modules/.bin"));
    EXPECT_TRUE(fs::is_symlink(project / "node_modules/a/node_modules/.bin/t"));
}

TEST_F(BinsTest, IsolatedBinsForRootAndForEachPackagesDependencies) {
    auto a = make_tree({"a", "1.0.0", "", {}, {}});
    auto t = make_tree({"t", "1.0.0", R"("bin": {"t": "t.js"})", {{"t.js", ""}}, {{"t.js", 0755}}});
    auto plan = plan_of({package("node_modules/a", "a", "1.0.0", a, {{"t", "node_modules/t"}}),
                         package("node_modules/t", "t", "1.0.0", t)},
                        {{"a", "node_modules/a"}}, Layout::isolated);
    auto report = install(plan);
    EXPECT_TRUE(report.bins.empty()); // t is not a direct dependency
    EXPECT_FALSE(exists_no_follow(project / "node_modules/.bin"));
    EXPECT_EQ(fs::read_symlink(project / "node_modules/.cairn/a@1.0.0/node_modules/.bin/t"),
              "../t/t.js");
    EXPECT_TRUE(fs::exists(project / "node_modules/.cairn/a@1.0.0/node_modules/.bin/t"));
}

TEST_F(BinsTest, ABinOutsideThePackageIsRefusedNamingIt) {
    auto evil = make_tree({"evil", "6.6.6", R"("bin": {"pwn": "../../../../bin/sh"})", {}, {}});
    auto plan = plan_of({package("node_modules/evil", "evil", "6.6.6", evil)},
                        {{"evil", "node_modules/evil"}});
    expect_error([&] { install(plan); }, Code::manifest_invalid,
                 "error: evil@6.6.6/package.json: bin.pwn points outside the package: "
                 "\"../../../../bin/sh\"\n  while: installing evil@6.6.6");
    EXPECT_FALSE(exists_no_follow(project / "node_modules/.bin"));
}

TEST_F(ScriptsTest, ScriptsAreSkippedByDefaultAndListed) {
    auto s = make_tree(
        {"s", "1.0.0", R"("scripts": {"postinstall": "touch ran", "test": "x"})", {}, {}});
    auto g = make_tree({"g", "1.0.0", "", {{"binding.gyp", "{}"}}, {}});
    auto plain = make_tree({"plain", "1.0.0", R"("scripts": {"test": "x"})", {}, {}});
    auto plan = plan_of({package("node_modules/s", "s", "1.0.0", s),
                         package("node_modules/g", "g", "1.0.0", g),
                         package("node_modules/plain", "plain", "1.0.0", plain)},
                        {});
    auto report = install(plan);
    EXPECT_EQ(report.scripts_skipped,
              (std::vector<std::string>{"g@1.0.0 (install)", "s@1.0.0 (postinstall)"}));
    EXPECT_TRUE(report.scripts_run.empty());
    EXPECT_FALSE(fs::exists(project / "node_modules/s/ran"));
    // Allowing them later reinstalls the package (as a copy) and runs them.
    plan.packages[0].run_scripts = true;
    report = install(plan);
    EXPECT_EQ(report.replaced, 1u);
    EXPECT_EQ(report.scripts_run, std::vector<std::string>{"s@1.0.0 (postinstall)"});
    EXPECT_TRUE(fs::exists(project / "node_modules/s/ran"));
    EXPECT_TRUE(fs::exists(project / "node_modules/s/ran"));
    // And once they ran, a re-run leaves it alone.
    report = install(plan);
    EXPECT_EQ(report.unchanged, 3u);
    EXPECT_TRUE(report.scripts_run.empty());
}

TEST_F(ScriptsTest, ScriptsRunDependenciesFirstWithNpmEnvironmentOnCopies) {
    std::string log = R"(echo \"$npm_package_name $npm_lifecycle_event $npm_package_version )"
                      R"($(basename $INIT_CWD) $(basename $PWD)\" >> $INIT_CWD/order.txt)";
    auto dep =
        make_tree({"dep",
                   "2.0.0",
                   R"("bin": {"dep-tool": "tool.sh"}, "scripts": {"install": ")" + log + "\"}",
                   {{"tool.sh", "#!/bin/sh\necho tool-output > \"$1\"\n"}},
                   {{"tool.sh", 0755}}});
    auto top = make_tree({"top",
                          "1.0.0",
                          R"("scripts": {"preinstall": ")" + log + R"(", "postinstall": ")" + log +
                              R"( && dep-tool made-by-dep-tool"})",
                          {},
                          {}});
    for (Layout layout : {Layout::hoisted, Layout::isolated}) {
        SCOPED_TRACE(std::string(layout_name(layout)));
        fs::remove_all(project / "node_modules");
        fs::remove(project / "order.txt");
        auto plan = plan_of(
            {package("node_modules/aaa-top", "top", "1.0.0", top, {{"dep", "node_modules/dep"}}),
             package("node_modules/dep", "dep", "2.0.0", dep)},
            {{"aaa-top", "node_modules/aaa-top"}}, layout);
        plan.packages[0].run_scripts = true;
        plan.packages[1].run_scripts = true;
        auto report = install(plan);
        EXPECT_EQ(report.scripts_run,
                  (std::vector<std::string>{"dep@2.0.0 (install)", "top@1.0.0 (preinstall, "
                                                                   "postinstall)"}));
        std::string folder = layout == Layout::hoisted ? "aaa-top" : "top";
        EXPECT_EQ(read_text(project / "order.txt"), "dep install 2.0.0 project dep\n"
                                                    "top preinstall 1.0.0 project " +
                                                        folder +
                                                        "\n"
                                                        "top postinstall 1.0.0 project " +
                                                        folder + "\n");
        fs::path top_dir = layout == Layout::hoisted
                               ? project / "node_modules/aaa-top"
                               : project / "node_modules/.cairn/top@1.0.0/node_modules/top";
        EXPECT_EQ(read_text(top_dir / "made-by-dep-tool"), "tool-output\n");
        // Script packages are copies: the store's inodes are not shared.
        EXPECT_NE(stat_of(top_dir / "index.js").st_ino, stat_of(top / "index.js").st_ino);
        EXPECT_EQ(stat_of(top / "index.js").st_nlink, 1u);
        EXPECT_EQ(report.files_linked, 0u);
    }
}

TEST_F(ScriptsTest, NodeIsGivenToScriptsWhenFound) {
    CAIRN_NEED_NODE();
    auto s = make_tree(
        {"s", "1.0.0", R"("scripts": {"install": "echo $npm_node_execpath > node.txt"})", {}, {}});
    auto plan = plan_of({package("node_modules/s", "s", "1.0.0", s)}, {});
    plan.packages[0].run_scripts = true;
    install(plan);
    std::string node = read_text(project / "node_modules/s/node.txt");
    EXPECT_TRUE(node.ends_with("/node\n")) << node;
}

TEST_F(ScriptsTest, AFailingScriptNamesPackageScriptStatusAndOutput) {
    auto f = make_tree(
        {"f",
         "1.0.0",
         R"("scripts": {"postinstall": "echo compiling; echo >&2 'fatal: no cc'; exit 3"})",
         {},
         {}});
    auto plan = plan_of({package("node_modules/f", "f", "1.0.0", f)}, {{"f", "node_modules/f"}});
    plan.packages[0].run_scripts = true;
    expect_error([&] { install(plan); }, Code::script_failed,
                 "error: the postinstall script of f@1.0.0 failed with exit status 3\n"
                 "  caused by: > compiling\n  caused by: > fatal: no cc\n"
                 "  while: running `echo compiling; echo >&2 'fatal: no cc'; exit 3` in ");
    // The state does not vouch for it: the next run tries again.
    plan.packages[0].source =
        make_tree({"f", "1.0.0", R"("scripts": {"postinstall": "true"})", {}, {}});
    auto report = install(plan);
    EXPECT_EQ(report.replaced, 1u);
    EXPECT_EQ(report.scripts_run, std::vector<std::string>{"f@1.0.0 (postinstall)"});
}

TEST_F(ScriptsTest, AnOptionalPackageWhoseScriptFailsIsRemovedWithAWarning) {
    auto opt = make_tree(
        {"opt", "1.0.0", R"("bin": "o.js", "scripts": {"install": "exit 1"})", {{"o.js", ""}}, {}});
    auto ok = make_tree({"ok", "1.0.0", "", {}, {}});
    auto plan =
        plan_of({package("node_modules/opt", "opt", "1.0.0", opt),
                 package("node_modules/ok", "ok", "1.0.0", ok, {{"opt", "node_modules/opt"}})},
                {{"ok", "node_modules/ok"}, {"opt", "node_modules/opt"}});
    plan.packages[0].run_scripts = true;
    plan.packages[0].optional = true;
    auto report = install(plan);
    EXPECT_EQ(report.warnings, std::vector<std::string>{"optional package opt@1.0.0 was removed: "
                                                        "its install script failed with exit "
                                                        "status 1"});
    EXPECT_EQ(report.added, 1u);
    EXPECT_FALSE(exists_no_follow(project / "node_modules/opt"));
    EXPECT_FALSE(exists_no_follow(project / "node_modules/.bin"));
    EXPECT_TRUE(fs::exists(project / "node_modules/ok/index.js"));
}

} // namespace
} // namespace cairn::test

namespace cairn::test {
namespace {

TEST_F(InstallTest, ReadOnlyFoldersABuildLeftAreRemovedOnReplace) {
    auto s1 = make_tree(
        {"s",
         "1.0.0",
         R"("scripts": {"install": "mkdir -p out/deep && touch out/deep/f && chmod 0500 out/deep out && chmod 0400 out/deep/f"})",
         {},
         {}});
    auto plan = plan_of({package("node_modules/s", "s", "1.0.0", s1)}, {});
    plan.packages[0].run_scripts = true;
    install(plan);
    EXPECT_TRUE(fs::exists(project / "node_modules/s/out/deep/f"));
    plan.packages[0].source = make_tree({"s", "1.1.0", "", {}, {}});
    plan.packages[0].version = "1.1.0";
    plan.packages[0].integrity = "sha512-s-1.1.0";
    auto report = install(plan);
    EXPECT_EQ(report.replaced, 1u);
    EXPECT_FALSE(exists_no_follow(project / "node_modules/s/out"));
    // Removing the whole package works too.
    install(plan_of({}, {}));
    EXPECT_FALSE(exists_no_follow(project / "node_modules/s"));
}

} // namespace
} // namespace cairn::test
