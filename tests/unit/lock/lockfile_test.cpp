#include "cairn/core/error.hpp"
#include "cairn/lock/lockfile.hpp"

#include <gtest/gtest.h>

namespace cairn::lock {
namespace {

Lockfile sample() {
    Lockfile lock;
    lock.root.dependencies = {{"b", "^1.0.0"}, {"a", "~2.1"}};
    lock.root.dev_dependencies = {{"c", "latest"}};
    LockedPackage a;
    a.path = "node_modules/a";
    a.name = "a";
    a.package = "a";
    a.version = "2.1.3";
    a.integrity = "sha512-AAAA";
    a.resolved = "http://127.0.0.1:1/a/-/a-2.1.3.tgz";
    a.registry = "public/upstream";
    a.dependencies = {{"b", "^1.2"}};
    a.os = {"linux", "!win32"};
    lock.packages.emplace(a.path, a);
    LockedPackage b = a;
    b.path = "node_modules/b-alias";
    b.name = "b-alias";
    b.package = "b";
    b.version = "1.4.0";
    b.dependencies.clear();
    b.os.clear();
    b.dev = true;
    b.has_install_script = true;
    b.has_bin = true; // a's is unknown (an earlier cairn's lockfile)
    b.deprecated = "use c";
    lock.packages.emplace(b.path, b);
    lock.skipped.push_back({"fsevents", "^2", "", "platform darwin required"});
    protocol::npm::Packument p;
    p.name = "b";
    p.dist_tags = {{"latest", "1.4.0"}};
    protocol::npm::PackumentRelease r;
    r.version = "1.4.0";
    r.dependencies = {{"x", "^1"}};
    r.peer_dependencies = {{"react", ">=18"}};
    r.optional_peers = {"react"};
    r.tarball = "b/-/b-1.4.0.tgz";
    r.integrity = "sha512-BBBB";
    r.has_bin = true;
    p.releases.push_back(r);
    lock.index.emplace("b", p);
    lock.sections.emplace("cairn", nlohmann::json{{"trust", {{"acme/*", "SHA256:x"}}}});
    return lock;
}

TEST(Lockfile, RoundTripsExactly) {
    auto lock = sample();
    std::string text = write_lockfile(lock);
    auto back = read_lockfile(text, "cairn.lock");
    EXPECT_EQ(back.root, lock.root);
    EXPECT_EQ(back.packages, lock.packages);
    EXPECT_EQ(back.skipped, lock.skipped);
    ASSERT_EQ(back.index.size(), 1u);
    EXPECT_EQ(back.index.at("b").releases.at(0).peer_dependencies,
              lock.index.at("b").releases.at(0).peer_dependencies);
    EXPECT_EQ(back.index.at("b").dist_tags, lock.index.at("b").dist_tags);
    EXPECT_EQ(back.sections.at("cairn"), lock.sections.at("cairn"));
    EXPECT_EQ(write_lockfile(back), text) << "writing what was read gives the same bytes";
    EXPECT_FALSE(back.packages.at("node_modules/a").has_bin.has_value());
    EXPECT_EQ(back.packages.at("node_modules/b-alias").has_bin, true);
    auto c = lock.packages.at("node_modules/a");
    c.path = "node_modules/c";
    c.has_bin = false; // known: no bins, written as such
    lock.packages.emplace(c.path, c);
    text = write_lockfile(lock);
    EXPECT_NE(text.find("\"hasBin\": false"), std::string::npos) << text;
    EXPECT_EQ(read_lockfile(text, "cairn.lock").packages.at("node_modules/c").has_bin, false);
}

TEST(Lockfile, TheIndexCanBeLeftOutButSuchALockfileIsNeverWritten) {
    auto lock = sample();
    std::string text = write_lockfile(lock);
    auto partial = read_lockfile(text, "cairn.lock", IndexReading::skip);
    EXPECT_TRUE(partial.index_skipped);
    EXPECT_TRUE(partial.index.empty());
    EXPECT_EQ(partial.root, lock.root);
    EXPECT_EQ(partial.packages, lock.packages);
    EXPECT_EQ(partial.skipped, lock.skipped);
    EXPECT_EQ(partial.sections.at("cairn"), lock.sections.at("cairn"));
    try {
        write_lockfile(partial);
        FAIL() << "a lockfile without its index was written";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::internal);
        EXPECT_NE(std::string(e.what()).find("portable index"), std::string::npos) << e.what();
    }
    // Filled in later from the same text: the whole lockfile again, byte for byte.
    read_skipped_index(partial, text, "cairn.lock");
    EXPECT_FALSE(partial.index_skipped);
    EXPECT_EQ(write_lockfile(partial), text);
    // A damaged index is still found when the index is read.
    auto damaged = text;
    damaged.replace(damaged.find("\"npm:b\""), 7, "\"b\"    ");
    EXPECT_NO_THROW(read_lockfile(damaged, "cairn.lock", IndexReading::skip));
    EXPECT_THROW(read_lockfile(damaged, "cairn.lock"), Error);
}

TEST(Lockfile, TheIndexCanBeDroppedFromTheTextInPlace) {
    auto lock = sample();
    std::string text = write_lockfile(lock);
    std::string dropped = text;
    ASSERT_TRUE(drop_index_text(dropped));
    EXPECT_LT(dropped.size(), text.size());
    EXPECT_NE(dropped.find("\"index\": {}"), std::string::npos) << dropped;
    EXPECT_EQ(dropped.find("npm:b"), std::string::npos);
    EXPECT_FALSE(drop_index_text(dropped)); // nothing left to drop
    auto partial = read_lockfile(dropped, "cairn.lock", IndexReading::skip);
    EXPECT_TRUE(partial.index_skipped);
    EXPECT_EQ(partial.packages, lock.packages);
    EXPECT_EQ(partial.root, lock.root);
    // Conflict markers: the skim stops, and the text stays as it is for the parse to report.
    std::string merged = text;
    merged.insert(merged.find("\"npm:b\""), "<<<<<<< ours\n");
    std::string before = merged;
    EXPECT_FALSE(drop_index_text(merged));
    EXPECT_EQ(merged, before);
}

TEST(Lockfile, ASkippedIndexIsLeftOutOfTheParse) {
    auto lock = sample();
    // Strings in the index with what a careless skim would take for structure.
    lock.index.at("b").releases.at(0).deprecated = "use \"c\" } ] {\\\" [ instead";
    lock.index.at("b").releases.at(0).engines_node = "\\";
    std::string text = write_lockfile(lock);
    auto partial = read_lockfile(text, "cairn.lock", IndexReading::skip);
    EXPECT_TRUE(partial.index_skipped);
    EXPECT_EQ(partial.packages, lock.packages); // "packages" comes after "index" in the file
    EXPECT_EQ(partial.root, lock.root);
    EXPECT_EQ(partial.skipped, lock.skipped);
    EXPECT_EQ(partial.sections.at("cairn"), lock.sections.at("cairn"));
    read_skipped_index(partial, text, "cairn.lock");
    EXPECT_EQ(write_lockfile(partial), text);

    // Not even parsed: an index that is not JSON inside is found out only when it is read.
    std::string broken = text;
    broken.replace(broken.find("\"npm:b\""), 7, "\"npm:b\": [tru], \"npm:c\"");
    auto skipped = read_lockfile(broken, "cairn.lock", IndexReading::skip);
    EXPECT_EQ(skipped.packages, lock.packages);
    try {
        read_skipped_index(skipped, broken, "cairn.lock");
        FAIL() << "a broken index was read";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::manifest_invalid);
        EXPECT_NE(e.message().find("invalid lockfile: not JSON"), std::string::npos) << e.message();
    }
    // Conflict markers left by a merge are caught even in a skipped index.
    std::string merged = text;
    merged.insert(merged.find("\"npm:b\""), "<<<<<<< ours\n=======\n>>>>>>> theirs\n");
    try {
        read_lockfile(merged, "cairn.lock", IndexReading::skip);
        FAIL() << "a lockfile with conflict markers was read";
    } catch (const Error& e) {
        EXPECT_NE(e.message().find(": invalid lockfile: not JSON"), std::string::npos)
            << e.message();
    }
    // What is broken outside the index is reported as before, by line and column.
    std::string outside = text;
    outside.replace(outside.find("\"packages\""), 10, "\"packages\" oops");
    try {
        read_lockfile(outside, "cairn.lock", IndexReading::skip);
        FAIL() << "a broken lockfile was read";
    } catch (const Error& e) {
        EXPECT_NE(e.message().find("cairn.lock:"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find(": invalid lockfile: not JSON"), std::string::npos)
            << e.message();
    }
}

TEST(Lockfile, ReleasesOfTheIndexComeInTheOrderOfTheirKeys) {
    auto lock = sample();
    auto& releases = lock.index.at("b").releases;
    releases.push_back(releases.front());
    releases.back().version = "1.10.0";
    releases.push_back(releases.front());
    releases.back().version = "1.2.0";
    std::string text = write_lockfile(lock);
    // The same document with the versions in another order, as a hand edit might leave it.
    auto at = text.find("\"1.2.0\"");
    auto line_end = text.find('\n', at);
    std::string line = text.substr(at, line_end - at);
    ASSERT_EQ(line.back(), ','); // not the last version
    std::string edited = text;
    edited.erase(at, line_end - at + 1);
    auto first = edited.find("\"1.10.0\"");
    edited.insert(first, line + "\n        ");
    auto back = read_lockfile(edited, "cairn.lock");
    std::vector<std::string> order;
    for (const auto& r : back.index.at("b").releases)
        order.push_back(r.version);
    EXPECT_EQ(order, (std::vector<std::string>{"1.10.0", "1.2.0", "1.4.0"}));
}

// The index is written straight to text: each release's line must be the same bytes as the
// generic JSON writer gives for release_to_json, whatever its strings hold.
TEST(Lockfile, IndexLinesAreTheReleasesJsonExactly) {
    Lockfile lock;
    protocol::npm::Packument p;
    p.name = "@scope/we\"ird";
    p.dist_tags = {{"latest", "2.0.0"}, {"n\u00e9xt", "3.0.0-beta.1"}};
    protocol::npm::PackumentRelease full;
    full.version = "2.0.0";
    full.dependencies = {{"z", "^1"}, {"a", "1 || 2"}, {"a", ">=3"}}; // the last "a" wins
    full.optional_dependencies = {{"opt", "*"}};
    full.peer_dependencies = {{"react", ">=18 <20"}};
    full.optional_peers = {"react"};
    full.tarball = "http://127.0.0.1:1/@scope/we%22ird/-/x-2.0.0.tgz";
    full.integrity = "sha512-AA==";
    full.shasum = "deadbeef";
    full.deprecated = std::string("use \"b\"\\ instead\n\ttab \x01 \x7f caf\u00e9 \xe2\x9c\x93");
    full.os = {"linux", "!win32"};
    full.cpu = {"x64"};
    full.libc = {"glibc"};
    full.has_install_script = true;
    full.has_bin = true;
    full.published = "2024-01-02T03:04:05.000Z";
    full.engines_node = ">=18";
    protocol::npm::PackumentRelease bare;
    bare.version = "1.0.0";
    protocol::npm::PackumentRelease prerelease = bare;
    prerelease.version = "10.0.0-rc.1";
    prerelease.integrity = "sha1-x";
    p.releases = {full, bare, prerelease};
    lock.index.emplace(p.name, p);
    protocol::npm::Packument empty;
    empty.name = "no-versions";
    lock.index.emplace(empty.name, empty);

    std::string text = write_lockfile(lock);
    for (const auto& release : p.releases) {
        std::string line = "        " + nlohmann::json(release.version).dump() + ": " +
                           release_to_json(release).dump();
        bool found = text.find(line + "\n") != std::string::npos ||
                     text.find(line + ",\n") != std::string::npos;
        EXPECT_TRUE(found) << line << "\nin\n" << text;
    }
    auto doc = nlohmann::json::parse(text);
    nlohmann::json versions = nlohmann::json::object();
    for (const auto& release : p.releases)
        versions[release.version] = release_to_json(release);
    EXPECT_EQ(doc["index"]["npm:" + p.name]["versions"], versions);
    EXPECT_EQ(doc["index"]["npm:" + p.name]["tags"]["n\u00e9xt"], "3.0.0-beta.1");
    EXPECT_EQ(doc["index"]["npm:no-versions"],
              nlohmann::json({{"versions", nlohmann::json::object()}}));
    auto back = read_lockfile(text, "cairn.lock");
    EXPECT_EQ(write_lockfile(back), text);
}

TEST(Lockfile, TextIsSortedAndOnePackagePerBlock) {
    std::string text = write_lockfile(sample());
    // Keys sorted: "a" before "b" in root dependencies, packages by path.
    EXPECT_LT(text.find("\"a\": \"~2.1\""), text.find("\"b\": \"^1.0.0\""));
    EXPECT_LT(text.find("\"node_modules/a\""), text.find("\"node_modules/b-alias\""));
    // A package's fields each on their own line, indented; string arrays on one line.
    EXPECT_NE(text.find("\n      \"version\": \"2.1.3\"\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\"os\": [\"linux\",\"!win32\"]"), std::string::npos) << text;
    // A portable-index version is one line.
    EXPECT_NE(text.find("\"1.4.0\": {\"dependencies\":{\"x\":\"^1\"},\"hasBin\":true,"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.rfind("{\n  \"cairn\": ", 0), 0u) << "top-level keys sorted";
    EXPECT_EQ(text.back(), '\n');
    // The alias keeps its folder name apart from the package.
    EXPECT_NE(text.find("\"name\": \"b-alias\""), std::string::npos);
}

// The packages block is written straight into the text: every field, in key order, with
// the indentation and escapes the rest of the file has.
TEST(Lockfile, PackagesBlockIsExactlyItsText) {
    Lockfile lock;
    LockedPackage p;
    p.path = "node_modules/al\"ias";
    p.name = "al\"ias";
    p.package = "@s/real";
    p.version = "1.0.0-rc.1";
    p.integrity = "sha512-AA==";
    p.resolved = "http://127.0.0.1:1/@s/real/-/real-1.0.0-rc.1.tgz";
    p.fetched_from = "http://127.0.0.1:2/m/real.tgz";
    p.registry = "public/upstream";
    p.link = "../local";
    p.dev = p.optional = p.peer = p.has_install_script = true;
    p.has_bin = false;
    p.deprecated = std::string("use \"b\"\\ now\n\t\x01 caf\u00e9");
    p.dependencies = {{"z", "^1"}, {"a", "1 || 2"}};
    p.optional_dependencies = {{"opt", "*"}};
    p.peer_dependencies = {{"react", ">=18 <20"}};
    p.optional_peers = {"react"};
    p.os = {"linux", "!win32"};
    p.cpu = {"x64"};
    p.libc = {"glibc"};
    lock.packages.emplace(p.path, p);
    LockedPackage bare;
    bare.path = "node_modules/bare";
    bare.name = bare.package = "bare";
    bare.version = "2.0.0";
    bare.integrity = "sha1-x";
    lock.packages.emplace(bare.path, bare);
    const std::string expected = R"(  "packages": {
    "node_modules/al\"ias": {
      "cpu": ["x64"],
      "dependencies": {
        "a": "1 || 2",
        "z": "^1"
      },
      "deprecated": "use \"b\"\\ now\n\t\u0001 café",
      "dev": true,
      "fetchedFrom": "http://127.0.0.1:2/m/real.tgz",
      "hasBin": false,
      "hasInstallScript": true,
      "integrity": "sha512-AA==",
      "libc": ["glibc"],
      "link": "../local",
      "name": "al\"ias",
      "optional": true,
      "optionalDependencies": {
        "opt": "*"
      },
      "optionalPeers": ["react"],
      "os": ["linux","!win32"],
      "package": "@s/real",
      "peer": true,
      "peerDependencies": {
        "react": ">=18 <20"
      },
      "registry": "public/upstream",
      "resolved": "http://127.0.0.1:1/@s/real/-/real-1.0.0-rc.1.tgz",
      "version": "1.0.0-rc.1"
    },
    "node_modules/bare": {
      "integrity": "sha1-x",
      "package": "bare",
      "version": "2.0.0"
    }
  },
)";
    std::string text = write_lockfile(lock);
    EXPECT_NE(text.find(expected), std::string::npos) << text;
    auto back = read_lockfile(text, "cairn.lock");
    EXPECT_EQ(back.packages, lock.packages);
    EXPECT_EQ(write_lockfile(back), text);
}

TEST(Lockfile, EmptyLockfileIsMinimal) {
    EXPECT_EQ(write_lockfile(Lockfile{}),
              "{\n  \"format\": \"cairn-lock/1\",\n  \"packages\": {},\n  \"root\": {}\n}\n");
}

void expect_error(std::string_view text, Code code, std::string_view message) {
    try {
        read_lockfile(text, "proj/cairn.lock");
        FAIL() << "accepted: " << text;
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code);
        EXPECT_EQ(e.message(), message);
    }
}

TEST(Lockfile, BadInputNamesFileAndPlace) {
    expect_error("{\n  \"format\": \"cairn-lock/1\",\n  oops\n}", Code::manifest_invalid,
                 "proj/cairn.lock:3:3: invalid lockfile: not JSON");
    expect_error("[]", Code::manifest_invalid,
                 "proj/cairn.lock: invalid lockfile: the document must be an object");
    expect_error("{}", Code::manifest_invalid,
                 "proj/cairn.lock: invalid lockfile: the document.format is missing");
    expect_error(R"({"format":"npm-lock/3"})", Code::manifest_invalid,
                 "proj/cairn.lock: invalid lockfile: format is \"npm-lock/3\", expected "
                 "\"cairn-lock/1\"");
    expect_error(R"({"format":"cairn-lock/2"})", Code::unsupported,
                 "proj/cairn.lock: lockfile format cairn-lock/2 is newer than this cairn reads "
                 "(cairn-lock/1)");
    expect_error(R"({"format":"cairn-lock/1","packages":{"node_modules/a":{"package":"a"}}})",
                 Code::manifest_invalid,
                 "proj/cairn.lock: invalid lockfile: packages[\"node_modules/a\"].version is "
                 "missing");
    expect_error(
        R"({"format":"cairn-lock/1","packages":{"node_modules/a":{"package":"a","version":"1.0.0"}}})",
        Code::manifest_invalid,
        "proj/cairn.lock: invalid lockfile: packages[\"node_modules/a\"] has neither an "
        "integrity nor a link");
    expect_error(
        R"({"format":"cairn-lock/1","packages":{"node_modules/a":{"package":"a","version":"1","integrity":"x","dev":"yes"}}})",
        Code::manifest_invalid,
        "proj/cairn.lock: invalid lockfile: packages[\"node_modules/a\"].dev must be true or "
        "false");
    expect_error(R"({"format":"cairn-lock/1","root":{"dependencies":{"a":1}}})",
                 Code::manifest_invalid,
                 "proj/cairn.lock: invalid lockfile: root.dependencies.a must be a string");
    expect_error(R"({"format":"cairn-lock/1","index":{"a":{}}})", Code::manifest_invalid,
                 "proj/cairn.lock: invalid lockfile: index[\"a\"] is not an npm package id "
                 "(\"npm:<name>\")");
}

TEST(Lockfile, WhatIsNotJsonToTheParserSaysWhy) {
    // JSON allows an integer beyond 64 bits; the lockfile reader does not, and says so.
    std::string text = R"({"format":"cairn-lock/1","later":{"n":123456789012345678901234567890}})";
    try {
        read_lockfile(text, "proj/cairn.lock");
        FAIL() << "accepted: " << text;
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::manifest_invalid);
        EXPECT_EQ(e.message(), "proj/cairn.lock: invalid lockfile: not JSON");
        ASSERT_EQ(e.causes().size(), 1u);
        EXPECT_NE(e.causes()[0].find("number"), std::string::npos) << e.causes()[0];
    }
}

TEST(Lockfile, ErrorsCarryAHint) {
    try {
        read_lockfile("{", "cairn.lock");
        FAIL();
    } catch (const Error& e) {
        ASSERT_FALSE(e.hints().empty());
        EXPECT_NE(e.hints()[0].find("cairn lock"), std::string::npos);
    }
}

} // namespace
} // namespace cairn::lock
