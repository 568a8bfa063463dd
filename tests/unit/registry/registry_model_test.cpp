// The typed registry model read from real config files: ordering, drops, errors.
#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include "cairn/core/error.hpp"
#include "cairn/registry/registry_model.hpp"

#include <gtest/gtest.h>

namespace cairn::registry {
namespace {

class RegistryModelTest : public ::testing::Test {
protected:
    test::TempDir m_tmp;

    std::string file() const { return (m_tmp / "project/registries.json5").string(); }

    config::LayeredConfig load(std::string_view text) {
        test::write_file(m_tmp / "project/registries.json5", text);
        config::ConfigLocations l;
        l.project_dir = m_tmp / "project";
        return config::LayeredConfig::load(
            l, [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
    }

    RegistryModel model(std::string_view text) { return read_registry_model(load(text)); }

    Error model_error(std::string_view text) {
        auto config = load(text);
        try {
            read_registry_model(config);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Code::config_invalid);
            return e;
        }
        ADD_FAILURE() << "expected the registry model to be refused";
        return Error(Code::internal, "accepted");
    }

    static std::vector<std::string> names(const Authority& a) {
        std::vector<std::string> out;
        for (const auto& r : a.registries)
            out.push_back(r.name);
        return out;
    }
};

TEST_F(RegistryModelTest, ReadsTheDesignExample) {
    auto m = model(R"({
      formats: { npm: {
        defaults: { authority: "public" },
        authorities: {
          public: {
            search: { mode: "concurrent" },
            registries: {
              upstream: { protocol: "npm", url: "https://npm.example/" },
              corp: { protocol: "npm", url: "https://npm.corp.example/", search: {
                before: ["upstream"], notFound: "continue",
                timeout: { time: "00:00:30", action: "retry", maximumRetries: 3 } } },
            },
          },
          acme: { packages: ["@acme/*"], minimumReleaseAge: "3d",
                  registries: { private: { protocol: "npm", url: "https://npm.acme.example/" } } },
        },
      } },
    })");
    const FormatRegistries* npm = m.find_format("npm");
    ASSERT_NE(npm, nullptr);
    EXPECT_EQ(npm->default_authority, "public");
    const Authority* pub = npm->find_authority("public");
    ASSERT_NE(pub, nullptr);
    EXPECT_EQ(pub->search_mode, SearchMode::concurrent);
    EXPECT_EQ(names(*pub), (std::vector<std::string>{"corp", "upstream"}));
    EXPECT_EQ(pub->registries[0].timeout.time, std::chrono::seconds(30));
    EXPECT_EQ(pub->registries[0].timeout.maximum_retries, 3);
    EXPECT_EQ(pub->registries[0].not_found, NotFound::continue_search);
    const Authority* acme = npm->find_authority("acme");
    ASSERT_NE(acme, nullptr);
    EXPECT_EQ(acme->packages, (std::vector<std::string>{"@acme/*"}));
    EXPECT_EQ(acme->minimum_release_age, std::chrono::hours(72));
    EXPECT_TRUE(m.warnings.empty());
}

TEST_F(RegistryModelTest, DefaultOrderIsDeclaredOrAlphabetical) {
    const char* text = R"({formats: {cairn: {authorities: {a: {defaultOrder: "%s", registries: {
        zeta: {protocol: "file", url: "file:///z"},
        alpha: {protocol: "file", url: "file:///a"},
        mid: {protocol: "file", url: "file:///m"}}}}}}})";
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, text, "declared");
    EXPECT_EQ(names(model(buffer).formats[0].authorities[0]),
              (std::vector<std::string>{"zeta", "alpha", "mid"}));
    std::snprintf(buffer, sizeof buffer, text, "alphabetical");
    EXPECT_EQ(names(model(buffer).formats[0].authorities[0]),
              (std::vector<std::string>{"alpha", "mid", "zeta"}));
}

TEST_F(RegistryModelTest, BeforeAndAfterConstraintsWinOverTheDefaultOrder) {
    auto m = model(R"({formats: {npm: {authorities: {a: {defaultOrder: "alphabetical", registries: {
        a1: {protocol: "npm", url: "https://1/", search: {after: ["c3"]}},
        b2: {protocol: "npm", url: "https://2/"},
        c3: {protocol: "npm", url: "https://3/"},
        d4: {protocol: "npm", url: "https://4/", search: {before: "a1"}}}}}}}})");
    EXPECT_EQ(names(m.formats[0].authorities[0]),
              (std::vector<std::string>{"b2", "c3", "d4", "a1"}));
}

TEST_F(RegistryModelTest, CycleNamesTheRegistriesInIt) {
    Error e = model_error(R"({formats: {npm: {authorities: {pub: {registries: {
        a: {protocol: "npm", url: "https://a/", search: {before: ["b"]}},
        b: {protocol: "npm", url: "https://b/", search: {before: ["c"]}},
        c: {protocol: "npm", url: "https://c/", search: {before: ["a"]}},
        d: {protocol: "npm", url: "https://d/"}}}}}}})");
    EXPECT_EQ(e.message(), "the registries of authority pub cannot be ordered: their "
                           "before/after constraints form a cycle");
    EXPECT_EQ(e.causes().at(0), "a -> b -> c -> a (each is asked before the next)");
}

TEST_F(RegistryModelTest, UnknownRegistryInAConstraint) {
    Error e = model_error(R"({formats: {npm: {authorities: {pub: {registries: {
        a: {protocol: "npm", url: "https://a/", search: {before: ["upstrem"]}},
        upstream: {protocol: "npm", url: "https://u/"}}}}}}})");
    EXPECT_EQ(e.message(), "registry a of authority pub is ordered before \"upstrem\", which the "
                           "authority does not have");
    EXPECT_EQ(e.hints().at(0), "its registries are: a, upstream");
}

TEST_F(RegistryModelTest, UnknownProtocolIsDroppedWithAWarning) {
    auto m = model(R"({formats: {npm: {authorities: {pub: {registries: {
        old: {protocol: "ftp", url: "ftp://x/"},
        up: {protocol: "npm", url: "https://u/", search: {after: ["old"]}}}}}}}})");
    EXPECT_EQ(names(m.formats[0].authorities[0]), (std::vector<std::string>{"up"}));
    ASSERT_EQ(m.warnings.size(), 1u);
    EXPECT_EQ(m.warnings[0], file() +
                                 ":2:25: registry old uses the unknown protocol \"ftp\"; it is "
                                 "left out (known protocols: file, cairn-index, npm, oci, git)");
}

TEST_F(RegistryModelTest, AuthorityWithNoUsableRegistryIsAnError) {
    Error e = model_error(R"({formats: {npm: {authorities: {pub: {registries: {
        old: {protocol: "ftp", url: "ftp://x/"},
        off: {protocol: "npm", url: "https://u/", enabled: false}}}}}}})");
    EXPECT_EQ(e.message(), "authority pub of format npm has no usable registry");
    EXPECT_EQ(e.causes(),
              (std::vector<std::string>{"registry old uses the unknown protocol \"ftp\"",
                                        "registry off is disabled (enabled: false)"}));
}

TEST_F(RegistryModelTest, WrongTypesNameTheKeyAndTheFile) {
    Error e = model_error(R"({formats: {npm: {authorities: {pub: {registries: {
        up: {protocol: "npm", url: "https://u/", search: {notFound: "skip"}}}}}}}})");
    EXPECT_EQ(e.message(), "formats.npm.authorities.pub.registries.up.search.notFound must be one "
                           "of stop, continue, not \"skip\"");
    EXPECT_EQ(e.context().at(0), "reading formats.npm.authorities.pub.registries.up.search."
                                 "notFound (set at " +
                                     file() + ":2:69)");
}

TEST_F(RegistryModelTest, BadTimeout) {
    Error e = model_error(R"({formats: {npm: {authorities: {pub: {registries: {
        up: {protocol: "npm", url: "https://u/", search: {timeout: {time: "soon"}}}}}}}}})");
    EXPECT_EQ(e.message(), "formats.npm.authorities.pub.registries.up.search.timeout.time must be "
                           "a duration such as \"00:00:30\", \"30s\" or \"500ms\", not \"soon\"");
}

TEST_F(RegistryModelTest, ZeroTimeoutIsRefused) {
    Error e = model_error(R"({formats: {npm: {authorities: {pub: {registries: {
        up: {protocol: "npm", url: "https://u/", search: {timeout: {time: "0s"}}}}}}}}})");
    EXPECT_EQ(e.message(), "formats.npm.authorities.pub.registries.up.search.timeout.time must be "
                           "a duration such as \"00:00:30\", \"30s\" or \"500ms\", not \"0s\"");
}

TEST_F(RegistryModelTest, MissingDefaultAuthority) {
    Error e = model_error(R"({formats: {npm: {defaults: {authority: "public"}, authorities: {
        corp: {registries: {up: {protocol: "npm", url: "https://u/"}}}}}}})");
    EXPECT_EQ(e.message(),
              "the default authority public of format npm is not defined (defined: corp)");
}

TEST_F(RegistryModelTest, OnePatternInTwoAuthoritiesIsAnError) {
    Error e = model_error(R"({formats: {npm: {authorities: {
        a: {packages: ["@acme/*"], registries: {r: {protocol: "npm", url: "https://a/"}}},
        b: {packages: ["@acme/*"], registries: {r: {protocol: "npm", url: "https://b/"}}}}}}})");
    EXPECT_EQ(e.message(),
              "authorities a and b of format npm both claim the package pattern \"@acme/*\"");
}

TEST_F(RegistryModelTest, UnknownKeysWarn) {
    auto m = model(R"({formats: {npm: {authorities: {pub: {registries: {
        up: {protocol: "npm", url: "https://u/", serach: {}}}}}}}})");
    ASSERT_EQ(m.warnings.size(), 1u);
    EXPECT_EQ(m.warnings[0], file() +
                                 ":2:58: unknown key "
                                 "formats.npm.authorities.pub.registries.up.serach is ignored");
}

TEST(Duration, Forms) {
    using config::Json;
    EXPECT_EQ(parse_duration(Json("00:01:30")), std::chrono::seconds(90));
    EXPECT_EQ(parse_duration(Json("250ms")), std::chrono::milliseconds(250));
    EXPECT_EQ(parse_duration(Json("5m")), std::chrono::minutes(5));
    EXPECT_EQ(parse_duration(Json("2d")), std::chrono::hours(48));
    EXPECT_EQ(parse_duration(Json(12)), std::chrono::seconds(12));
    EXPECT_EQ(parse_duration(Json("5 minutes")), std::nullopt);
    EXPECT_EQ(parse_duration(Json(-1)), std::nullopt);
    EXPECT_EQ(parse_duration(Json(true)), std::nullopt);
}

} // namespace
} // namespace cairn::registry
