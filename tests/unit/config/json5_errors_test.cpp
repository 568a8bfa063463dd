// Malformed documents: the exact message, with file:line:column and what was expected.
#include "cairn/config/json5.hpp"
#include "cairn/core/error.hpp"

#include <gtest/gtest.h>

namespace cairn::config {
namespace {

std::string error_of(std::string_view text) {
    try {
        parse_json5(text, "cfg.json5");
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::config_parse);
        return e.message();
    }
    return "(parsed)";
}

TEST(Json5Errors, MissingCommaInArray) {
    EXPECT_EQ(error_of("[\n    true\n    false\n]"),
              "cfg.json5:3:5: expected ',' or ']' after an array element, found 'f'");
}

TEST(Json5Errors, MissingColon) {
    EXPECT_EQ(error_of("{\n  network \"x\"}"),
              "cfg.json5:2:11: expected ':' after the key \"network\", found '\"'");
}

TEST(Json5Errors, UnterminatedBlockCommentPointsAtItsStart) {
    EXPECT_EQ(error_of("{a: 1}\n  /* never closed"),
              "cfg.json5:2:3: unterminated block comment (expected '*/' before the end of "
              "input)");
}

TEST(Json5Errors, EmptyDocument) {
    EXPECT_EQ(error_of("  // only a comment\n"),
              "cfg.json5:2:1: expected a value, found end of input (the document is empty)");
}

TEST(Json5Errors, LeadingZero) {
    EXPECT_EQ(error_of("{port: 080}"),
              "cfg.json5:1:9: numbers may not have leading zeros (octal literals are not JSON5)");
}

TEST(Json5Errors, BareWordValue) {
    EXPECT_EQ(error_of("{mode: offline}"),
              "cfg.json5:1:8: expected a value, found the word 'offline' (strings need quotes)");
}

TEST(Json5Errors, LineBreakInString) {
    EXPECT_EQ(error_of("{a: 'one\ntwo'}"),
              "cfg.json5:1:9: expected the string to end before the line break (use \\n, or a "
              "backslash before the break to continue the line)");
}

// A surrogate is no character: UTF-8 cannot hold it, and a key holding one could not be
// written out again (the fuzzer's find).
TEST(Json5Errors, SurrogateEscapeInAnIdentifier) {
    EXPECT_EQ(error_of("{\nig1\\uddddddda: \"t\"}"),
              "cfg.json5:2:4: the escape does not name an identifier character");
    EXPECT_EQ(error_of("{\\ud83d\\ude00: 1}"),
              "cfg.json5:1:2: the escape does not name an identifier character");
}

TEST(Json5Errors, TrailingGarbage) {
    EXPECT_EQ(error_of("{} }"), "cfg.json5:1:4: expected end of input after the top-level value, "
                                "found '}'");
}

TEST(Json5Errors, ColumnsCountCodePointsNotBytes) {
    EXPECT_EQ(error_of("{ü: 'ß' x}"),
              "cfg.json5:1:9: expected ',' or '}' after an object member, found 'x'");
}

TEST(Json5Errors, CrLfCountsAsOneLineBreak) {
    EXPECT_EQ(error_of("{\r\n\r\n  a: ?}"), "cfg.json5:3:6: expected a value, found '?'");
}

TEST(Json5Errors, InvalidUtf8) {
    EXPECT_EQ(error_of("{a: '\xff'}"), "cfg.json5:1:6: invalid UTF-8 byte sequence");
}

TEST(Json5Errors, DeepNestingIsRefused) {
    std::string deep(600, '[');
    EXPECT_EQ(error_of(deep), "cfg.json5:1:514: nesting deeper than 512 levels");
}

TEST(Json5, ParsesEveryFeature) {
    Json v = parse_json5(R"(// config
{
  unquoted: 'single \'quoted\'',
  "double": "line \
continued",
  hex: 0xFF, neg: -0x10, lead: .5, trail: 5., plus: +1, inf: -Infinity,
  esc: "\x41\u00e9\uD83D\uDE00\0",
  arr: [1, 2,],
  /* block */ nested: {a: null, b: true,},
})",
                         "all.json5");
    EXPECT_EQ(v["unquoted"], "single 'quoted'");
    EXPECT_EQ(v["double"], "line continued");
    EXPECT_EQ(v["hex"], 255);
    EXPECT_EQ(v["neg"], -16);
    EXPECT_EQ(v["lead"], 0.5);
    EXPECT_EQ(v["trail"], 5.0);
    EXPECT_EQ(v["plus"], 1);
    EXPECT_EQ(to_json5_text(v["inf"]), "-Infinity");
    EXPECT_EQ(v["esc"].get<std::string>(), std::string("A\xC3\xA9\xF0\x9F\x98\x80\0", 8));
    EXPECT_EQ(v["arr"].size(), 2u);
    EXPECT_TRUE(v["nested"]["b"].get<bool>());
}

TEST(Json5, RecordsPositionsByPointer) {
    PositionMap positions;
    parse_json5("{\n  a: {\n    b: [10, 'x'],\n  },\n}", "p.json5", &positions);
    EXPECT_EQ(positions.at("/a").line, 2u);
    EXPECT_EQ(positions.at("/a").column, 6u);
    EXPECT_EQ(positions.at("/a/b/1").line, 3u);
    EXPECT_EQ(positions.at("/a/b/1").column, 13u);
}

} // namespace
} // namespace cairn::config
