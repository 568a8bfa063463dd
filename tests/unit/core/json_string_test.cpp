// JSON string quoting (text::append_json_string): what a JSON parser reads back is the
// text, and only what JSON requires is escaped.
#include "cairn/core/text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

namespace cairn::text {
namespace {

TEST(JsonString, EscapesOnlyWhatJsonRequires) {
    EXPECT_EQ(quote("plain text, / and é"), "\"plain text, / and é\"");
    EXPECT_EQ(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(quote(std::string("\b\f\n\r\t\x01\x1f\x7f", 8)),
              "\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"");
    EXPECT_EQ(quote(""), "\"\"");
}

// Escapes at every position of the 16-byte blocks the scan reads at once, and in the tail
// after the last block.
TEST(JsonString, FindsEscapesAtEveryPositionOfABlock) {
    for (std::size_t length = 1; length <= 40; ++length)
        for (std::size_t at = 0; at < length; ++at)
            for (char special : {'"', '\\', '\n', '\x1f', '\0'}) {
                std::string text(length, 'x');
                text[at] = special;
                auto parsed = nlohmann::json::parse(quote(text));
                ASSERT_EQ(parsed.get<std::string>(), text) << "length " << length << " at " << at;
            }
}

TEST(JsonString, RandomTextReadsBack) {
    std::mt19937 random(20261124);
    // Mostly plain characters, some to escape, some UTF-8 sequences.
    const std::vector<std::string> pieces = {"a",    "b",    "/",  ":",  "-",
                                             "@",    "\"",   "\\", "\n", "\t",
                                             "\x01", "\x7f", "é",  "€",  "abcdefghij"};
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        for (std::size_t n = random() % 30; n > 0; --n)
            text += pieces[random() % pieces.size()];
        std::string quoted = quote(text);
        ASSERT_EQ(nlohmann::json::parse(quoted).get<std::string>(), text) << quoted;
    }
}

} // namespace
} // namespace cairn::text
