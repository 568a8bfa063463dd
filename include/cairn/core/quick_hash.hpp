#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

// Fast hashes of bytes (XXH3, from libxxhash's header): change and damage detection, never
// security. XXH3's inner loop is built twice, for any x86-64 (SSE2) and for AVX2, and the
// AVX2 build runs where the CPU has it. Debian's libxxhash is built for the baseline only:
// hashing each unpacked file with it took 3.9% of a cold install's CPU, against 0.4%.
namespace cairn {

namespace detail {
struct Xxh3Build; // one build's functions (src/core/xxh3_build.hpp)
}

// 4 MB in 0.19 ms with the baseline build, against 0.48 for the standard library's
// string hash (best of 30).
std::uint64_t quick_hash64(std::string_view bytes) noexcept;

// XXH3's 128-bit hash over bytes given piece by piece.
class QuickHasher128 {
public:
    enum class Build { best, baseline }; // baseline: for tests comparing the two

    explicit QuickHasher128(Build build = Build::best) noexcept;
    void update(const void* data, std::size_t size) noexcept;
    void update(std::string_view bytes) noexcept { update(bytes.data(), bytes.size()); }
    // The canonical (big-endian) 16 bytes of what was given so far.
    std::array<std::uint8_t, 16> digest() const noexcept;

    // "avx2" or "baseline": the build Build::best uses on this CPU.
    static const char* best_build() noexcept;

private:
    const detail::Xxh3Build* m_build;
    alignas(64) unsigned char m_state[576]; // XXH3_state_t (detail::k_xxh3_state_bytes)
};

} // namespace cairn
