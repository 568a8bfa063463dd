#pragma once

#include "cairn/core/digest.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// The marker beside an unpacked tree ("unpacked/<name>.complete"), written last:
//   cairn-unpacked 3
//   blob sha512-...        the archive the tree came from
//   manifest sha256-...    the tree's manifest digest (tree_manifest.hpp)
//   files N
//   bytes N
//   listing N              last: the N bytes after this line are the tree's listing
//                          (core/tree_listing.hpp), for linking without listing each
//                          folder again; left out when it would pass k_max_listing_bytes
// Version 2 is the same without the listing: such trees are linked as they are, each
// folder listed from the kernel. (The listing has a version of its own so that a cairn
// of version 2, which reads a marker line by line, never reads a file name with a newline
// in it as a line of the marker: it unpacks such a tree again instead.) Version 1
// manifests hashed each file with sha256: such markers are outdated, and their trees are
// unpacked again when needed (or removed by gc).
namespace cairn::store::detail {

inline constexpr std::string_view k_marker_header = "cairn-unpacked 3\n";
inline constexpr std::string_view k_marker_header_v2 = "cairn-unpacked 2\n";
// Whether a marker's text starts with a header this cairn links by (version 2 or 3).
inline bool is_current_marker(std::string_view text) {
    return text.starts_with(k_marker_header) || text.starts_with(k_marker_header_v2);
}
// A listing longer is left out of its marker (the tree is then linked as a version 2
// marker's is): one of a million entries is about 30 MB.
inline constexpr std::size_t k_max_listing_bytes = std::size_t(16) << 20;
// A marker longer is damaged.
inline constexpr std::size_t k_max_marker_bytes = k_max_listing_bytes + (std::size_t(1) << 16);

struct UnpackMarker {
    Digest blob;
    Digest manifest;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
    std::string listing;          // empty when the marker has none
    bool listing_damaged = false; // "listing N" not followed by exactly N bytes
};

std::string format_marker(const UnpackMarker& marker);
// nullopt when absent or unreadable (an unreadable marker marks nothing complete). A
// marker whose listing is cut short or too long is read with `listing_damaged` set.
std::optional<UnpackMarker> read_marker(const std::filesystem::path& path);
// Whether the marker at `path` (at `dir` when given) starts with a current header
// (is_current_marker): one open and one read.
bool marker_is_current(const std::filesystem::path& path, int dir = -1);
// The marker `name` in `dir`, when it starts with this version's header: its listing
// (empty when it has none, or when what follows "listing N" is not N bytes). nullopt when
// absent, unreadable or of another version. One open and a read (more for a large tree).
std::optional<std::string> current_marker_listing(int dir, const char* name);

} // namespace cairn::store::detail
