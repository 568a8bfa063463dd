#include "support/run.hpp"
#include "support/temp_dir.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/cairn/pack.hpp"
#include "cairn/store/extract.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace cairn::format::cairn {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

struct Tree {
    test::TempDir dir;
    Tree() {
        write(dir / "cairn.json5", "{name: 'acme/x', version: '1.0.0'}");
        write(dir / "src/a.txt", "a\n");
        write(dir / "src/b.tmp", "tmp\n");
        write(dir / "docs/readme.md", "docs\n");
        write(dir / "cairn_modules/acme/y/f", "installed\n");
        write(dir / ".git/HEAD", "ref\n");
        write(dir / "cairn.lock", "{}");
    }
    Manifest manifest() const { return read_manifest(dir.path()); }
};

TEST(CairnPack, TheSameTreeGivesTheSameDigest) {
    Tree t;
    test::TempDir out;
    auto a = pack_directory(t.dir.path(), t.manifest(), out / "a.tar.zst");
    // Other mtimes and another permission bit on a non-executable file change nothing.
    fs::last_write_time(t.dir / "src/a.txt",
                        fs::file_time_type::clock::now() - std::chrono::hours(30));
    fs::permissions(t.dir / "src/a.txt", fs::perms::group_write, fs::perm_options::add);
    auto b = pack_directory(t.dir.path(), t.manifest(), out / "b.tar.zst");
    EXPECT_EQ(a.digest, b.digest);
    EXPECT_EQ(a.size, b.size);
    write(t.dir / "src/a.txt", "A\n");
    auto c = pack_directory(t.dir.path(), t.manifest(), out / "c.tar.zst");
    EXPECT_NE(a.digest, c.digest);
}

TEST(CairnPack, SelectsFilesAndNeverPacksInstallsOrGit) {
    Tree t;
    std::vector<std::string> paths;
    for (const auto& f : select_files(t.dir.path(), t.manifest()))
        paths.push_back(f.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"cairn.json5", "docs/readme.md", "src/a.txt",
                                               "src/b.tmp"}));
    auto m = t.manifest();
    m.include = {"src"};
    m.exclude = {"*.tmp"};
    paths.clear();
    for (const auto& f : select_files(t.dir.path(), m))
        paths.push_back(f.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"cairn.json5", "src/a.txt"}));
}

TEST(CairnPack, TheArchiveExtractsWithFixedOwnersAndTimes) {
    Tree t;
    test::TempDir out;
    auto packed = pack_directory(t.dir.path(), t.manifest(), out / "x.tar.zst");
    auto listing = test::run({"tar", "--zstd", "-tvf", packed.archive.string()});
    if (listing.status == 0) {
        EXPECT_NE(listing.out.find("0/0"), std::string::npos) << listing.out;
        EXPECT_NE(listing.out.find("1970-01-01"), std::string::npos) << listing.out;
    }
    store::ExtractOptions options;
    options.expected = packed.digest;
    auto result = store::extract_archive(packed.archive, out / "tree", options);
    EXPECT_EQ(result.files, 4u);
    std::ifstream in(out / "tree/src/a.txt");
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "a");
}

TEST(CairnPack, ReadsTgzReleasesToo) {
    Tree t;
    test::TempDir out;
    auto r =
        test::run({"tar", "-czf", (out / "x.tgz").string(), "-C", t.dir.path().string(), "src"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto result = store::extract_archive(out / "x.tgz", out / "tree", {});
    EXPECT_EQ(result.files, 2u);
}

} // namespace
} // namespace cairn::format::cairn
