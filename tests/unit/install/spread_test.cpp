// Package folders born in buckets and renamed into place (src/install/spread.hpp), alone and
// through whole installs.
#include "install_fixture.hpp"
#include "spread.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <thread>

namespace cairn::test {
namespace {

using install::detail::Fd;
using install::detail::FolderSpreader;

Fd open_folder(const fs::path& path) {
    return Fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

// The name of bucket `number` in the folder `home` (which exists).
std::string bucket(const fs::path& home, std::size_t number) {
    return FolderSpreader::bucket_name(stat_of(home).st_ino, number);
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
    fs::path bucket_path(std::size_t number) const {
        return tmp / "home" / bucket(tmp / "home", number);
    }
};

// Every entry of `dir` is an empty bucket; returns how many there are.
std::size_t empty_buckets_in(const fs::path& dir) {
    std::size_t count = 0;
    for (const auto& name : names_in(dir)) {
        EXPECT_TRUE(FolderSpreader::is_bucket_name(name)) << name;
        EXPECT_TRUE(fs::is_empty(dir / name)) << name;
        ++count;
    }
    return count;
}

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
        // 20 folders, 8 a bucket: buckets 0-7, 8-15, 16-19, made when first used.
        FolderSpreader spreader(home.get(), 20, 8);
        for (std::size_t i = 0; i < 10; ++i)
            make(spreader, i);
        EXPECT_EQ(names_in(tmp / "home"),
                  (std::vector<std::string>{bucket(tmp / "home", 0), bucket(tmp / "home", 1)}));
        make(spreader, 17);
        EXPECT_FALSE(spreader.make(20, parent.get(), "beyond-the-count"));
    }
    // The buckets stay, emptied by the renames, for the next install.
    EXPECT_EQ(empty_buckets_in(tmp / "home"), 3u);
    auto in_parent = names_in(tmp / "parent");
    EXPECT_EQ(std::set<std::string>(in_parent.begin(), in_parent.end()), made);
}

TEST(FolderSpreader, ReusesBucketsAndClearsWhatAKilledRunLeftInThem) {
    Folders f;
    auto& [tmp, home, parent] = f;
    fs::create_directories(f.bucket_path(0));
    auto inode = stat_of(f.bucket_path(0)).st_ino;
    // A killed run made folder 3 in bucket 0 and never renamed it.
    write_file(f.bucket_path(0) / "3/half.js", "half");
    {
        FolderSpreader spreader(home.get(), 8, 8);
        auto fd = spreader.make(3, parent.get(), "fresh");
        ASSERT_TRUE(fd);
    }
    EXPECT_EQ(stat_of(f.bucket_path(0)).st_ino, inode); // the same bucket
    EXPECT_TRUE(fs::is_empty(tmp / "parent/fresh"));    // nothing of the killed run
    EXPECT_EQ(empty_buckets_in(tmp / "home"), 1u);
}

TEST(FolderSpreader, ABucketNameTakenByALinkIsReplacedNeverFollowed) {
    Folders f;
    auto& [tmp, home, parent] = f;
    fs::create_directories(tmp / "elsewhere");
    fs::create_directory_symlink(tmp / "elsewhere", f.bucket_path(0));
    write_file(f.bucket_path(1), "a file");
    {
        FolderSpreader spreader(home.get(), 16, 8);
        EXPECT_TRUE(spreader.make(0, parent.get(), "pkg"));
        EXPECT_TRUE(spreader.make(8, parent.get(), "other"));
    }
    EXPECT_TRUE(fs::is_empty(tmp / "elsewhere"));
    EXPECT_EQ(empty_buckets_in(tmp / "home"), 2u); // real folders now
}

TEST(FolderSpreader, ABucketInUseByAnotherInstallIsLeftToIt) {
    // Two installs into one node_modules that do not share a project lock (two stores):
    // the second must not use (and clear) the bucket the first is using.
    Folders f;
    auto& [tmp, home, parent] = f;
    FolderSpreader first(home.get(), 8, 8);
    ASSERT_TRUE(first.make(0, parent.get(), "a"));
    FolderSpreader second(home.get(), 8, 8);
    EXPECT_FALSE(second.make(1, parent.get(), "b")); // made in place by its caller instead
    EXPECT_TRUE(first.make(1, parent.get(), "c"));
}

TEST(FolderSpreader, NamesItsBucketsAfterTheirNumberAndTheHomeFolder) {
    EXPECT_EQ(FolderSpreader::bucket_name(1835021, 3), ".spread-3.1835021");
    EXPECT_TRUE(FolderSpreader::is_bucket_name(".spread-0.12"));
    EXPECT_TRUE(FolderSpreader::is_bucket_name(".spread-17.1835021"));
    EXPECT_FALSE(FolderSpreader::is_bucket_name(".spread-"));
    EXPECT_FALSE(FolderSpreader::is_bucket_name(".spread-0"));      // an earlier cairn's
    EXPECT_FALSE(FolderSpreader::is_bucket_name(".spread-1-dead")); // an earlier cairn's
    EXPECT_FALSE(FolderSpreader::is_bucket_name(".spread-1."));
    EXPECT_FALSE(FolderSpreader::is_bucket_name(".spread-.5"));
    EXPECT_FALSE(FolderSpreader::is_bucket_name(".spread-1.2.3"));
    EXPECT_TRUE(FolderSpreader::is_bucket_of(".spread-17.1835021", 1835021));
    EXPECT_FALSE(FolderSpreader::is_bucket_of(".spread-17.1835021", 835021));
    EXPECT_FALSE(FolderSpreader::is_bucket_of(".spread-1835021", 1835021));
    EXPECT_FALSE(FolderSpreader::is_bucket_name("spread-1.2"));
}

TEST(FolderSpreader, ANewHomeFolderGetsBucketsOfOtherNames) {
    // ext4 picks a flagged folder's group from a hash of the new folder's name: buckets
    // named alike in every new node_modules would land where the last one was deleted.
    TempDir tmp;
    std::vector<std::string> first, second;
    int kept = 0;
    for (auto* names : {&first, &second}) {
        fs::create_directories(tmp / "home");
        fs::create_directories(tmp / "parent");
        {
            Fd home = open_folder(tmp / "home");
            Fd parent = open_folder(tmp / "parent");
            FolderSpreader spreader(home.get(), 16, 8);
            ASSERT_TRUE(spreader.make(0, parent.get(), "a"));
            ASSERT_TRUE(spreader.make(8, parent.get(), "b"));
            *names = names_in(tmp / "home");
            EXPECT_EQ(*names,
                      (std::vector<std::string>{bucket(tmp / "home", 0), bucket(tmp / "home", 1)}));
        }
        // The next home is made while this one still exists (so its inode is another).
        fs::rename(tmp / "home", tmp / ("old-home-" + std::to_string(kept++)));
        fs::remove_all(tmp / "parent");
    }
    EXPECT_NE(first, second);
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
    }
    EXPECT_EQ(stat_of(tmp / "parent/taken").st_ino, inode);
    EXPECT_EQ(read_text(tmp / "parent/full/keep.txt"), "keep");
    // Nothing is left behind in the bucket.
    EXPECT_EQ(empty_buckets_in(tmp / "home"), 1u);
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
    }
    EXPECT_EQ(names_in(tmp / "parent").size(), k_count);
    EXPECT_EQ(empty_buckets_in(tmp / "home"), k_count / 8);
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

// node_modules/.cairn's entries other than the empty buckets.
std::vector<std::string> besides_buckets(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& name : names_in(dir)) {
        if (FolderSpreader::is_bucket_name(name))
            EXPECT_TRUE(fs::is_empty(dir / name)) << name;
        else
            out.push_back(name);
    }
    return out;
}

TEST_F(SpreadInstallTest, HoistedInstallLeavesItsStateAndEmptyBuckets) {
    auto report = install(many(Layout::hoisted));
    EXPECT_EQ(report.added, 31u);
    EXPECT_EQ(besides_buckets(project / "node_modules/.cairn"),
              std::vector<std::string>{"state.json"});
    EXPECT_EQ(read_text(project / "node_modules/p7/package.json"),
              R"({"name": "p7", "version": "1.0.0"})");
    EXPECT_TRUE(fs::exists(project / "node_modules/p0/node_modules/q/index.js"));
}

TEST_F(SpreadInstallTest, ALaterInstallReusesTheBuckets) {
    install(many(Layout::hoisted));
    fs::path cairn_dir = project / "node_modules/.cairn";
    fs::path bucket = cairn_dir / FolderSpreader::bucket_name(stat_of(cairn_dir).st_ino, 0);
    ASSERT_TRUE(fs::is_directory(bucket));
    auto inode = stat_of(bucket).st_ino;
    auto buckets = names_in(project / "node_modules/.cairn").size();
    for (int i = 0; i < 30; ++i)
        fs::remove_all(project / "node_modules" / ("p" + std::to_string(i)));
    install(many(Layout::hoisted));
    for (int i = 0; i < 30; ++i)
        EXPECT_TRUE(fs::exists(project / "node_modules" / ("p" + std::to_string(i)) / "index.js"));
    EXPECT_EQ(stat_of(bucket).st_ino, inode);
    EXPECT_EQ(names_in(project / "node_modules/.cairn").size(), buckets);
}

TEST_F(SpreadInstallTest, IsolatedInstallLeavesUnitsStateAndEmptyBuckets) {
    auto report = install(many(Layout::isolated));
    EXPECT_EQ(report.added, 31u);
    EXPECT_EQ(besides_buckets(project / "node_modules/.cairn").size(), 32u); // 31 units, state
    EXPECT_TRUE(fs::exists(project / "node_modules/.cairn/p3@1.0.0/node_modules/p3/index.js"));
}

TEST_F(SpreadInstallTest, ABucketOfAnEarlierCairnLeftByAKilledRunIsPruned) {
    write_file(project / "node_modules/.cairn/.spread-1-dead/0/index.js", "half");
    fs::create_directories(project / "node_modules/.cairn/.spread-0"); // numbered, unsalted
    auto report = install(many(Layout::hoisted));
    EXPECT_EQ(report.removed, 0u); // not a package
    EXPECT_EQ(besides_buckets(project / "node_modules/.cairn"),
              std::vector<std::string>{"state.json"});
}

// A copy of node_modules (`cp -a`) keeps the buckets of the folder it was copied from,
// named for that folder's inode: no install would use them again.
TEST_F(SpreadInstallTest, BucketsOfAnotherCairnFolderArePruned) {
    install(many(Layout::hoisted));
    fs::path cairn_dir = project / "node_modules/.cairn";
    auto home = stat_of(cairn_dir).st_ino;
    std::string other = FolderSpreader::bucket_name(home + 1, 0);
    fs::create_directories(cairn_dir / other);
    write_file(cairn_dir / FolderSpreader::bucket_name(home + 2, 3) / "7/index.js", "copied");
    auto ours = names_in(cairn_dir);
    ours.erase(std::remove(ours.begin(), ours.end(), other), ours.end());
    fs::remove_all(project / "node_modules/p3"); // something to do
    auto report = install(many(Layout::hoisted));
    EXPECT_EQ(report.removed, 0u); // not packages
    auto now = names_in(cairn_dir);
    for (const auto& name : now) {
        EXPECT_TRUE(!name.starts_with(".spread-") || name.ends_with("." + std::to_string(home)))
            << name;
    }
    for (const auto& name : ours) {
        if (name.ends_with("." + std::to_string(home))) {
            EXPECT_TRUE(fs::is_directory(cairn_dir / name)) << name;
        }
    }
}

// A run killed while it resolved leaves staged folders (prelink.hpp) in buckets whose
// numbers a later install may never use: that install's pruning empties them, unless
// another install holds the bucket.
TEST_F(SpreadInstallTest, WhatAKilledRunLeftInABucketGoesUnlessTheBucketIsInUse) {
    fs::path cairn_dir = project / "node_modules/.cairn";
    fs::create_directories(cairn_dir);
    fs::path left = cairn_dir / bucket(cairn_dir, 40), used = cairn_dir / bucket(cairn_dir, 41);
    write_file(left / "321/index.js", "staged by a killed run");
    write_file(used / "329/index.js", "another install's");
    Fd held = open_folder(used);
    ASSERT_EQ(::flock(held.get(), LOCK_EX | LOCK_NB), 0);
    auto report = install(many(Layout::hoisted));
    EXPECT_EQ(report.removed, 0u); // not a package
    EXPECT_TRUE(fs::is_empty(left));
    EXPECT_TRUE(fs::exists(used / "329/index.js"));
    held = Fd();
    install(many(Layout::hoisted)); // nothing changed: no pruning
    fs::remove_all(project / "node_modules/p3");
    install(many(Layout::hoisted));
    EXPECT_EQ(besides_buckets(cairn_dir), std::vector<std::string>{"state.json"});
}

} // namespace
} // namespace cairn::test
