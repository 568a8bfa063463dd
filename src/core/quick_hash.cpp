#include "cairn/core/quick_hash.hpp"

#include <xxhash.h>

namespace cairn {

std::uint64_t quick_hash64(std::string_view bytes) noexcept {
    return XXH3_64bits(bytes.data(), bytes.size());
}

} // namespace cairn
