// `cairn install` end to end on fixture registry folders: tree shape, lockfile, bins,
// no-op re-runs, frozen installs, offline re-installs and the error cases of issue 5.
#include "npm_project_fixture.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

class Install : public NpmProjectTest {
protected:
    void basic_registry() {
        auto a1 = v("1.0.0");
        a1.dependencies = {{"b", "^1.0.0"}};
        a1.bin = {{"a-cmd", "cli.js"}};
        a1.files = {{"cli.js", "#!/usr/bin/env node\nconsole.log('a-cmd ran');\n"}};
        registry.add({"a", {a1, v("2.0.0")}});
        registry.add({"b", {v("1.0.0"), v("1.1.0"), v("2.0.0")}});
        registry.write();
        manifest(R"({"name":"app","version":"1.0.0","dependencies":{"a":"^1.0.0","b":"^2.0.0"}})");
    }
};

TEST_F(Install, HoistsNestsLinksBinsAndLocks) {
    basic_registry();
    auto r = cairn({"install"});
    EXPECT_OK(r);
    EXPECT_NE(r.out.find("+ a 1.0.0\n+ b 2.0.0\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("3 packages installed (3 added, 0 removed, 0 unchanged) from 1 "
                         "registry: 3 downloaded"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(installed_version("node_modules/a"), "1.0.0");
    EXPECT_EQ(installed_version("node_modules/b"), "2.0.0");
    EXPECT_EQ(installed_version("node_modules/a/node_modules/b"), "1.1.0");
    // The bin is linked and runs.
    struct stat st {};
    ASSERT_EQ(::lstat((project / "node_modules/.bin/a-cmd").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    if (have_program("node")) {
        auto ran = run({(project / "node_modules/.bin/a-cmd").string()}, options());
        EXPECT_EQ(ran.out, "a-cmd ran\n") << ran.err;
        auto required = run({"node", "-e",
                             "console.log(require('a/package.json').version, "
                             "require('b/package.json').version)"},
                            options());
        EXPECT_EQ(required.out, "1.0.0 2.0.0\n") << required.err;
    }
    // The lockfile: every package with integrity and its source, the portable index.
    auto lock = nlohmann::json::parse(read_file(project / "cairn.lock"));
    EXPECT_EQ(lock["format"], "cairn-lock/1");
    EXPECT_EQ(lock["packages"]["node_modules/a/node_modules/b"]["version"], "1.1.0");
    EXPECT_EQ(lock["packages"]["node_modules/a"]["integrity"], registry.integrity("a", "1.0.0"));
    EXPECT_EQ(lock["packages"]["node_modules/a"]["resolved"],
              registry.file_url() + "a/-/a-1.0.0.tgz");
    EXPECT_TRUE(lock["index"]["npm:b"]["versions"].contains("1.0.0"));
    EXPECT_TRUE(lock["index"]["npm:b"]["versions"].contains("2.0.0"));
    EXPECT_FALSE(lock["index"]["npm:a"]["versions"].contains("2.0.0"))
        << "a 2.0.0 satisfies no requirement";
}

// Prereleases are passed by unless a choice can take one (ops/npm_metadata.cpp): a range
// that names one, and a dist-tag that points at one, install it, and the portable index
// keeps every prerelease such a range admits, and none a plain range cannot take.
TEST_F(Install, PrereleasesGoWhereARangeOrATagTakesThem) {
    registry.add({"c", {v("0.9.0"), v("1.0.0-beta.1"), v("1.0.0-beta.2")}});
    registry.add({"d", {v("2.0.0"), v("2.1.0-rc.1")}});
    registry.add({"e", {v("1.0.0"), v("2.0.0-beta.1")}, {{"latest", "2.0.0-beta.1"}}});
    registry.write();
    manifest(R"({"name":"app","version":"1.0.0","dependencies":
                 {"c":"^1.0.0-beta.1","d":"^2.0.0","e":"latest"}})");
    EXPECT_OK(cairn({"install"}));
    EXPECT_EQ(installed_version("node_modules/c"), "1.0.0-beta.2");
    EXPECT_EQ(installed_version("node_modules/d"), "2.0.0");
    EXPECT_EQ(installed_version("node_modules/e"), "2.0.0-beta.1");
    auto lock = nlohmann::json::parse(read_file(project / "cairn.lock"));
    auto versions = [&](const char* package) {
        std::vector<std::string> out;
        for (const auto& [version, release] : lock["index"][package]["versions"].items())
            out.push_back(version);
        return out;
    };
    EXPECT_EQ(versions("npm:c"), (std::vector<std::string>{"1.0.0-beta.1", "1.0.0-beta.2"}));
    EXPECT_EQ(versions("npm:d"), (std::vector<std::string>{"2.0.0"}));
    EXPECT_EQ(versions("npm:e"), (std::vector<std::string>{"2.0.0-beta.1"}));
    // The portable index alone re-resolves them, offline.
    fs::remove_all(project / "node_modules");
    EXPECT_OK(cairn({"install", "--offline"}));
    EXPECT_EQ(installed_version("node_modules/c"), "1.0.0-beta.2");
}

// A fresh node_modules gets packages linked while the resolution runs (install/prelink.hpp),
// cold and warm; an install following its lockfile, or offline, links them afterwards.
TEST_F(Install, AFreshInstallLinksPackagesWhileItResolves) {
    basic_registry();
    auto linked_ahead = [&](std::vector<std::string> args) {
        args.push_back("--json");
        auto r = cairn(args);
        EXPECT_OK(r);
        return nlohmann::json::parse(r.out).value("linked_ahead", std::size_t{99});
    };
    // a, b 2.0.0 and the b 1.1.0 nested in a (placed once a is).
    EXPECT_EQ(linked_ahead({"install"}), 3u);
    EXPECT_EQ(installed_version("node_modules/a/node_modules/b"), "1.1.0");
    fs::remove_all(project / "node_modules");
    fs::remove(project / "cairn.lock");
    EXPECT_EQ(linked_ahead({"install"}), 3u);
    fs::remove_all(project / "node_modules");
    EXPECT_EQ(linked_ahead({"install", "--frozen"}), 0u);
    fs::remove_all(project / "node_modules");
    fs::remove(project / "cairn.lock");
    EXPECT_EQ(linked_ahead({"install", "--offline"}), 0u);
    EXPECT_EQ(installed_version("node_modules/b"), "2.0.0");
    // Nothing staged is left behind.
    for (const auto& entry : fs::directory_iterator(project / "node_modules/.cairn")) {
        if (entry.path().filename().string().starts_with(".spread-")) {
            EXPECT_TRUE(fs::is_empty(entry.path())) << entry.path();
        }
    }
}

// Installs link a store tree by the listing its marker keeps, whichever way they place it
// (linked while resolving, or after the plan): what the listing does not name is not
// linked, and a file it names that the tree lost fails the install as damage to the store.
TEST_F(Install, PackagesAreLinkedByTheirTreesListing) {
    basic_registry();
    EXPECT_OK(cairn({"install"}));
    std::vector<fs::path> trees;
    for (const auto& entry : fs::directory_iterator(dir / "store/unpacked"))
        if (entry.is_directory())
            trees.push_back(entry.path());
    ASSERT_EQ(trees.size(), 3u);
    for (const auto& tree : trees)
        write_file(tree / "smuggled.js", "added behind the marker's back");
    auto reinstall = [&](std::vector<std::string> args) {
        fs::remove_all(project / "node_modules");
        EXPECT_OK(cairn(args));
        for (const char* package :
             {"node_modules/a", "node_modules/b", "node_modules/a/node_modules/b"}) {
            EXPECT_TRUE(fs::exists(project / package / "package.json")) << package;
            EXPECT_FALSE(fs::exists(project / package / "smuggled.js")) << package;
        }
    };
    reinstall({"install", "--frozen"}); // placed after the plan
    fs::remove(project / "cairn.lock");
    reinstall({"install"}); // linked while resolving
    reinstall({"install", "--offline"});

    for (const auto& tree : trees)
        fs::remove(tree / "package.json");
    fs::remove_all(project / "node_modules");
    auto r = cairn({"install", "--frozen"});
    EXPECT_EQ(r.status, 6) << r.out << r.err; // cache_corrupt
    EXPECT_NE(r.err.find("package.json is missing from the store"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cairn cache verify"), std::string::npos) << r.err;
    // What the hint says mends it: verify finds the trees bad and quarantines them.
    auto verified = cairn({"cache", "verify"});
    EXPECT_NE(verified.out.find("3 unpacked trees: 3 bad"), std::string::npos) << verified.out;
    fs::remove_all(project / "node_modules");
    EXPECT_OK(cairn({"install", "--frozen", "--offline"}));
    EXPECT_EQ(installed_version("node_modules/b"), "2.0.0");
}

// An install that follows the lockfile skips reading its portable index; when a linked
// folder's version changes, the lockfile is written again, and its index must survive.
TEST_F(Install, AFollowedLockfileRewrittenForALinkKeepsItsIndex) {
    registry.add({"b", {v("1.0.0"), v("2.0.0")}});
    registry.write();
    write_file(dir / "local/package.json", R"({"name":"local","version":"1.0.0"})");
    manifest(R"({"dependencies":{"b":"^2.0.0","local":"link:../local"}})");
    EXPECT_OK(cairn({"install"}));
    auto before = nlohmann::json::parse(read_file(project / "cairn.lock"));
    ASSERT_TRUE(before["index"]["npm:b"]["versions"].contains("2.0.0"));

    write_file(dir / "local/package.json", R"({"name":"local","version":"1.1.0"})");
    fs::remove_all(project / "node_modules"); // not a no-op: the lockfile is followed
    EXPECT_OK(cairn({"install"}));
    auto after = nlohmann::json::parse(read_file(project / "cairn.lock"));
    EXPECT_EQ(after["packages"]["node_modules/local"]["version"], "1.1.0");
    EXPECT_EQ(after["index"], before["index"]);
}

// A linked folder is the user's and changes: a new bin in its package.json is work for
// the next install, which the no-op check must not skip.
TEST_F(Install, ALinkedFolderGainingABinIsNotANoOp) {
    registry.add({"b", {v("1.0.0")}});
    registry.write();
    write_file(dir / "tool/package.json", R"({"name":"tool","version":"1.0.0"})");
    write_file(dir / "tool/cli.js", "#!/usr/bin/env node\n");
    manifest(R"({"dependencies":{"b":"^1.0.0","tool":"link:../tool"}})");
    EXPECT_OK(cairn({"install"}));
    EXPECT_EQ(nlohmann::json::parse(cairn({"install", "--json"}).out)["up_to_date"], true);
    EXPECT_FALSE(fs::exists(project / "node_modules/.bin/tool"));

    write_file(dir / "tool/package.json",
               R"({"name":"tool","version":"1.0.0","bin":{"tool":"cli.js"}})");
    auto r = cairn({"install", "--json"});
    EXPECT_OK(r);
    EXPECT_EQ(nlohmann::json::parse(r.out)["up_to_date"], false);
    EXPECT_TRUE(fs::is_symlink(project / "node_modules/.bin/tool"));
    EXPECT_EQ(nlohmann::json::parse(cairn({"install", "--json"}).out)["up_to_date"], true);
}

TEST_F(Install, SecondRunIsANoOpAndChangesAreNoticed) {
    basic_registry();
    EXPECT_OK(cairn({"install"}));
    std::string lock_before = read_file(project / "cairn.lock");
    auto again = cairn({"install", "--json"});
    EXPECT_OK(again);
    auto summary = nlohmann::json::parse(again.out);
    EXPECT_EQ(summary["up_to_date"], true);
    EXPECT_EQ(summary["resolved"], false);
    EXPECT_EQ(read_file(project / "cairn.lock"), lock_before);

    // A deleted package is noticed: the install puts it back from the lockfile.
    fs::remove_all(project / "node_modules/b");
    auto repaired = cairn({"install", "--json"});
    EXPECT_OK(repaired);
    summary = nlohmann::json::parse(repaired.out);
    EXPECT_EQ(summary["up_to_date"], false);
    EXPECT_EQ(summary["resolved"], false) << "the lockfile still matches: no resolution";
    EXPECT_EQ(installed_version("node_modules/b"), "2.0.0");

    // Any change to package.json's or cairn.lock's bytes is noticed, even one that means
    // nothing to JSON.
    for (const char* file : {"package.json", "cairn.lock"}) {
        SCOPED_TRACE(file);
        EXPECT_EQ(nlohmann::json::parse(cairn({"install", "--json"}).out)["up_to_date"], true);
        write_file(project / file, read_file(project / file) + " \n");
        auto changed = cairn({"install", "--json"});
        EXPECT_OK(changed);
        EXPECT_EQ(nlohmann::json::parse(changed.out)["up_to_date"], false);
    }
}

TEST_F(Install, ADeletedScopedPackageIsNoticed) {
    registry.add({"@s/c", {v("1.0.0")}});
    registry.add({"d", {v("1.0.0")}});
    registry.write();
    manifest(R"({"name":"app","version":"1.0.0","dependencies":{"@s/c":"^1","d":"^1"}})");
    EXPECT_OK(cairn({"install"}));
    auto up_to_date = [&] {
        auto r = cairn({"install", "--json"});
        EXPECT_OK(r);
        return nlohmann::json::parse(r.out)["up_to_date"].get<bool>();
    };
    EXPECT_TRUE(up_to_date());
    fs::remove_all(project / "node_modules/@s/c");
    EXPECT_FALSE(up_to_date()); // put back
    EXPECT_EQ(installed_version("node_modules/@s/c"), "1.0.0");
    EXPECT_TRUE(up_to_date());
    fs::remove_all(project / "node_modules/@s");
    EXPECT_FALSE(up_to_date());
    EXPECT_EQ(installed_version("node_modules/@s/c"), "1.0.0");
}

// Resolution asks the node on PATH its version (engines.node) once per binary: the answer
// is remembered in the store, and asked again when the binary changes.
TEST_F(Install, NodeIsAskedForItsVersionOncePerBinary) {
    basic_registry();
    fs::path bin = dir / "bin";
    fs::path asked = dir / "asked";
    auto fake_node = [&](std::string_view version) {
        write_file(bin / "node", "#!/bin/sh\necho >> '" + asked.string() + "'\necho " +
                                     std::string(version) + "\n");
        fs::permissions(bin / "node", fs::perms::owner_all);
    };
    fake_node("v20.1.0");
    RunOptions o = options();
    const char* path = std::getenv("PATH");
    o.env["PATH"] = bin.string() + ":" + (path ? path : "/usr/bin:/bin");
    o.unset_env.push_back("CAIRN_NODE_VERSION");
    auto times_asked = [&] {
        std::string text = read_file(asked);
        return std::count(text.begin(), text.end(), '\n');
    };
    auto resolve_again = [&] {
        fs::remove(project / "cairn.lock");
        auto r = run_cairn({"install", "--json"}, o);
        EXPECT_OK(r);
        EXPECT_EQ(nlohmann::json::parse(r.out)["resolved"], true);
    };

    resolve_again();
    EXPECT_EQ(times_asked(), 1);
    EXPECT_NE(read_file(dir / "store/node-version").find("\tv20.1.0\n"), std::string::npos)
        << read_file(dir / "store/node-version");
    resolve_again();
    EXPECT_EQ(times_asked(), 1) << "the remembered answer was not used";

    fake_node("v22.10.0"); // another binary (another size)
    resolve_again();
    EXPECT_EQ(times_asked(), 2) << "a changed node binary was not asked again";
    EXPECT_NE(read_file(dir / "store/node-version").find("\tv22.10.0\n"), std::string::npos);
}

TEST_F(Install, FrozenRefusesAManifestTheLockfileDoesNotMatch) {
    basic_registry();
    EXPECT_OK(cairn({"install"}));
    manifest(R"({"name":"app","version":"1.0.0","dependencies":{"a":"^1.0.0","b":"^1.0.0"}})");
    auto r = cairn({"install", "--frozen"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("error: cairn.lock does not match package.json: dependency b is "
                         "\"^1.0.0\" in package.json but \"^2.0.0\" in the lockfile"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("hint: run `cairn install` without --frozen"), std::string::npos);
    // Without --frozen the lockfile follows the manifest.
    EXPECT_OK(cairn({"install"}));
    EXPECT_EQ(installed_version("node_modules/b"), "1.1.0");
}

TEST_F(Install, ABrokenLockfileIsReportedAtItsLineInTheFile) {
    basic_registry();
    EXPECT_OK(cairn({"install"}));
    fs::remove_all(project / "node_modules");
    // Broken after the portable index, which an install that follows the lockfile skips:
    // the line and column are still those of the file.
    std::string text = read_file(project / "cairn.lock");
    ASSERT_LT(text.find("\"index\""), text.find("\"packages\""));
    std::size_t at = text.find("\"node_modules/a\"");
    ASSERT_NE(at, std::string::npos);
    text.insert(at, "oops ");
    write_file(project / "cairn.lock", text);
    auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
    auto r = cairn({"install", "--frozen"});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find(fmt::format("cairn.lock:{}:", line)), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("invalid lockfile: not JSON"), std::string::npos) << r.err;
}

TEST_F(Install, ReinstallsOfflineFromTheStoreWithAndWithoutTheLockfile) {
    basic_registry();
    EXPECT_OK(cairn({"install"}));
    fs::remove_all(project / "node_modules");
    fs::remove_all(registry.root()); // nothing left to fetch from
    auto offline = cairn({"--offline", "install", "--json"});
    EXPECT_OK(offline);
    auto summary = nlohmann::json::parse(offline.out);
    EXPECT_EQ(summary["downloaded"], 0);
    EXPECT_EQ(summary["reused"], 3);
    EXPECT_EQ(installed_version("node_modules/a/node_modules/b"), "1.1.0");

    // Without the lockfile, the portable index is gone too: an offline re-resolution from
    // a registry folder that no longer exists fails, naming what it could not read.
    fs::remove(project / "cairn.lock");
    fs::remove_all(project / "node_modules");
    auto r = cairn({"--offline", "install"});
    EXPECT_NE(r.status, 0);
}

TEST_F(Install, IsolatedLayoutResolvesForNode) {
    basic_registry();
    EXPECT_OK(cairn({"install", "--layout", "isolated"}));
    struct stat st {};
    ASSERT_EQ(::lstat((project / "node_modules/a").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    if (have_program("node")) {
        auto r = run({"node", "-e",
                      "const p=require.resolve('b/package.json',{paths:[require('path')."
                      "dirname(require.resolve('a/package.json'))]});"
                      "console.log(require(p).version, require('b/package.json').version)"},
                     options());
        EXPECT_EQ(r.out, "1.1.0 2.0.0\n") << r.err;
    }
}

TEST_F(Install, TamperedTarballIsRefusedAndNothingIsInstalled) {
    auto bad = v("1.0.0");
    bad.tampered_tarball = true;
    registry.add({"evil", {bad}});
    registry.write();
    manifest(R"({"dependencies":{"evil":"1.0.0"}})");
    auto r = cairn({"install"});
    EXPECT_EQ(r.status, 6) << r.err;
    EXPECT_NE(r.err.find("error: integrity"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("npm:evil@1.0.0"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(project / "node_modules/evil"));
}

TEST_F(Install, WrongIntegrityInThePackumentIsRefused) {
    auto bad = v("1.0.0");
    bad.wrong_integrity = true;
    registry.add({"liar", {bad}});
    registry.write();
    manifest(R"({"dependencies":{"liar":"^1.0.0"}})");
    auto r = cairn({"install"});
    EXPECT_EQ(r.status, 6) << r.err;
    EXPECT_NE(r.err.find("npm:liar@1.0.0"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(project / "node_modules/liar"));
}

TEST_F(Install, BinPointingOutsideThePackageIsRefused) {
    auto bad = v("1.0.0");
    bad.bin = {{"x", "../../../etc/passwd"}}; // the registry lists it, as npm's does
    bad.package_json = R"({"name":"escape","version":"1.0.0","bin":{"x":"../../../etc/passwd"}})";
    registry.add({"escape", {bad}});
    registry.write();
    manifest(R"({"dependencies":{"escape":"1.0.0"}})");
    auto r = cairn({"install"});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("bin"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(project / "node_modules/.bin/x"));
}

// A package's package.json is read for bins and scripts unless its registry metadata lists
// neither (cairn.lock's hasBin and hasInstallScript). A registry whose metadata hides a bin
// gets it left out, never linked; an earlier cairn's lockfile, without hasBin, reads them all.
TEST_F(Install, BinsAndScriptsFollowTheRegistryMetadataAndOldLockfilesReadThem) {
    auto hidden = v("1.0.0");
    hidden.package_json = R"({"name":"hidden","version":"1.0.0","bin":{"h":"index.js"}})";
    auto listed = v("1.0.0");
    listed.bin = {{"l", "index.js"}};
    registry.add({"hidden", {hidden}});
    registry.add({"listed", {listed}});
    registry.write();
    manifest(R"({"dependencies":{"hidden":"1.0.0","listed":"1.0.0"}})");
    EXPECT_OK(cairn({"install"}));
    EXPECT_TRUE(fs::is_symlink(project / "node_modules/.bin/l"));
    EXPECT_FALSE(fs::is_symlink(project / "node_modules/.bin/h"));
    auto lock = nlohmann::json::parse(read_file(project / "cairn.lock"));
    EXPECT_EQ(lock["packages"]["node_modules/hidden"]["hasBin"], false);
    EXPECT_EQ(lock["packages"]["node_modules/listed"]["hasBin"], true);
    // The same lockfile as an earlier cairn wrote it: no hasBin, so both are read.
    for (auto& [path, package] : lock["packages"].items())
        package.erase("hasBin");
    write_file(project / "cairn.lock", lock.dump(2) + "\n");
    fs::remove_all(project / "node_modules");
    EXPECT_OK(cairn({"install", "--frozen"}));
    EXPECT_TRUE(fs::is_symlink(project / "node_modules/.bin/l"));
    EXPECT_TRUE(fs::is_symlink(project / "node_modules/.bin/h"));
}

TEST_F(Install, PeerConflictIsExplainedLikeEresolve) {
    auto plugin = v("1.0.0");
    plugin.peer_dependencies = {{"host", "^1.0.0"}};
    registry.add({"plugin", {plugin}});
    registry.add({"host", {v("1.0.0"), v("2.0.0")}});
    registry.write();
    manifest(R"({"dependencies":{"plugin":"1.0.0","host":"^2.0.0"}})");
    auto r = cairn({"install"});
    EXPECT_EQ(r.status, 7) << r.err;
    EXPECT_NE(r.err.find("host"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("plugin"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("hint:"), std::string::npos) << r.err;
    // What was linked while it resolved went, with the node_modules made for it.
    EXPECT_FALSE(fs::exists(project / "node_modules"));
}

TEST_F(Install, OptionalPlatformPackagesAreSkippedAndRecorded) {
    auto native = v("1.0.0");
    native.os = {"aix"};
    registry.add({"native-aix", {native}});
    auto tool = v("1.0.0");
    tool.optional_dependencies = {{"native-aix", "1.0.0"}, {"missing-native", "1.0.0"}};
    registry.add({"tool", {tool}});
    registry.write();
    manifest(R"({"dependencies":{"tool":"1.0.0"}})");
    auto r = cairn({"install"});
    EXPECT_OK(r);
    EXPECT_NE(r.out.find("skipped 2 optional dependencies:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("native-aix"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("missing-native"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(project / "node_modules/native-aix"));
    auto lock = nlohmann::json::parse(read_file(project / "cairn.lock"));
    EXPECT_EQ(lock["skipped"].size(), 2u);
    // A frozen install accepts that lockfile.
    fs::remove_all(project / "node_modules");
    EXPECT_OK(cairn({"install", "--frozen"}));
}

TEST_F(Install, AliasesOverridesAndDeprecation) {
    registry.add({"react", {v("17.0.0"), v("18.3.1")}});
    auto old = v("1.0.0");
    old.deprecated = "use new-thing";
    registry.add({"old-thing", {old}});
    auto lib = v("1.0.0");
    lib.dependencies = {{"old-thing", "^1.0.0"}, {"react", "^17.0.0"}};
    registry.add({"lib", {lib}});
    registry.write();
    manifest(R"({"dependencies":{"react-17":"npm:react@^17.0.0","lib":"1.0.0"},
                 "overrides":{"react":"18.3.1"}})");
    auto r = cairn({"install"});
    EXPECT_OK(r);
    EXPECT_EQ(installed_version("node_modules/react-17"), "17.0.0")
        << "an alias keeps its own spec (overrides apply to dependencies of packages)";
    EXPECT_EQ(installed_version("node_modules/react"), "18.3.1") << "lib's react overridden";
    EXPECT_NE(r.err.find("warning: deprecated old-thing@1.0.0: use new-thing"), std::string::npos)
        << r.err;
    auto lock = nlohmann::json::parse(read_file(project / "cairn.lock"));
    EXPECT_EQ(lock["packages"]["node_modules/react-17"]["package"], "react");
    EXPECT_EQ(lock["root"]["overrides"]["react"], "18.3.1");
}

TEST_F(Install, UnsupportedSpecsAndWorkspacesGetClearErrors) {
    registry.write();
    manifest(R"({"dependencies":{"thing":"git+https://127.0.0.1/x/thing.git"}})");
    auto r = cairn({"install"});
    EXPECT_EQ(r.status, 9) << r.err;
    EXPECT_NE(r.err.find("thing"), std::string::npos) << r.err;
    manifest(R"({"name":"mono","workspaces":["packages/*"]})");
    r = cairn({"install"});
    EXPECT_EQ(r.status, 9) << r.err;
    EXPECT_NE(r.err.find("workspaces"), std::string::npos) << r.err;
}

TEST_F(Install, ScriptsAreSkippedUnlessAllowed) {
    auto builder = v("1.0.0");
    builder.scripts = {{"postinstall", "node -e \"require('fs').writeFileSync('built','ok')\""}};
    registry.add({"builder", {builder}});
    registry.write();
    manifest(R"({"dependencies":{"builder":"1.0.0"}})");
    auto r = cairn({"install"});
    EXPECT_OK(r);
    EXPECT_NE(r.out.find("install scripts not run (1):\n  builder@1.0.0 (postinstall)"),
              std::string::npos)
        << r.out;
    EXPECT_FALSE(fs::exists(project / "node_modules/builder/built"));
    if (!have_program("node"))
        GTEST_SKIP() << "node is not installed: the allowed script cannot run";
    fs::remove_all(project / "node_modules");
    r = cairn({"install", "--allow-scripts", "builder"});
    EXPECT_OK(r);
    EXPECT_EQ(read_file(project / "node_modules/builder/built"), "ok");
    EXPECT_NE(r.out.find("ran install scripts:"), std::string::npos) << r.out;
}

TEST_F(Install, AddRemoveUpdateTreeWhyOutdated) {
    basic_registry();
    manifest(R"({"name":"app","version":"1.0.0","dependencies":{"b":"^1.0.0"}})");
    EXPECT_OK(cairn({"install"}));
    EXPECT_EQ(installed_version("node_modules/b"), "1.1.0");

    auto added = cairn({"add", "a", "-D"});
    EXPECT_OK(added);
    auto manifest_json = nlohmann::json::parse(read_file(project / "package.json"));
    EXPECT_EQ(manifest_json["devDependencies"]["a"], "^2.0.0") << "latest is 2.0.0";
    EXPECT_EQ(installed_version("node_modules/a"), "2.0.0");

    auto tree = cairn({"tree"});
    EXPECT_OK(tree);
    EXPECT_NE(tree.out.find("├── a@2.0.0 dev"), std::string::npos) << tree.out;
    auto why = cairn({"why", "b"});
    EXPECT_OK(why);
    EXPECT_NE(why.out.find("b@1.1.0  node_modules/b\n  b@\"^1.0.0\" (prod) from the root project"),
              std::string::npos)
        << why.out;

    auto outdated = cairn({"outdated"});
    EXPECT_EQ(outdated.status, 1) << outdated.err;
    EXPECT_NE(outdated.out.find("b        1.1.0        1.1.0        2.0.0"), std::string::npos)
        << outdated.out;

    EXPECT_OK(cairn({"remove", "a"}));
    EXPECT_FALSE(fs::exists(project / "node_modules/a"));
    manifest_json = nlohmann::json::parse(read_file(project / "package.json"));
    EXPECT_FALSE(manifest_json.contains("devDependencies"));

    auto missing = cairn({"remove", "nope"});
    EXPECT_EQ(missing.status, 4);
    EXPECT_NE(missing.err.find("error: nope is not a dependency in package.json"),
              std::string::npos)
        << missing.err;
}

TEST_F(Install, AddKeepsAPeerAsDevAndMovesWhatCannotCoexist) {
    // As npm: a library lists what it plugs into as a peer and installs it as dev; a name
    // moved from dependencies to devDependencies leaves dependencies.
    basic_registry();
    manifest(R"({"name":"lib","version":"1.0.0","dependencies":{"b":"^1.0.0"},)"
             R"("peerDependencies":{"a":"^2.0.0"}})");
    EXPECT_OK(cairn({"add", "a@^2.0.0", "b@^1.0.0", "-D"}));
    auto json = nlohmann::json::parse(read_file(project / "package.json"));
    EXPECT_EQ(json["devDependencies"]["a"], "^2.0.0");
    EXPECT_EQ(json["peerDependencies"]["a"], "^2.0.0") << "the peer stays";
    EXPECT_EQ(json["devDependencies"]["b"], "^1.0.0");
    EXPECT_FALSE(json.contains("dependencies")) << "b moved, and the empty field went";

    // A peer saved as a production dependency stops being a peer.
    EXPECT_OK(cairn({"add", "a@^2.0.0"}));
    json = nlohmann::json::parse(read_file(project / "package.json"));
    EXPECT_EQ(json["dependencies"]["a"], "^2.0.0");
    EXPECT_FALSE(json.contains("peerDependencies"));
    EXPECT_FALSE(json["devDependencies"].contains("a"));
}

TEST_F(Install, ANameInSeveralFieldsIsTheOneNpmReadsLast) {
    // npm keeps one edge per name, a later field replacing an earlier one (peer, prod,
    // optional, dev): dev wins at the root, and --omit=dev leaves it out.
    basic_registry();
    manifest(R"({"name":"lib","version":"1.0.0","devDependencies":{"b":"^2.0.0"},)"
             R"("optionalDependencies":{"b":"^1.0.0"},"peerDependencies":{"b":"^1.0.0"}})");
    EXPECT_OK(cairn({"install"}));
    EXPECT_EQ(installed_version("node_modules/b"), "2.0.0");
    auto lock = nlohmann::json::parse(read_file(project / "cairn.lock"));
    EXPECT_EQ(lock["packages"]["node_modules/b"]["dev"], true);

    fs::remove_all(project / "node_modules");
    EXPECT_OK(cairn({"install", "--omit=dev"}));
    EXPECT_FALSE(fs::exists(project / "node_modules/b"));
}

TEST_F(Install, ScopedRegistryFromNpmrc) {
    NpmRegistryFixture private_registry(dir / "private");
    private_registry.add({"@corp/secret", {v("1.0.0")}});
    private_registry.write();
    registry.add({"b", {v("1.0.0")}});
    registry.write();
    manifest(R"({"dependencies":{"@corp/secret":"^1.0.0","b":"^1.0.0"}})");
    write_file(project / ".npmrc", "registry=" + registry.file_url() +
                                       "\n@corp:registry=" + private_registry.file_url() + "\n");
    auto r = cairn({"install"});
    EXPECT_OK(r);
    EXPECT_EQ(installed_version("node_modules/@corp/secret"), "1.0.0");
    auto lock = nlohmann::json::parse(read_file(project / "cairn.lock"));
    EXPECT_EQ(lock["packages"]["node_modules/@corp/secret"]["resolved"],
              private_registry.file_url() + "@corp/secret/-/secret-1.0.0.tgz");
}

} // namespace
} // namespace cairn::test
