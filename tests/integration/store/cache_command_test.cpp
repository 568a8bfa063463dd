// `cairn cache ...` output and errors that need no server.
#include "e2e/cli_env.hpp"

#include "cairn/core/digest.hpp"

#include <gtest/gtest.h>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

TEST(CacheCommand, InfoOfAFreshStore) {
    CliSandbox sandbox;
    sandbox.set_env("CAIRN_HOME", (sandbox.root() / "store").string());
    // `cache info` writes nothing: it makes no session folder of its own to count.
    auto r = sandbox.cairn({"cache", "info"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "store: [TMP]/store\nblobs: 0 (0 B)\nunpacked trees: 0 (0 B), 0 incomplete\n"
                     "metadata: 0 version indexes (0 B)\ntmp: 0 entries (0 B)\nquarantine: 0 "
                     "entries\n");
    EXPECT_EQ(read_file(sandbox.root() / "store" / "store-version"), "1\n");
}

TEST(CacheCommand, StoreDefaultsToTheXdgCacheFolder) {
    CliSandbox sandbox;
    sandbox.set_env("XDG_CACHE_HOME", (sandbox.root() / "xdg").string());
    auto r = sandbox.cairn({"--json", "cache", "info"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("\"store\":\"[TMP]/xdg/cairn\""), std::string::npos) << r.out;
}

TEST(CacheCommand, GcVerifyAndCleanOnAStoreWithLeftovers) {
    CliSandbox sandbox;
    fs::path store = sandbox.root() / "store";
    sandbox.set_env("CAIRN_HOME", store.string());
    ASSERT_EQ(sandbox.cairn({"cache", "info"}).status, 0);
    write_file(store / "tmp" / "s-dead" / "blob-1", "12345");
    write_file(store / "unpacked" / "sha512-00" / "f", "abc");
    // A blob whose bytes do not match its name, as a bad disk would leave it.
    std::string hex(128, 'a');
    write_file(store / "blobs" / "sha512" / "aa" / hex, "rot");
    auto gc = sandbox.cairn({"cache", "gc"});
    EXPECT_EQ(gc.status, 0) << gc.err;
    EXPECT_EQ(gc.out, "gc: removed 1 abandoned tmp entries, 1 incomplete trees, 0 lock files; "
                      "freed 8 B\n");
    auto verify = sandbox.cairn({"cache", "verify"});
    EXPECT_EQ(verify.status, 1);
    EXPECT_EQ(verify.out, "quarantined: blob " +
                              Digest::parse_hex(DigestAlgorithm::sha512, hex).sri() +
                              "\nverified 1 blobs and 0 unpacked trees: 1 bad\n");
    auto again = sandbox.cairn({"cache", "verify"});
    EXPECT_EQ(again.status, 0);
    EXPECT_EQ(again.out, "verified 0 blobs and 0 unpacked trees: 0 bad\n");
    auto clean = sandbox.cairn({"cache", "clean"});
    EXPECT_EQ(clean.status, 0) << clean.err;
    EXPECT_EQ(clean.out, "clean: removed 1 entries; freed 3 B\n");
    EXPECT_TRUE(fs::is_empty(store / "quarantine"));
    EXPECT_EQ(read_file(store / "store-version"), "1\n");
}

TEST(CacheCommand, AddNeedsArtifactsWithIntegrity) {
    CliSandbox sandbox;
    sandbox.set_env("CAIRN_HOME", (sandbox.root() / "store").string());
    auto none = sandbox.cairn({"cache", "add"});
    EXPECT_EQ(none.status, 2);
    EXPECT_EQ(none.err, "error: no artifacts to add: give URL#SRI arguments or --list FILE\n");
    auto bare = sandbox.cairn({"cache", "add", "http://127.0.0.1:1/a.tgz"});
    EXPECT_EQ(bare.status, 2);
    EXPECT_EQ(bare.err,
              "error: \"http://127.0.0.1:1/a.tgz\" has no integrity\n"
              "hint: write artifacts as URL#SRI, e.g. https://host/pkg-1.0.0.tgz#sha512-...\n");
    auto bad = sandbox.cairn({"cache", "add", "http://127.0.0.1:1/a.tgz#md5-abc"});
    EXPECT_EQ(bad.status, 6);
    EXPECT_EQ(bad.err, "error: invalid digest \"md5-abc\"\n"
                       "  caused by: no sha1, sha256 or sha512 hash in SRI form (algo-base64)\n");
    sandbox.write("project/list.txt", "# comment\n\nhttp://127.0.0.1:1/a.tgz sha512-nope\n");
    auto list = sandbox.cairn({"cache", "add", "--list", "list.txt"});
    EXPECT_EQ(list.status, 6);
    EXPECT_EQ(list.err, "error: invalid digest \"sha512-nope\"\n"
                        "  caused by: no sha1, sha256 or sha512 hash in SRI form (algo-base64)\n"
                        "  while: reading list.txt:3\n");
}

} // namespace
} // namespace cairn::test
