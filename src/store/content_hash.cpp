#include "content_hash.hpp"

namespace cairn::store::detail {

std::string ContentHasher::hex() const {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(32);
    for (std::uint8_t byte : m_hasher.digest()) {
        out += k_digits[byte >> 4];
        out += k_digits[byte & 15];
    }
    return out;
}

} // namespace cairn::store::detail
