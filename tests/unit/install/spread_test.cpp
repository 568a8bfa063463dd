// Package folders born in buckets and renamed into place (src/install/spread.hpp), alone and
// through whole installs.
#include "install_fixture.hpp"
#include "spread.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <set>
#include <thread>

namespace cairn::test {
namespace {

using install::detail::Fd;
using install::detail::FolderSpreader;

Fd open_folder(const fs::path& path) {
    return Fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir))
        out.push_back(entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::size_t buckets_in(const fs::path& dir) {
    std::size_t count = 0;
    for (const auto& name : names_in(dir))
        count += name.starts_with(".spread-");
    return count;
}

// A home for buckets and a parent for the folders, both open.
struct Folders {
    TempDir tmp;
    Fd home, parent;
    Folders() {
        fs::create_directories(tmp / "home");
        fs::create_directories(tmp / "parent");
        home = open_folder(tmp / "home");
        parent = open_folder(tmp / "parent");
    }
};

TEST(FolderSpreader, MakesEachFolderInItsParentThroughOneBucketPerGroup) {
    Folders f;
    auto& [tmp, home, parent] = f;
    std::set<std::string> made;
    auto make = [&](FolderSpreader& spreader, std::size_t i) {
        std::string name = "pkg" + std::to_string(i);
        auto fd = spreader.make(i, parent.get(), name.c_str());
        ASSERT_TRUE(fd) << name;
        // The descriptor is the folder now in the parent.
        ASSERT_EQ(::mkdirat(fd->get(), "inside", 0755), 0);
        EXPECT_TRUE(fs::is_directory(tmp / "parent" / name / "inside"));
        made.insert(name);
    };
    {
        // 20 folders, 8 a bucket: buckets 0-7, 8-15, 16-19.
        FolderSpreader spreader(home.get(), 20, 8);
        for (std::size_t i = 0; i < 10; ++i)
            make(spreader, i);
        // The first bucket is settled and gone; the second is there, emptied by the renames.
        EXPECT_EQ(buckets_in(tmp / "home"), 1u);
        for (const auto& name : names_in(tmp / "home"))
            EXPECT_TRUE(fs::is_empty(tmp / "home" / name)) << name;
        for (std::size_t i = 10; i < 15; ++i)
            spreader.pass(i);
        EXPECT_EQ(buckets_in(tmp / "home"), 1u);
        spreader.pass(15);
        EXPECT_EQ(buckets_in(tmp / "home"), 0u);
        make(spreader, 17);
        EXPECT_EQ(buckets_in(tmp / "home"), 1u);
        EXPECT_FALSE(spreader.make(20, parent.get(), "beyond-the-count"));
    }
    // The last bucket, never settled (as after an error), goes with the spreader.
    EXPECT_TRUE(names_in(tmp / "home").empty());
    auto in_parent = names_in(tmp / "parent");
    EXPECT_EQ(std::set<std::string>(in_parent.begin(), in_parent.end()), made);
}

TEST(FolderSpreader, NeverReplacesAFolderAlreadyThere) {
    // Another thread may have made the folder (a package nested in it being placed first),
    // or a killed run left it half-written: the one there stays, with its inode.
    Folders f;
    auto& [tmp, home, parent] = f;
    fs::create_directories(tmp / "parent/taken");
    write_file(tmp / "parent/full/keep.txt", "keep");
    auto inode = stat_of(tmp / "parent/taken").st_ino;
    {
        FolderSpreader spreader(home.get(), 4, 8);
        EXPECT_FALSE(spreader.make(0, parent.get(), "taken"));
        EXPECT_FALSE(spreader.make(1, parent.get(), "full"));
        EXPECT_TRUE(spreader.make(2, parent.get(), "free"));
        // Nothing is left behind in the bucket.
        for (const auto& name : names_in(tmp / "home"))
            EXPECT_TRUE(fs::is_empty(tmp / "home" / name)) << name;
    }
    EXPECT_EQ(stat_of(tmp / "parent/taken").st_ino, inode);
    EXPECT_EQ(read_text(tmp / "parent/full/keep.txt"), "keep");
    EXPECT_TRUE(names_in(tmp / "home").empty());
}

TEST(FolderSpreader, ThreadsShareBuckets) {
    Folders f;
    auto& [tmp, home, parent] = f;
    constexpr std::size_t k_count = 200;
    {
        FolderSpreader spreader(home.get(), k_count, 8);
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (std::size_t i = t; i < k_count; i += 4)
                    EXPECT_TRUE(spreader.make(i, parent.get(), ("p" + std::to_string(i)).c_str()));
            });
        for (auto& thread : threads)
            thread.join();
        // Every number settled: every bucket removed by a thread, none left for the end.
        EXPECT_TRUE(names_in(tmp / "home").empty());
    }
    EXPECT_EQ(names_in(tmp / "parent").size(), k_count);
    EXPECT_TRUE(names_in(tmp / "home").empty());
}

class SpreadInstallTest : public InstallTest {
protected:
    InstallPlan many(Layout layout) {
        std::vector<PlannedPackage> packages;
        std::map<std::string, std::string> roots;
        for (int i = 0; i < 30; ++i) {
            std::string name = "p" + std::to_string(i);
            packages.push_back(package("node_modules/" + name, name, "1.0.0",
                                       make_tree({name, "1.0.0", "", {}, {}})));
            roots[name] = "node_modules/" + name;
        }
        // A nested one, whose parent folder its own placement may make first.
        packages.push_back(package("node_modules/p0/node_modules/q", "q", "2.0.0",
                                   make_tree({"q", "2.0.0", "", {}, {}})));
        packages[0].dependencies["q"] = "node_modules/p0/node_modules/q";
        return plan_of(packages, roots, layout);
    }
};

TEST_F(SpreadInstallTest, HoistedInstallLeavesOnlyItsState) {
    auto report = install(many(Layout::hoisted));
    EXPECT_EQ(report.added, 31u);
    EXPECT_EQ(names_in(project / "node_modules/.cairn"), std::vector<std::string>{"state.json"});
    EXPECT_EQ(read_text(project / "node_modules/p7/package.json"),
              R"({"name": "p7", "version": "1.0.0"})");
    EXPECT_TRUE(fs::exists(project / "node_modules/p0/node_modules/q/index.js"));
}

TEST_F(SpreadInstallTest, IsolatedInstallLeavesOnlyUnitsAndState) {
    auto report = install(many(Layout::isolated));
    EXPECT_EQ(report.added, 31u);
    auto names = names_in(project / "node_modules/.cairn");
    EXPECT_EQ(names.size(), 32u); // 31 units and state.json
    EXPECT_EQ(std::count_if(names.begin(), names.end(),
                            [](const std::string& n) { return n.starts_with(".spread-"); }),
              0);
    EXPECT_TRUE(fs::exists(project / "node_modules/.cairn/p3@1.0.0/node_modules/p3/index.js"));
}

TEST_F(SpreadInstallTest, ABucketLeftByAKilledRunIsPruned) {
    write_file(project / "node_modules/.cairn/.spread-1-dead/0/index.js", "half");
    auto report = install(many(Layout::hoisted));
    EXPECT_EQ(report.removed, 0u); // not a package
    EXPECT_EQ(names_in(project / "node_modules/.cairn"), std::vector<std::string>{"state.json"});
}

} // namespace
} // namespace cairn::test
