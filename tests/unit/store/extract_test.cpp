#include "archives/archive_writer.hpp"
#include "store_fixture.hpp"

#include "cairn/core/tree_listing.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <limits>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;
using store::Store;
using store::StripComponents;
using store::UnpackOptions;

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
}

store::UnpackedTree unpack_bytes(Store& store, const std::string& archive,
                                 StripComponents strip = StripComponents::none) {
    Digest digest = sha512_of(archive);
    store.add_blob_bytes(digest, archive);
    UnpackOptions options;
    options.strip = strip;
    return store.unpack(digest, options);
}

TEST(Unpack, NpmTarballWithThePackageFolderStripped) {
    TempDir tmp;
    Store store(tmp / "s");
    std::string tgz = make_tar({file_entry("package/package.json", "{\"name\":\"x\"}"),
                                file_entry("package/lib/index.js", "module.exports = 1;\n"),
                                file_entry("package/bin/cli.js", "#!/usr/bin/env node\n", 0755)});
    auto tree = unpack_bytes(store, tgz, StripComponents::first);
    EXPECT_FALSE(tree.already_present);
    EXPECT_EQ(tree.path, store.unpacked_path(sha512_of(tgz), StripComponents::first));
    EXPECT_EQ(tree.path.filename().string(), "sha512-" + sha512_of(tgz).hex() + "-s1");
    EXPECT_EQ(read_file(tree.path / "package.json"), "{\"name\":\"x\"}");
    EXPECT_EQ(read_file(tree.path / "lib" / "index.js"), "module.exports = 1;\n");
    EXPECT_EQ(mode_of(tree.path / "bin" / "cli.js"), 0755u);
    EXPECT_EQ(tree.files, 3u);
    EXPECT_TRUE(fs::exists(store.marker_path(sha512_of(tgz), StripComponents::first)));
    EXPECT_EQ(store::tree_manifest(tree.path), tree.manifest);
    EXPECT_TRUE(fs::is_empty(store.session_dir()));
    // Unpacking again reuses the tree.
    auto again = unpack_bytes(store, tgz, StripComponents::first);
    EXPECT_TRUE(again.already_present);
    EXPECT_EQ(again.manifest, tree.manifest);
}

TEST(Unpack, DangerousModeBitsAreDropped) {
    TempDir tmp;
    Store store(tmp / "s");
    std::string tgz = make_tar({file_entry("suid", "x", 04755), file_entry("sgid", "x", 02711),
                                file_entry("world", "x", 0666), file_entry("noread", "x", 0000),
                                dir_entry("sticky", 01777)});
    auto tree = unpack_bytes(store, tgz);
    EXPECT_EQ(mode_of(tree.path / "suid"), 0755u);
    EXPECT_EQ(mode_of(tree.path / "sgid"), 0711u);
    EXPECT_EQ(mode_of(tree.path / "world"), 0664u);
    EXPECT_EQ(mode_of(tree.path / "noread"), 0400u);
    EXPECT_EQ(mode_of(tree.path / "sticky"), 0775u);
}

// Files are created with their mode when the umask leaves it whole, and given it after
// writing otherwise: under any umask the tree has the archive's modes. (A Store reads the
// umask once: each round opens one, as each cairn process does.)
TEST(Unpack, ModesAreExactWhateverTheUmask) {
    TempDir tmp;
    struct Restore {
        mode_t old = ::umask(022);
        ~Restore() { ::umask(old); }
    } restore;
    int round = 0;
    for (mode_t mask : {mode_t{077}, mode_t{0}, mode_t{022}, mode_t{002}}) {
        ::umask(mask);
        Store store(tmp / "s");
        // A distinct archive each round (a tree already in the store is not unpacked again).
        std::string tgz = make_tar({file_entry("exec", "x", 0755), file_entry("plain", "x", 0644),
                                    file_entry("group", "x", 0664), file_entry("mine", "x", 0600),
                                    file_entry("round", std::to_string(round++), 0444)});
        auto tree = unpack_bytes(store, tgz);
        EXPECT_EQ(mode_of(tree.path / "exec"), 0755u) << "umask " << mask;
        EXPECT_EQ(mode_of(tree.path / "plain"), 0644u) << "umask " << mask;
        EXPECT_EQ(mode_of(tree.path / "group"), 0664u) << "umask " << mask;
        EXPECT_EQ(mode_of(tree.path / "mine"), 0600u) << "umask " << mask;
        EXPECT_EQ(mode_of(tree.path / "round"), 0444u) << "umask " << mask;
    }
}

TEST(Unpack, LaterDuplicatesWin) {
    TempDir tmp;
    Store store(tmp / "s");
    std::string tgz =
        make_tar({file_entry("a", "first"), file_entry("a", "second"), symlink_entry("l", "a"),
                  symlink_entry("l", "b"), file_entry("b", "bee"), file_entry("m", "file"),
                  symlink_entry("m", "a"), symlink_entry("n", "a"), file_entry("n", "was a link"),
                  dir_entry("d", 0700), dir_entry("d", 0755)});
    auto tree = unpack_bytes(store, tgz);
    EXPECT_EQ(read_file(tree.path / "a"), "second");
    EXPECT_EQ(fs::read_symlink(tree.path / "l"), "b");
    EXPECT_EQ(fs::read_symlink(tree.path / "m"), "a");
    EXPECT_EQ(read_file(tree.path / "n"), "was a link");
    EXPECT_EQ(mode_of(tree.path / "d"), 0755u);
    EXPECT_EQ(store::tree_manifest(tree.path), tree.manifest);
}

TEST(Unpack, LinksInsideTheTreeAreKept) {
    TempDir tmp;
    Store store(tmp / "s");
    std::string tgz =
        make_tar({file_entry("lib/x.js", "x"), symlink_entry("main.js", "lib/x.js"),
                  symlink_entry("lib/self", "../lib"), symlink_entry("here", "."),
                  symlink_entry("dangling", "lib/not-yet"), hardlink_entry("copy.js", "lib/x.js")});
    auto tree = unpack_bytes(store, tgz);
    EXPECT_EQ(fs::read_symlink(tree.path / "main.js"), "lib/x.js");
    EXPECT_EQ(read_file(tree.path / "main.js"), "x");
    EXPECT_EQ(fs::read_symlink(tree.path / "lib" / "self"), "../lib");
    EXPECT_EQ(read_file(tree.path / "copy.js"), "x");
    EXPECT_EQ(fs::hard_link_count(tree.path / "copy.js"), 2u);
    EXPECT_EQ(store::tree_manifest(tree.path), tree.manifest);
}

TEST(Unpack, PlainAndZstdTarsAndOtherTarDialects) {
    TempDir tmp;
    Store store(tmp / "s");
    std::vector<TarEntry> entries{file_entry("a/b.txt", "bee")};
    for (auto compression : {Compression::none, Compression::gzip, Compression::zstd})
        for (auto format : {TarFormat::pax, TarFormat::ustar, TarFormat::gnu}) {
            auto tree = unpack_bytes(store, make_tar(entries, compression, format));
            EXPECT_EQ(read_file(tree.path / "a" / "b.txt"), "bee");
        }
}

TEST(Unpack, NonAsciiNamesAndLinkTargetsKeepTheirUtf8Bytes) {
    TempDir tmp;
    Store store(tmp / "s");
    for (auto format : {TarFormat::pax, TarFormat::gnu, TarFormat::ustar}) {
        auto tree =
            unpack_bytes(store, make_tar({file_entry("docs/r\u00e9sum\u00e9.md", "\u00e9t\u00e9"),
                                          symlink_entry("lien", "docs/r\u00e9sum\u00e9.md")},
                                         Compression::gzip, format));
        EXPECT_EQ(read_file(tree.path / "docs" / "r\u00e9sum\u00e9.md"), "\u00e9t\u00e9");
        EXPECT_EQ(fs::read_symlink(tree.path / "lien").string(), "docs/r\u00e9sum\u00e9.md");
    }
}

TEST(Unpack, ATreeWithoutMarkerIsNeverTrustedAndIsReplaced) {
    TempDir tmp;
    Store store(tmp / "s");
    std::string tgz = make_tar({file_entry("f", "real")});
    Digest digest = sha512_of(tgz);
    store.add_blob_bytes(digest, tgz);
    // What a process killed between the rename and the marker leaves behind.
    fs::path half = store.unpacked_path(digest, StripComponents::none);
    write_file(half / "f", "half-written");
    write_file(half / "junk", "x");
    EXPECT_FALSE(store.find_unpacked(digest, StripComponents::none));
    auto tree = store.unpack(digest, {});
    EXPECT_EQ(read_file(tree.path / "f"), "real");
    EXPECT_FALSE(fs::exists(tree.path / "junk"));
}

// What linking asks: the marker's first line and the folder, not the rest of the marker.
TEST(Unpack, ACompleteTreeHasItsMarkerAndItsFolder) {
    TempDir tmp;
    Store store(tmp / "s");
    std::string tgz = make_tar({file_entry("f", "real")});
    Digest digest = sha512_of(tgz);
    store.add_blob_bytes(digest, tgz);
    EXPECT_FALSE(store.complete_tree(digest, StripComponents::none)); // not unpacked
    auto tree = store.unpack(digest, {});
    auto complete = store.complete_tree(digest, StripComponents::none);
    ASSERT_TRUE(complete);
    EXPECT_EQ(complete->path, tree.path);
    EXPECT_FALSE(store.complete_tree(digest, StripComponents::first)); // another tree
    fs::path marker = store.marker_path(digest, StripComponents::none);
    std::string text = read_file(marker);
    write_file(marker, ""); // an empty marker vouches for nothing
    EXPECT_FALSE(store.complete_tree(digest, StripComponents::none));
    for (std::string other : {"cairn-unpacked 1\n", "cairn-unpacked 4\n"}) {
        write_file(marker, other + text.substr(17)); // nor one of another format
        EXPECT_FALSE(store.complete_tree(digest, StripComponents::none));
    }
    write_file(marker, text);
    fs::remove_all(tree.path); // a folder removed by hand
    EXPECT_FALSE(store.complete_tree(digest, StripComponents::none));
    fs::create_directories(tmp / "elsewhere");
    fs::create_directory_symlink(tmp / "elsewhere", tree.path); // never followed
    EXPECT_FALSE(store.complete_tree(digest, StripComponents::none));
}

// The marker keeps the tree's listing, folder by folder, for linking without listing each
// folder again; a marker without one (an earlier cairn's) or with a damaged one still
// vouches for its tree, which is then listed from the disk.
TEST(Unpack, TheMarkerKeepsTheTreesListing) {
    TempDir tmp;
    Store store(tmp / "s");
    std::string tgz =
        make_tar({file_entry("package/package.json", "{}"), file_entry("package/lib/a.js", "a"),
                  dir_entry("package/empty"), symlink_entry("package/main.js", "lib/a.js")});
    Digest digest = sha512_of(tgz);
    store.add_blob_bytes(digest, tgz);
    UnpackOptions options;
    options.strip = StripComponents::first;
    auto tree = store.unpack(digest, options);
    // In path order, as the tree's manifest has them.
    std::string expected = tree_listing::encode({{"empty", tree_listing::Kind::folder},
                                                 {"lib", tree_listing::Kind::folder},
                                                 {"lib/a.js", tree_listing::Kind::file},
                                                 {"main.js", tree_listing::Kind::link},
                                                 {"package.json", tree_listing::Kind::file}});
    ASSERT_TRUE(tree.listing);
    EXPECT_EQ(*tree.listing, expected);
    auto complete = store.complete_tree(digest, StripComponents::first);
    ASSERT_TRUE(complete && complete->listing);
    EXPECT_EQ(*complete->listing, expected);
    auto found = store.find_unpacked(digest, StripComponents::first);
    ASSERT_TRUE(found && found->listing);
    EXPECT_EQ(*found->listing, expected);

    fs::path marker = store.marker_path(digest, StripComponents::first);
    std::string text = read_file(marker);
    auto at = text.find("listing ");
    ASSERT_NE(at, std::string::npos);
    ASSERT_TRUE(text.starts_with("cairn-unpacked 3\n"));
    // Written before markers kept listings (version 2): the tree is linked all the same.
    write_file(marker, "cairn-unpacked 2\n" + text.substr(17, at - 17));
    complete = store.complete_tree(digest, StripComponents::first);
    ASSERT_TRUE(complete);
    EXPECT_FALSE(complete->listing);
    found = store.find_unpacked(digest, StripComponents::first);
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->listing);
    // A listing cut short is not linked by; a full read of the marker finds it damaged,
    // and the tree is unpacked again, with its marker written anew.
    write_file(marker, text.substr(0, text.size() - 3));
    complete = store.complete_tree(digest, StripComponents::first);
    ASSERT_TRUE(complete);
    EXPECT_FALSE(complete->listing);
    EXPECT_FALSE(store.find_unpacked(digest, StripComponents::first));
    auto again = store.unpack(digest, options);
    ASSERT_TRUE(again.listing);
    EXPECT_EQ(*again.listing, expected);
    EXPECT_EQ(read_file(marker), text);
}

// A tree of many entries: its listing is longer than the marker's first read.
TEST(Unpack, ALongListingIsReadWhole) {
    TempDir tmp;
    Store store(tmp / "s");
    std::vector<TarEntry> entries;
    for (int i = 0; i < 600; ++i)
        entries.push_back(file_entry("package/file-with-a-long-name-" + std::to_string(i), "x"));
    std::string tgz = make_tar(entries);
    Digest digest = sha512_of(tgz);
    store.add_blob_bytes(digest, tgz);
    UnpackOptions options;
    options.strip = StripComponents::first;
    auto tree = store.unpack(digest, options);
    ASSERT_TRUE(tree.listing);
    EXPECT_GT(tree.listing->size(), 16'000u);
    auto complete = store.complete_tree(digest, StripComponents::first);
    ASSERT_TRUE(complete && complete->listing);
    EXPECT_EQ(*complete->listing, *tree.listing);
    auto listing = tree_listing::Listing::decode(*complete->listing);
    ASSERT_TRUE(listing);
    EXPECT_EQ(listing->folder("")->size(), 600u);
}

// A one-file tarball stored as a blob.
struct StoredTarball {
    Digest digest;
    store::BlobInfo info;
};
StoredTarball store_tarball(const Store& store, const std::string& content) {
    std::string tgz = make_tar({file_entry("f", content)});
    Digest digest = sha512_of(tgz);
    return {digest, store.add_blob_bytes(digest, tgz)};
}

TEST(Unpack, ACorruptedVerifiedBlobIsCaughtWhileUnpackingAndQuarantined) {
    TempDir tmp;
    Store store(tmp / "s");
    auto [digest, info] = store_tarball(store, "content");
    // Bit rot under a blob that carries the verified mark: append a byte.
    fs::permissions(info.path, fs::perms(0644));
    { std::ofstream(info.path, std::ios::app) << "!"; }
    fs::permissions(info.path, fs::perms(0444));
    auto error = error_of([&] { store.unpack(digest, {}); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::cache_corrupt);
    EXPECT_EQ(error->message(), "the stored archive does not match its digest");
    EXPECT_EQ(error->hints().at(0), "the blob was quarantined; fetch it again");
    EXPECT_FALSE(store.contains_blob(digest));
    EXPECT_TRUE(fs::is_empty(store.unpacked_dir()));
    EXPECT_TRUE(fs::is_empty(store.session_dir()));
}

TEST(Unpack, ABlobThisStoreJustWroteIsNotHashedAgainUnlessItChanged) {
    TempDir tmp;
    Store store(tmp / "s");
    auto [digest, info] = store_tarball(store, "content");
    // The same bytes but one, written over it in place with its times put back: only a
    // hash would tell. This Store hashed the blob on its way in and does not again...
    struct stat before {};
    ASSERT_EQ(::stat(info.path.c_str(), &before), 0);
    std::string other = make_tar({file_entry("f", "CONTENT")});
    ASSERT_EQ(other.size(), fs::file_size(info.path));
    fs::permissions(info.path, fs::perms(0644));
    { std::fstream(info.path, std::ios::in | std::ios::out | std::ios::binary) << other; }
    fs::permissions(info.path, fs::perms(0444));
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, info.path.c_str(), times, 0), 0);
    auto tree = store.unpack(digest, {});
    EXPECT_EQ(read_file(tree.path / "f"), "CONTENT");
    // ... while another process (Store) does, and refuses it.
    fs::remove_all(tree.path);
    fs::remove(store.marker_path(digest, StripComponents::none));
    Store next(tmp / "s");
    auto error = error_of([&] { next.unpack(digest, {}); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::cache_corrupt);
}

TEST(Unpack, AMissingBlobSaysHowToFetchIt) {
    TempDir tmp;
    Store store(tmp / "s");
    Digest digest = sha512_of("never stored");
    auto error = error_of([&] { store.unpack(digest, {}); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::io);
    EXPECT_EQ(error->message(), "the store has no blob " + digest.sri());
}

TEST(Extract, StandaloneIntoAFolderThatMustNotExist) {
    TempDir tmp;
    write_file(tmp / "a.tgz", make_tar({file_entry("x", "y")}));
    auto result = store::extract_archive(tmp / "a.tgz", tmp / "out", {});
    EXPECT_EQ(read_file(tmp / "out" / "x"), "y");
    EXPECT_EQ(result.files, 1u);
    auto error = error_of([&] { store::extract_archive(tmp / "a.tgz", tmp / "out", {}); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::io);
}

// A gzip member holding `data` in stored (uncompressed) deflate blocks, its trailer's size
// field `size_delta` off the truth.
std::string gzip_member(std::string_view data, std::int64_t size_delta = 0) {
    std::uint32_t crc = 0xffffffffu;
    for (unsigned char c : data) {
        crc ^= c;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc = ~crc;
    std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    auto put16 = [&](std::uint32_t v) {
        out += static_cast<char>(v & 0xff), out += static_cast<char>(v >> 8 & 0xff);
    };
    std::size_t at = 0;
    do {
        std::size_t n = std::min<std::size_t>(data.size() - at, 65535);
        out += static_cast<char>(at + n == data.size() ? 1 : 0); // BFINAL, stored
        put16(static_cast<std::uint32_t>(n));
        put16(static_cast<std::uint32_t>(~n & 0xffff));
        out.append(data.substr(at, n));
        at += n;
    } while (at < data.size());
    auto size = static_cast<std::uint32_t>(static_cast<std::int64_t>(data.size()) + size_delta);
    for (std::uint32_t v : {crc, size})
        for (int k = 0; k < 4; ++k)
            out += static_cast<char>(v >> (8 * k) & 0xff);
    return out;
}

std::vector<TarEntry> some_files() {
    std::vector<TarEntry> entries;
    for (int i = 0; i < 20; ++i)
        entries.push_back(file_entry("package/f" + std::to_string(i), std::string(700, 'a' + i)));
    return entries;
}

TEST(Extract, AGzipTarballReadsAsTheTarInside) {
    TempDir tmp;
    std::string tar = make_tar(some_files(), Compression::none);
    write_file(tmp / "a.tar", tar);
    write_file(tmp / "a.tgz", make_tar(some_files(), Compression::gzip));
    write_file(tmp / "b.tgz", gzip_member(tar)); // stored blocks
    auto plain = store::extract_archive(tmp / "a.tar", tmp / "plain", {});
    auto gz = store::extract_archive(tmp / "a.tgz", tmp / "gz", {});
    auto stored = store::extract_archive(tmp / "b.tgz", tmp / "stored", {});
    EXPECT_EQ(gz.manifest, plain.manifest);
    EXPECT_EQ(stored.manifest, plain.manifest);
    EXPECT_EQ(snapshot(tmp / "gz"), snapshot(tmp / "plain"));
}

TEST(Extract, ALargeGzipTarballIsStreamed) {
    TempDir tmp;
    std::string big(17 << 20, 'z'); // many times the inflater's buffers
    big[12345] = 'a';
    std::string tar = make_tar({file_entry("package/big", big)}, Compression::none);
    write_file(tmp / "big.tgz", gzip_member(tar));
    store::extract_archive(tmp / "big.tgz", tmp / "big", {});
    EXPECT_EQ(read_file(tmp / "big" / "package" / "big"), big);
}

TEST(Extract, GzipMembersOneAfterTheOtherAndBytesAfterTheLastAreRead) {
    TempDir tmp;
    std::string tar = make_tar(some_files(), Compression::none);
    write_file(tmp / "a.tar", tar);
    auto plain = store::extract_archive(tmp / "a.tar", tmp / "plain", {});
    // Two gzip members (as `cat a.gz b.gz` makes): both are read, as gzip(1) reads them.
    std::size_t half = tar.size() / 1024 * 512;
    write_file(tmp / "two.tgz", gzip_member(tar.substr(0, half)) + gzip_member(tar.substr(half)));
    EXPECT_EQ(store::extract_archive(tmp / "two.tgz", tmp / "two", {}).manifest, plain.manifest);
    // Bytes after the member that do not start another one are ignored.
    for (std::string tail : {std::string(64, '\0'), std::string("not gzip"), std::string("\x1f")}) {
        write_file(tmp / "tail.tgz", gzip_member(tar) + tail);
        fs::remove_all(tmp / "tail");
        EXPECT_EQ(store::extract_archive(tmp / "tail.tgz", tmp / "tail", {}).manifest,
                  plain.manifest);
    }
}

TEST(Extract, ADamagedOrTruncatedGzipStreamIsRefused) {
    TempDir tmp;
    std::string tar = make_tar(some_files(), Compression::none);
    std::string good = gzip_member(tar);
    std::string bad_crc = good;
    bad_crc[bad_crc.size() - 8] = static_cast<char>(bad_crc[bad_crc.size() - 8] ^ 1);
    std::string bad_code = make_tar(some_files(), Compression::gzip);
    bad_code[12] = static_cast<char>(0xff); // a reserved block type in the first block
    struct Case {
        std::string name, bytes, cause;
    };
    const std::string mismatch =
        "the gzip trailer does not match the data (CRC-32 or size): the archive is damaged";
    const std::string early = "the gzip data ends early: the archive is truncated";
    std::vector<Case> cases = {
        {"size.tgz", gzip_member(tar, 512), mismatch},
        {"crc.tgz", bad_crc, mismatch},
        {"half.tgz", good.substr(0, good.size() / 2), early},
        {"trailer.tgz", good.substr(0, good.size() - 3), early},
        {"second.tgz", good + good.substr(0, 20), early},
        {"code.tgz", bad_code, "the gzip data is damaged: an invalid deflate block"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        write_file(tmp / c.name, c.bytes);
        auto error = error_of([&] { store::extract_archive(tmp / c.name, tmp / "out", {}); });
        ASSERT_TRUE(error);
        EXPECT_EQ(error->code(), Code::archive_invalid);
        ASSERT_FALSE(error->causes().empty());
        EXPECT_EQ(error->causes().back(), c.cause);
        EXPECT_FALSE(fs::exists(tmp / "out"));
    }
}

TEST(Extract, AGzipTrailerFarPastTheTarsEndIsChecked) {
    // libarchive stops reading at the tar's end marker, a megabyte of padding before the
    // trailer here: the trailer is checked all the same.
    TempDir tmp;
    std::string tar = make_tar(some_files(), Compression::none) + std::string(1 << 20, '\0');
    write_file(tmp / "lies.tgz", gzip_member(tar, -4));
    auto error = error_of([&] { store::extract_archive(tmp / "lies.tgz", tmp / "out", {}); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), Code::archive_invalid);
    EXPECT_EQ(error->message(), "the archive cannot be read to its end");
    EXPECT_EQ(error->causes().back(),
              "the gzip trailer does not match the data (CRC-32 or size): the archive is damaged");
    EXPECT_FALSE(fs::exists(tmp / "out"));
}

// The same archive extracted with every file written by the reading thread, and with the
// small files written on threads of their own (ExtractOptions::parallel_writes_from).
struct BothWays {
    store::ExtractResult in_turn, on_threads;
    fs::path in_turn_dir, on_threads_dir;
};

BothWays extract_both_ways(const TempDir& tmp, const std::string& archive) {
    write_file(tmp / "a.tar", archive);
    store::ExtractOptions in_turn;
    in_turn.parallel_writes_from = std::numeric_limits<std::uint64_t>::max();
    store::ExtractOptions on_threads;
    on_threads.parallel_writes_from = 0;
    BothWays both{store::extract_archive(tmp / "a.tar", tmp / "in-turn", in_turn),
                  store::extract_archive(tmp / "a.tar", tmp / "on-threads", on_threads),
                  tmp / "in-turn", tmp / "on-threads"};
    return both;
}

TEST(Extract, FilesWrittenOnThreadsMakeTheSameTree) {
    TempDir tmp;
    std::vector<TarEntry> entries{dir_entry("bin", 0755), dir_entry("private", 0700)};
    for (int i = 0; i < 120; ++i) {
        std::string dir = i % 3 == 0 ? "lib" : i % 3 == 1 ? "lib/deep/er" : "";
        std::string path = (dir.empty() ? "" : dir + "/") + "f" + std::to_string(i) + ".js";
        entries.push_back(file_entry(path,
                                     std::string(static_cast<std::size_t>(i) * 37, 'a' + i % 26),
                                     i % 5 == 0 ? 0755 : 0644));
    }
    entries.push_back(file_entry("bin/tool", "#!/bin/sh\n", 0755));
    entries.push_back(file_entry("private/key", "secret", 0600));
    entries.push_back(file_entry("empty", ""));
    entries.push_back(file_entry("big.bin", std::string((1 << 20) + 5, 'b'))); // written in turn
    entries.push_back(file_entry("lib/f0.js", "replaced by a later entry"));
    entries.push_back(hardlink_entry("lib/same.js", "lib/f3.js"));
    entries.push_back(symlink_entry("link.js", "lib/f3.js"));
    BothWays both = extract_both_ways(tmp, make_tar(entries, Compression::gzip));
    EXPECT_EQ(both.on_threads.manifest, both.in_turn.manifest);
    EXPECT_EQ(both.on_threads.files, both.in_turn.files);
    EXPECT_EQ(both.on_threads.bytes, both.in_turn.bytes);
    EXPECT_EQ(store::tree_manifest(both.on_threads_dir), both.on_threads.manifest);
    EXPECT_EQ(snapshot(both.on_threads_dir), snapshot(both.in_turn_dir));
    EXPECT_EQ(read_file(both.on_threads_dir / "lib" / "f0.js"), "replaced by a later entry");
    EXPECT_EQ(mode_of(both.on_threads_dir / "bin" / "tool"), 0755u);
    EXPECT_EQ(mode_of(both.on_threads_dir / "private" / "key"), 0600u);
    EXPECT_EQ(mode_of(both.on_threads_dir / "lib" / "deep" / "er" / "f1.js"), 0644u);
}

TEST(Extract, SparseFilesWrittenOnThreadsReadTheSame) {
    TempDir tmp;
    BothWays both = extract_both_ways(tmp, make_sparse_tar("holes", 3, 64 << 10, 1000, "data"));
    EXPECT_EQ(both.on_threads.manifest, both.in_turn.manifest);
    EXPECT_EQ(snapshot(both.on_threads_dir), snapshot(both.in_turn_dir));
    EXPECT_EQ(fs::file_size(both.on_threads_dir / "holes2"), 64u << 10);
}

// The errors of extracting `archive` into tmp/out with every file written in turn, then
// with the writer threads; each run must leave nothing at tmp/out.
std::vector<Error> errors_both_ways(const TempDir& tmp, const fs::path& archive) {
    std::vector<Error> errors;
    for (std::uint64_t from : {std::numeric_limits<std::uint64_t>::max(), std::uint64_t{0}}) {
        store::ExtractOptions options;
        options.parallel_writes_from = from;
        auto error = error_of([&] { store::extract_archive(archive, tmp / "out", options); });
        EXPECT_TRUE(error) << from;
        EXPECT_FALSE(fs::exists(tmp / "out")) << from;
        if (error)
            errors.push_back(*error);
    }
    return errors;
}

TEST(Extract, DataPastTheDeclaredSizeIsRefused) {
    // A sparse map whose data region lies past the file's size: a file of 100 bytes would
    // get a buffer, or a write, at 1 MiB.
    TempDir tmp;
    write_file(tmp / "a.tar", make_sparse_tar("x", 1, 100, 1 << 20, "data"));
    auto errors = errors_both_ways(tmp, tmp / "a.tar");
    ASSERT_EQ(errors.size(), 2u);
    for (const auto& error : errors)
        EXPECT_EQ(error.code(), Code::archive_invalid);
}

TEST(Extract, AFileAWriterThreadCannotCreateFailsTheExtraction) {
    TempDir tmp;
    // Too long a name for the filesystem (255 bytes a component on Linux filesystems).
    std::string archive =
        make_tar({file_entry("ok.js", "1"), file_entry(std::string(300, 'n'), "2"),
                  file_entry("after.js", "3")});
    write_file(tmp / "a.tgz", archive);
    auto errors = errors_both_ways(tmp, tmp / "a.tgz");
    ASSERT_EQ(errors.size(), 2u);
    for (const auto& error : errors) {
        EXPECT_EQ(error.code(), Code::io);
        EXPECT_EQ(error.message(),
                  "cannot create " + (tmp / "out" / std::string(300, 'n')).string());
    }
}

} // namespace
} // namespace cairn::test
