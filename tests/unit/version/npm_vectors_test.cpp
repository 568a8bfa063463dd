// Every case of the shared node-semver vectors (testdata/semver-npm; see its README for
// the exact semantics of each file).
#include "support/testdata.hpp"

#include "cairn/version/npm_range.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace cairn::version {
namespace {

using nlohmann::json;

NpmOptions options_of(const json& c) {
    NpmOptions o;
    if (c.contains("options")) {
        o.loose = c["options"].value("loose", false);
        o.include_prerelease = c["options"].value("includePrerelease", false);
    }
    return o;
}

std::string text_of(const json& j) {
    return j.is_string() ? j.get<std::string>() : j.dump();
}

// Runs `check` on every case of one file; reports and asserts the pass count.
template <typename Check>
void run_file(const std::filesystem::path& dir, const std::string& name, Check check) {
    json cases = json::parse(test::read_file(dir / name));
    ASSERT_TRUE(cases.is_array());
    int passed = 0;
    for (const json& c : cases) {
        std::string why = check(c);
        if (why.empty())
            ++passed;
        else
            ADD_FAILURE() << name << ": " << c.dump() << "\n  " << why;
    }
    std::cout << "semver-npm/" << name << ": " << passed << "/" << cases.size() << " passed\n";
    EXPECT_EQ(passed, static_cast<int>(cases.size()));
    EXPECT_GT(cases.size(), 0u);
}

std::string expect_eq(const std::string& got, const std::string& want) {
    return got == want ? "" : "got " + got + ", want " + want;
}

std::string opt_text(const std::optional<std::string>& s) {
    return s ? *s : "null";
}

TEST(NpmVectors, Comparisons) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "comparisons.json", [](const json& c) -> std::string {
        auto o = options_of(c);
        std::string a = c["a"], b = c["b"];
        auto ab = npm::compare(a, b, o), ba = npm::compare(b, a, o);
        auto aa = npm::compare(a, a, o), bb = npm::compare(b, b, o);
        if (!ab || !ba || !aa || !bb)
            return std::string("a version did not parse");
        return std::to_string(*ab) + std::to_string(*ba) + std::to_string(*aa) +
                           std::to_string(*bb) ==
                       "1-100"
                   ? ""
                   : "wrong order";
    });
}

TEST(NpmVectors, Equality) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "equality.json", [](const json& c) -> std::string {
        auto o = options_of(c);
        auto ab = npm::compare(c["a"].get<std::string>(), c["b"].get<std::string>(), o);
        auto ba = npm::compare(c["b"].get<std::string>(), c["a"].get<std::string>(), o);
        return ab == 0 && ba == 0 ? "" : std::string("not equal");
    });
}

std::string check_satisfies(const json& c) {
    // One case passes `false` as the version; its text is no version either.
    bool got = npm::satisfies(text_of(c["version"]), text_of(c["range"]), options_of(c));
    return got == c["expected"].get<bool>() ? "" : "got " + std::string(got ? "true" : "false");
}

TEST(NpmVectors, RangeInclude) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "range-include.json", check_satisfies);
}

TEST(NpmVectors, RangeExclude) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "range-exclude.json", check_satisfies);
}

// admits_prereleases() never says no where a prerelease satisfies the range: every range
// of the inclusion vectors against every prerelease version the vectors name.
TEST(NpmVectors, NoPrereleaseSatisfiesARangeThatAdmitsNone) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    std::vector<std::pair<std::string, NpmOptions>> ranges;
    std::vector<std::string> versions;
    for (const char* name : {"range-include.json", "range-exclude.json"})
        for (const json& c : json::parse(test::read_file(dir / name))) {
            ranges.emplace_back(text_of(c["range"]), options_of(c));
            versions.push_back(text_of(c["version"]));
        }
    std::size_t checked = 0, refused = 0;
    for (const auto& [text, options] : ranges) {
        auto range = NpmRange::parse(text, options);
        if (!range)
            continue;
        bool admits = range->admits_prereleases();
        refused += admits ? 0 : 1;
        for (const auto& version : versions) {
            auto parsed =
                Version::parse(version, options.loose ? ParseMode::loose : ParseMode::strict);
            if (!parsed || !parsed->is_prerelease())
                continue;
            ++checked;
            EXPECT_TRUE(admits || !range->satisfies(*parsed)) << text << " takes " << version;
        }
    }
    std::cout << "semver-npm: " << checked << " range/prerelease pairs, " << refused
              << " ranges admitting none\n";
    EXPECT_GT(checked, 1000u);
    EXPECT_GT(refused, 100u);
}

TEST(NpmVectors, RangeParse) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "range-parse.json", [](const json& c) -> std::string {
        auto got = npm::valid_range(c["range"].get<std::string>(), options_of(c));
        return expect_eq(opt_text(got), c["expected"].is_null() ? "null" : c["expected"]);
    });
}

TEST(NpmVectors, RangeIntersection) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "range-intersection.json", [](const json& c) -> std::string {
        std::string a = c["range1"], b = c["range2"];
        bool want = c["expected"];
        for (bool loose : {false, true}) {
            NpmOptions o{loose, false};
            if (npm::intersects(a, b, o) != want || npm::intersects(b, a, o) != want)
                return std::string(loose ? "wrong (loose)" : "wrong");
        }
        return std::string();
    });
}

TEST(NpmVectors, ComparatorIntersection) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "comparator-intersection.json", [](const json& c) -> std::string {
        bool want = c["expected"];
        NpmOptions o = options_of(c);
        for (bool loose : {false, true}) {
            auto a = NpmComparator::parse(c["comparator1"].get<std::string>(), loose);
            auto b = NpmComparator::parse(c["comparator2"].get<std::string>(), loose);
            if (!a || !b)
                return std::string("did not parse");
            if (a->intersects(*b, o) != want || b->intersects(*a, o) != want)
                return std::string("wrong");
        }
        return std::string();
    });
}

TEST(NpmVectors, ValidVersions) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "valid-versions.json", [](const json& c) -> std::string {
        auto v = npm::parse(c["version"].get<std::string>());
        if (!v)
            return std::string("did not parse");
        json pre = json::array(), build = json::array();
        for (const auto& id : v->prerelease())
            pre.push_back(id.is_numeric() ? json::parse(id.text()) : json(id.text()));
        for (const auto& b : v->build())
            build.push_back(b);
        json got = {{"major", v->major()},
                    {"minor", v->minor()},
                    {"patch", v->patch()},
                    {"prerelease", pre},
                    {"build", build}};
        json want = {{"major", c["major"]},
                     {"minor", c["minor"]},
                     {"patch", c["patch"]},
                     {"prerelease", c["prerelease"]},
                     {"build", c["build"]}};
        return expect_eq(got.dump(), want.dump());
    });
}

TEST(NpmVectors, InvalidVersions) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "invalid-versions.json", [](const json& c) -> std::string {
        return expect_eq(opt_text(npm::valid(text_of(c["version"]), options_of(c))), "null");
    });
}

TEST(NpmVectors, Increments) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "increments.json", [](const json& c) -> std::string {
        std::optional<std::string> id;
        if (!c["identifier"].is_null())
            id = c["identifier"].get<std::string>();
        std::optional<npm::IncBase> base;
        if (c["identifier_base"].is_boolean())
            base = npm::IncBase{std::nullopt, true};
        else if (c["identifier_base"].is_string())
            base = npm::IncBase{c["identifier_base"].get<std::string>(), false};
        auto got = npm::inc(c["version"].get<std::string>(), c["release"].get<std::string>(),
                            options_of(c), id, base);
        return expect_eq(opt_text(got), c["expected"].is_null() ? "null" : c["expected"]);
    });
}

TEST(NpmVectors, Truncations) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "truncations.json", [](const json& c) -> std::string {
        auto got = npm::truncate(c["version"].get<std::string>(), c["release"].get<std::string>(),
                                 options_of(c));
        return expect_eq(opt_text(got), c["expected"].is_null() ? "null" : c["expected"]);
    });
}

std::function<std::string(const json&)> check_outside(bool above, bool want_all) {
    return [above, want_all](const json& c) -> std::string {
        std::string v = c["version"], r = c["range"];
        auto got = above ? npm::gtr(v, r, options_of(c)) : npm::ltr(v, r, options_of(c));
        if (!got)
            return std::string("invalid input");
        return *got == c["expected"].get<bool>() && *got == want_all ? "" : std::string("wrong");
    };
}

TEST(NpmVectors, VersionGtRange) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "version-gt-range.json", check_outside(true, true));
}

TEST(NpmVectors, VersionNotGtRange) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "version-not-gt-range.json", check_outside(true, false));
}

TEST(NpmVectors, VersionLtRange) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "version-lt-range.json", check_outside(false, true));
}

TEST(NpmVectors, VersionNotLtRange) {
    CAIRN_REQUIRE_TESTDATA(dir, "semver-npm");
    run_file(dir, "version-not-lt-range.json", check_outside(false, false));
}

} // namespace
} // namespace cairn::version
