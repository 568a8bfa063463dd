#pragma once

#include "cairn/core/digest.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

// Safe extraction of package archives (tar, plain or compressed with gzip, zstd or xz)
// with libarchive reading and cairn writing. Every entry is checked before a byte of it is
// written:
//   - paths: absolute paths, `..` components, backslashes and drive letters are rejected
//     (never stripped) with Code::archive_escape; `.` and empty components are dropped;
//   - nothing is ever written through a symbolic link: an entry below a link is
//     Code::archive_escape; links are created after every other entry, and each link's
//     target must stay inside the tree when followed through the links the archive makes
//     (checked when the entry is read and again over the final tree); hard links must
//     name a regular file extracted earlier;
//   - devices, FIFOs and sockets are Code::archive_invalid; setuid, setgid, sticky and
//     world-writable bits are dropped from every mode (owners keep read, folders rwx);
//   - limits (ExtractLimits) on unpacked bytes, entries, depth, path length and the
//     compression ratio are Code::archive_limit, checked while streaming;
//   - duplicate entries: the last one of a path wins, as with tar; an entry that would
//     turn a folder into a file or link (or the reverse) is ambiguous, Code::archive_invalid.
// Errors name the entry as the archive spells it. On any error the destination is removed.
namespace cairn::store {

struct ExtractLimits {
    std::uint64_t max_bytes = 1ull << 30;       // unpacked bytes of regular files
    std::uint64_t max_entries = 200'000;        // entries of any type
    std::uint32_t max_depth = 128;              // path components of one entry
    std::uint32_t max_path_bytes = 4096;        // length of one entry's path
    std::uint64_t max_ratio = 200;              // unpacked bytes per compressed byte ...
    std::uint64_t ratio_grace_bytes = 16 << 20; // ... once this much has been unpacked

    // The largest archive worth downloading for these limits: what it may unpack to, plus
    // room for tar headers, padding and data that does not compress.
    std::uint64_t max_archive_bytes() const { return max_bytes + max_bytes / 16 + (1u << 20); }
};

// npm tarballs keep their files under one top folder ("package/"): `first` drops it.
enum class StripComponents { none, first };

struct ExtractOptions {
    ExtractLimits limits;
    StripComponents strip = StripComponents::none;
    // When set, the archive's bytes are hashed while they are read (the whole file,
    // trailing bytes included) and a mismatch is Code::cache_corrupt.
    std::optional<Digest> expected;
    // Archives of at least this many bytes have their files of 1 MiB or less created on
    // two threads of their own while the archive is read on (the listing, hashes and
    // limits stay the reading thread's).
    std::uint64_t parallel_writes_from = 256 * 1024;
    // The process's umask, when the caller has read it (a Store reads it once); unset, it
    // is read for this extraction. Files whose mode it leaves whole are created with it.
    std::optional<unsigned> umask;
};

struct ExtractResult {
    // sha256 over the sorted listing of the tree (paths, types, modes, sizes, each file's
    // XXH3-128, link targets): what `cairn cache verify` recomputes from the disk.
    Digest manifest;
    std::uint64_t entries = 0;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
    // The tree folder by folder (core/tree_listing.hpp), kept in its marker.
    std::string listing;
};

// Extracts `archive` into `destination`, which must not exist yet; on error nothing is
// left at `destination`.
ExtractResult extract_archive(const std::filesystem::path& archive,
                              const std::filesystem::path& destination,
                              const ExtractOptions& options);

// The manifest digest of a tree on disk, computed the same way as at extraction.
Digest tree_manifest(const std::filesystem::path& root);

} // namespace cairn::store
