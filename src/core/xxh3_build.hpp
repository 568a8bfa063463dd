#pragma once

#include <cstddef>
#include <cstdint>

// XXH3's functions as one build of libxxhash's header makes them (XXH_INLINE_ALL): the
// baseline build (xxh3_baseline.cpp) and, on x86-64, the AVX2 one (xxh3_avx2.cpp, the
// only file compiled with -mavx2). Neither includes more than this and <xxhash.h>: no
// inline function of another header may be emitted with AVX2 instructions, where the
// linker could pick it for the whole program.
namespace cairn::detail {

struct Xxh3Build {
    void (*reset)(void* state) noexcept;
    void (*update)(void* state, const void* data, std::size_t size) noexcept;
    void (*digest)(const void* state, unsigned char out[16]) noexcept;
    std::uint64_t (*hash64)(const void* data, std::size_t size) noexcept;
    const char* name;
};

// QuickHasher128's room for XXH3's state; each build checks that its state fits.
inline constexpr std::size_t k_xxh3_state_bytes = 576;

extern const Xxh3Build k_xxh3_baseline;
#if defined(__x86_64__)
extern const Xxh3Build k_xxh3_avx2; // run only where the CPU has AVX2
#endif

} // namespace cairn::detail
