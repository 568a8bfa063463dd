#pragma once

#include "cairn/core/digest.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// The marker beside an unpacked tree ("unpacked/<name>.complete"), written last:
//   cairn-unpacked 2
//   blob sha512-...        the archive the tree came from
//   manifest sha256-...    the tree's manifest digest (tree_manifest.hpp)
//   files N
//   bytes N
//   listing N              optional, last: the N bytes after this line are the tree's
//                          listing (core/tree_listing.hpp), for linking without listing
//                          each folder again. Markers written before it have none.
// Version 1 manifests hashed each file with sha256: such markers are outdated, and their
// trees are unpacked again when needed (or removed by gc).
namespace cairn::store::detail {

inline constexpr std::string_view k_marker_header = "cairn-unpacked 2\n";
// Longer is damaged (a listing of a million entries is about 30 MB).
inline constexpr std::size_t k_max_marker_bytes = std::size_t(64) << 20;

struct UnpackMarker {
    Digest blob;
    Digest manifest;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
    std::string listing; // empty when the marker has none
};

std::string format_marker(const UnpackMarker& marker);
// nullopt when absent or unreadable (an unreadable marker marks nothing complete).
std::optional<UnpackMarker> read_marker(const std::filesystem::path& path);
// Whether the marker at `path` (at `dir` when given) starts with this version's header:
// one open and one read.
bool marker_is_current(const std::filesystem::path& path, int dir = -1);
// The marker `name` in `dir`, when it starts with this version's header: its listing
// (empty when it has none, or when what follows "listing N" is not N bytes). nullopt when
// absent, unreadable or of another version. One open and a read (more for a large tree).
std::optional<std::string> current_marker_listing(int dir, const char* name);

} // namespace cairn::store::detail
