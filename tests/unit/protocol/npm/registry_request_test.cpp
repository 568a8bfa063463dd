// Packument requests, registry folders and tarball URL resolution.
#include "support/npm_registry/npm_registry.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"
#include "cairn/net/url.hpp"
#include "cairn/protocol/npm/registry_request.hpp"

#include <gtest/gtest.h>

namespace cairn::protocol::npm {
namespace {

std::optional<std::string> header(const net::Request& request, std::string_view name) {
    for (const auto& [k, v] : request.headers)
        if (k == name)
            return v;
    return std::nullopt;
}

TEST(RegistryRequest, PackumentRequestCarriesAcceptAndValidators) {
    auto base = RegistryBase::parse("http://127.0.0.1:4873/npm");
    EXPECT_FALSE(base.is_folder());
    EXPECT_EQ(base.id(), "http://127.0.0.1:4873/npm/");
    auto plain = packument_request(base, "@types/node");
    EXPECT_EQ(plain.url.text(), "http://127.0.0.1:4873/npm/@types%2fnode");
    EXPECT_EQ(header(plain, "Accept"),
              "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*");
    EXPECT_FALSE(plain.if_none_match);
    EXPECT_FALSE(plain.if_modified_since);
    EXPECT_EQ(plain.on_not_found, net::OnNotFound::respond);
    // Kept in memory: an endless document is cut, not grown without bound.
    EXPECT_EQ(plain.max_size, k_max_packument_bytes);
    EXPECT_EQ(k_max_packument_bytes, 256u << 20);
    // A slow answer may be asked for again (net::Request::hedge); a tarball never is.
    EXPECT_TRUE(plain.hedge);
    auto conditional =
        packument_request(base, "left-pad", store::Validators{"W/\"abc\"", "Sat, 01 Jan 2000"});
    EXPECT_EQ(conditional.url.text(), "http://127.0.0.1:4873/npm/left-pad");
    EXPECT_EQ(conditional.if_none_match, "W/\"abc\"");
    EXPECT_EQ(conditional.if_modified_since, "Sat, 01 Jan 2000");
    EXPECT_EQ(packument_cache_key(base, "left-pad"),
              (store::IndexKey{"http://127.0.0.1:4873/npm/", "npm:left-pad"}));
}

TEST(RegistryRequest, UserInformationStaysOnTheWireAndOutOfTheId) {
    auto base = RegistryBase::parse("http://me:secret@127.0.0.1:4873/");
    EXPECT_EQ(base.id(), "http://127.0.0.1:4873/");
    auto request = packument_request(base, "a");
    EXPECT_EQ(request.url.username(), "me");
    EXPECT_EQ(request.url.password(), "secret");
}

TEST(RegistryRequest, TarballReferencesResolveAgainstTheBase) {
    auto http = RegistryBase::parse("http://127.0.0.1:8080/registry/");
    EXPECT_EQ(http.resolve("a/-/a-1.0.0.tgz"), "http://127.0.0.1:8080/registry/a/-/a-1.0.0.tgz");
    EXPECT_EQ(http.resolve("/elsewhere/a.tgz"), "http://127.0.0.1:8080/elsewhere/a.tgz");
    EXPECT_EQ(http.resolve("https://127.0.0.1:9/x.tgz"), "https://127.0.0.1:9/x.tgz");
    auto folder = RegistryBase::parse("file:///srv/reg%20one");
    EXPECT_TRUE(folder.is_folder());
    EXPECT_EQ(folder.folder(), "/srv/reg one/");
    EXPECT_EQ(folder.id(), "file:///srv/reg one/");
    EXPECT_EQ(folder.resolve("@s/p/-/p-1.0.0.tgz"), "file:///srv/reg one/@s/p/-/p-1.0.0.tgz");
    EXPECT_EQ(folder.resolve("../other/x.tgz"), "file:///srv/other/x.tgz");
    EXPECT_EQ(folder.resolve("http://127.0.0.1:1/x.tgz"), "http://127.0.0.1:1/x.tgz");
    EXPECT_EQ(RegistryBase::parse("file://localhost/srv/r/").id(), "file:///srv/r/");
}

// References already below the base are kept as they are without parsing them: what
// they give must be what full RFC 3986 resolution gives, for those and for the look-alikes
// that need it (dot segments, percent-encoding, case, ports, queries, user information).
TEST(RegistryRequest, TarballReferencesBelowTheBaseResolveAsAnUrlWould) {
    const std::string base_text = "https://me:pw@registry.example.test:8443/npm/";
    auto base = RegistryBase::parse(base_text);
    auto url = cairn::net::Url::parse(base_text);
    const std::string id = base.id();
    const std::vector<std::string> references = {
        id + "a/-/a-1.0.0.tgz",
        id + "@scope/pkg/-/pkg-2.0.0-rc.1+build.5.tgz",
        id + "a//b/-/x.tgz",
        id + "a/./b.tgz",
        id + "a/../../b.tgz",
        id + "a/..",
        id + "a/%2e%2E/b.tgz",
        id + "a/b%20c.tgz",
        id + "a/b.tgz?token=1",
        id + "a/b.tgz#frag",
        id + "a:b/c.tgz",
        "HTTPS://Registry.Example.Test:8443/npm/a/-/a-1.0.0.tgz",
        "https://registry.example.test:8443/npm",
        "https://u:p@registry.example.test:8443/npm/a.tgz",
        "https://registry.example.test/npm/a.tgz",
        "a/-/a-1.0.0.tgz",
        "./a/b.tgz",
        "../a/b.tgz",
        "a/../../b.tgz",
        "%2e%2e/b.tgz",
        "/root/a.tgz",
        "//other.example.test/a.tgz",
        "a.tgz?x=1",
        "@s/p/-/p-1.0.0.tgz",
    };
    for (const auto& reference : references) {
        auto resolved = url.resolve(reference);
        ASSERT_TRUE(resolved) << reference;
        EXPECT_EQ(base.resolve(reference), resolved->text()) << reference;
    }
}

TEST(RegistryRequest, UnusableBaseUrlsAreConfigErrors) {
    auto message = [](std::string_view url) {
        try {
            RegistryBase::parse(url);
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), Code::config_invalid);
            return error.message() + " / " + error.causes().at(0);
        }
        return std::string("no error");
    };
    EXPECT_EQ(message("ftp://me:pw@host/"),
              "***@host/ is not a usable npm registry URL / it is not an absolute http, https or "
              "file URL");
    EXPECT_EQ(message("file:relative/dir"),
              "file:relative/dir is not a usable npm registry URL / a file URL must name an "
              "absolute path (file:///srv/registry/)");
    EXPECT_EQ(message("http://127.0.0.1/?token=x"),
              "http://127.0.0.1/?token=*** is not a usable npm registry URL / a registry URL "
              "cannot have a query");
}

TEST(RegistryRequest, FolderPathsCannotEscapeTheFolder) {
    std::filesystem::path root = "/r";
    EXPECT_EQ(packument_file(root, "left-pad"), "/r/left-pad/index.json");
    EXPECT_EQ(packument_file(root, "@s/p"), "/r/@s/p/index.json");
    for (std::string_view bad : {"", "..", "@s/..", "a/b", "@s", "@s/p/q", "@/p", "a\\b", "."}) {
        try {
            packument_file(root, bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), Code::not_found);
            EXPECT_EQ(error.message(), "\"" + std::string(bad) +
                                           "\" is not a package name a registry folder can hold");
        }
    }
}

TEST(RegistryRequest, FolderPackumentsComeFromTheFixtureLayout) {
    test::TempDir tmp;
    test::NpmRegistryFixture fixture(tmp / "reg");
    fixture.add_version("@s/p", {.version = "1.0.0", .dependencies = {{"a", "^1"}}});
    fixture.add_version("@s/p", {.version = "1.1.0-rc.1"});
    fixture.write();
    auto base = RegistryBase::parse(fixture.file_url());
    auto packument = read_folder_packument(base, "@s/p");
    ASSERT_TRUE(packument);
    EXPECT_EQ(packument->dist_tags.at("latest"), "1.0.0");
    ASSERT_EQ(packument->releases.size(), 2u);
    EXPECT_EQ(packument->releases[0].tarball, "@s/p/-/p-1.0.0.tgz");
    EXPECT_EQ(packument->releases[0].integrity, fixture.integrity("@s/p", "1.0.0"));
    EXPECT_EQ(packument->releases[0].shasum, fixture.shasum("@s/p", "1.0.0"));
    EXPECT_TRUE(std::filesystem::exists(
        std::filesystem::path(base.resolve(packument->releases[0].tarball).substr(7))));
    EXPECT_FALSE(read_folder_packument(base, "absent"));
}

TEST(NpmRegistryFixture, FaultsMakeTheTarballAndItsIntegrityDisagree) {
    test::TempDir tmp;
    test::NpmRegistryFixture fixture(tmp / "reg", {.tarball_base = "http://127.0.0.1:9/"});
    fixture.add_version("ok", {.version = "1.0.0"});
    fixture.add_version("lie", {.version = "1.0.0", .wrong_integrity = true});
    fixture.add_version("tamper", {.version = "1.0.0", .tampered_tarball = true});
    fixture.add_version("raw", {.version = "1.0.0",
                                .bin = {{"raw", "cli.js"}},
                                .package_json = R"({"name":"raw","bin":{"raw":"../../x"}})"});
    fixture.write();
    auto sha512 = [&](std::string_view name) {
        return digest_file(DigestAlgorithm::sha512, fixture.tarball_path(name, "1.0.0")).sri();
    };
    EXPECT_EQ(fixture.integrity("ok", "1.0.0"), sha512("ok"));
    EXPECT_EQ(fixture.shasum("ok", "1.0.0"),
              digest_file(DigestAlgorithm::sha1, fixture.tarball_path("ok", "1.0.0")).hex());
    EXPECT_NE(fixture.integrity("lie", "1.0.0"), sha512("lie"));
    EXPECT_EQ(fixture.actual_integrity("lie", "1.0.0"), sha512("lie"));
    EXPECT_NE(fixture.integrity("tamper", "1.0.0"), sha512("tamper"));
    EXPECT_EQ(fixture.actual_integrity("tamper", "1.0.0"), sha512("tamper"));
    EXPECT_EQ(fixture.tarball_reference("ok", "1.0.0"), "http://127.0.0.1:9/ok/-/ok-1.0.0.tgz");

    auto packument = read_folder_packument(RegistryBase::parse(fixture.file_url()), "lie");
    ASSERT_TRUE(packument);
    EXPECT_EQ(packument->releases.at(0).integrity, fixture.integrity("lie", "1.0.0"));
    EXPECT_EQ(packument->releases.at(0).tarball, "http://127.0.0.1:9/lie/-/lie-1.0.0.tgz");

    auto listed = test::run(
        {"tar", "-xzOf", fixture.tarball_path("raw", "1.0.0").string(), "package/package.json"});
    EXPECT_EQ(listed.out, R"({"name":"raw","bin":{"raw":"../../x"}})");
    auto index = test::run(
        {"tar", "-xzOf", fixture.tarball_path("ok", "1.0.0").string(), "package/index.js"});
    EXPECT_EQ(index.out, "module.exports = {\"name\":\"ok\",\"version\":\"1.0.0\"};\n");
}

TEST(RegistryRequest, CachedRowsKeepValidatorsAndTheCompactForm) {
    Packument p;
    p.name = "a";
    net::Response response{.effective_url = net::Url::parse("http://127.0.0.1/a")};
    response.etag = "\"e1\"";
    response.last_modified = "yesterday";
    auto row = cached_packument(p, response, 42);
    EXPECT_EQ(row.encoding, "npm-packument/2");
    EXPECT_EQ(row.validators, (store::Validators{"\"e1\"", "yesterday"}));
    EXPECT_EQ(row.fetched_at, 42);
    EXPECT_EQ(decode_packument(row.body).name, "a");
    EXPECT_EQ(cached_absence(response, 7).encoding, "npm-absent/1");
}

} // namespace
} // namespace cairn::protocol::npm
