#pragma once

#include "cairn/core/quick_hash.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

// The digest of a file's bytes in a tree manifest (tree_manifest.hpp): XXH3's 128-bit hash
// (core/quick_hash.hpp). A manifest guards an unpacked tree against damage (a write torn by
// a power loss, a file edited through one of its hard links in some node_modules), not
// against someone who can write to the store and so could rewrite the marker as well: it
// needs no cryptographic hash. Over the 210 MB of the medium bench project's trees, in a
// C loop: sha256 123 ms, XXH3 46 ms (bound by memory more than by the hash).
namespace cairn::store::detail {

class ContentHasher {
public:
    void update(std::span<const std::uint8_t> bytes) {
        m_hasher.update(bytes.data(), bytes.size());
    }
    void update(std::string_view bytes) { m_hasher.update(bytes); }
    // 32 lowercase hex digits (the canonical, big-endian form).
    std::string hex() const;

private:
    QuickHasher128 m_hasher;
};

} // namespace cairn::store::detail
