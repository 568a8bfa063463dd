// The shortcut for plain ranges (`1.2.3`, `^1.2.3`, `~1.2.3`) against node-semver's
// rewriting, which the vectors of npm_vectors_test.cpp pin down.
#include "npm_parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::version::detail {
namespace {

std::string text_of(const std::optional<NpmSets>& sets) {
    if (!sets)
        return "(invalid)";
    std::string out;
    for (const auto& set : *sets) {
        out += out.empty() ? "" : " || ";
        for (const auto& c : set)
            out += "[" + std::to_string(static_cast<int>(c.op)) + " " +
                   (c.version ? c.version->to_string() : "any") + "]";
    }
    return out;
}

TEST(NpmPlainRange, SameAsTheRewriting) {
    const std::vector<std::string> numbers = {"0",
                                              "1",
                                              "2",
                                              "9",
                                              "10",
                                              "01",
                                              "00",
                                              "123456789012345",
                                              "1234567890123456",
                                              "9007199254740991",
                                              "9007199254740992",
                                              ""};
    std::vector<std::string> texts;
    for (const char* sign : {"", "^", "~", "~>", "v", "=", ">=", "^v", " ^"})
        for (const auto& major : numbers)
            for (const auto& minor : {std::string("0"), std::string("1"), std::string("07"),
                                      std::string("12"), std::string("x"), std::string("")})
                for (const auto& patch :
                     {std::string("0"), std::string("3"), std::string("04"), std::string("99"),
                      std::string("*"), std::string(""), std::string("0-0"), std::string("1+b"),
                      std::string("2 "), std::string("5.6")})
                    texts.push_back(std::string(sign) + major + "." + minor + "." + patch);
    texts.insert(texts.end(), {"", "^", "~", "1", "1.2", "^1.2", "~0", "^0.0", "1..2", "1.2.",
                               ".1.2", "^1.2.3.", "^1.2.3 ", "^1.2.3||2", "1.2.3a"});
    std::size_t plain = 0;
    for (const auto& text : texts) {
        for (bool loose : {false, true}) {
            for (bool include_prerelease : {false, true}) {
                NpmOptions options{loose, include_prerelease};
                EXPECT_EQ(text_of(parse_npm_range(text, options)),
                          text_of(parse_npm_range_rewriting(text, options)))
                    << '"' << text << "\" loose " << loose << " includePrerelease "
                    << include_prerelease;
            }
        }
        plain += text.find_first_not_of("^~0123456789.") == std::string::npos;
    }
    EXPECT_GT(plain, 500u); // the shortcut's own forms are among them
}

} // namespace
} // namespace cairn::version::detail
