#pragma once

#include "fs_tree.hpp"
#include "spread.hpp"
#include "worker_pool.hpp"

#include "cairn/install/prelink.hpp"

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

// The Prelinker's side that materialize() sees (prelink.hpp).
namespace cairn::install {

struct Prelinker::Impl {
    Impl(std::filesystem::path project, detail::Fd project_fd, detail::Fd cairn_dir, unsigned jobs);
    ~Impl();

    void add(const std::filesystem::path& source, std::shared_ptr<const std::string> listing);

    // Trees added from here on are ignored; those added before go on being staged. Called
    // by materialize() before it places anything: take() then waits for the tree it takes,
    // so the first packages are moved into place while the last ones are still linked.
    void close();
    // close(), then waits for every tree added to be staged. Called by materialize() once
    // it has placed everything (and by the destructor).
    void finish();

    // Moves the staged tree of `source` to `name` in `parent` (never replacing anything
    // there) and returns the folder, open; nullopt when there is none (not added, taken
    // already, or its staging failed), when it holds a path of `skip` (TreeCopyOptions: a
    // bundled package that one nested in the plan replaces) or when the move failed (the
    // caller then links it). Waits for the tree to be staged. Adds the names of the files at
    // its top to `top_files`, and the files it holds to `counters`. `shown` names the place
    // in messages. Thread-safe, after close().
    std::optional<detail::Fd> take(const std::filesystem::path& source, int parent,
                                   const char* name, const std::filesystem::path& shown,
                                   const std::set<std::string>& skip,
                                   std::vector<std::string>& top_files,
                                   detail::CopyCounters& counters);

    // Removes the staged folders no package took; after the placing, before the state and
    // the fingerprint vouch for node_modules (a run killed later leaves none behind).
    void drop_untaken();

    // The spreader the staged folders came from; materialize() makes its folders through it
    // too, numbered from first_free() on.
    detail::FolderSpreader& spreader() { return m_spreader; }
    std::size_t first_free() const { return m_next; }

    bool used_by_install = false; // materialize() ran with it: node_modules is the install's

private:
    struct Tree {
        std::string source;
        std::size_t number = 0; // the staged folder's number (spreader)
        std::optional<detail::FolderSpreader::Staged> staged;
        detail::TreeCopyOptions options;
        detail::CopyCounters counters;
        std::vector<std::string> top_files;
        std::vector<std::string> top_folders;
        std::atomic<std::size_t> pending{1}; // its copy's tasks not yet finished
        // Set when the last of them has finished, or when the staging threads stopped
        // (a queue that stopped early drops tasks: pending then never reaches 0).
        std::atomic<bool> done{false};
        std::atomic<bool> failed{false};
        bool taken = false; // under m_mutex
        bool placed = false;
    };
    void stage(Tree& tree);
    void part_done(Tree& tree);
    void all_done(); // the staging threads have stopped

    std::filesystem::path m_project;
    detail::Fd m_project_fd;
    detail::Fd m_cairn_dir; // node_modules/.cairn, the buckets' home
    detail::FolderSpreader m_spreader;
    unsigned m_jobs;
    std::mutex m_mutex;
    std::map<std::string, std::unique_ptr<Tree>> m_trees; // by source, under m_mutex
    std::size_t m_next = 0;                               // under m_mutex
    bool m_closed = false;                                // under m_mutex
    detail::TaskQueue m_queue;
    std::thread m_runner;
};

} // namespace cairn::install
