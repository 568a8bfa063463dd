// Linking packages while the resolution still runs (prelink.hpp).
#include "staging.hpp"

#include "cairn/core/folder_hint.hpp"
#include "cairn/core/thread_name.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace cairn::install {

namespace fs = std::filesystem;
using detail::Fd;

namespace {

// Folders a Prelinker may stage and materialize() may then make through its spreader.
constexpr std::size_t k_spreader_capacity = std::size_t{1} << 16;

} // namespace

std::unique_ptr<Prelinker> Prelinker::for_new_node_modules(const fs::path& project, unsigned jobs) {
    Fd project_fd(::open(project.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!project_fd)
        return nullptr;
    // Made here, or there already (another install, the user): only a new one is ours.
    if (::mkdirat(project_fd.get(), "node_modules", 0777) != 0)
        return nullptr;
    constexpr int k_open_dir = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    Fd node_modules(::openat(project_fd.get(), "node_modules", k_open_dir));
    Fd cairn_dir;
    if (node_modules && ::mkdirat(node_modules.get(), ".cairn", 0777) == 0)
        cairn_dir = Fd(::openat(node_modules.get(), ".cairn", k_open_dir));
    if (!cairn_dir) { // what was made here goes
        ::unlinkat(project_fd.get(), "node_modules/.cairn", AT_REMOVEDIR);
        ::unlinkat(project_fd.get(), "node_modules", AT_REMOVEDIR);
        return nullptr;
    }
    // As materialize() marks them: packages and buckets are unrelated trees.
    folder_hint::mark_top_of_hierarchies(node_modules.get());
    folder_hint::mark_top_of_hierarchies(cairn_dir.get());
    // One thread per core: the resolver keeps one of them busy meanwhile. (On 2 cores, a
    // medium project's warm install took 90-95 ms with 2 threads, 100-118 with 4.)
    if (!jobs)
        jobs = std::max(2u, std::thread::hardware_concurrency());
    try {
        return std::unique_ptr<Prelinker>(new Prelinker(
            std::make_unique<Impl>(project, std::move(project_fd), std::move(cairn_dir), jobs)));
    } catch (...) {
        // No thread to stage with (or no memory): materialize() does everything.
        ::rmdir((project / "node_modules/.cairn").c_str());
        ::rmdir((project / "node_modules").c_str());
        return nullptr;
    }
}

Prelinker::Prelinker(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Prelinker::~Prelinker() = default;

void Prelinker::add(const fs::path& source, std::shared_ptr<const std::string> listing) noexcept {
    try {
        m_impl->add(source, std::move(listing));
    } catch (...) {
        // a tree not staged is linked by materialize()
    }
}

Prelinker::Impl::Impl(fs::path project, Fd project_fd, Fd cairn_dir, unsigned jobs)
    : m_project(std::move(project)), m_project_fd(std::move(project_fd)),
      m_cairn_dir(std::move(cairn_dir)), m_spreader(m_cairn_dir.get(), k_spreader_capacity),
      m_jobs(jobs) {
    m_queue.keep_open();
    m_runner = std::thread([this] {
        name_this_thread("cairn-stage"); // and the threads it starts
        try {
            m_queue.run(m_jobs);
        } catch (...) {
            // every task catches its own errors (the tree is then not staged)
        }
        all_done();
    });
}

void Prelinker::Impl::drop_untaken() {
    for (auto& [source, tree] : m_trees) {
        if (tree->placed || !tree->staged)
            continue;
        try {
            detail::remove_entry(tree->staged->bucket, tree->staged->name.c_str(),
                                 m_project / "node_modules/.cairn");
        } catch (...) {
            // left for the next install's pruning (prune.cpp empties unused buckets)
        }
        tree->staged.reset();
    }
}

Prelinker::Impl::~Impl() {
    finish();
    drop_untaken();
    bool placed_any = std::any_of(m_trees.begin(), m_trees.end(),
                                  [](const auto& entry) { return entry.second->placed; });
    if (used_by_install || placed_any)
        return;
    // Nothing was installed (the run failed before): the folders made here go, when empty.
    m_spreader.remove_empty_buckets();
    ::unlinkat(m_project_fd.get(), "node_modules/.cairn", AT_REMOVEDIR);
    ::unlinkat(m_project_fd.get(), "node_modules", AT_REMOVEDIR);
}

void Prelinker::Impl::add(const fs::path& source, std::shared_ptr<const std::string> listing) {
    auto made = std::make_unique<Tree>(); // pending 1: its first task, pushed below
    Tree* tree = made.get();
    tree->options.listing = std::move(listing);
    {
        std::lock_guard lock(m_mutex);
        if (m_closed)
            return;
        auto [it, fresh] = m_trees.try_emplace(source.string());
        if (!fresh)
            return;
        tree->source = it->first;
        tree->number = m_next++;
        it->second = std::move(made);
    }
    m_queue.push_back([this, tree] {
        stage(*tree);
        part_done(*tree);
    });
}

void Prelinker::Impl::part_done(Tree& tree) {
    if (tree.pending.fetch_sub(1) != 1)
        return;
    // The last part closes the folder: a large project stages a thousand of them.
    if (tree.staged)
        tree.staged->fd = Fd();
    tree.done.store(true);
    tree.done.notify_all();
}

void Prelinker::Impl::all_done() {
    std::lock_guard lock(m_mutex);
    for (auto& [source, tree] : m_trees) {
        tree->done.store(true);
        tree->done.notify_all();
    }
}

void Prelinker::Impl::stage(Tree& tree) {
    try {
        Fd src(::open(tree.source.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!src)
            throw detail::io_error("open the store tree", tree.source, errno);
        tree.staged = m_spreader.stage(tree.number);
        if (!tree.staged) {
            tree.failed = true;
            return;
        }
        detail::TreeCopyOptions& options = tree.options;
        options.mode = detail::FileMode::hardlink;
        options.counters = &tree.counters;
        options.top_files = &tree.top_files;
        options.top_folders = &tree.top_folders;
        options.spawn = [this, &tree](std::function<void()> task) {
            if (!m_queue.wants_tasks()) {
                task();
                return;
            }
            tree.pending.fetch_add(1);
            m_queue.push_front([this, &tree, task = std::move(task)] {
                try {
                    task();
                } catch (...) {
                    tree.failed = true;
                }
                part_done(tree);
            });
        };
        detail::copy_tree(std::move(src), tree.staged->fd.get(), options, tree.source,
                          m_project / "node_modules/.cairn" / tree.staged->name);
    } catch (...) {
        tree.failed = true; // materialize() links it, and meets the error if it is real
    }
}

void Prelinker::Impl::close() {
    {
        std::lock_guard lock(m_mutex);
        if (m_closed)
            return;
        m_closed = true;
    }
    m_queue.close();
}

void Prelinker::Impl::finish() {
    close();
    if (m_runner.joinable())
        m_runner.join();
}

namespace {

// Whether a path of `skip` ("node_modules/b") starts in one of the top folders listed.
bool holds_any(const std::vector<std::string>& top_folders, const std::set<std::string>& skip) {
    for (const auto& path : skip) {
        std::string_view first = std::string_view(path).substr(0, path.find('/'));
        if (std::find(top_folders.begin(), top_folders.end(), first) != top_folders.end())
            return true;
    }
    return false;
}

} // namespace

std::optional<Fd> Prelinker::Impl::take(const fs::path& source, int parent, const char* name,
                                        const fs::path& shown, const std::set<std::string>& skip,
                                        std::vector<std::string>& top_files,
                                        detail::CopyCounters& counters) {
    Tree* tree = nullptr;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_trees.find(source.string());
        if (it == m_trees.end() || it->second->taken)
            return std::nullopt;
        tree = it->second.get();
        tree->taken = true;
    }
    tree->done.wait(false);
    // A tree whose tasks the staging threads dropped (pending above 0) is not complete.
    if (tree->pending.load() != 0 || tree->failed || !tree->staged ||
        holds_any(tree->top_folders, skip) || !m_spreader.move_into(*tree->staged, parent, name))
        return std::nullopt;
    tree->placed = true;
    Fd fd(::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        throw detail::io_error("open the folder just placed", shown, errno);
    top_files.insert(top_files.end(), tree->top_files.begin(), tree->top_files.end());
    counters.linked += tree->counters.linked.load();
    counters.copied += tree->counters.copied.load();
    return fd;
}

} // namespace cairn::install
