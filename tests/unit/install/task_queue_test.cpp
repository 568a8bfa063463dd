// The work queue of the install's placing phase, and trees copied through it.
#include "fs_tree.hpp"
#include "install_fixture.hpp"
#include "worker_pool.hpp"

#include "cairn/core/tree_listing.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cairn::test {
namespace {

using install::detail::copy_tree;
using install::detail::CopyCounters;
using install::detail::Fd;
using install::detail::FileMode;
using install::detail::k_files_per_task;
using install::detail::TaskQueue;
using install::detail::TreeCopyOptions;
using namespace std::chrono_literals;

// Task `id` of a tree where each task below depth 4 adds 5 children: 1 + 5 + ... + 5^4.
constexpr std::size_t k_fanout = 5;
constexpr std::size_t k_tree_tasks = 1 + 5 + 25 + 125 + 625;

void add_tree_task(TaskQueue& queue, std::vector<std::atomic<int>>& runs, std::size_t id,
                   int depth) {
    queue.push_front([&queue, &runs, id, depth] {
        runs[id].fetch_add(1);
        if (depth == 4)
            return;
        for (std::size_t c = 1; c <= k_fanout; ++c)
            add_tree_task(queue, runs, id * k_fanout + c, depth + 1);
    });
}

TEST(TaskQueueTest, TasksAddedByTasksRunExactlyOnce) {
    for (unsigned jobs : {1u, 2u, 4u}) {
        TaskQueue queue;
        std::vector<std::atomic<int>> runs(k_tree_tasks);
        add_tree_task(queue, runs, 0, 0);
        queue.run(jobs);
        for (std::size_t id = 0; id < k_tree_tasks; ++id)
            ASSERT_EQ(runs[id].load(), 1) << "task " << id << " with " << jobs << " jobs";
    }
}

TEST(TaskQueueTest, AnOpenQueueRunsTasksAddedFromOutsideUntilClosed) {
    TaskQueue queue;
    queue.keep_open();
    std::atomic<int> ran{0};
    std::thread runner([&] { queue.run(3); }); // nothing to run yet: it waits
    for (int i = 0; i < 50; ++i) {
        queue.push_back([&] {
            ran.fetch_add(1);
            queue.push_front([&] { ran.fetch_add(1); });
        });
        if (i % 10 == 0)
            std::this_thread::sleep_for(1ms); // idle between bursts
    }
    queue.close();
    runner.join();
    EXPECT_EQ(ran.load(), 100);
}

TEST(TaskQueueTest, NothingToRunReturnsAtOnce) {
    TaskQueue queue;
    queue.run(4);
}

TEST(TaskQueueTest, TheFirstExceptionStopsTheHandOutAndIsRethrown) {
    TaskQueue queue;
    std::atomic<int> ran{0};
    queue.push_back([] { throw std::runtime_error("first"); });
    for (int i = 0; i < 1000; ++i)
        queue.push_back([&] {
            ran.fetch_add(1);
            std::this_thread::sleep_for(1ms);
        });
    try {
        queue.run(2);
        FAIL() << "no exception";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "first");
    }
    EXPECT_LT(ran.load(), 1000);
}

TEST(TaskQueueTest, ALaterExceptionWaitsForRunningTasksAndLosesToTheFirst) {
    TaskQueue queue;
    std::atomic<bool> second_started{false};
    std::atomic<bool> first_thrown{false};
    std::atomic<bool> second_done{false};
    std::atomic<bool> child_ran{false};
    queue.push_back([&] {
        while (!second_started)
            std::this_thread::yield();
        first_thrown = true;
        throw std::runtime_error("first");
    });
    queue.push_back([&] {
        second_started = true;
        while (!first_thrown)
            std::this_thread::yield();
        std::this_thread::sleep_for(20ms);
        queue.push_front([&] { child_ran = true; }); // after the failure: never runs
        second_done = true;
        throw std::runtime_error("second");
    });
    try {
        queue.run(2);
        FAIL() << "no exception";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "first");
    }
    EXPECT_TRUE(second_done.load()); // run() returned only after the running task ended
    EXPECT_FALSE(child_ran.load());
}

TEST(TaskQueueTest, PartsAreWantedOnceNoFirstTaskIsLeftToStart) {
    {
        TaskQueue queue; // one thread: never
        bool wanted = true;
        queue.push_back([&] { wanted = queue.wants_tasks(); });
        queue.run(1);
        EXPECT_FALSE(wanted);
    }
    TaskQueue queue;
    std::atomic<bool> b_started{false}, a_checked{false};
    bool wanted_a = true, wanted_c = false;
    queue.push_back([&] { // c waits while a and b run
        while (!b_started)
            std::this_thread::yield();
        wanted_a = queue.wants_tasks();
        a_checked = true;
    });
    queue.push_back([&] {
        b_started = true;
        while (!a_checked)
            std::this_thread::yield();
    });
    queue.push_back([&] { wanted_c = queue.wants_tasks(); }); // the last to start
    queue.run(2);
    EXPECT_FALSE(wanted_a);
    EXPECT_TRUE(wanted_c);
}

using TreeCopyTest = InstallTest;

// Copies `from` into the (new) folder `to` with the parts of the tree spread over `jobs`
// threads; returns how many threads ran a part.
std::size_t copy_with_queue(const fs::path& from, const fs::path& to, TreeCopyOptions& options,
                            unsigned jobs) {
    fs::create_directories(to);
    Fd src(::open(from.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    Fd dst(::open(to.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    TaskQueue queue;
    std::mutex mutex;
    std::set<std::thread::id> threads;
    options.spawn = [&](std::function<void()> task) {
        queue.push_front([&, task = std::move(task)] {
            {
                std::lock_guard lock(mutex);
                threads.insert(std::this_thread::get_id());
            }
            std::this_thread::sleep_for(1ms); // lets another thread take the next part
            task();
        });
    };
    queue.push_back([&] { copy_tree(std::move(src), dst.get(), options, from, to); });
    queue.run(jobs);
    return threads.size();
}

TEST_F(TreeCopyTest, NestedFoldersCopiedByDifferentThreadsEndUpComplete) {
    fs::path tree = store / "big";
    std::set<std::string> expected;
    for (int a = 0; a < 6; ++a) {
        for (int b = 0; b < 3; ++b) {
            std::string dir = "d" + std::to_string(a) + "/e" + std::to_string(b);
            for (int f = 0; f < 70; ++f) { // more than one run of files per folder
                write_file(tree / dir / ("f" + std::to_string(f) + ".js"), dir);
                expected.insert(dir + "/f" + std::to_string(f) + ".js");
            }
        }
        write_file(tree / ("d" + std::to_string(a)) / "top.js", "top");
        expected.insert("d" + std::to_string(a) + "/top.js");
    }
    write_file(tree / "node_modules/skipped/index.js", "bundled");
    write_file(tree / "node_modules/kept/index.js", "bundled");
    expected.insert("node_modules/kept/index.js");
    fs::create_directories(tree / "empty");
    fs::create_symlink("d0/top.js", tree / "link.js");

    CopyCounters counters;
    TreeCopyOptions options;
    options.counters = &counters;
    options.skip = {"node_modules/skipped"};
    fs::path out = tmp / "out";
    EXPECT_GE(copy_with_queue(tree, out, options, 4), 2u);

    std::set<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(out))
        if (!entry.is_symlink() && entry.is_regular_file())
            files.insert(fs::relative(entry.path(), out).string());
    EXPECT_EQ(files, expected);
    for (const auto& file : expected)
        EXPECT_EQ(stat_of(out / file).st_ino, stat_of(tree / file).st_ino) << file;
    EXPECT_EQ(counters.linked.load(), expected.size());
    EXPECT_TRUE(fs::is_directory(out / "empty"));
    EXPECT_EQ(fs::read_symlink(out / "link.js"), "d0/top.js");
    EXPECT_FALSE(exists_no_follow(out / "node_modules/skipped"));
}

// Linked files go in with their folder's task: new names in one folder take its lock one
// at a time, so threads sharing them only wait on each other. Copied files (data to move)
// are shared out in runs.
TEST_F(TreeCopyTest, OnlyCopiedFilesOfOneFolderAreSharedOut) {
    fs::path tree = store / "flat";
    for (int f = 0; f < 100; ++f)
        write_file(tree / "lib" / ("f" + std::to_string(f) + ".js"), "x");
    auto parts_handed_out = [&](FileMode mode, const fs::path& out) {
        fs::create_directories(out);
        Fd src(::open(tree.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        Fd dst(::open(out.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        CopyCounters counters;
        TreeCopyOptions options;
        options.counters = &counters;
        options.mode = mode;
        std::vector<std::function<void()>> parts;
        options.spawn = [&](std::function<void()> task) { parts.push_back(std::move(task)); };
        copy_tree(std::move(src), dst.get(), options, tree, out);
        std::size_t handed_out = 0;
        while (!parts.empty()) { // a part may hand out more
            auto part = std::move(parts.back());
            parts.pop_back();
            part();
            ++handed_out;
        }
        EXPECT_EQ(counters.linked.load() + counters.copied.load(), 100u);
        return handed_out;
    };
    EXPECT_EQ(parts_handed_out(FileMode::hardlink, tmp / "linked"), 1u); // the folder "lib"
    // The folder, then its files in runs of k_files_per_task but for the last run, which
    // its own task copies.
    EXPECT_EQ(parts_handed_out(FileMode::copy, tmp / "copied"), 1u + 100 / k_files_per_task);
}

// Files of `out`, relative, links and folders left out.
std::set<std::string> files_in(const fs::path& out) {
    std::set<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(out))
        if (!entry.is_symlink() && entry.is_regular_file())
            files.insert(fs::relative(entry.path(), out).string());
    return files;
}

// With the store's listing of the tree, the folders are not listed from the kernel: what
// the listing does not name is not linked (here a file added to the store tree behind its
// marker's back), a folder it lacks is listed from the disk, and links and skips are kept.
TEST_F(TreeCopyTest, ATreeWithAListingIsLinkedByIt) {
    using tree_listing::Kind;
    fs::path tree = store / "listed";
    write_file(tree / "package.json", "{}");
    write_file(tree / "lib/a.js", "a");
    write_file(tree / "lib/deep/b.js", "b");
    write_file(tree / "node_modules/skipped/index.js", "bundled");
    fs::create_symlink("lib/a.js", tree / "main.js");
    write_file(tree / "added-later.js", "not in the listing");
    write_file(tree / "lib/deep/unlisted-folder-file.js", "listed from the disk");
    std::string text = tree_listing::encode({{"package.json", Kind::file},
                                             {"lib", Kind::folder},
                                             {"lib/a.js", Kind::file},
                                             {"lib/deep", Kind::folder},
                                             {"node_modules", Kind::folder},
                                             {"node_modules/skipped", Kind::folder},
                                             {"node_modules/skipped/index.js", Kind::file},
                                             {"main.js", Kind::link}});
    // Its "lib/deep" folder record removed: that folder is read from the disk.
    std::string record = std::string("/lib/deep") + '\0';
    auto at = text.find(record);
    ASSERT_NE(at, std::string::npos);
    text.erase(at, record.size());
    CopyCounters counters;
    TreeCopyOptions options;
    options.counters = &counters;
    options.skip = {"node_modules/skipped"};
    options.listing = std::make_shared<const std::string>(text);
    fs::path out = tmp / "out";
    copy_with_queue(tree, out, options, 2);
    EXPECT_EQ(files_in(out), (std::set<std::string>{"package.json", "lib/a.js", "lib/deep/b.js",
                                                    "lib/deep/unlisted-folder-file.js"}));
    EXPECT_EQ(fs::read_symlink(out / "main.js"), "lib/a.js");
    EXPECT_FALSE(exists_no_follow(out / "node_modules/skipped"));
    EXPECT_EQ(counters.linked.load(), 4u);

    // A listing that does not decode is not used: every folder is read from the disk.
    options.listing = std::make_shared<const std::string>("not a listing");
    CopyCounters again;
    options.counters = &again;
    copy_with_queue(tree, tmp / "out2", options, 2);
    EXPECT_EQ(files_in(tmp / "out2").size(), 5u);
    EXPECT_TRUE(fs::exists(tmp / "out2/added-later.js"));
}

// Small folders (a few entries) are not opened: their entries are named from the nearest
// folder that was, through any depth of small folders, a large folder under a small one
// included. Whatever the path, the copy is the tree: files (linked or copied), links, empty
// folders; a folder that was there already is opened as before.
TEST_F(TreeCopyTest, SmallFoldersAreNamedThroughTheFolderAboveThem) {
    using tree_listing::Kind;
    fs::path tree = store / "nested";
    std::vector<std::pair<std::string, Kind>> listed = {
        {"package.json", Kind::file}, {"a", Kind::folder},        {"a/one.js", Kind::file},
        {"a/b", Kind::folder},        {"a/b/two.js", Kind::file}, {"a/b/link.js", Kind::link},
        {"a/b/empty", Kind::folder},  {"a/b/c", Kind::folder},    {"pre", Kind::folder},
        {"pre/three.js", Kind::file}};
    write_file(tree / "package.json", "{}");
    write_file(tree / "a/one.js", "1");
    write_file(tree / "a/b/two.js", "2");
    fs::create_symlink("two.js", tree / "a/b/link.js");
    fs::create_directories(tree / "a/b/empty");
    std::set<std::string> expected = {"package.json", "a/one.js", "a/b/two.js", "pre/three.js"};
    for (int f = 0; f < 12; ++f) { // a large folder inside small ones
        std::string name = "a/b/c/f" + std::to_string(f) + ".js";
        write_file(tree / name, name);
        listed.push_back({name, Kind::file});
        expected.insert(name);
    }
    write_file(tree / "pre/three.js", "3");
    for (auto mode : {FileMode::hardlink, FileMode::copy}) {
        fs::path out = tmp / (mode == FileMode::hardlink ? "linked" : "copied");
        fs::create_directories(out / "pre"); // there already: opened, not named through
        CopyCounters counters;
        TreeCopyOptions options;
        options.counters = &counters;
        options.mode = mode;
        options.listing = std::make_shared<const std::string>(tree_listing::encode(listed));
        copy_with_queue(tree, out, options, 2);
        EXPECT_EQ(files_in(out), expected);
        for (const auto& file : expected) {
            EXPECT_EQ(read_text(out / file), read_text(tree / file)) << file;
            EXPECT_EQ(stat_of(out / file).st_ino == stat_of(tree / file).st_ino,
                      mode == FileMode::hardlink)
                << file;
        }
        EXPECT_EQ(fs::read_symlink(out / "a/b/link.js"), "two.js");
        EXPECT_TRUE(fs::is_directory(out / "a/b/empty"));
        EXPECT_EQ(counters.linked.load() + counters.copied.load(), expected.size());
    }
    // An empty folder the listing names that the tree lacks is damage, as a file is.
    fs::remove(tree / "a/b/empty");
    CopyCounters counters;
    TreeCopyOptions options;
    options.counters = &counters;
    options.listing = std::make_shared<const std::string>(tree_listing::encode(listed));
    try {
        copy_with_queue(tree, tmp / "damaged", options, 2);
        ADD_FAILURE() << "a missing empty folder went unnoticed";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::cache_corrupt) << e.message();
        EXPECT_NE(e.message().find("empty is missing from the store"), std::string::npos)
            << e.message();
    }
}

// A file the listing names that the store tree no longer has: the store was damaged after
// the tree was unpacked, and the install says so rather than leave the file out.
TEST_F(TreeCopyTest, AFileTheListingNamesThatIsGoneIsDamageToTheStore) {
    using tree_listing::Kind;
    fs::path tree = store / "damaged";
    write_file(tree / "package.json", "{}");
    // A file linked or copied, a link, a folder: each named by the listing, none there.
    const std::vector<std::pair<std::string, Kind>> gone = {
        {"gone.js", Kind::file}, {"gone-link", Kind::link}, {"gone-dir", Kind::folder}};
    int round = 0;
    for (auto mode : {FileMode::hardlink, FileMode::copy}) {
        for (const auto& [name, kind] : gone) {
            CopyCounters counters;
            TreeCopyOptions options;
            options.counters = &counters;
            options.mode = mode;
            options.listing = std::make_shared<const std::string>(
                tree_listing::encode({{"package.json", Kind::file}, {name, kind}}));
            try {
                copy_with_queue(tree, tmp / ("out" + std::to_string(round++)), options, 1);
                ADD_FAILURE() << "a missing " << name << " went unnoticed";
            } catch (const Error& e) {
                EXPECT_EQ(e.code(), Code::cache_corrupt) << e.message();
                EXPECT_NE(e.message().find(name + " is missing from the store"), std::string::npos)
                    << e.message();
                ASSERT_EQ(e.hints().size(), 1u);
                EXPECT_NE(e.hints()[0].find("cairn cache verify"), std::string::npos)
                    << e.hints()[0];
            }
        }
    }
}

TEST_F(TreeCopyTest, AFailureInAPartCopiedByAnotherThreadIsRethrown) {
    fs::path tree = store / "t";
    for (int f = 0; f < 40; ++f)
        write_file(tree / "a/b" / ("f" + std::to_string(f)), "x");
    fs::path out = tmp / "out";
    write_file(out / "a/b", "a file where the tree has a folder");
    CopyCounters counters;
    TreeCopyOptions options;
    options.counters = &counters;
    try {
        copy_with_queue(tree, out, options, 2);
        FAIL() << "no exception";
    } catch (const Error& error) {
        EXPECT_EQ(error.message(), (out / "a/b").string() + " is not a folder");
    }
}

} // namespace
} // namespace cairn::test
