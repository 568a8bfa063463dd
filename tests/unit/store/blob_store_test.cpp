#include "store_fixture.hpp"

#include "cairn/core/folder_hint.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;
using store::Store;

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
}

TEST(StoreLayout, IsCreatedWithItsVersionAndFolders) {
    TempDir tmp;
    Store store(tmp / "s");
    EXPECT_EQ(read_file(tmp / "s" / "store-version"), "1\n");
    for (const char* dir : {"blobs", "unpacked", "tmp", "quarantine", "locks"})
        EXPECT_TRUE(fs::is_directory(tmp / "s" / dir)) << dir;
    EXPECT_EQ(store.session_dir().parent_path(), tmp / "s" / "tmp");
    EXPECT_TRUE(fs::is_directory(store.session_dir()));
}

TEST(StoreLayout, ANewStoreHasItsFoldersAndNothingElse) {
    // The folders are made in one of a random name first, then moved into place.
    TempDir tmp;
    Store store(tmp / "s");
    EXPECT_EQ(names_in(tmp / "s"), (std::vector<std::string>{"blobs", "locks", "quarantine",
                                                             "store-version", "tmp", "unpacked"}));
    // Where the filesystem keeps the flag, the root is the top of unrelated hierarchies.
    fs::create_directories(tmp / "probe");
    int probe = ::open((tmp / "probe").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(probe, 0);
    bool flag_kept = folder_hint::mark_top_of_hierarchies(probe);
    ::close(probe);
    if (!flag_kept)
        GTEST_SKIP() << "this filesystem keeps no FS_TOPDIR_FL (tmpfs, btrfs, xfs...)";
    auto flags = inode_flags(tmp / "s");
    ASSERT_TRUE(flags);
    EXPECT_TRUE(*flags & FS_TOPDIR_FL);
}

TEST(StoreLayout, FoldersThereAlreadyStayAsTheyAre) {
    TempDir tmp;
    write_file(tmp / "s" / "blobs" / "kept", "kept");
    fs::create_directories(tmp / "s" / "locks");
    struct stat before {};
    ASSERT_EQ(::stat((tmp / "s" / "blobs").c_str(), &before), 0);
    Store store(tmp / "s");
    struct stat after {};
    ASSERT_EQ(::stat((tmp / "s" / "blobs").c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before.st_ino);
    EXPECT_EQ(read_file(tmp / "s" / "blobs" / "kept"), "kept");
    EXPECT_EQ(names_in(tmp / "s"), (std::vector<std::string>{"blobs", "locks", "quarantine",
                                                             "store-version", "tmp", "unpacked"}));
}

TEST(StoreLayout, AFileWhereAFolderGoesIsAnErrorAndStays) {
    TempDir tmp;
    write_file(tmp / "s" / "locks", "not a folder");
    auto error = error_of([&] { Store store(tmp / "s"); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::io);
    EXPECT_EQ(error->message(),
              "the store at " + (tmp / "s").string() + " has a file where its folder locks goes");
    EXPECT_EQ(error->hints().at(0), "move " + (tmp / "s" / "locks").string() +
                                        " away, or set CAIRN_HOME to another folder");
    EXPECT_EQ(read_file(tmp / "s" / "locks"), "not a folder");
    for (const auto& name : names_in(tmp / "s"))
        EXPECT_FALSE(name.starts_with(".new-")) << name;
}

// A link in the store's place is followed when it leads to a folder, and named for what
// it is when it does not.
TEST(StoreLayout, ALinkWhereAFolderGoesIsNamedForWhatItIs) {
    TempDir tmp;
    fs::create_directories(tmp / "s");
    fs::create_directory(tmp / "elsewhere");
    fs::create_directory_symlink(tmp / "elsewhere", tmp / "s" / "tmp");
    fs::create_symlink("gone", tmp / "s" / "locks");
    auto error = error_of([&] { Store store(tmp / "s"); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::io);
    EXPECT_EQ(error->message(), "the store at " + (tmp / "s").string() +
                                    " has a symbolic link where its folder locks goes, to "
                                    "gone, which does not exist");
    EXPECT_EQ(error->hints().at(0), "make the folder gone (relative to " + (tmp / "s").string() +
                                        "), or remove the link");
    EXPECT_EQ(fs::read_symlink(tmp / "s" / "locks"), "gone"); // left as it was
    fs::remove(tmp / "s" / "locks");
    write_file(tmp / "a-file", "x");
    fs::create_symlink(tmp / "a-file", tmp / "s" / "locks");
    error = error_of([&] { Store store(tmp / "s"); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->message(), "the store at " + (tmp / "s").string() +
                                    " has a symbolic link where its folder locks goes, to " +
                                    (tmp / "a-file").string() + ", which is not a folder");
    fs::remove(tmp / "s" / "locks");
    Store store(tmp / "s"); // the link to a folder is used as the folder
    EXPECT_TRUE(fs::is_symlink(tmp / "s" / "tmp"));
    EXPECT_TRUE(fs::is_directory(tmp / "s" / "locks"));
}

TEST(StoreLayout, SessionFolderIsRemovedWithTheStore) {
    TempDir tmp;
    fs::path session;
    {
        Store store(tmp / "s");
        session = store.session_dir();
    }
    EXPECT_FALSE(fs::exists(session));
}

TEST(StoreLayout, SessionFolderIsMadeOnlyWhenSomethingIsWritten) {
    TempDir tmp;
    {
        Store store(tmp / "s");
        // Reading (an install from stored trees) makes no folder to remove afterwards.
        EXPECT_FALSE(store.contains_blob(sha512_of("x")));
        EXPECT_TRUE(fs::is_empty(store.tmp_dir()));
        auto digest = sha512_of("bytes");
        store.add_blob_bytes(digest, "bytes");
        ASSERT_EQ(std::distance(fs::directory_iterator(store.tmp_dir()), {}), 1);
        EXPECT_TRUE(store.is_own_session(fs::directory_iterator(store.tmp_dir())->path()));
    }
    EXPECT_TRUE(fs::is_empty(tmp / "s" / "tmp"));
}

TEST(StoreLayout, AnotherLayoutVersionIsRefused) {
    TempDir tmp;
    write_file(tmp / "s" / "store-version", "7\n");
    auto error = error_of([&] { Store store(tmp / "s"); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::cache_corrupt);
    EXPECT_EQ(error->message(),
              "the store at " + (tmp / "s").string() + " has layout version \"7\"");
    EXPECT_EQ(error->causes().at(0), "this cairn reads store layout version 1");
}

TEST(StoreLayout, DefaultRootFollowsTheEnvironment) {
    auto env = [](std::map<std::string, std::string> vars) {
        return [vars](std::string_view name) -> std::optional<std::string> {
            auto it = vars.find(std::string(name));
            if (it == vars.end())
                return std::nullopt;
            return it->second;
        };
    };
    EXPECT_EQ(store::default_store_root(env({{"CAIRN_HOME", "/c"}, {"HOME", "/h"}})), "/c");
    EXPECT_EQ(store::default_store_root(env({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}})),
              "/x/cairn");
    EXPECT_EQ(store::default_store_root(env({{"HOME", "/h"}})), "/h/.cache/cairn");
    auto error = error_of([&] { store::default_store_root(env({})); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->message(), "cannot tell where the store is");
}

TEST(Blobs, AreStoredReadOnlyUnderTheirDigest) {
    TempDir tmp;
    Store store(tmp / "s");
    Digest digest = sha512_of("hello");
    auto info = store.add_blob_bytes(digest, "hello");
    std::string hex = digest.hex();
    EXPECT_EQ(info.path, tmp / "s" / "blobs" / "sha512" / hex.substr(0, 2) / hex);
    EXPECT_EQ(read_file(info.path), "hello");
    EXPECT_EQ(mode_of(info.path), 0444u);
    EXPECT_EQ(info.size, 5u);
    EXPECT_FALSE(info.already_present);
    EXPECT_EQ(store.find_blob(digest), info.path);
    EXPECT_TRUE(fs::is_empty(store.session_dir()));
}

TEST(Blobs, AMismatchIsAnIntegrityErrorNamingBothDigestsAndLeavesNothing) {
    TempDir tmp;
    Store store(tmp / "s");
    Digest expected = sha512_of("what the registry said");
    auto writer = store.write_blob(expected);
    writer.write("what the mirror sent");
    auto error = error_of([&] { writer.commit(); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::integrity);
    EXPECT_EQ(error->message(), "integrity check failed");
    EXPECT_EQ(error->causes().at(0), "expected " + expected.sri() +
                                         ", the 20 bytes received hash to " +
                                         sha512_of("what the mirror sent").sri());
    EXPECT_FALSE(store.contains_blob(expected));
    EXPECT_TRUE(fs::is_empty(store.session_dir()));
    EXPECT_TRUE(fs::is_empty(store.blobs_dir()));
}

TEST(Blobs, AnExistingIdenticalBlobWins) {
    TempDir tmp;
    Store a(tmp / "s");
    Store b(tmp / "s");
    Digest digest = sha512_of("same bytes");
    auto wa = a.write_blob(digest);
    auto wb = b.write_blob(digest);
    wa.write("same bytes");
    wb.write("same bytes");
    auto first = wa.commit();
    auto second = wb.commit();
    EXPECT_FALSE(first.already_present);
    EXPECT_TRUE(second.already_present);
    EXPECT_EQ(first.path, second.path);
    EXPECT_TRUE(fs::is_empty(a.session_dir()));
    EXPECT_TRUE(fs::is_empty(b.session_dir()));
}

TEST(Blobs, RestartDiscardsWhatWasWritten) {
    TempDir tmp;
    Store store(tmp / "s");
    Digest digest = digest_bytes(DigestAlgorithm::sha256, "payload");
    auto writer = store.write_blob(digest);
    writer.write("garbage from a reset connection");
    writer.restart();
    writer.write("payload");
    EXPECT_EQ(read_file(writer.commit().path), "payload");
}

TEST(Blobs, ExtraAlgorithmsAreComputedInTheSamePass) {
    TempDir tmp;
    Store store(tmp / "s");
    DigestAlgorithm also[] = {DigestAlgorithm::sha1, DigestAlgorithm::sha512};
    auto writer = store.write_blob(sha512_of("abc"), also);
    writer.write("abc");
    auto info = writer.commit();
    ASSERT_EQ(info.digests.size(), 2u);
    EXPECT_EQ(info.digests[0], sha512_of("abc"));
    EXPECT_EQ(info.digests[1], digest_bytes(DigestAlgorithm::sha1, "abc"));
}

TEST(Blobs, AnUnmarkedBlobIsVerifiedBeforeUseAndQuarantinedWhenBad) {
    TempDir tmp;
    Store store(tmp / "s");
    Digest good = sha512_of("good");
    Digest bad = sha512_of("bad");
    // As a copy or a restore would leave them: writable, never verified by cairn.
    for (auto [digest, content] : {std::pair{good, "good"}, std::pair{bad, "tampered"}}) {
        fs::create_directories(store.blob_path(digest).parent_path());
        write_file(store.blob_path(digest), content);
        fs::permissions(store.blob_path(digest), fs::perms(0644));
    }
    EXPECT_EQ(store.find_blob(good), store.blob_path(good));
    EXPECT_EQ(mode_of(store.blob_path(good)), 0444u); // marked once checked
    EXPECT_FALSE(store.find_blob(bad));
    EXPECT_FALSE(fs::exists(store.blob_path(bad)));
    ASSERT_EQ(
        std::distance(fs::directory_iterator(store.quarantine_dir()), fs::directory_iterator()), 1);
    auto quarantined = fs::directory_iterator(store.quarantine_dir())->path();
    EXPECT_EQ(read_file(quarantined), "tampered");
    // A verified copy can then be stored again.
    store.add_blob_bytes(bad, "bad");
    EXPECT_EQ(store.find_blob(bad), store.blob_path(bad));
}

TEST(Blobs, ACommitOverABadUnmarkedCopyReplacesIt) {
    TempDir tmp;
    Store store(tmp / "s");
    Digest digest = sha512_of("right");
    fs::create_directories(store.blob_path(digest).parent_path());
    write_file(store.blob_path(digest), "wrong");
    auto info = store.add_blob_bytes(digest, "right");
    EXPECT_FALSE(info.already_present);
    EXPECT_EQ(read_file(info.path), "right");
    EXPECT_EQ(mode_of(info.path), 0444u);
}

TEST(Locks, ExcludeOtherHoldersAndSurviveGcOfTheirFile) {
    TempDir tmp;
    Store store(tmp / "s");
    auto held = store.lock_entry("blob-x");
    EXPECT_FALSE(store.try_lock_entry("blob-x"));
    EXPECT_TRUE(store.try_lock_entry("blob-y"));
    auto path = held.path();
    { auto moved = std::move(held); }
    auto again = store.try_lock_entry("blob-x");
    ASSERT_TRUE(again);
    again->remove_file();
    EXPECT_FALSE(fs::exists(path));
    EXPECT_TRUE(store.try_lock_entry("blob-x"));
}

TEST(Locks, SharedLocksCoexistAndExcludeExclusive) {
    TempDir tmp;
    fs::path path = tmp / "l.lock";
    auto a = store::FileLock::acquire(path, store::LockMode::shared);
    auto b = store::FileLock::try_acquire(path, store::LockMode::shared);
    EXPECT_TRUE(b);
    EXPECT_FALSE(store::FileLock::try_acquire(path, store::LockMode::exclusive));
}

} // namespace
} // namespace cairn::test
