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
// Version 1 manifests hashed each file with sha256: such markers are outdated, and their
// trees are unpacked again when needed (or removed by gc).
namespace cairn::store::detail {

inline constexpr std::string_view k_marker_header = "cairn-unpacked 2\n";

struct UnpackMarker {
    Digest blob;
    Digest manifest;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
};

std::string format_marker(const UnpackMarker& marker);
// nullopt when absent or unreadable (an unreadable marker marks nothing complete).
std::optional<UnpackMarker> read_marker(const std::filesystem::path& path);
// Whether the marker at `path` (at `dir` when given) starts with this version's header:
// one open and one read.
bool marker_is_current(const std::filesystem::path& path, int dir = -1);

} // namespace cairn::store::detail
