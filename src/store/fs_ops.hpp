#pragma once

#include "cairn/core/error.hpp"
#include "cairn/core/unique_name.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

// Small POSIX helpers of the store: errors that name the file, durable renames.
namespace cairn::store::detail {

namespace fs = std::filesystem;

// Error(Code::io) "cannot <action> <path>" caused by strerror(err).
Error io_error(std::string_view action, const fs::path& path, int err);

// fsync of a folder, so that a rename or link inside it is durable.
void sync_directory(const fs::path& dir);

// Whether a write must survive a power loss (fsync of the file and its folder) or only a
// crash of the process (the rename is atomic either way).
enum class Durability { power_loss, process_crash };

// Writes `text` to `path` atomically: a temporary file in `tmp_dir`, then rename over.
void write_file_atomically(const fs::path& path, std::string_view text, const fs::path& tmp_dir,
                           Durability durability = Durability::power_loss);

// The file's content; throws Error(Code::io).
std::string read_small_file(const fs::path& path);

// The process's file mode creation mask, as /proc/self/status tells it (Linux 4.7 and
// later), without changing it; nullopt when it cannot be read.
std::optional<unsigned> process_umask();

// Reads the open file `fd` (named `path` in errors) to its end in pieces of up to `size`
// bytes, handing each to `chunk` until it returns false; `fd` stays open, errors are
// Error(Code::io).
void read_chunks(int fd, const fs::path& path, std::size_t size,
                 const std::function<bool(std::string_view)>& chunk);

// Total bytes of regular files under `path` (not following links), and how many.
struct DiskUsage {
    std::uint64_t bytes = 0;
    std::uint64_t files = 0;
};
DiskUsage disk_usage(const fs::path& path);

// remove_all that reports failures as Error(Code::io); makes read-only folders writable
// first.
void remove_tree(const fs::path& path);

} // namespace cairn::store::detail
