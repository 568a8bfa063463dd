// The cairn format end to end, through the real binary: identity -> registry init -> index
// new -> publish -> add/install (file:// and nginx over http), and every failure the issue
// names: tampered blob and document, rollback, equivocation, key change, cycles,
// unsatisfiable graphs, closure failures, merge conflicts, portable packages offline.
#include "e2e/cli_env.hpp"
#include "support/nginx/nginx.hpp"
#include "support/run.hpp"
#include "support/testdata.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class CairnFormat : public ::testing::Test {
protected:
    void SetUp() override {
        if (!have_program("ssh-keygen"))
            GTEST_SKIP() << "ssh-keygen is not on PATH (install openssh-client)";
        m_sandbox.set_env("CAIRN_HOME", (m_sandbox.root() / "store").string());
        ok({"identity", "new"});
        ok({"registry", "init", registry().string()});
        ok({"index", "new", "acme", "--registry", registry().string()});
    }

    fs::path registry() const { return m_sandbox.root() / "registry"; }
    std::string registry_url() const { return "file://" + registry().string(); }

    RunResult cairn(const std::vector<std::string>& args, const std::string& cwd = "project") {
        return m_sandbox.cairn(args, cwd);
    }
    RunResult ok(const std::vector<std::string>& args, const std::string& cwd = "project") {
        auto r = cairn(args, cwd);
        EXPECT_EQ(r.status, 0) << "cairn " << testing::PrintToString(args) << "\n"
                               << r.out << r.err;
        return r;
    }

    // Writes a package folder pkgs/<scope>-<name>-<version> and publishes it.
    RunResult publish(const std::string& name, const std::string& version,
                      const std::map<std::string, std::string>& deps = {},
                      const std::string& index = "acme", const std::string& extra_args = "") {
        auto dir = write_package(name, version, deps);
        std::vector<std::string> args = {"publish", "--registry", registry().string(), "--index",
                                         index};
        if (!extra_args.empty())
            args.push_back(extra_args);
        return cairn(args, dir);
    }

    std::string write_package(const std::string& name, const std::string& version,
                              const std::map<std::string, std::string>& deps) {
        std::string dir = "pkgs/" + name + "-" + version;
        for (auto& c : dir)
            if (c == '/' && &c != &dir[4])
                c = '-';
        nlohmann::json manifest = {{"name", name}, {"version", version}, {"license", "MIT"}};
        manifest["dependencies"] = deps;
        spit(m_sandbox.root() / dir / "cairn.json5", manifest.dump(2));
        spit(m_sandbox.root() / dir / "src" / "lib.txt", name + " " + version + "\n");
        return dir;
    }

    void make_app(const std::map<std::string, std::string>& deps) {
        nlohmann::json manifest = {{"name", "acme/app"}, {"version", "1.0.0"}};
        manifest["dependencies"] = deps;
        spit(m_sandbox.root() / "project" / "cairn.json5", manifest.dump(2));
    }

    RunResult install(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args = {"install", "--registry", registry_url()};
        args.insert(args.end(), extra.begin(), extra.end());
        return cairn(args);
    }

    void publish_three() {
        ASSERT_EQ(publish("acme/libbar", "1.0.0").status, 0);
        ASSERT_EQ(publish("acme/libbaz", "1.0.0", {{"acme/libbar", "^1.0"}}).status, 0);
        ASSERT_EQ(publish("acme/libfoo", "1.2.0", {{"acme/libbaz", "^1"}}).status, 0);
    }

    fs::path project() const { return m_sandbox.root() / "project"; }

    CliSandbox m_sandbox;
};

TEST_F(CairnFormat, PublishAddInstallFromAFileRegistry) {
    publish_three();
    ok({"init", "--format", "cairn", "--name", "acme/app"});
    auto add = ok({"add", "cairn:acme/libfoo@^1.2", "--registry", registry_url()});
    EXPECT_NE(add.out.find("added 3 packages from 1 registry"), std::string::npos) << add.out;
    EXPECT_NE(add.out.find("3 downloaded, 3 linked"), std::string::npos) << add.out;
    EXPECT_EQ(slurp(project() / "cairn_modules/acme/libbar/src/lib.txt"), "acme/libbar 1.0.0\n");
    EXPECT_EQ(slurp(project() / "cairn_modules/acme/libfoo/src/lib.txt"), "acme/libfoo 1.2.0\n");
    auto paths = nlohmann::json::parse(slurp(project() / "cairn_modules/.paths.json"));
    EXPECT_EQ(paths["acme/libbaz"], "cairn_modules/acme/libbaz");
    EXPECT_EQ(paths.size(), 3u);
    auto manifest = slurp(project() / "cairn.json5");
    EXPECT_NE(manifest.find("\"acme/libfoo\": \"^1.2\""), std::string::npos) << manifest;
    auto lock = nlohmann::json::parse(slurp(project() / "cairn.lock"));
    EXPECT_EQ(lock["cairn"]["packages"]["acme/libfoo"]["version"], "1.2.0");
    EXPECT_TRUE(lock["cairn"]["trust"].contains("cairn:acme/*"));
    EXPECT_TRUE(lock["cairn"]["trust"].contains("cairn:acme/libfoo"));
    // Warm: nothing downloaded or linked again.
    auto again = install();
    EXPECT_EQ(again.status, 0) << again.err;
    EXPECT_NE(again.out.find("0 downloaded, 0 linked"), std::string::npos) << again.out;
    // The closure check passes.
    auto check = ok({"index", "check", "--registry", registry().string(), "--index", "acme"});
    EXPECT_NE(check.out.find("is closed"), std::string::npos);
}

TEST_F(CairnFormat, ThePackIsDeterministic) {
    auto dir = write_package("acme/libbar", "1.0.0", {});
    auto a = ok({"pack", "-o", "out1"}, dir);
    fs::last_write_time(m_sandbox.root() / dir / "src/lib.txt",
                        fs::file_time_type::clock::now() - std::chrono::hours(5));
    auto b = ok({"pack", "-o", "out2"}, dir);
    auto digest = [](const std::string& out) { return out.substr(out.find("sha256:"), 71); };
    EXPECT_EQ(digest(a.out), digest(b.out));
    spit(m_sandbox.root() / dir / "src/lib.txt", "changed\n");
    auto c = ok({"pack", "-o", "out3"}, dir);
    EXPECT_NE(digest(a.out), digest(c.out));
}

TEST_F(CairnFormat, AnNginxServedRegistryWorksTheSame) {
    if (!have_nginx())
        GTEST_SKIP() << "nginx is not installed";
    publish_three();
    Nginx nginx({registry()});
    make_app({{"acme/libfoo", "^1.2"}});
    auto r = cairn({"install", "--registry", nginx.url("/")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("added 3 packages from 1 registry"), std::string::npos) << r.out;
    EXPECT_EQ(slurp(project() / "cairn_modules/acme/libbaz/src/lib.txt"), "acme/libbaz 1.0.0\n");
    // Offline: the metadata cache and the store answer.
    fs::remove_all(project() / "cairn_modules");
    auto offline = cairn({"--offline", "install", "--registry", nginx.url("/")});
    ASSERT_EQ(offline.status, 0) << offline.err;
    EXPECT_NE(offline.out.find("0 downloaded, 3 linked (offline)"), std::string::npos)
        << offline.out;
}

TEST_F(CairnFormat, ATamperedBlobIsRefused) {
    publish_three();
    make_app({{"acme/libfoo", "^1.2"}});
    for (auto& entry : fs::recursive_directory_iterator(registry() / "blobs")) {
        if (!entry.is_regular_file())
            continue;
        fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
        auto bytes = slurp(entry.path());
        bytes[bytes.size() / 2] ^= 1;
        spit(entry.path(), bytes);
    }
    auto r = install();
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("error: integrity"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("while: fetching acme/"), std::string::npos) << r.err;
}

TEST_F(CairnFormat, ATamperedDocumentIsRefused) {
    publish_three();
    make_app({{"acme/libfoo", "^1.2"}});
    for (auto& entry : fs::recursive_directory_iterator(registry() / "indexes")) {
        if (entry.path().filename() != "libbar.json")
            continue;
        auto text = slurp(entry.path());
        auto at = text.find("1.0.0");
        ASSERT_NE(at, std::string::npos);
        text.replace(at, 5, "1.0.1");
        spit(entry.path(), text);
    }
    auto r = install();
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("bad signature"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("libbar.json"), std::string::npos) << r.err;
}

TEST_F(CairnFormat, RollbackAndEquivocationAreRefused) {
    publish_three();
    auto backup = m_sandbox.root() / "backup";
    fs::copy(registry(), backup, fs::copy_options::recursive);
    ASSERT_EQ(publish("acme/libfoo", "1.3.0", {{"acme/libbaz", "^1"}}).status, 0);
    make_app({{"acme/libfoo", "^1.2"}});
    ok({"install", "--registry", registry_url()});
    // Rollback: the older head again.
    auto fresh = m_sandbox.root() / "rolled";
    fs::copy(backup, fresh, fs::copy_options::recursive);
    auto r = cairn({"install", "--registry", "file://" + fresh.string()});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("rollback: have seq 2, got 1"), std::string::npos) << r.err;
    // Equivocation: another document with seq 2.
    auto dir = write_package("acme/libfoo", "1.4.0", {{"acme/libbaz", "^1"}});
    ok({"publish", "--registry", fresh.string(), "--index", "acme"}, dir);
    auto e = cairn({"install", "--registry", "file://" + fresh.string()});
    EXPECT_NE(e.status, 0);
    EXPECT_NE(e.err.find("equivocation: two different documents with seq 2: have sha256:"),
              std::string::npos)
        << e.err;
}

TEST_F(CairnFormat, AnOwnerKeyChangeFailsUntilAccepted) {
    publish_three();
    make_app({{"acme/libbar", "^1"}});
    ok({"install", "--registry", registry_url()});
    std::string old_owner =
        nlohmann::json::parse(slurp(project() / "cairn.lock"))["cairn"]["trust"]["cairn:acme/*"];
    // Someone else's registry with the same names.
    auto other = m_sandbox.root() / "other";
    ok({"identity", "new", "--path", (m_sandbox.root() / "keys/other").string()});
    ok({"registry", "init", other.string()});
    ok({"index", "new", "acme", "--registry", other.string()});
    auto dir = write_package("acme/libbar", "1.0.0", {});
    ok({"publish", "--registry", other.string(), "--index", "acme"}, dir);
    auto r = cairn({"install", "--registry", "file://" + other.string()});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("the owner key of cairn:acme/* changed: recorded " + old_owner),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("cairn trust accept cairn:acme/* SHA256:"), std::string::npos) << r.err;
    auto new_owner = r.err.substr(r.err.find("now signed by ") + 14, 50);
    ok({"trust", "accept", "cairn:acme/*", new_owner});
    auto second = cairn({"install", "--registry", "file://" + other.string()});
    EXPECT_NE(second.err.find("the owner key of cairn:acme/libbar changed"), std::string::npos)
        << second.err;
    ok({"trust", "accept", "cairn:acme/libbar", new_owner});
    ok({"install", "--registry", "file://" + other.string()});
}

TEST_F(CairnFormat, ADependencyCycleInstalls) {
    ASSERT_EQ(publish("acme/libx", "1.0.0").status, 0);
    ASSERT_EQ(publish("acme/liby", "1.0.0", {{"acme/libx", "^1"}}).status, 0);
    ASSERT_EQ(publish("acme/libx", "1.1.0", {{"acme/liby", "^1"}}).status, 0);
    make_app({{"acme/libx", "^1.1"}});
    auto r = install();
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("acme/libx 1.1.0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("acme/liby 1.0.0"), std::string::npos) << r.out;
}

TEST_F(CairnFormat, AnUnsatisfiableGraphIsExplained) {
    publish_three();
    ASSERT_EQ(publish("acme/libbar", "2.0.0").status, 0);
    make_app({{"acme/libfoo", "^1.2"}, {"acme/libbar", "^2"}});
    auto r = install();
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("error: cannot resolve the dependencies of acme/app"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("Because"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("version solving failed"), std::string::npos) << r.err;
}

TEST_F(CairnFormat, PublishListsEveryMissingRequirement) {
    ASSERT_EQ(publish("acme/libbar", "1.0.0").status, 0);
    auto r = publish("acme/libfoo", "1.0.0",
                     {{"acme/libbar", "^2"}, {"acme/nothere", "^1"}, {"other/x", "^1"}});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("cannot publish acme/libfoo 1.0.0: 3 of its dependencies"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("acme/libfoo 1.0.0 requires acme/libbar ^2: no release matches (have "
                         "1.0.0)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("requires acme/nothere ^1: the package index acme has no entry nothere"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("requires other/x ^1: the registry has no package index for scope other"),
              std::string::npos)
        << r.err;
}

TEST_F(CairnFormat, MergeListsConflictsAndHonoursAPreference) {
    publish_three();
    ok({"identity", "new", "--path", (m_sandbox.root() / "keys/corp").string()});
    ok({"index", "new", "corp", "--registry", registry().string()});
    ASSERT_EQ(publish("corp/libfoo", "1.2.0", {}, "corp").status, 0);
    ASSERT_EQ(publish("corp/extra", "1.0.0", {}, "corp").status, 0);
    auto r =
        cairn({"index", "merge", "acme", "corp", "-o", "all", "--registry", registry().string()});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("cannot merge acme and corp: 2 conflicts"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("libfoo: names two different version indexes"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("libfoo 1.2.0: published with two digests"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(registry() / "cairn-registry.json") &&
                 slurp(registry() / "cairn-registry.json").find("\"all\"") != std::string::npos);
    auto merged = ok({"index", "merge", "acme", "corp", "-o", "all", "--registry",
                      registry().string(), "--prefer", "corp"});
    EXPECT_NE(merged.out.find("merged 4 entries into all"), std::string::npos) << merged.out;
    make_app({{"all/libfoo", "^1"}, {"all/extra", "^1"}});
    auto i = install();
    ASSERT_EQ(i.status, 0) << i.err;
    EXPECT_EQ(slurp(project() / "cairn_modules/all/libfoo/src/lib.txt"), "corp/libfoo 1.2.0\n");
}

TEST_F(CairnFormat, YankedReleasesAreSkippedAndDeprecatedOnesWarn) {
    publish_three();
    ASSERT_EQ(publish("acme/libbar", "1.1.0").status, 0);
    ok({"index", "yank", "acme/libbar@1.1.0", "--registry", registry().string()});
    ok({"index", "deprecate", "acme/libbar@1.0.0", "--registry", registry().string()});
    make_app({{"acme/libbar", "^1"}});
    auto r = install();
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("acme/libbar 1.0.0 (deprecated)"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("warning: acme/libbar 1.0.0 is deprecated"), std::string::npos) << r.err;
}

TEST_F(CairnFormat, ManifestErrorsAreClear) {
    spit(project() / "cairn.json5", "{name: 'acme/app', version: '1.x'}");
    auto r = install();
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("cairn.json5: version: \"1.x\" is not a semantic version"),
              std::string::npos)
        << r.err;
    spit(project() / "cairn.json5", "{name: 'acme/app', version: '1.0.0', dependecies: {}}");
    auto u = install();
    EXPECT_NE(u.err.find("cairn.json5: dependecies: unknown key"), std::string::npos) << u.err;
}

TEST_F(CairnFormat, APinnedKeyRefusesEveryOtherOwner) {
    publish_three();
    make_app({{"acme/libbar", "^1"}});
    // Pin another key for the whole scope: the registry's own key is refused.
    ok({"identity", "new", "--path", (m_sandbox.root() / "keys/pinned").string()});
    auto pinned = slurp(m_sandbox.root() / "keys/pinned.pub");
    pinned.erase(pinned.find_last_not_of("\n") + 1);
    spit(project() / ".config/cairn/trust.json5",
         "{trust: {\"cairn:acme/*\": [\"" + pinned + "\"]}}");
    auto r = install();
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("error: not signed by a trusted key: signed by SHA256:"),
              std::string::npos)
        << r.err;
    // Pinning the registry's key works, and nothing is recorded for pinned packages.
    auto owner = slurp(m_sandbox.root() / "user/cairn/keys/id_ed25519.pub");
    owner.erase(owner.find_last_not_of("\n") + 1);
    spit(project() / ".config/cairn/trust.json5",
         "{trust: {\"cairn:acme/*\": [\"" + owner + "\"]}}");
    auto good = install();
    ASSERT_EQ(good.status, 0) << good.err;
    auto lock = nlohmann::json::parse(slurp(project() / "cairn.lock"));
    EXPECT_TRUE(lock["cairn"]["trust"].empty()) << lock.dump();
}

TEST_F(CairnFormat, TheBundledExampleInstallsOffline) {
    auto example = source_dir() / "examples/cairn-registry";
    fs::copy(example / "app", project(), fs::copy_options::recursive);
    auto r = cairn(
        {"--offline", "install", "--registry", "file://" + (example / "registry").string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("added 3 packages from 1 registry"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("(offline)"), std::string::npos) << r.out;
}

TEST_F(CairnFormat, AnExistingKeyCanBeUsedAndAddPicksTheNewestRelease) {
    auto key = m_sandbox.root() / "home/.ssh/id_ed25519";
    fs::create_directories(key.parent_path());
    ASSERT_EQ(run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()}).status, 0);
    auto used = ok({"identity", "use", key.string()});
    EXPECT_NE(used.out.find("using: [TMP]/home/.ssh/id_ed25519"), std::string::npos) << used.out;
    ok({"index", "new", "mine", "--registry", registry().string()});
    ASSERT_EQ(publish("mine/tool", "1.2.0", {}, "mine").status, 0);
    ASSERT_EQ(publish("mine/tool", "1.10.0", {}, "mine").status, 0);
    make_app({});
    auto add = ok({"add", "cairn:mine/tool", "--registry", registry_url()});
    EXPECT_NE(add.out.find("mine/tool 1.10.0"), std::string::npos) << add.out;
    EXPECT_NE(slurp(project() / "cairn.json5").find("\"mine/tool\": \"^1.10.0\""),
              std::string::npos);
    // Only the owner of an index may publish into it.
    ok({"identity", "use", (m_sandbox.root() / "user/cairn/keys/id_ed25519").string()});
    auto r = publish("mine/tool", "1.11.0", {}, "mine");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("error: the package index mine is owned by SHA256:"), std::string::npos)
        << r.err;
    auto bad = cairn({"add", "cairn:mine/tool@^^", "--registry", registry_url()});
    EXPECT_NE(bad.err.find("\"cairn:mine/tool@^^\" has no valid range after '@'"),
              std::string::npos)
        << bad.err;
}

// `unshare -rn` runs a command in a network namespace with no interface up.
std::optional<std::vector<std::string>> isolating_prefix(std::string& why) {
    for (std::vector<std::string> prefix :
         {std::vector<std::string>{"unshare", "-rn"}, std::vector<std::string>{"unshare", "-n"}}) {
        auto argv = prefix;
        argv.push_back("true");
        auto r = run(argv);
        if (r.status == 0)
            return prefix;
        why += "`" + prefix[0] + " " + prefix[1] + " true` failed: " + r.err;
    }
    return std::nullopt;
}

TEST_F(CairnFormat, APortablePackageInstallsWithNoNetworkAndAnEmptyStore) {
    std::string why;
    auto prefix = isolating_prefix(why);
    if (!prefix)
        GTEST_SKIP() << "cannot create a network namespace: " << why;
    publish_three();
    make_app({{"acme/libfoo", "^1.2"}});
    spit(project() / "src/main.txt", "app\n");
    auto packed = ok({"pack", "--portable", "-o", "../dist", "--registry", registry_url()});
    EXPECT_NE(packed.out.find("snapshot: 4 signed documents, 3 archives"), std::string::npos)
        << packed.out;
    fs::remove_all(registry());
    fs::create_directories(m_sandbox.root() / "consumer");
    std::vector<std::string> argv = *prefix;
    argv.insert(argv.end(), {cairn_binary().string(), "--offline", "install",
                             (m_sandbox.root() / "dist/acme-app-1.0.0.portable.tar.zst").string()});
    RunOptions options;
    options.cwd = m_sandbox.root() / "consumer";
    options.env = {{"HOME", (m_sandbox.root() / "home").string()},
                   {"XDG_CONFIG_HOME", (m_sandbox.root() / "user").string()},
                   {"CAIRN_SYSTEM_CONFIG", (m_sandbox.root() / "system").string()},
                   {"CAIRN_HOME", (m_sandbox.root() / "empty-store").string()}};
    options.unset_env = {"CAIRN_CONFIG"};
    auto r = run(argv, options);
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("added 4 packages"), std::string::npos) << r.out;
    auto consumer = m_sandbox.root() / "consumer";
    EXPECT_EQ(slurp(consumer / "cairn_modules/acme/app/src/main.txt"), "app\n");
    EXPECT_EQ(slurp(consumer / "cairn_modules/acme/libbar/src/lib.txt"), "acme/libbar 1.0.0\n");
}

} // namespace
} // namespace cairn::test
