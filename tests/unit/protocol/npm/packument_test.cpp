#include "support/npm_registry/earlier_compact.hpp"

#include "cairn/core/error.hpp"
#include "cairn/protocol/npm/compact_packument.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace cairn::protocol::npm {
namespace {

// The abbreviated install form, as registries serve it for
// `Accept: application/vnd.npm.install-v1+json`.
constexpr std::string_view k_abbreviated = R"({
  "name": "@acme/tool",
  "modified": "2024-05-01T10:00:00.000Z",
  "dist-tags": {"latest": "1.1.0", "next": "2.0.0-rc.1"},
  "versions": {
    "1.0.0": {
      "name": "@acme/tool", "version": "1.0.0",
      "dependencies": {"debug": "^4.3.0", "ms": "2.1.2"},
      "dist": {"tarball": "https://registry.example/@acme/tool/-/tool-1.0.0.tgz",
               "shasum": "0123456789abcdef0123456789abcdef01234567",
               "integrity": "sha512-AAAA"},
      "deprecated": "use 1.1.0"
    },
    "1.1.0": {
      "name": "@acme/tool", "version": "1.1.0",
      "optionalDependencies": {"fsevents": "^2"},
      "peerDependencies": {"react": ">=17", "react-dom": ">=17"},
      "peerDependenciesMeta": {"react-dom": {"optional": true}},
      "os": ["darwin", "linux"], "cpu": "x64",
      "hasInstallScript": true, "bin": {"tool": "cli.js"},
      "dist": {"tarball": "https://registry.example/@acme/tool/-/tool-1.1.0.tgz",
               "integrity": "sha512-BBBB"}
    },
    "2.0.0-rc.1": {
      "name": "@acme/tool", "version": "2.0.0-rc.1", "deprecated": "",
      "dist": {"tarball": "https://registry.example/@acme/tool/-/tool-2.0.0-rc.1.tgz"}
    }
  }
})";

// The full form: every manifest field, readmes, times.
constexpr std::string_view k_full = R"({
  "_id": "left-pad", "name": "left-pad", "readme": "# left-pad\n...a long readme...",
  "time": {"created": "2014-03-01T00:00:00.000Z", "modified": "2019-01-01T00:00:00.000Z",
           "1.3.0": "2018-04-09T01:23:45.000Z"},
  "dist-tags": {"latest": "1.3.0"},
  "maintainers": [{"name": "someone"}],
  "versions": {
    "1.3.0": {
      "name": "left-pad", "version": "1.3.0", "description": "pads left",
      "scripts": {"test": "node test", "postinstall": "node hello.js"},
      "devDependencies": {"tape": "*"},
      "dependencies": {"weird": 42},
      "dist": {"tarball": "https://registry.example/left-pad/-/left-pad-1.3.0.tgz",
               "shasum": "5b8a3a7765dfe001261dde915589e782f8c94d1e"}
    }
  }
})";

TEST(Packument, AbbreviatedForm) {
    Packument p = parse_packument(k_abbreviated, "@acme/tool", "https://registry.example/x");
    EXPECT_EQ(p.name, "@acme/tool");
    EXPECT_EQ(p.dist_tags.at("latest"), "1.1.0");
    EXPECT_EQ(p.modified, "2024-05-01T10:00:00.000Z");
    ASSERT_EQ(p.releases.size(), 3u);
    const auto& first = p.releases[0];
    EXPECT_EQ(first.version, "1.0.0");
    EXPECT_EQ(first.dependencies, (std::vector<NameRange>{{"debug", "^4.3.0"}, {"ms", "2.1.2"}}));
    EXPECT_EQ(first.integrity, "sha512-AAAA");
    EXPECT_EQ(first.shasum, "0123456789abcdef0123456789abcdef01234567");
    EXPECT_EQ(first.deprecated, "use 1.1.0");
    const PackumentRelease* second = p.find("1.1.0");
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->optional_dependencies, (std::vector<NameRange>{{"fsevents", "^2"}}));
    EXPECT_EQ(second->peer_dependencies.size(), 2u);
    EXPECT_EQ(second->optional_peers, (std::vector<std::string>{"react-dom"}));
    EXPECT_EQ(second->os, (std::vector<std::string>{"darwin", "linux"}));
    EXPECT_EQ(second->cpu, (std::vector<std::string>{"x64"}));
    EXPECT_TRUE(second->has_install_script);
    EXPECT_TRUE(second->has_bin);
    EXPECT_FALSE(second->deprecated);
    EXPECT_FALSE(p.releases[2].deprecated) << "an empty deprecation message means not deprecated";
    EXPECT_EQ(p.find("9.9.9"), nullptr);
}

TEST(Packument, FullForm) {
    Packument p = parse_packument(k_full, "left-pad", "left-pad");
    EXPECT_EQ(p.modified, "2019-01-01T00:00:00.000Z");
    ASSERT_EQ(p.releases.size(), 1u);
    const auto& r = p.releases[0];
    EXPECT_TRUE(r.has_install_script) << "postinstall in scripts";
    EXPECT_FALSE(r.has_bin);
    EXPECT_TRUE(r.dependencies.empty()) << "non-string specs are ignored, devDependencies unused";
    EXPECT_EQ(r.published, "2018-04-09T01:23:45.000Z");
    EXPECT_EQ(r.integrity, "");
    EXPECT_EQ(r.shasum, "5b8a3a7765dfe001261dde915589e782f8c94d1e");
}

Error parse_error(std::string_view json, std::string_view name) {
    try {
        parse_packument(json, name, "https://registry.example/doc");
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected the document to be refused";
    return Error(Code::internal, "accepted");
}

TEST(Packument, RefusesWhatIsNotAPackument) {
    Error wrong = parse_error(k_full, "right-pad");
    EXPECT_EQ(wrong.code(), Code::integrity);
    EXPECT_EQ(wrong.message(),
              "the registry document https://registry.example/doc is not a valid packument");
    EXPECT_EQ(wrong.causes().at(0), "it describes \"left-pad\", not \"right-pad\"");
    EXPECT_EQ(parse_error("<html>proxy error</html>", "x").causes().at(0).substr(0, 8), "not JSON");
    EXPECT_EQ(parse_error(R"({"name": "x"})", "x").causes().at(0), "it has no versions object");
    EXPECT_EQ(
        parse_error(R"({"name": "x", "versions": {"1.0.0": {"dist": {}}}})", "x").causes().at(0),
        "version 1.0.0 has no dist.tarball");
}

// Read on demand, the parts of a document that are skipped over still have to be there:
// no cut of a packument is taken for one, whichever parser reads it.
TEST(Packument, EveryTruncationOfTheDocumentIsRefused) {
    PackumentParser parser;
    for (auto [json, name] : {std::pair<std::string_view, const char*>{k_full, "left-pad"},
                              {k_abbreviated, "@acme/tool"}}) {
        for (std::size_t cut = 0; cut < json.size(); ++cut) {
            std::string text(json.substr(0, cut));
            EXPECT_EQ(parse_error(text, name).code(), Code::integrity) << name << " cut at " << cut;
            EXPECT_THROW(parser.parse(text, name, "doc"), Error) << name << " cut at " << cut;
        }
    }
}

// Keys are compared as their text, escaped or not (most are read in place, the others
// unescaped first).
TEST(Packument, EscapedKeysReadAsTheirText) {
    constexpr std::string_view doc = R"({
      "n\u0061me": "esc", "versions": {
        "1.0.\u0030": {"depend\u0065ncies": {"a\"b": "^1"},
                     "dist": {"t\u0061rball": "https://registry.example/esc-1.0.0.tgz"}}
      }
    })";
    Packument p = parse_packument(doc, "esc", "doc");
    ASSERT_EQ(p.releases.size(), 1u);
    EXPECT_EQ(p.releases[0].version, "1.0.0");
    EXPECT_EQ(p.releases[0].tarball, "https://registry.example/esc-1.0.0.tgz");
    ASSERT_EQ(p.releases[0].dependencies.size(), 1u);
    EXPECT_EQ(p.releases[0].dependencies[0], NameRange("a\"b", "^1"));
}

// Every field of a release is read in one pass, and the time object once: of duplicate
// keys the first counts, as a lookup by key finds it; hasInstallScript wins over scripts
// wherever each appears; `bin: null` is no bin.
TEST(Packument, OnePassReadingKeepsTheLookupRules) {
    constexpr std::string_view doc = R"({
      "name": "dup", "versions": {
        "1.0.0": {
          "scripts": {"postinstall": "x"},
          "dependencies": {"a": "^1"}, "dependencies": {"b": "^2"},
          "bin": null, "hasInstallScript": false, "engines": {"node": ">=18"},
          "os": "linux", "os": ["darwin"],
          "dist": {"tarball": "https://registry.example/dup-1.0.0.tgz"},
          "dist": {"tarball": "https://registry.example/other.tgz"}
        },
        "2.0.0": {"dist": {"tarball": "https://registry.example/dup-2.0.0.tgz"},
                  "deprecated": false, "peerDependenciesMeta": {"p": {"optional": true}},
                  "peerDependencies": {"p": "*"}}
      },
      "time": {"2.0.0": "2024-02-02T00:00:00.000Z", "1.0.0": "2024-01-01T00:00:00.000Z",
               "1.0.0": "2099-01-01T00:00:00.000Z"}
    })";
    Packument p = parse_packument(doc, "dup", "doc");
    ASSERT_EQ(p.releases.size(), 2u);
    const auto& first = p.releases[0];
    ASSERT_EQ(first.dependencies.size(), 1u);
    EXPECT_EQ(first.dependencies[0], NameRange("a", "^1"));
    EXPECT_FALSE(first.has_install_script) << "hasInstallScript: false outranks scripts";
    EXPECT_FALSE(first.has_bin);
    EXPECT_EQ(first.engines_node, ">=18");
    EXPECT_EQ(first.os, std::vector<std::string>{"linux"});
    EXPECT_EQ(first.tarball, "https://registry.example/dup-1.0.0.tgz");
    EXPECT_EQ(first.published, "2024-01-01T00:00:00.000Z");
    const auto& second = p.releases[1];
    EXPECT_FALSE(second.deprecated);
    EXPECT_EQ(second.optional_peers, std::vector<std::string>{"p"});
    EXPECT_EQ(second.published, "2024-02-02T00:00:00.000Z") << "times in any order";
    Error no_dist = [] {
        try {
            parse_packument(R"({"name": "x", "versions": {"1.0.0": {"dist": "no"}}})", "x", "d");
        } catch (const Error& e) {
            return e;
        }
        return Error(Code::internal, "accepted");
    }();
    EXPECT_EQ(no_dist.causes().at(0), "version 1.0.0 has no dist object");
}

// A packument of `count` releases, each with a dependency: some hundred kilobytes.
std::string many_releases(std::size_t count) {
    std::string json = R"({"name":"many","dist-tags":{"latest":"1.0.0"},"versions":{)";
    for (std::size_t i = 0; i < count; ++i)
        json +=
            fmt::format(R"({}"1.0.{}":{{"name":"many","version":"1.0.{}",)"
                        R"("dependencies":{{"dep-{}":"^{}.0.0"}},"dist":{{"tarball":)"
                        R"("https://r.example/many/-/many-1.0.{}.tgz","integrity":"sha512-{}"}}}})",
                        i ? "," : "", i, i, i % 7, i % 5, i, i);
    return json + "}}";
}

// A parser kept from one document to the next reads each as a fresh one would, and gives
// the text back as it was, whether the document is accepted or refused: with no room made
// ahead, less than a document needs, and more.
TEST(Packument, AKeptParserReadsEachDocumentAsAFreshOne) {
    const std::string big = many_releases(3000);
    for (std::size_t reserved : {std::size_t(0), std::size_t(64), std::size_t(1) << 20}) {
        SCOPED_TRACE(reserved);
        PackumentParser parser(reserved);
        for (int round = 0; round < 2; ++round) {
            for (auto [json, name] : {std::pair<std::string_view, const char*>{k_full, "left-pad"},
                                      {big, "many"},
                                      {k_abbreviated, "@acme/tool"}}) {
                std::string text(json);
                Packument kept = parser.parse(text, name, "doc");
                EXPECT_EQ(text, json) << "the padding is taken off again";
                EXPECT_EQ(encode_packument(kept),
                          encode_packument(parse_packument(json, name, "doc")));
            }
        }
        std::string text(big);
        EXPECT_EQ(parser.parse(text, "many", "doc").releases.size(), 3000u);
    }
    PackumentParser parser;
    std::string wrong(k_full);
    EXPECT_THROW(parser.parse(wrong, "right-pad", "doc"), Error);
    EXPECT_EQ(wrong, k_full);
    std::string garbage = "<html>proxy error</html>";
    EXPECT_THROW(parser.parse(garbage, "x", "doc"), Error);
    EXPECT_EQ(garbage, "<html>proxy error</html>");
    std::string text(k_abbreviated);
    EXPECT_EQ(parser.parse(text, "@acme/tool", "doc").releases.size(), 3u) << "after refusals";
}

TEST(Packument, CompactRoundTrip) {
    Packument p = parse_packument(k_abbreviated, "@acme/tool", "x");
    std::string bytes = encode_packument(p);
    Packument q = decode_packument(bytes);
    EXPECT_EQ(encode_packument(q), bytes);
    EXPECT_EQ(q.name, p.name);
    EXPECT_EQ(q.dist_tags, p.dist_tags);
    ASSERT_EQ(q.releases.size(), 3u);
    EXPECT_EQ(q.releases[1].optional_peers, p.releases[1].optional_peers);
    EXPECT_EQ(q.releases[1].has_bin, true);
    EXPECT_EQ(q.releases[0].deprecated, "use 1.1.0");
    EXPECT_LT(bytes.size(), k_abbreviated.size() / 2) << "the compact form is small";
}

TEST(Packument, EveryTruncationOfTheCompactFormIsDetected) {
    std::string bytes = encode_packument(parse_packument(k_abbreviated, "@acme/tool", "x"));
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        try {
            decode_packument(std::string_view(bytes).substr(0, n));
            ADD_FAILURE() << "a prefix of " << n << " bytes decoded";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Code::cache_corrupt);
        }
    }
    try {
        decode_packument(bytes + "x");
        ADD_FAILURE() << "trailing bytes accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "a cached npm packument is damaged (trailing bytes at byte " +
                                   std::to_string(bytes.size()) + ")");
    }
}

TEST(Packument, CompactReleasesAreReadOneByOne) {
    Packument p = parse_packument(k_abbreviated, "@acme/tool", "x");
    p.releases[1].published = "2024-05-01T10:00:00.000Z";
    p.releases[1].engines_node = ">=18";
    CompactPackument view = CompactPackument::of(p);
    EXPECT_EQ(view.bytes(), encode_packument(p));
    EXPECT_EQ(view.name(), "@acme/tool");
    EXPECT_EQ(view.dist_tags(), p.dist_tags);
    EXPECT_EQ(view.modified(), p.modified);
    ASSERT_EQ(view.size(), 3u);
    for (std::size_t i = 0; i < view.size(); ++i) {
        SCOPED_TRACE(p.releases[i].version);
        ReleaseSummary summary = view.summary(i);
        EXPECT_EQ(summary.version, p.releases[i].version);
        EXPECT_EQ(summary.deprecated, p.releases[i].deprecated.has_value());
        EXPECT_EQ(summary.engines_node, p.releases[i].engines_node);
        EXPECT_EQ(summary.integrity, p.releases[i].integrity);
        // dist.shasum is kept only where there is no integrity.
        EXPECT_EQ(summary.shasum, p.releases[i].integrity.empty() ? p.releases[i].shasum : "");
        PackumentRelease decoded = view.release(i);
        EXPECT_EQ(decoded.tarball, p.releases[i].tarball);
        Packument one;
        one.releases = {decoded};
        Packument expected;
        expected.releases = {p.releases[i]};
        EXPECT_EQ(encode_packument(one), encode_packument(expected)); // every field
    }
    EXPECT_EQ(view.summary(0).published_ms, std::nullopt);
    EXPECT_EQ(view.summary(1).published_ms, 1714557600000); // 2024-05-01T10:00:00Z
    EXPECT_EQ(view.release(1).published, "2024-05-01T10:00:00.000Z");
    EXPECT_EQ(encode_packument(view.decode()), view.bytes());
    // Untimed: every field but the time.
    for (std::size_t i = 0; i < view.size(); ++i) {
        PackumentRelease expected = view.release(i);
        expected.published.reset();
        Packument one, other;
        one.releases = {view.release_untimed(i)};
        other.releases = {expected};
        EXPECT_EQ(encode_packument(one), encode_packument(other)) << i;
    }
    EXPECT_FALSE(view.release_untimed(1).published);
}

TEST(Packument, ConventionalTarballsAndTimesAreWrittenShort) {
    Packument p = parse_packument(k_abbreviated, "@acme/tool", "x");
    std::string conventional = encode_packument(p);
    // A mirror elsewhere: every tarball still conventional, under another base, which is
    // written once.
    const std::string here = "https://registry.example", there = "http://127.0.0.1:4873/mirror";
    Packument moved = p;
    for (auto& r : moved.releases)
        r.tarball.replace(0, here.size(), there);
    EXPECT_EQ(encode_packument(moved).size(), conventional.size() + there.size() - here.size());
    EXPECT_EQ(decode_packument(encode_packument(moved)).releases[2].tarball,
              "http://127.0.0.1:4873/mirror/@acme/tool/-/tool-2.0.0-rc.1.tgz");
    // Tarballs elsewhere are written out, and read back as they were.
    Packument odd = p;
    odd.releases[0].tarball = "https://cdn.example/tool-1.0.0.tgz";
    odd.releases[1].tarball = "https://registry.example/@acme/tool/-/tool-1.1.0-fixed.tgz";
    Packument back = decode_packument(encode_packument(odd));
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_EQ(back.releases[i].tarball, odd.releases[i].tarball);
    EXPECT_GT(encode_packument(odd).size(), conventional.size());
    // Times: one form, in milliseconds; what is not a time is left out.
    odd.releases[0].published = "2018-04-09T01:23:45Z";
    odd.releases[1].published = "2018-04-09T03:23:45.5+02:00";
    odd.releases[2].published = "yesterday";
    CompactPackument view = CompactPackument::of(odd);
    EXPECT_EQ(view.summary(0).published_ms, 1523237025000);
    EXPECT_EQ(view.summary(1).published_ms, 1523237025500);
    EXPECT_EQ(view.summary(2).published_ms, std::nullopt);
    EXPECT_EQ(view.release(0).published, "2018-04-09T01:23:45.000Z");
    EXPECT_EQ(view.release(1).published, "2018-04-09T01:23:45.500Z");
    EXPECT_EQ(view.release(2).published, std::nullopt);
    // Offsets both ways and without a colon, long fractions, dates that do not exist, and
    // times outside 1970-9999.
    auto as_ms = [&](const std::string& time) -> std::optional<std::int64_t> {
        Packument one = p;
        one.releases.resize(1);
        one.releases[0].published = time;
        return CompactPackument::of(one).summary(0).published_ms;
    };
    EXPECT_EQ(as_ms("2018-04-08T21:23:45-04:00"), 1523237025000);
    EXPECT_EQ(as_ms("2018-04-09T03:23:45+0200"), 1523237025000);
    EXPECT_EQ(as_ms("2018-04-09T01:23:45.123456Z"), 1523237025123);
    EXPECT_EQ(as_ms("2024-02-29T00:00:00Z"), 1709164800000);
    EXPECT_EQ(as_ms("2023-02-29T00:00:00Z"), std::nullopt);
    EXPECT_EQ(as_ms("2018-04-09T01:23:45+02"), std::nullopt);
    EXPECT_EQ(as_ms("1969-12-31T23:59:59Z"), std::nullopt);
    EXPECT_EQ(as_ms("9999-12-31T23:59:59.999Z"), 253402300799999);
    EXPECT_EQ(as_ms("9999-12-31T23:59:59.999-01:00"), std::nullopt);
    // And read back in the one form, at the edges of the range and of days and years.
    auto as_text = [&](const std::string& time) -> std::optional<std::string> {
        Packument one = p;
        one.releases.resize(1);
        one.releases[0].published = time;
        return CompactPackument::of(one).release(0).published;
    };
    EXPECT_EQ(as_text("1970-01-01T00:00:00Z"), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(as_text("1999-12-31T23:59:59.9Z"), "1999-12-31T23:59:59.900Z");
    EXPECT_EQ(as_text("2000-02-29T12:00:00.04Z"), "2000-02-29T12:00:00.040Z");
    EXPECT_EQ(as_text("2024-03-01T00:30:00+01:00"), "2024-02-29T23:30:00.000Z");
    EXPECT_EQ(as_text("9999-12-31T23:59:59.999Z"), "9999-12-31T23:59:59.999Z");
}

TEST(Packument, ATimeBeyondTheLastOneWrittenIsDamage) {
    Packument p = parse_packument(k_abbreviated, "@acme/tool", "x");
    p.releases.resize(1);
    p.releases[0].published = "9999-12-31T23:59:59.999Z";
    std::string bytes = encode_packument(p);
    // The release ends with its time (7 bytes of LEB128) and an empty engines.node.
    ASSERT_EQ(bytes.back(), '\0');
    bytes[bytes.size() - 2] = '\x7f'; // the time's highest bits: far beyond 9999
    try {
        CompactPackument view(bytes);
        ADD_FAILURE() << "a time beyond 9999 accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.message(), "a cached npm packument is damaged (bad time at byte " +
                                   std::to_string(bytes.size() - 1) + ")");
    }
}

TEST(Packument, TheEarlierCompactFormatsAreStillRead) {
    // left-pad as cpk1 (without engines.node) and cpk2 wrote it: published as text, the
    // tarball and shasum written out.
    Packument p = parse_packument(k_full, "left-pad", "x");
    ASSERT_EQ(p.releases.size(), 1u);
    p.releases[0].engines_node = ">=0.10";
    for (int format : {1, 2}) {
        SCOPED_TRACE(format);
        CompactPackument view(test::earlier_compact_packument(p, format));
        ASSERT_EQ(view.size(), 1u);
        ReleaseSummary summary = view.summary(0);
        EXPECT_EQ(summary.version, "1.3.0");
        EXPECT_EQ(summary.engines_node, format == 1 ? "" : ">=0.10");
        EXPECT_EQ(summary.published_ms, 1523237025000);
        EXPECT_EQ(summary.shasum, "5b8a3a7765dfe001261dde915589e782f8c94d1e");
        PackumentRelease r = view.release(0);
        EXPECT_EQ(r.tarball, "https://registry.example/left-pad/-/left-pad-1.3.0.tgz");
        EXPECT_EQ(r.published, "2018-04-09T01:23:45.000Z");
        EXPECT_TRUE(r.has_install_script);
        // Written back in the current form, which reads the same.
        std::string current = encode_packument(view.decode());
        EXPECT_EQ(current.substr(0, 4), "cpk3");
        EXPECT_LT(current.size(), view.bytes().size());
        PackumentRelease again = CompactPackument(current).release(0);
        EXPECT_EQ(again.tarball, r.tarball);
        EXPECT_EQ(again.shasum, r.shasum);
        EXPECT_EQ(again.published, r.published);
        EXPECT_EQ(again.engines_node, r.engines_node);
    }
}

TEST(Packument, ADamagedReleaseIsFoundWhenTheCompactFormIsRead) {
    // The last release's flags set to values no encoder writes: the damage is past every
    // release a resolver would decode, and still reported up front.
    Packument p = parse_packument(k_abbreviated, "@acme/tool", "x");
    p.releases.back().has_install_script = false;
    p.releases.back().has_bin = false;
    std::string clean = encode_packument(p);
    std::size_t flags = clean.size() - 2; // flags (a conventional tarball), engines "" (0)
    ASSERT_EQ(clean[flags], '\x04');
    auto damage_message = [](std::string bytes) -> std::string {
        try {
            CompactPackument view(std::move(bytes));
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Code::cache_corrupt);
            return e.message();
        }
        return "accepted";
    };
    std::string unknown = clean;
    unknown[flags] = '\x14';
    EXPECT_EQ(damage_message(unknown), "a cached npm packument is damaged (bad flags at byte " +
                                           std::to_string(flags + 1) + ")");
    // A tarball written out, and flagged conventional as well.
    p.releases.back().tarball = "https://cdn.example/tool.tgz";
    std::string both = encode_packument(p);
    ASSERT_EQ(both[both.size() - 2], '\0');
    both[both.size() - 2] = '\x04';
    EXPECT_EQ(damage_message(both),
              "a cached npm packument is damaged (a tarball both written and conventional at "
              "byte " +
                  std::to_string(both.size() - 1) + ")");
}

TEST(Packument, RegistryPath) {
    EXPECT_EQ(packument_path("left-pad"), "left-pad");
    EXPECT_EQ(packument_path("@types/node"), "@types%2fnode");
    EXPECT_EQ(packument_path("../x?y#z%"), "..%2fx%3fy%23z%25");
    EXPECT_EQ(packument_path("a@b"), "a%40b");
}

} // namespace
} // namespace cairn::protocol::npm
