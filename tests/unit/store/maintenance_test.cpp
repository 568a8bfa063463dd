#include "archives/archive_writer.hpp"
#include "store_fixture.hpp"

#include "cairn/core/tree_listing.hpp"
#include "cairn/store/maintenance.hpp"
#include "cairn/store/metadata_cache.hpp"

#include <functional>
#include <string>
#include <vector>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;
using namespace cairn::store;

struct Filled {
    Digest blob_a;
    Digest blob_b;
    UnpackedTree tree;
};

Filled fill(Store& store) {
    std::string tgz = make_tar({file_entry("package/index.js", "exports.x = 1;\n"),
                                file_entry("package/package.json", "{}")});
    Digest a = sha512_of(tgz);
    store.add_blob_bytes(a, tgz);
    Digest b = digest_bytes(DigestAlgorithm::sha1, "plain blob");
    store.add_blob_bytes(b, "plain blob");
    UnpackOptions options;
    options.strip = StripComponents::first;
    return {a, b, store.unpack(a, options)};
}

TEST(Maintenance, InfoCountsEverything) {
    TempDir tmp;
    Store store(tmp / "s");
    auto filled = fill(store);
    MetadataCache(store.meta_path()).put({"r", "npm:x"}, CachedDocument{"raw", "b", {}, 1, {}});
    auto info = store_info(store);
    EXPECT_EQ(info.blobs, 2u);
    EXPECT_EQ(info.blob_bytes, fs::file_size(store.blob_path(filled.blob_a)) + 10);
    EXPECT_EQ(info.trees, 1u);
    EXPECT_EQ(info.tree_bytes, 17u);
    EXPECT_EQ(info.incomplete_trees, 0u);
    EXPECT_EQ(info.tmp_entries, 1u); // this process's session
    EXPECT_EQ(info.indexes, 1u);
    EXPECT_GT(info.metadata_bytes, 0u);
}

TEST(Maintenance, VerifyQuarantinesABadBlobAndAnEditedTree) {
    TempDir tmp;
    Store store(tmp / "s");
    auto filled = fill(store);
    auto clean = verify_store(store);
    EXPECT_EQ(clean.blobs_checked, 2u);
    EXPECT_EQ(clean.trees_checked, 1u);
    EXPECT_EQ(clean.blobs_bad + clean.trees_bad, 0u);

    fs::path blob = store.blob_path(filled.blob_b);
    fs::permissions(blob, fs::perms(0644));
    write_file(blob, "plain blob, flipped");
    // An edit through a hardlinked project file changes the store's copy too.
    write_file(filled.tree.path / "index.js", "exports.x = 2;\n");
    auto report = verify_store(store);
    EXPECT_EQ(report.blobs_checked, 2u);
    EXPECT_EQ(report.blobs_bad, 1u);
    EXPECT_EQ(report.trees_checked, 1u);
    EXPECT_EQ(report.trees_bad, 1u);
    EXPECT_FALSE(store.contains_blob(filled.blob_b));
    EXPECT_FALSE(store.find_unpacked(filled.blob_a, StripComponents::first));
    EXPECT_EQ(store_info(store).quarantined, 2u);
    // The tree is rebuilt from its (good) blob on the next unpack.
    UnpackOptions options;
    options.strip = StripComponents::first;
    auto rebuilt = store.unpack(filled.blob_a, options);
    EXPECT_EQ(read_file(rebuilt.path / "index.js"), "exports.x = 1;\n");
    auto after = verify_store(store);
    EXPECT_EQ(after.blobs_bad + after.trees_bad, 0u);
}

// The listing installs link by must be the tree's: a marker whose listing names a file
// the tree does not have, or whose listing is cut short, marks the tree bad (and the next
// unpack makes it anew).
TEST(Maintenance, VerifyChecksTheListingInTheMarker) {
    std::string ghost = tree_listing::encode({{"index.js", tree_listing::Kind::file},
                                              {"package.json", tree_listing::Kind::file},
                                              {"ghost.js", tree_listing::Kind::file}});
    auto wrong_listing = [&](const std::string& text) {
        return text.substr(0, text.find("listing ")) + "listing " + std::to_string(ghost.size()) +
               "\n" + ghost;
    };
    auto cut_short = [](const std::string& text) { return text.substr(0, text.size() - 2); };
    for (const auto& damage :
         std::vector<std::function<std::string(const std::string&)>>{wrong_listing, cut_short}) {
        TempDir tmp;
        Store store(tmp / "s");
        auto filled = fill(store);
        fs::path marker = store.marker_path(filled.blob_a, StripComponents::first);
        std::string text = read_file(marker);
        ASSERT_NE(text.find("listing "), std::string::npos);
        write_file(marker, damage(text));
        auto report = verify_store(store);
        EXPECT_EQ(report.trees_checked, 1u);
        EXPECT_EQ(report.trees_bad, 1u);
        EXPECT_FALSE(store.find_unpacked(filled.blob_a, StripComponents::first));
    }
}

TEST(Maintenance, GcRemovesWhatDeadProcessesLeftAndKeepsWhatLiveOnesHold) {
    TempDir tmp;
    Store store(tmp / "s");
    auto filled = fill(store);
    Store other(tmp / "s"); // a live process
    write_file(other.session_dir() / "blob-in-progress", "partial");
    // A dead process: its session folder is no longer locked.
    write_file(store.tmp_dir() / "s-dead" / "blob-123", "partial");
    write_file(store.tmp_dir() / "s-dead" / "unpack-1" / "f", "x");
    write_file(store.unpacked_dir() / "sha512-00ff" / "f", "no marker");
    write_file(store.unpacked_dir() / "sha512-11ee.complete", "marker without tree");
    write_file(store.locks_dir() / "blob-stale.lock", "");
    auto held = store.lock_entry("blob-held");

    auto report = gc_store(store);
    EXPECT_EQ(report.tmp_removed, 1u);
    EXPECT_EQ(report.trees_removed, 2u);
    EXPECT_GE(report.locks_removed, 1u);
    EXPECT_EQ(report.bytes_freed, 7u + 1u + 9u);
    EXPECT_FALSE(fs::exists(store.tmp_dir() / "s-dead"));
    EXPECT_TRUE(fs::exists(other.session_dir() / "blob-in-progress"));
    EXPECT_TRUE(fs::exists(store.session_dir()));
    EXPECT_FALSE(fs::exists(store.unpacked_dir() / "sha512-00ff"));
    EXPECT_FALSE(fs::exists(store.locks_dir() / "blob-stale.lock"));
    EXPECT_TRUE(fs::exists(store.locks_dir() / "blob-held.lock"));
    EXPECT_TRUE(store.find_unpacked(filled.blob_a, StripComponents::first));
    EXPECT_TRUE(store.find_blob(filled.blob_b));
}

TEST(Maintenance, TreesOfAnOlderMarkerFormatAreUnpackedAgainOrRemovedByGc) {
    // Version 1 markers vouch for manifests of sha256 file digests, which this cairn no
    // longer computes.
    TempDir tmp;
    Store store(tmp / "s");
    auto filled = fill(store);
    UnpackOptions options;
    options.strip = StripComponents::first;
    fs::path marker = store.marker_path(filled.blob_a, StripComponents::first);
    std::string text = read_file(marker);
    ASSERT_TRUE(text.starts_with("cairn-unpacked 3\n"));
    auto make_old = [&] { write_file(marker, "cairn-unpacked 1\n" + text.substr(17)); };

    make_old();
    EXPECT_FALSE(store.find_unpacked(filled.blob_a, StripComponents::first));
    auto again = store.unpack(filled.blob_a, options); // replaces the tree, writes a new marker
    EXPECT_FALSE(again.already_present);
    EXPECT_EQ(read_file(marker), text);

    make_old();
    auto report = gc_store(store);
    EXPECT_EQ(report.trees_removed, 1u);
    EXPECT_FALSE(fs::exists(marker));
    EXPECT_FALSE(fs::exists(filled.tree.path));
    EXPECT_TRUE(store.find_blob(filled.blob_a)); // kept: the tree comes back from it
    EXPECT_EQ(read_file(store.unpack(filled.blob_a, options).path / "index.js"),
              "exports.x = 1;\n");
}

TEST(Maintenance, CleanKeepsOnlyTheVersionFile) {
    TempDir tmp;
    Store store(tmp / "s");
    fill(store);
    MetadataCache(store.meta_path()).put({"r", "npm:x"}, CachedDocument{"raw", "b", {}, 1, {}});
    auto report = clean_store(store);
    EXPECT_EQ(report.entries_removed, 2u + 1u + 1u);
    auto info = store_info(store);
    EXPECT_EQ(info.blobs + info.trees + info.indexes + info.quarantined, 0u);
    EXPECT_EQ(read_file(tmp / "s" / "store-version"), "1\n");
    EXPECT_TRUE(fs::is_empty(store.blobs_dir()));
    EXPECT_TRUE(fs::is_empty(store.unpacked_dir()));
    // Still usable.
    fill(store);
}

} // namespace
} // namespace cairn::test
