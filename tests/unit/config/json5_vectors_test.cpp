// Every document of the json5-tests suite (shared/testdata/json5): valid ones parse to
// the recorded value, invalid ones are rejected with a positioned config_parse error.
#include "support/testdata.hpp"

#include "cairn/config/json5.hpp"
#include "cairn/core/error.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace cairn::config {
namespace {

struct Json5Case {
    std::string file;
    bool valid = false;
    nlohmann::json value;
    std::string special; // "NaN", "Infinity", "-Infinity", "-0"
};

std::vector<Json5Case> load_cases() {
    std::vector<Json5Case> cases;
    auto root = test::testdata_dir();
    if (!root || !std::filesystem::exists(*root / "json5/cases.json"))
        return cases;
    auto all = nlohmann::json::parse(test::read_file(*root / "json5/cases.json"));
    for (const auto& c : all) {
        Json5Case item;
        item.file = c.at("file").get<std::string>();
        item.valid = c.at("expected") == "valid";
        if (c.contains("value"))
            item.value = c["value"];
        if (c.contains("value_special"))
            item.special = c["value_special"].get<std::string>();
        cases.push_back(std::move(item));
    }
    return cases;
}

// Numbers compare numerically (2e23, 0xC8 and 200 are numbers alike); objects compare
// keys in document order.
::testing::AssertionResult same_value(const Json& got, const nlohmann::json& want,
                                      const std::string& where = "") {
    if (got.is_number() && want.is_number()) {
        if (got.get<double>() == want.get<double>())
            return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure()
               << where << ": " << got.dump() << " != " << want.dump();
    }
    if (got.is_object() && want.is_object()) {
        if (got.size() != want.size())
            return ::testing::AssertionFailure() << where << ": object sizes differ";
        // nlohmann::json sorts keys, so order is checked against the document separately.
        for (const auto& [key, value] : got.items()) {
            if (!want.contains(key))
                return ::testing::AssertionFailure() << where << ": unexpected key " << key;
            auto r = same_value(value, want[key], where + "/" + key);
            if (!r)
                return r;
        }
        return ::testing::AssertionSuccess();
    }
    if (got.is_array() && want.is_array()) {
        if (got.size() != want.size())
            return ::testing::AssertionFailure() << where << ": array sizes differ";
        for (std::size_t i = 0; i < got.size(); ++i) {
            auto r = same_value(got[i], want[i], where + "/" + std::to_string(i));
            if (!r)
                return r;
        }
        return ::testing::AssertionSuccess();
    }
    if (got.type() == Json::value_t::string && want.is_string() &&
        got.get<std::string>() == want.get<std::string>())
        return ::testing::AssertionSuccess();
    if (got.is_boolean() && want.is_boolean() && got.get<bool>() == want.get<bool>())
        return ::testing::AssertionSuccess();
    if (got.is_null() && want.is_null())
        return ::testing::AssertionSuccess();
    // The recorded values went through JSON.stringify, which writes a nested NaN or
    // Infinity as null (misc/readme-example.json5 has `to: Infinity`).
    if (want.is_null() && got.is_number_float() && !std::isfinite(got.get<double>()))
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << where << ": " << got.dump() << " != " << want.dump();
}

void PrintTo(const Json5Case& c, std::ostream* out) {
    *out << c.file;
}

class Json5Vector : public ::testing::TestWithParam<Json5Case> {};

TEST_P(Json5Vector, MatchesReference) {
    const Json5Case& c = GetParam();
    CAIRN_REQUIRE_TESTDATA(dir, "json5");
    std::string text = test::read_file(dir / c.file);
    if (!c.valid) {
        try {
            Json v = parse_json5(text, c.file);
            FAIL() << c.file << " should be rejected but parsed to " << to_json5_text(v);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Code::config_parse);
            // Every rejection names the file and a line:column.
            EXPECT_TRUE(e.message().starts_with(c.file + ":")) << e.message();
        }
        return;
    }
    Json got = parse_json5(text, c.file);
    if (c.special.empty()) {
        EXPECT_TRUE(same_value(got, c.value)) << c.file;
        return;
    }
    ASSERT_TRUE(got.is_number_float()) << c.file << ": " << got.dump();
    double d = got.get<double>();
    if (c.special == "NaN")
        EXPECT_TRUE(std::isnan(d)) << c.file;
    else if (c.special == "Infinity")
        EXPECT_TRUE(std::isinf(d) && d > 0) << c.file;
    else if (c.special == "-Infinity")
        EXPECT_TRUE(std::isinf(d) && d < 0) << c.file;
    else if (c.special == "-0")
        EXPECT_TRUE(d == 0 && std::signbit(d)) << c.file;
    else
        FAIL() << "unknown value_special " << c.special;
}

std::string case_name(const ::testing::TestParamInfo<Json5Case>& info) {
    std::string name;
    for (char ch : info.param.file)
        name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Json5Tests, Json5Vector, ::testing::ValuesIn(load_cases()), case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Json5Vector);

TEST(Json5Vectors, AllPresent) {
    CAIRN_REQUIRE_TESTDATA(dir, "json5");
    auto cases = load_cases();
    std::size_t valid = 0;
    for (const auto& c : cases)
        valid += c.valid ? 1 : 0;
    EXPECT_EQ(cases.size(), 113u);
    EXPECT_EQ(valid, 82u);
}

TEST(Json5Vectors, ObjectsKeepDocumentKeyOrder) {
    Json v = parse_json5("{b: 1, a: 2, b: 3}", "order.json5");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v.begin().key(), "b");
    EXPECT_EQ(v["b"], 3);
}

} // namespace
} // namespace cairn::config
