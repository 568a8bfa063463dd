#pragma once

#include "cairn/core/error.hpp"
#include "cairn/core/unique_name.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// fd-relative file operations of the install hot path: opening folders without following
// links, hardlinking or copying whole trees, removing trees without ever following a link.
namespace cairn::install::detail {

namespace fs = std::filesystem;

// Error(Code::io) "cannot <action> <path>" caused by strerror(err).
Error io_error(std::string_view action, const fs::path& path, int err);

// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(Fd&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();
    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

// Opens the folder `rel` ("a/b/c") below `base`, following no symbolic link on the way.
// nullopt when a component does not exist; throws Error(Code::io) when one is a link or a
// file. `shown` is the path used in messages (base's path).
std::optional<Fd> open_dir(int base, std::string_view rel, const fs::path& shown);
// The same, creating missing folders.
Fd make_dirs(int base, std::string_view rel, const fs::path& shown);

// What is at `name` in `dir` (without following a link): S_IFDIR, S_IFLNK, S_IFREG..., 0
// when nothing.
unsigned entry_type(int dir, const char* name);

// The target of the link at `name`, nullopt when it is not a link (or absent).
std::optional<std::string> read_link(int dir, const char* name);

// Names in a folder, without "." and "..".
std::vector<std::string> list_dir(int dir, const fs::path& shown);

// Removes whatever is at `name` (a file, a link, a whole folder), never following a link;
// nothing when absent. Folders without write or search permission are opened up first
// (they are cairn's or a build's own folders, never the store's).
void remove_entry(int dir, const char* name, const fs::path& shown);
// Removes everything inside `dir` except the names in `keep`.
void empty_dir(int dir, const std::set<std::string>& keep, const fs::path& shown);

// Makes the link `name` -> `target` in `dir`, replacing whatever is there unless it is
// already that link. Returns whether it changed anything.
bool ensure_symlink(int dir, const char* name, const std::string& target, const fs::path& shown);

struct CopyCounters {
    std::atomic<std::uint64_t> linked{0};
    std::atomic<std::uint64_t> copied{0};
    // Set once a hard link failed with EXDEV: every later file is copied at once.
    std::atomic<bool> cross_device{false};
};

enum class FileMode { hardlink, copy };

struct TreeCopyOptions {
    FileMode mode = FileMode::hardlink;
    // Paths relative to the tree's top ("node_modules/b", "node_modules/@s/c") not to copy:
    // planned packages nested in this one win over what the package bundles.
    std::set<std::string> skip;
    CopyCounters* counters = nullptr;
    // When set, parts of the tree (each subfolder; each run of k_files_per_task files of a
    // folder when files are copied) are handed to it as tasks to run on any thread, in any
    // order, instead of being copied before copy_tree returns: the tree is complete once
    // every task handed out has run. The tasks use these options, which must outlive them.
    std::function<void(std::function<void()>)> spawn;
    // When set, the names of the regular files at the tree's top are added to it, by the
    // thread calling copy_tree and before it returns (the top folder is listed there).
    std::vector<std::string>* top_files = nullptr;
    // The same for the folders at the tree's top (skipped ones are not listed).
    std::vector<std::string>* top_folders = nullptr;
    // The source's listing (core/tree_listing.hpp), when its store keeps one: each folder's
    // entries are taken from it instead of being read from the kernel, and a file it names
    // that is not there is reported as damage to the store (Code::cache_corrupt).
    std::shared_ptr<const std::string> listing;
};

// How many files of one folder a task copies at most (with TreeCopyOptions::spawn, when
// the files are copied: linked ones go in with their folder's task).
inline constexpr std::size_t k_files_per_task = 32;

// Fills the folder `dst` with the tree of folder `src`: folders are made, files are hard
// links (or reflinks/copies, see FileMode and the fallbacks), links are recreated as they
// are. `shown` names the source in messages. `src`, a descriptor opened for this call, is
// read from its current position and owned by the tasks from then on; `dst` is borrowed:
// it must stay open until every task handed to options.spawn has run.
void copy_tree(Fd src, int dst, const TreeCopyOptions& options, const fs::path& shown_src,
               const fs::path& shown_dst);

// Copies one file (reflink first, then copy_file_range/read-write) to `dst_name` in
// `dst_dir`, which must not exist, with `mode`.
void copy_file(int src_dir, const char* src_name, int dst_dir, const char* dst_name, unsigned mode,
               const fs::path& shown);

// Writes `text` to `name` in `dir` atomically: a temporary beside it, then rename.
void write_file_atomically(int dir, const char* name, std::string_view text, const fs::path& shown);
// The content of `name` in `dir`; nullopt when absent.
std::optional<std::string> read_file(int dir, const char* name, const fs::path& shown);

} // namespace cairn::install::detail
