#include "content_hash.hpp"

namespace cairn::store::detail {

std::string ContentHasher::hex() const {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(&m_state));
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * sizeof canonical.digest);
    for (unsigned char byte : canonical.digest) {
        out += k_digits[byte >> 4];
        out += k_digits[byte & 15];
    }
    return out;
}

} // namespace cairn::store::detail
