// The malicious-archive corpus (SECURITY-CASES.md, Archives 1-10): every archive is built
// here with libarchive's writer, stored as a blob and unpacked through the store. Each one
// must fail with its specific code and message, and the filesystem around the store must
// be exactly as before: sentinel files byte-identical, no new path anywhere, no leftovers
// in tmp/, nothing under unpacked/.
#include "archives/archive_writer.hpp"
#include "store_fixture.hpp"

#include <functional>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;
using store::Store;
using store::StripComponents;
using store::UnpackOptions;
using T = TarEntry::Type;

struct MaliciousCase {
    std::string name;
    std::function<std::string(const fs::path& outside)> build;
    Code code;
    // The exact message; `{outside}` stands for the sentinel folder's path.
    std::string message;
    std::string cause; // exact first cause, or empty to skip the check
    std::function<void(UnpackOptions&)> limits = [](UnpackOptions&) {};
};

std::string replace_outside(std::string text, const fs::path& outside) {
    const std::string key = "{outside}";
    for (std::size_t pos; (pos = text.find(key)) != std::string::npos;)
        text.replace(pos, key.size(), outside.string());
    return text;
}

// "../" enough times to reach / from any folder, then the outside folder.
std::string climb_to(const fs::path& outside) {
    std::string up;
    for (int i = 0; i < 24; ++i)
        up += "../";
    return up + outside.string().substr(1);
}

TarEntry typed(std::string path, T type) {
    TarEntry e;
    e.path = std::move(path);
    e.type = type;
    return e;
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::string out(n, '\0');
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto& c : out) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x);
    }
    return out;
}

std::vector<MaliciousCase> corpus() {
    auto tar = [](std::vector<TarEntry> entries, Compression c = Compression::gzip) {
        return [entries = std::move(entries), c](const fs::path&) { return make_tar(entries, c); };
    };
    const std::string dotdot = "the path has a \"..\" component";
    const std::string escapes = "escapes the target folder";
    std::vector<MaliciousCase> cases;
    // 1. Parent components.
    cases.push_back({"dotdot", tar({file_entry("../pwned", "x")}), Code::archive_escape,
                     "archive entry \"../pwned\" escapes the target folder", dotdot});
    cases.push_back({"nested_dotdot", tar({file_entry("p/../../pwned", "x")}), Code::archive_escape,
                     "archive entry \"p/../../pwned\" escapes the target folder", dotdot});
    cases.push_back({"dotdot_zstd", tar({file_entry("../pwned", "x")}, Compression::zstd),
                     Code::archive_escape, "archive entry \"../pwned\" escapes the target folder",
                     dotdot});
    cases.push_back({"dotdot_plain_ustar",
                     [](const fs::path&) {
                         return make_tar({file_entry("a/../../pwned", "x")}, Compression::none,
                                         TarFormat::ustar);
                     },
                     Code::archive_escape,
                     "archive entry \"a/../../pwned\" escapes the target folder", dotdot});
    // 2. Absolute, Windows-absolute and drive-relative paths: rejected, never stripped.
    cases.push_back({"absolute",
                     [](const fs::path& outside) {
                         return make_tar({file_entry((outside / "pwned").string(), "x")});
                     },
                     Code::archive_escape,
                     "archive entry \"{outside}/pwned\" escapes the target folder",
                     "the path is absolute"});
    cases.push_back({"many_slashes", tar({file_entry("////pwned", "x")}), Code::archive_escape,
                     "archive entry \"////pwned\" escapes the target folder",
                     "the path is absolute"});
    cases.push_back({"drive_relative", tar({file_entry("C:pwned", "x")}), Code::archive_escape,
                     "archive entry \"C:pwned\" escapes the target folder",
                     "the path starts with a drive letter"});
    cases.push_back({"drive_dotdot_backslash", tar({file_entry("C:..\\pwned", "x")}),
                     Code::archive_escape,
                     "archive entry \"C:..\\\\pwned\" escapes the target folder",
                     "the path has a backslash (a Windows separator)"});
    cases.push_back({"unc_path", tar({file_entry("\\\\?\\C:\\pwned", "x")}), Code::archive_escape,
                     "archive entry \"\\\\\\\\?\\\\C:\\\\pwned\" escapes the target folder",
                     "the path has a backslash (a Windows separator)"});
    cases.push_back({"backslash_dotdot", tar({file_entry("a\\..\\..\\pwned", "x")}),
                     Code::archive_escape,
                     "archive entry \"a\\\\..\\\\..\\\\pwned\" escapes the target folder",
                     "the path has a backslash (a Windows separator)"});
    // 3. Links out of the tree, then writes through them.
    cases.push_back(
        {"symlink_out_then_write",
         [](const fs::path& outside) {
             return make_tar({symlink_entry("d", climb_to(outside)), file_entry("d/pwned", "x")});
         },
         Code::archive_escape, "archive entry \"d\" links outside the target folder", ""});
    cases.push_back({"symlink_inside_then_write_through",
                     tar({dir_entry("sub"), symlink_entry("d", "sub"), file_entry("d/f", "x")}),
                     Code::archive_escape, "archive entry \"d/f\" escapes the target folder",
                     "\"d\" is a symbolic link, and nothing is written through one"});
    cases.push_back(
        {"symlink_chain_escape",
         tar({dir_entry("x/y"), symlink_entry("x/y/d", "../.."), symlink_entry("x/y/e", "d/..")}),
         Code::archive_escape, "archive entry \"x/y/e\" links outside the target folder",
         "symbolic link target \"d/..\" resolves outside the folder"});
    cases.push_back({"symlink_relinked_later",
                     tar({dir_entry("t"), symlink_entry("s", "t"), symlink_entry("l", "s/.."),
                          symlink_entry("s", ".")}),
                     Code::archive_escape, "archive entry \"l\" links outside the target folder",
                     "symbolic link target \"s/..\" resolves outside the folder"});
    // 4. Link targets: absolute, parent, drive-relative, the root.
    cases.push_back(
        {"symlink_absolute",
         [](const fs::path& outside) { return make_tar({symlink_entry("abs", outside.string())}); },
         Code::archive_escape, "archive entry \"abs\" links outside the target folder",
         "symbolic link target \"{outside}\": the path is absolute"});
    cases.push_back({"symlink_root", tar({symlink_entry("root", "/")}), Code::archive_escape,
                     "archive entry \"root\" links outside the target folder",
                     "symbolic link target \"/\": the path is absolute"});
    cases.push_back({"symlink_parent", tar({symlink_entry("up", "..")}), Code::archive_escape,
                     "archive entry \"up\" links outside the target folder",
                     "symbolic link target \"..\" resolves outside the folder"});
    cases.push_back({"symlink_drive", tar({symlink_entry("win", "C:\\Windows")}),
                     Code::archive_escape, "archive entry \"win\" links outside the target folder",
                     "symbolic link target \"C:\\\\Windows\": the path has a backslash (a "
                     "Windows separator)"});
    cases.push_back(
        {"hardlink_parent",
         [](const fs::path&) { return make_tar({hardlink_entry("h", "../outside/sentinel")}); },
         Code::archive_escape, "archive entry \"h\" links outside the target folder",
         "hard link target \"../outside/sentinel\" has a \"..\" component"});
    cases.push_back({"hardlink_absolute",
                     [](const fs::path& outside) {
                         return make_tar({hardlink_entry("h", (outside / "sentinel").string())});
                     },
                     Code::archive_escape, "archive entry \"h\" links outside the target folder",
                     "hard link target \"{outside}/sentinel\": the path is absolute"});
    cases.push_back({"hardlink_missing", tar({hardlink_entry("h", "nothing")}),
                     Code::archive_invalid, "archive entry \"h\" is a broken hard link",
                     "\"nothing\" is not a regular file earlier in the archive"});
    cases.push_back({"symlink_loop", tar({symlink_entry("a", "b"), symlink_entry("b", "a")}),
                     Code::archive_invalid, "archive entry \"a\" is a symbolic link loop",
                     "more than 40 links followed"});
    // 6. Ambiguous archives.
    cases.push_back({"folder_then_file", tar({dir_entry("x"), file_entry("x", "y")}),
                     Code::archive_invalid, "archive entry \"x\" is ambiguous",
                     "an earlier entry made \"x\" a folder"});
    // Files of one folder have that folder checked once: it cannot turn into a link
    // between them.
    cases.push_back({"folder_relinked_between_its_files",
                     tar({file_entry("d/a", "1"), symlink_entry("d", "."), file_entry("d/b", "2")}),
                     Code::archive_invalid, "archive entry \"d\" is ambiguous",
                     "an earlier entry made \"d\" a folder"});
    cases.push_back({"file_as_parent", tar({file_entry("f", "y"), file_entry("f/g", "z")}),
                     Code::archive_invalid, "archive entry \"f/g\" is ambiguous",
                     "\"f\" is a file, not a folder"});
    // 8. Special files.
    const std::string specials = "devices, FIFOs and sockets are not allowed in packages";
    cases.push_back({"char_device", tar({typed("null", T::char_device)}), Code::archive_invalid,
                     "archive entry \"null\" is a character device", specials});
    cases.push_back({"block_device", tar({typed("sda", T::block_device)}), Code::archive_invalid,
                     "archive entry \"sda\" is a block device", specials});
    cases.push_back({"fifo", tar({file_entry("ok", "fine"), typed("pipe", T::fifo)}),
                     Code::archive_invalid, "archive entry \"pipe\" is a FIFO", specials});
    // 7. Limits.
    cases.push_back({"gzip_bomb", tar({TarEntry{"zeros", T::file, "", "", 0644, 64ull << 20}}),
                     Code::archive_limit,
                     "archive entry \"zeros\" exceeds the compression ratio limit of 200:1", ""});
    cases.push_back({"too_big",
                     tar({file_entry("a", random_bytes(600 << 10, 1)),
                          file_entry("b", random_bytes(600 << 10, 2))}),
                     Code::archive_limit,
                     "archive entry \"b\" exceeds the limit of 1048576 unpacked bytes", "",
                     [](UnpackOptions& o) { o.limits.max_bytes = 1 << 20; }});
    // Sparse holes unpack to zeros: they count toward the limits although the archive is tiny
    // (three files of 512 KiB, one data byte each, against a 1 MiB limit).
    auto sparse = [](std::uint64_t offset) {
        return [offset](const fs::path&) {
            return make_sparse_tar("holes", 3, 512 << 10, offset, "x");
        };
    };
    auto one_mib = [](UnpackOptions& o) { o.limits.max_bytes = 1 << 20; };
    cases.push_back({"sparse_leading_holes", sparse((512 << 10) - 1), Code::archive_limit,
                     "archive entry \"holes2\" exceeds the limit of 1048576 unpacked bytes", "",
                     one_mib});
    cases.push_back({"sparse_trailing_holes", sparse(0), Code::archive_limit,
                     "archive entry \"holes2\" exceeds the limit of 1048576 unpacked bytes", "",
                     one_mib});
    cases.push_back({"too_many_entries",
                     [](const fs::path&) {
                         std::vector<TarEntry> entries;
                         for (int i = 0; i <= 100; ++i)
                             entries.push_back(file_entry("f" + std::to_string(i), ""));
                         return make_tar(entries);
                     },
                     Code::archive_limit, "archive entry \"f100\" exceeds the limit of 100 entries",
                     "", [](UnpackOptions& o) { o.limits.max_entries = 100; }});
    std::string deep;
    for (int i = 0; i < 129; ++i)
        deep += "d/";
    deep += "f";
    cases.push_back({"too_deep", tar({file_entry(deep, "x")}), Code::archive_limit,
                     "archive entry \"" + deep + "\" is deeper than 128 folders", ""});
    std::string long_name(5000, 'n');
    cases.push_back({"path_too_long", tar({file_entry(long_name, "x")}), Code::archive_limit,
                     "archive entry \"" + long_name + "\" has a path longer than 4096 bytes", ""});
    // 10. Damaged archives.
    cases.push_back({"truncated_gzip",
                     [](const fs::path&) {
                         std::string whole = make_tar({file_entry("f", random_bytes(200000, 3))});
                         return whole.substr(0, whole.size() / 2);
                     },
                     Code::archive_invalid, "archive entry \"f\" cannot be read", ""});
    cases.push_back({"bad_header_checksum",
                     [](const fs::path&) {
                         std::string tar =
                             make_tar({file_entry("a", "first"), file_entry("b", "second")},
                                      Compression::none, TarFormat::ustar);
                         tar[1024 + 0] = 'c'; // the second header's name, under its checksum
                         return tar;
                     },
                     Code::archive_invalid, "archive entry \"a\" is followed by a bad header", ""});
    cases.push_back({"not_an_archive", [](const fs::path&) { return random_bytes(4096, 4); },
                     Code::archive_invalid, "the archive cannot be read", ""});
    cases.push_back(
        {"empty_archive", tar({}), Code::archive_invalid, "the archive has no entries", ""});
    return cases;
}

class MaliciousArchive : public ::testing::TestWithParam<MaliciousCase> {};

TEST_P(MaliciousArchive, IsRejectedAndWritesNothing) {
    const MaliciousCase& c = GetParam();
    TempDir tmp;
    fs::path outside = tmp / "outside";
    fs::create_directories(outside);
    write_file(outside / "sentinel", "canary: must never change\n");
    std::string archive = c.build(outside);
    Store store(tmp / "store");
    Digest digest = sha512_of(archive);
    store.add_blob_bytes(digest, archive);
    // Lock files are allowed to appear; nothing else may.
    auto before = snapshot(tmp.path(), {"store/locks"});

    UnpackOptions options;
    c.limits(options);
    auto error = error_of([&] { store.unpack(digest, options); });
    ASSERT_TRUE(error) << c.name << " was accepted";
    EXPECT_EQ(error->code(), c.code) << format_plain(*error);
    EXPECT_EQ(error->message(), replace_outside(c.message, outside)) << format_plain(*error);
    if (!c.cause.empty()) {
        ASSERT_FALSE(error->causes().empty());
        EXPECT_EQ(error->causes().front(), replace_outside(c.cause, outside));
    }
    ASSERT_FALSE(error->context().empty());
    EXPECT_EQ(error->context().front(), "unpacking " + digest.sri());

    EXPECT_EQ(snapshot(tmp.path(), {"store/locks"}), before);
    EXPECT_EQ(read_file(outside / "sentinel"), "canary: must never change\n");
    EXPECT_TRUE(fs::is_empty(store.session_dir()));
    EXPECT_TRUE(fs::is_empty(store.unpacked_dir()));
    EXPECT_FALSE(store.find_unpacked(digest, StripComponents::none));
}

INSTANTIATE_TEST_SUITE_P(Corpus, MaliciousArchive, ::testing::ValuesIn(corpus()),
                         [](const auto& info) { return info.param.name; });

TEST(MaliciousArchiveCorpus, HasAtLeastTwentyArchives) {
    EXPECT_GE(corpus().size(), 20u);
}

} // namespace
} // namespace cairn::test
