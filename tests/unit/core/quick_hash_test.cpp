#include "cairn/core/quick_hash.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cairn {
namespace {

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

} // namespace
} // namespace cairn
