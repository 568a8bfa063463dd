#pragma once

#include "cairn/core/digest.hpp"
#include "cairn/format/cairn/manifest.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// Packing a cairn package: a deterministic `.tar.zst` whose sha256 is the release's
// address. The same tree always gives the same bytes: entries sorted by path (byte order),
// regular files and symbolic links only (folders are implied), mtime 0, owner and group 0
// with empty names, mode 0644 or 0755 (owner-executable files), POSIX pax format, zstd
// level 10 without a content checksum. Never packed: `.git/`, `cairn_modules/`,
// `cairn.lock`, `*.portable.tar.zst` and the package's own archives
// (`<scope>-<name>-*.tar.zst`, anywhere); `cairn.json5` is always packed.
namespace cairn::format::cairn {

struct PackedFile {
    std::string path; // relative, '/'-separated
    std::uint64_t size = 0;
};

struct PackResult {
    std::filesystem::path archive;
    Digest digest; // sha256 of the archive bytes
    std::uint64_t size = 0;
    std::vector<PackedFile> files;
};

// The files of `root` the manifest's include/exclude patterns select, sorted. Patterns are
// globs over the relative path (`*` matches any run of characters, '/' included); a
// pattern without '*' also selects everything below a folder of that name.
std::vector<PackedFile> select_files(const std::filesystem::path& root, const Manifest& manifest);

// Writes the archive of `root` to `archive` (replaced if it exists). Throws Error(Code::io)
// when a file cannot be read or written.
PackResult pack_directory(const std::filesystem::path& root, const Manifest& manifest,
                          const std::filesystem::path& archive);

// Writes a deterministic .tar.zst of `files` (relative paths under `root`, any order) the
// same way, for other archives cairn makes (portable packages).
PackResult write_archive(const std::filesystem::path& root, std::vector<std::string> files,
                         const std::filesystem::path& archive);

// "acme-libfoo-1.2.3.tar.zst"
std::string archive_file_name(const Manifest& manifest);

} // namespace cairn::format::cairn
