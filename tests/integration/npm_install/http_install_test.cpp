// `cairn install` over http (nginx serving a fixture registry folder): tarballs are fetched
// while the metadata of deeper levels is still being looked up, only for this platform, and
// a speculative download the resolver did not pick is neither installed nor counted; a
// damaged blob in the store is quarantined and fetched again (offline: a clear error).
#include "npm_project_fixture.hpp"
#include "support/nginx/nginx.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

// The index of the first access log line starting with `request`; -1 when none.
long line_of(const std::vector<std::string>& lines, const std::string& request) {
    auto it = std::find_if(lines.begin(), lines.end(),
                           [&](const std::string& line) { return line.starts_with(request); });
    return it == lines.end() ? -1 : static_cast<long>(it - lines.begin());
}

class InstallOverHttp : public NpmProjectTest {
protected:
    std::unique_ptr<Nginx> nginx;

    void serve() {
        registry.write();
        NginxOptions options;
        options.root = registry.root();
        options.access_log = true;
        options.npm_registry = true;
        nginx = std::make_unique<Nginx>(options);
    }

    void manifest_over_http(std::string_view json) {
        write_file(project / "package.json", json);
        write_file(project / ".npmrc", "registry=" + nginx->base_url() + "/\n");
    }
};

TEST_F(InstallOverHttp, TarballsOverlapMetadataOnlyForThisPlatformAndOnlyPicksCount) {
    if (!have_nginx())
        GTEST_SKIP() << "nginx is not installed (Debian package nginx-light)";
    // A chain chain0 -> chain1 -> ... -> chain7: the metadata of chain7 can only be asked
    // for after seven answers in a row, while chain0's tarball is known after the first.
    constexpr int k_chain = 8;
    for (int i = 0; i < k_chain; ++i) {
        auto release = v("1.0.0");
        if (i + 1 < k_chain)
            release.dependencies = {{fmt::format("chain{}", i + 1), "^1.0.0"}};
        if (i == 0)
            release.optional_dependencies = {{"native-aix", "1.0.0"}};
        registry.add({fmt::format("chain{}", i), {release}});
    }
    auto native = v("1.0.0");
    native.os = {"aix"};
    registry.add({"native-aix", {native}});
    // shared@^1 alone would pick 1.1.0; the root's exact 1.0.0 is placed first and satisfies
    // it, so the resolver dedupes to 1.0.0 and the speculative 1.1.0 is not installed.
    auto user = v("1.0.0");
    user.dependencies = {{"shared", "^1.0.0"}};
    registry.add({"user", {user}});
    registry.add({"shared", {v("1.0.0"), v("1.1.0")}});
    serve();
    manifest_over_http(R"({"dependencies":{"chain0":"^1.0.0","user":"1.0.0","shared":"1.0.0"}})");

    auto r = cairn({"install", "--json"});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    auto summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["packages"], k_chain + 2) << r.out;
    EXPECT_EQ(summary["downloaded"], k_chain + 2) << r.out; // counted: what was installed
    EXPECT_EQ(installed_version("node_modules/shared"), "1.0.0");
    EXPECT_FALSE(fs::exists(project / "node_modules/user/node_modules/shared"));
    EXPECT_FALSE(fs::exists(project / "node_modules/native-aix"));
    auto lock = nlohmann::json::parse(read_file(project / "cairn.lock"));
    for (const auto& [path, package] : lock["packages"].items())
        EXPECT_NE(package.value("version", ""), "1.1.0") << path;

    // 11 packuments and at least 10 tarballs (chain0-7, user, shared 1.0.0).
    auto lines = nginx->access_log_lines(21);
    long first_tarball = line_of(lines, "GET /chain0/-/chain0-1.0.0.tgz ");
    long last_packument = line_of(lines, fmt::format("GET /chain{} ", k_chain - 1));
    ASSERT_GE(first_tarball, 0) << ::testing::PrintToString(lines);
    ASSERT_GE(last_packument, 0) << ::testing::PrintToString(lines);
    EXPECT_LT(first_tarball, last_packument) << ::testing::PrintToString(lines);
    // The other platform's package: its metadata was read, its tarball never asked for.
    EXPECT_GE(line_of(lines, "GET /native-aix "), 0) << ::testing::PrintToString(lines);
    EXPECT_EQ(line_of(lines, "GET /native-aix/-/"), -1) << ::testing::PrintToString(lines);

    // The lockfile as written installs the same tree again from the store alone.
    fs::remove_all(project / "node_modules");
    auto again = cairn({"install", "--frozen", "--offline", "--json"});
    ASSERT_EQ(again.status, 0) << again.out << again.err;
    EXPECT_EQ(nlohmann::json::parse(again.out)["downloaded"], 0) << again.out;
    EXPECT_EQ(installed_version("node_modules/shared"), "1.0.0");
}

// The stored blob holding exactly these bytes.
fs::path blob_with(const fs::path& store, const std::string& bytes) {
    for (const auto& entry : fs::recursive_directory_iterator(store / "blobs"))
        if (entry.is_regular_file() && read_file(entry.path()) == bytes)
            return entry.path();
    return {};
}

// Flips the blob's last byte and removes the tree unpacked from it, as a power loss or a
// bad disk might leave them.
void damage(const fs::path& store, const fs::path& blob) {
    fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
    std::string bytes = read_file(blob);
    bytes.back() = static_cast<char>(bytes.back() ^ 0x5a);
    write_file(blob, bytes);
    fs::permissions(blob, fs::perms::owner_write, fs::perm_options::remove);
    for (const auto& entry : fs::directory_iterator(store / "unpacked"))
        if (entry.path().filename().string().find(blob.filename().string()) != std::string::npos)
            fs::remove_all(entry.path());
}

TEST_F(InstallOverHttp, ADamagedStoredBlobIsFetchedAgainOnlineAndRefusedOffline) {
    if (!have_nginx())
        GTEST_SKIP() << "nginx is not installed (Debian package nginx-light)";
    auto top = v("1.0.0");
    top.dependencies = {{"leaf", "^1.0.0"}};
    registry.add({"top", {top}});
    registry.add({"leaf", {v("1.0.0")}});
    serve();
    manifest_over_http(R"({"dependencies":{"top":"^1.0.0"}})");
    auto first = cairn({"install"});
    ASSERT_EQ(first.status, 0) << first.out << first.err;
    fs::path store = dir / "store";
    fs::path blob = blob_with(store, read_file(registry.tarball_path("leaf", "1.0.0")));
    ASSERT_FALSE(blob.empty());

    // Online: quarantined, fetched again, installed.
    damage(store, blob);
    fs::remove_all(project / "node_modules");
    auto r = cairn({"install", "--frozen", "--json"});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["downloaded"], 1) << r.out;
    EXPECT_EQ(installed_version("node_modules/leaf"), "1.0.0");
    EXPECT_EQ(read_file(blob), read_file(registry.tarball_path("leaf", "1.0.0")));
    EXPECT_EQ(std::distance(fs::directory_iterator(store / "quarantine"), fs::directory_iterator()),
              1);
    auto lines = nginx->access_log_lines(5); // 2 packuments, 2 tarballs, leaf's again
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [](const std::string& line) {
                                return line.starts_with("GET /leaf/-/leaf-1.0.0.tgz ");
                            }),
              2)
        << ::testing::PrintToString(lines);

    // Offline: the damage is reported, nothing is installed in its place.
    damage(store, blob);
    fs::remove_all(project / "node_modules");
    auto offline = cairn({"install", "--frozen", "--offline"});
    EXPECT_EQ(offline.status, 6) << offline.out << offline.err;
    EXPECT_NE(offline.err.find("npm:leaf@1.0.0"), std::string::npos) << offline.err;
    EXPECT_NE(offline.err.find("quarantined"), std::string::npos) << offline.err;
    EXPECT_FALSE(fs::exists(project / "node_modules/leaf"));
}

} // namespace
} // namespace cairn::test
