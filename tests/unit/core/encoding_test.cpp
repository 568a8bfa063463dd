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
