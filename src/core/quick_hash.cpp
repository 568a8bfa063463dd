#include "cairn/core/quick_hash.hpp"

#include "xxh3_build.hpp"

namespace cairn {
namespace {

const detail::Xxh3Build& best_xxh3() noexcept {
#if defined(__x86_64__)
    static const detail::Xxh3Build& best = []() -> const detail::Xxh3Build& {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") ? detail::k_xxh3_avx2 : detail::k_xxh3_baseline;
    }();
    return best;
#else
    return detail::k_xxh3_baseline;
#endif
}

} // namespace

std::uint64_t quick_hash64(std::string_view bytes) noexcept {
    return best_xxh3().hash64(bytes.data(), bytes.size());
}

QuickHasher128::QuickHasher128(Build build) noexcept
    : m_build(build == Build::best ? &best_xxh3() : &detail::k_xxh3_baseline) {
    static_assert(sizeof m_state == detail::k_xxh3_state_bytes);
    m_build->reset(m_state);
}

void QuickHasher128::update(const void* data, std::size_t size) noexcept {
    m_build->update(m_state, data, size);
}

std::array<std::uint8_t, 16> QuickHasher128::digest() const noexcept {
    std::array<std::uint8_t, 16> out{};
    m_build->digest(m_state, out.data());
    return out;
}

const char* QuickHasher128::best_build() noexcept {
    return best_xxh3().name;
}

} // namespace cairn
