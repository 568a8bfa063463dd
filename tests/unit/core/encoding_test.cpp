#include "cairn/core/encoding.hpp"
#include "cairn/core/glob.hpp"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(Encoding, Base64Rfc4648Vectors) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (auto [plain, encoded] : vectors) {
        EXPECT_EQ(encoding::base64_encode(plain), encoded);
        EXPECT_EQ(encoding::base64_decode(encoded), plain);
    }
    EXPECT_EQ(encoding::base64_encode("fo", encoding::Padding::without), "Zm8");
    EXPECT_EQ(encoding::base64_decode("Zm8"), "fo");
    EXPECT_EQ(encoding::base64_decode_padded("Zm8"), std::nullopt);
    EXPECT_EQ(encoding::base64_decode_padded("Zm8="), "fo");
}

TEST(Encoding, Base64RejectsMalformedText) {
    EXPECT_EQ(encoding::base64_decode("Zm9v!"), std::nullopt);
    EXPECT_EQ(encoding::base64_decode("Z"), std::nullopt);
    EXPECT_EQ(encoding::base64_decode("Zm8=="), std::nullopt);
    EXPECT_EQ(encoding::base64_decode("Zm9=="), std::nullopt) << "non-zero leftover bits";
    EXPECT_EQ(encoding::base64_decode("Zh=="), std::nullopt);
    EXPECT_EQ(encoding::base64_decode("Zm9v YmFy"), std::nullopt);
    EXPECT_EQ(encoding::base64_decode("Zm9vY"), std::nullopt);
}

// Every length (so every remainder), every byte value, padded or not; and a character
// outside the alphabet anywhere is refused.
TEST(Encoding, Base64RoundTripsAndRefusesStrayCharacters) {
    std::string bytes;
    unsigned state = 12345;
    for (std::size_t length = 0; length <= 70; ++length) {
        bytes.clear();
        for (std::size_t i = 0; i < length; ++i) {
            state = state * 1103515245u + 12345u;
            bytes += static_cast<char>(length == 64 ? i * 4 : state >> 16);
        }
        auto padded = encoding::base64_encode(bytes);
        auto bare = encoding::base64_encode(bytes, encoding::Padding::without);
        EXPECT_EQ(encoding::base64_decode(padded), bytes) << padded;
        EXPECT_EQ(encoding::base64_decode(bare), bytes) << bare;
        for (std::size_t at = 0; at < bare.size(); ++at) {
            for (char stray : {'!', '=', '-', '_', ' ', '\0'}) {
                if (stray == '=' && at + 2 >= bare.size())
                    continue; // padding there may be well-formed
                std::string damaged = bare;
                damaged[at] = stray;
                EXPECT_EQ(encoding::base64_decode(damaged), std::nullopt)
                    << "length " << length << ", '" << stray << "' at " << at;
            }
        }
    }
}

TEST(Encoding, Hex) {
    EXPECT_EQ(encoding::hex_encode(std::string("\x00\xff\x10", 3)), "00ff10");
    EXPECT_EQ(encoding::hex_decode("00FF10"), std::string("\x00\xff\x10", 3));
    EXPECT_EQ(encoding::hex_decode("0g"), std::nullopt);
    EXPECT_EQ(encoding::hex_decode("abc"), std::nullopt);
}

TEST(Glob, MatchesAndSpecificity) {
    EXPECT_TRUE(glob::matches("@acme/*", "@acme/core"));
    EXPECT_FALSE(glob::matches("@acme/*", "@acmex/core"));
    EXPECT_TRUE(glob::matches("a*b*c", "aXbYbZc"));
    EXPECT_FALSE(glob::matches("a*b*c", "aXbYbZ"));
    EXPECT_TRUE(glob::specificity("lodash") > glob::specificity("lodash*"));
    EXPECT_TRUE(glob::specificity("@acme/tools-*") > glob::specificity("@acme/*"));
    EXPECT_TRUE(glob::specificity("a*") == glob::specificity("*b"));
}

} // namespace
} // namespace cairn
