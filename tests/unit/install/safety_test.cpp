#include "install_fixture.hpp"

#include <unistd.h>

#include <cstdlib>

namespace cairn::test {
namespace {

using SafetyTest = InstallTest;

TEST_F(SafetyTest, PathsAndNamesThatWouldLeaveNodeModulesAreRefused) {
    auto a = make_tree({"a", "1.0.0", "", {}, {}});
    struct Case {
        std::string path, name, package, version, message;
    };
    std::vector<Case> cases = {
        {"node_modules/../../etc", "../etc", "a", "1.0.0",
         "package path \"node_modules/../../etc\" has the folder \"..\", which is not a folder "
         "name under node_modules"},
        {"/etc/node_modules/a", "a", "a", "1.0.0",
         "package path \"/etc/node_modules/a\" is absolute"},
        {"lib/a", "a", "a", "1.0.0",
         "package path \"lib/a\" is not a chain of node_modules/<name> folders"},
        {"node_modules/a/../../../x", "x", "a", "1.0.0",
         "package path \"node_modules/a/../../../x\" is not a chain of node_modules/<name> "
         "folders"},
        {"node_modules/.cairn", ".cairn", "a", "1.0.0",
         "package path \"node_modules/.cairn\" has the folder \".cairn\", which is not a folder "
         "name under node_modules"},
        {"node_modules/@s/../x", "@s/../x", "a", "1.0.0",
         "package path \"node_modules/@s/../x\" has the folder \"@s/..\", which is not a folder "
         "name under node_modules"},
        {"node_modules/a", "b", "a", "1.0.0",
         "package path \"node_modules/a\" does not end with its name \"b\""},
        {"node_modules/a", "a", "../../x", "1.0.0",
         "registry package \"../../x\" (at node_modules/a) is not a folder name under "
         "node_modules"},
        {"node_modules/a", "a", "a", "../../../x",
         "version \"../../../x\" of a (at node_modules/a) cannot be part of a folder name"},
        {"node_modules/a\\..\\x", "a\\..\\x", "a", "1.0.0", "holds a backslash, colon or NUL"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.path);
        auto p = package("node_modules/a", "a", "1.0.0", a);
        p.path = c.path;
        p.name = c.name;
        p.package = c.package;
        p.version = c.version;
        expect_error([&] { install(plan_of({p}, {})); }, Code::archive_escape, c.message);
    }
    EXPECT_FALSE(fs::exists(project / "node_modules"));
    EXPECT_FALSE(fs::exists(tmp / "etc"));
}

TEST_F(SafetyTest, InconsistentPlansAreRefused) {
    auto a = make_tree({"a", "1.0.0", "", {}, {}});
    expect_error(
        [&] {
            install(plan_of({package("node_modules/a", "a", "1.0.0", a, {{"b", "node_modules/b"}})},
                            {}));
        },
        Code::usage,
        "inconsistent install plan: dependency b of node_modules/a resolves to node_modules/b, "
        "which the plan does not have");
    expect_error(
        [&] {
            install(plan_of({package("node_modules/a", "a", "1.0.0", a),
                             package("node_modules/a", "a", "1.0.0", a)},
                            {}));
        },
        Code::usage, "node_modules/a is planned twice");
    expect_error(
        [&] { install(plan_of({package("node_modules/x/node_modules/a", "a", "1.0.0", a)}, {})); },
        Code::usage,
        "node_modules/x/node_modules/a is nested in node_modules/x, which the plan does not have");
    expect_error(
        [&] {
            install(plan_of({package("node_modules/a", "a", "1.0.0", a)},
                            {{"../x", "node_modules/a"}}));
        },
        Code::archive_escape, "dependency \"../x\" of the project is not a folder name");
    expect_error(
        [&] {
            install(plan_of({package("node_modules/a", "a", "1.0.0", a,
                                     {{"@x/../../../etc", "node_modules/a"}})},
                            {}));
        },
        Code::archive_escape, "dependency \"@x/../../../etc\" of node_modules/a");
    // Nothing may be written inside a linked folder.
    auto linked = package("node_modules/l", "l", "1.0.0", {});
    linked.link_target = tmp / "elsewhere";
    expect_error(
        [&] {
            install(
                plan_of({linked, package("node_modules/l/node_modules/a", "a", "1.0.0", a)}, {}));
        },
        Code::archive_escape,
        "node_modules/l/node_modules/a would be written inside the linked folder node_modules/l");
}

TEST_F(SafetyTest, NodeModulesThatIsALinkIsRefused) {
    fs::create_directories(tmp / "elsewhere");
    fs::create_directory_symlink(tmp / "elsewhere", project / "node_modules");
    auto a = make_tree({"a", "1.0.0", "", {}, {}});
    expect_error([&] { install(plan_of({package("node_modules/a", "a", "1.0.0", a)}, {})); },
                 Code::io, "node_modules is a symbolic link where cairn expects a folder");
    EXPECT_TRUE(fs::is_empty(tmp / "elsewhere"));
}

TEST_F(SafetyTest, AMissingStoreTreeIsAnError) {
    auto plan = plan_of({package("node_modules/a", "a", "1.0.0", store / "gone")}, {});
    expect_error([&] { install(plan); }, Code::io,
                 "error: cannot open the store tree of a@1.0.0 " + (store / "gone").string());
}

// Hard links cannot cross filesystems: a store on tmpfs and a project on another
// filesystem make every file a reflink or copy.
TEST_F(SafetyTest, FilesAreCopiedWhenHardLinksCrossFilesystems) {
    fs::path shm = "/dev/shm";
    struct stat a {
    }, b{};
    if (::stat(shm.c_str(), &a) != 0 || ::stat(project.c_str(), &b) != 0 || a.st_dev == b.st_dev ||
        ::access(shm.c_str(), W_OK) != 0)
        GTEST_SKIP() << "needs a writable /dev/shm on another filesystem than the temp folder; "
                        "the copy path is still covered by the script tests";
    std::string pattern = (shm / "cairn-install-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    fs::path other = pattern;
    struct Cleanup {
        fs::path p;
        ~Cleanup() { fs::remove_all(p); }
    } cleanup{other};
    auto tree = make_tree({"a",
                           "1.0.0",
                           R"("bin": "cli.js")",
                           {{"cli.js", "#!/bin/sh\n"}, {"big.bin", std::string(1 << 20, 'x')}},
                           {{"cli.js", 0644}}},
                          other);
    auto report = install(
        plan_of({package("node_modules/a", "a", "1.0.0", tree)}, {{"a", "node_modules/a"}}));
    EXPECT_EQ(report.files_linked, 0u);
    EXPECT_EQ(report.files_copied, 4u); // cli.js, a copy already, is only chmod'ed
    EXPECT_EQ(read_text(project / "node_modules/a/big.bin"), std::string(1 << 20, 'x'));
    EXPECT_EQ(stat_of(project / "node_modules/a/cli.js").st_mode & 07777, 0755u);
    EXPECT_EQ(stat_of(tree / "cli.js").st_mode & 07777, 0644u);
}

} // namespace
} // namespace cairn::test
