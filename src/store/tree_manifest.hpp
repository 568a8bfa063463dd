#pragma once

#include "cairn/core/digest.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

// The listing an unpacked tree is verified against: one record per path, hashed in path
// order. Built from the archive at extraction, rebuilt from the disk by verify.
namespace cairn::store::detail {

enum class EntryKind { directory, file, symlink };

struct ManifestEntry {
    EntryKind kind = EntryKind::file;
    unsigned mode = 0;      // permission bits (directories and files)
    std::uint64_t size = 0; // files
    std::string content;    // files: XXH3-128 hex of the bytes (content_hash.hpp)
    std::string target;     // links
};

using Manifest = std::map<std::string, ManifestEntry>; // relative '/'-separated path

Digest manifest_digest(const Manifest& manifest);
// The tree's listing, folder by folder (core/tree_listing.hpp), as its marker keeps it.
std::string manifest_listing(const Manifest& manifest);

// Walks `root` without following links; throws Error(Code::cache_corrupt) on a special
// file, Error(Code::io) when something cannot be read.
Manifest scan_tree(const std::filesystem::path& root);

} // namespace cairn::store::detail
