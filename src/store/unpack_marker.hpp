#pragma once

#include "cairn/core/digest.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

// The marker beside an unpacked tree ("unpacked/<name>.complete"), written last:
//   cairn-unpacked 1
//   blob sha512-...        the archive the tree came from
//   manifest sha256-...    the tree's manifest digest (tree_manifest.hpp)
//   files N
//   bytes N
namespace cairn::store::detail {

struct UnpackMarker {
    Digest blob;
    Digest manifest;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
};

std::string format_marker(const UnpackMarker& marker);
// nullopt when absent or unreadable (an unreadable marker marks nothing complete).
std::optional<UnpackMarker> read_marker(const std::filesystem::path& path);

} // namespace cairn::store::detail
