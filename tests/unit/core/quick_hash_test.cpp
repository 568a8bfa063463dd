#include "cairn/core/quick_hash.hpp"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace cairn {
namespace {

std::string hex(const std::array<std::uint8_t, 16>& bytes) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    for (auto byte : bytes) {
        out += k_digits[byte >> 4];
        out += k_digits[byte & 15];
    }
    return out;
}

// libxxhash's own one-shot XXH3-128, canonical.
std::array<std::uint8_t, 16> reference128(const std::string& bytes) {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
    std::array<std::uint8_t, 16> out{};
    std::memcpy(out.data(), canonical.digest, out.size());
    return out;
}

// Fed in pieces of random sizes (some empty): the streaming state across updates.
std::array<std::uint8_t, 16> streamed(const std::string& bytes, QuickHasher128::Build build,
                                      std::mt19937& random) {
    QuickHasher128 hasher(build);
    for (std::size_t at = 0; at < bytes.size();) {
        std::size_t piece = std::min<std::size_t>(random() % 700, bytes.size() - at);
        hasher.update(bytes.data() + at, piece);
        at += piece;
    }
    return hasher.digest();
}

// XXH3's published 64-bit value of the empty input, and a change of one byte anywhere in a
// text changes the hash.
TEST(QuickHash, IsXxh3AndSeesEveryByte) {
    EXPECT_EQ(quick_hash64(""), 0x2D06800538D394C2ull);
    std::string text(5000, 'a');
    auto whole = quick_hash64(text);
    for (std::size_t at : {std::size_t(0), std::size_t(17), std::size_t(2500), text.size() - 1}) {
        std::string changed = text;
        changed[at] = 'b';
        EXPECT_NE(quick_hash64(changed), whole) << at;
    }
    EXPECT_NE(quick_hash64(std::string_view(text).substr(1)), whole);
}

// Both builds (the baseline one, and the AVX2 one where this CPU runs it) give XXH3-128's
// published value of the empty input and libxxhash's values for every length through all
// of XXH3's input-size paths (0-16, 17-128, 129-240, longer; stripes, blocks, the
// streaming buffer's edges), whole or fed in pieces.
TEST(QuickHash, BothBuildsAreLibxxhashs128BitHash) {
    for (auto build : {QuickHasher128::Build::best, QuickHasher128::Build::baseline})
        EXPECT_EQ(hex(QuickHasher128(build).digest()), "99aa06d3014798d86001c324468d497f");
    std::mt19937 random(20261124);
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n <= 1100; ++n)
        lengths.push_back(n);
    for (std::size_t n : {4095, 4096, 65536, 100003, (1 << 20) + 13})
        lengths.push_back(n);
    for (std::size_t n : lengths) {
        std::string bytes(n, '\0');
        for (auto& c : bytes)
            c = static_cast<char>(random());
        auto expected = reference128(bytes);
        for (auto build : {QuickHasher128::Build::best, QuickHasher128::Build::baseline}) {
            QuickHasher128 whole(build);
            whole.update(bytes);
            ASSERT_EQ(whole.digest(), expected) << n << " bytes, whole";
            ASSERT_EQ(streamed(bytes, build, random), expected) << n << " bytes, in pieces";
        }
        ASSERT_EQ(quick_hash64(bytes), XXH3_64bits(bytes.data(), bytes.size())) << n;
    }
}

// The AVX2 build is the one used where the CPU has AVX2, and only there.
TEST(QuickHash, TakesTheAvx2BuildWhereTheCpuHasIt) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    EXPECT_STREQ(QuickHasher128::best_build(),
                 __builtin_cpu_supports("avx2") ? "avx2" : "baseline");
#else
    EXPECT_STREQ(QuickHasher128::best_build(), "baseline");
#endif
}

} // namespace
} // namespace cairn
