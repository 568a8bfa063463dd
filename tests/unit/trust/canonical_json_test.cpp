#include "cairn/core/error.hpp"
#include "cairn/trust/canonical_json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cairn::trust {
namespace {

std::string rejection(std::string_view text, const JsonLimits& limits = {}) {
    try {
        canonicalize_json(text, limits);
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity);
        return error.message();
    }
    ADD_FAILURE() << "accepted: " << text;
    return {};
}

struct Golden {
    const char* input;
    const char* canonical;
};

TEST(CanonicalJson, GoldenCases) {
    const Golden cases[] = {
        // key order is by UTF-8 bytes: upper case before lower case, shorter prefix first
        {R"({"b":1,"a":2,"B":3,"aa":4,"":5})", R"({"":5,"B":3,"a":2,"aa":4,"b":1})"},
        // whitespace of every kind between tokens disappears
        {" {\n\t\"a\" : [ 1 , 2 ,\r\n 3 ] , \"b\" : { } , \"c\" : [ ] } ",
         R"({"a":[1,2,3],"b":{},"c":[]})"},
        // nested objects are sorted too; arrays keep their order
        {R"({"z":{"y":[{"d":1,"c":2}],"x":null},"a":[3,1,2]})",
         R"({"a":[3,1,2],"z":{"x":null,"y":[{"c":2,"d":1}]}})"},
        // short escapes for the five controls that have them, \u00xx for the rest,
        // quote and backslash escaped, solidus and DEL left alone
        {R"(["\b\f\n\r\t","\u0000\u001f\u0001","\"\\","\/","/","\u007f"])",
         "[\"\\b\\f\\n\\r\\t\",\"\\u0000\\u001f\\u0001\",\"\\\"\\\\\",\"/\",\"/\",\"\x7f\"]"},
        // non-ASCII is written as UTF-8, never escaped; escaped input is decoded
        {R"(["\u00e9","é","\u20ac","\ud83d\ude00","😀"])",
         "[\"\xC3\xA9\",\"\xC3\xA9\",\"\xE2\x82\xAC\",\"\xF0\x9F\x98\x80\",\"\xF0\x9F\x98\x80\"]"},
        // integers: no plus, no leading zeros, -0 is 0, limits of the range
        {R"([0,-0,7,-12,9007199254740991,-9007199254740991])",
         R"([0,0,7,-12,9007199254740991,-9007199254740991])"},
        {R"([true,false,null])", R"([true,false,null])"},
        {R"("top-level string")", R"("top-level string")"},
        // keys compare by bytes: "é" (C3 A9) sorts after "z" (7A); "\u0001" first
        {R"({"z":1,"é":2,"\u0001":3})", "{\"\\u0001\":3,\"z\":1,\"\xC3\xA9\":2}"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(canonicalize_json(c.input), c.canonical) << c.input;
        EXPECT_TRUE(is_canonical_json(c.canonical)) << c.canonical;
        EXPECT_EQ(canonicalize_json(c.canonical), c.canonical);
    }
}

TEST(CanonicalJson, TwoSpellingsOfOneDocumentGiveIdenticalBytes) {
    std::string a = R"({"owner":"SHA256:x","name":"libfoo","seq":3,
        "releases":[{"version":"1.0.0","digest":"sha256:ab","size":10,"state":"active"}]})";
    std::string b = "{ \"seq\" : 3 , \"releases\" : [ { \"state\" : \"active\" , \"size\" : 10 , "
                    "\"digest\" : \"sha\\u00325\\u0036:ab\" , \"version\" : \"1.0.0\" } ] , "
                    "\"name\" : \"lib\\u0066oo\" , \"owner\" : \"SHA256:x\" }";
    EXPECT_EQ(canonicalize_json(a), canonicalize_json(b));
    EXPECT_EQ(canonicalize_json(a),
              R"({"name":"libfoo","owner":"SHA256:x","releases":[{"digest":"sha256:ab",)"
              R"("size":10,"state":"active","version":"1.0.0"}],"seq":3})");
    EXPECT_FALSE(is_canonical_json(a));
}

TEST(CanonicalJson, RejectsNonIntegers) {
    EXPECT_EQ(rejection("1.5"),
              "invalid canonical JSON: number 1.5 is not an integer (only integers within "
              "+-9007199254740991 are allowed)");
    EXPECT_EQ(rejection(R"({"a":1.0})"),
              "invalid canonical JSON: number 1.0 is not an integer (only integers within "
              "+-9007199254740991 are allowed)");
    EXPECT_EQ(rejection("[1e3]"),
              "invalid canonical JSON: number 1e3 is not an integer (only integers within "
              "+-9007199254740991 are allowed)");
    EXPECT_EQ(rejection("9007199254740992"),
              "invalid canonical JSON: integer 9007199254740992 is outside +-9007199254740991");
    EXPECT_EQ(rejection("-9007199254740992"),
              "invalid canonical JSON: integer -9007199254740992 is outside +-9007199254740991");
    // Beyond 64 bits the lexer reads a float; it is refused all the same.
    EXPECT_NE(rejection("123456789012345678901234567890").find("is not an integer"),
              std::string::npos);
}

TEST(CanonicalJson, RejectsDuplicateKeys) {
    EXPECT_EQ(rejection(R"({"a":1,"b":{"c":1,"c":1}})"),
              "invalid canonical JSON: duplicate key \"c\"");
    // Duplicates are found whatever their spelling.
    EXPECT_EQ(rejection(R"({"a":1,"\u0061":2})"), "invalid canonical JSON: duplicate key \"a\"");
}

TEST(CanonicalJson, RejectsWhatIsNotStrictJson) {
    EXPECT_EQ(rejection(""), "invalid canonical JSON: at byte 1: unexpected end of input; "
                             "expected '[', '{', or a literal");
    EXPECT_NE(rejection("{\"a\":1,}").find("invalid canonical JSON: at byte"), std::string::npos);
    EXPECT_NE(rejection("// c\n{}").find("invalid canonical JSON: at byte"), std::string::npos);
    EXPECT_NE(rejection("{'a':1}").find("invalid canonical JSON: at byte"), std::string::npos);
    EXPECT_NE(rejection("{} {}").find("invalid canonical JSON: at byte"), std::string::npos);
    EXPECT_NE(rejection("[01]").find("invalid canonical JSON: at byte"), std::string::npos);
    EXPECT_EQ(rejection("\xEF\xBB\xBF{}"),
              "invalid canonical JSON: the document starts with a byte order mark");
    // Invalid UTF-8 and lone surrogates.
    EXPECT_NE(rejection("[\"\xC3\"]").find("UTF-8"), std::string::npos);
    EXPECT_NE(rejection("[\"\xED\xA0\x80\"]").find("UTF-8"), std::string::npos);
    EXPECT_NE(rejection(R"(["\ud800"])").find("surrogate"), std::string::npos);
    // A raw control character inside a string.
    EXPECT_NE(rejection("[\"a\nb\"]").find("control character"), std::string::npos);
}

TEST(CanonicalJson, EnforcesLimits) {
    JsonLimits limits;
    limits.max_depth = 3;
    EXPECT_EQ(canonicalize_json("[[[1]]]", limits), "[[[1]]]");
    EXPECT_EQ(rejection("[[[[1]]]]", limits),
              "invalid canonical JSON: nesting is deeper than 3 levels");
    limits.max_bytes = 8;
    EXPECT_EQ(rejection("[1,2,3,4,5]", limits),
              "invalid canonical JSON: the document has 11 bytes, more than the limit of 8");
    std::string deep(100000, '[');
    EXPECT_NE(rejection(deep).find("nesting is deeper than 64 levels"), std::string::npos);
}

} // namespace
} // namespace cairn::trust
