#pragma once

#define XXH_STATIC_LINKING_ONLY // XXH3_state_t's definition, for a state on the stack
#include <xxhash.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

// The digest of a file's bytes in a tree manifest (tree_manifest.hpp): XXH3's 128-bit hash,
// from libxxhash. A manifest guards an unpacked tree against damage (a write torn by a
// power loss, a file edited through one of its hard links in some node_modules), not
// against someone who can write to the store and so could rewrite the marker as well: it
// needs no cryptographic hash. Over the 210 MB of the medium bench project's trees, in a
// C loop: sha256 123 ms, XXH3 46 ms (bound by memory more than by the hash).
namespace cairn::store::detail {

class ContentHasher {
public:
    ContentHasher() { XXH3_128bits_reset(&m_state); }
    void update(std::span<const std::uint8_t> bytes) {
        XXH3_128bits_update(&m_state, bytes.data(), bytes.size());
    }
    void update(std::string_view bytes) {
        XXH3_128bits_update(&m_state, bytes.data(), bytes.size());
    }
    // 32 lowercase hex digits (the canonical, big-endian form).
    std::string hex() const;

private:
    XXH3_state_t m_state;
};

} // namespace cairn::store::detail
