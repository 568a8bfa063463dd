// The verdaccio harness itself: a private scope that only tokens can read, publishes that
// real clients accept, the abbreviated packument. Other tests build on these guarantees.
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/verdaccio/verdaccio.hpp"

#include "cairn/core/digest.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>

namespace cairn::test {
namespace {

using Json = nlohmann::json;

class VerdaccioTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!have_verdaccio())
            return;
        s_server = std::make_unique<Verdaccio>();
        s_token = s_server->add_user("alice", "correct horse battery");
    }
    static void TearDownTestSuite() { s_server.reset(); }

    void SetUp() override {
        if (!have_verdaccio())
            GTEST_SKIP() << verdaccio_missing_reason();
    }

    static Verdaccio& server() { return *s_server; }

    static inline std::unique_ptr<Verdaccio> s_server;
    static inline std::string s_token;
};

PublishVersion package(std::string name, std::string version) {
    PublishVersion p;
    p.name = std::move(name);
    p.version = std::move(version);
    return p;
}

bool refused(long status) {
    return status == 401 || status == 403;
}

TEST_F(VerdaccioTest, PrivatePackageNeedsTheToken) {
    Published p = server().publish(package("@private/hello", "1.0.0"), s_token);
    std::string path = Verdaccio::packument_path("@private/hello");
    EXPECT_EQ(path, "/@private%2fhello");

    HttpResponse with = server().get(path, s_token);
    ASSERT_EQ(with.status, 200) << with.body;
    Json doc = Json::parse(with.body);
    EXPECT_EQ(doc["name"], "@private/hello");
    EXPECT_EQ(doc["dist-tags"]["latest"], "1.0.0");
    EXPECT_EQ(doc["versions"]["1.0.0"]["dist"]["integrity"], p.integrity);
    EXPECT_EQ(doc["versions"]["1.0.0"]["dist"]["shasum"], p.shasum);

    HttpResponse without = server().get(path);
    EXPECT_TRUE(refused(without.status)) << without.status << " " << without.body;
    HttpResponse wrong = server().get(path, "not-a-token");
    EXPECT_TRUE(refused(wrong.status)) << wrong.status << " " << wrong.body;

    // The tarball: served to the token only, the very bytes published.
    std::string tarball_url = doc["versions"]["1.0.0"]["dist"]["tarball"];
    ASSERT_EQ(tarball_url.rfind(server().registry_url(), 0), 0u) << tarball_url;
    std::string tarball_path = tarball_url.substr(server().registry_url().size());
    HttpResponse tarball = server().get(tarball_path, s_token);
    ASSERT_EQ(tarball.status, 200) << tarball_url;
    EXPECT_EQ(tarball.body, p.tarball);
    EXPECT_EQ(digest_bytes(DigestAlgorithm::sha512, tarball.body).sri(), p.integrity);
    EXPECT_TRUE(refused(server().get(tarball_path).status));
}

TEST_F(VerdaccioTest, PublicPackagesAreReadableByAllButPublishNeedsAToken) {
    HttpResponse anonymous = server().try_publish(package("hello-public", "1.0.0"), {});
    EXPECT_TRUE(refused(anonymous.status)) << anonymous.status << " " << anonymous.body;
    EXPECT_EQ(server().get("/hello-public", s_token).status, 404);

    server().publish(package("hello-public", "1.0.0"), s_token);
    PublishVersion next = package("hello-public", "1.1.0");
    next.tag = "next";
    server().publish(next, s_token);
    HttpResponse r = server().get("/hello-public");
    ASSERT_EQ(r.status, 200) << r.body;
    Json doc = Json::parse(r.body);
    EXPECT_EQ(doc["dist-tags"]["latest"], "1.0.0");
    EXPECT_EQ(doc["dist-tags"]["next"], "1.1.0");
    EXPECT_TRUE(doc["versions"].contains("1.0.0"));
    EXPECT_TRUE(doc["versions"].contains("1.1.0"));

    // The same version twice is refused, as on any npm registry.
    HttpResponse again = server().try_publish(package("hello-public", "1.0.0"), s_token);
    EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(VerdaccioTest, ServesTheAbbreviatedPackument) {
    PublishVersion corgi = package("@private/corgi", "2.0.0");
    corgi.dependencies = {{"hello-dep", "^1.0.0"}};
    Published published = server().publish(corgi, s_token);
    HttpResponse r = server().get(Verdaccio::packument_path("@private/corgi"), s_token,
                                  Verdaccio::k_abbreviated_accept);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.content_type.find("application/vnd.npm.install-v1+json"), std::string::npos)
        << r.content_type;
    Json doc = Json::parse(r.body);
    EXPECT_EQ(doc["name"], "@private/corgi");
    EXPECT_TRUE(doc.contains("modified"));
    // Only what installing needs: fields like main and license stay in the full document.
    const Json& version = doc["versions"]["2.0.0"];
    EXPECT_EQ(version["dependencies"]["hello-dep"], "^1.0.0");
    EXPECT_EQ(version["dist"]["integrity"], published.integrity);
    EXPECT_FALSE(version.contains("main"));
    EXPECT_FALSE(version.contains("license"));

    HttpResponse full = server().get(Verdaccio::packument_path("@private/corgi"), s_token);
    ASSERT_EQ(full.status, 200);
    EXPECT_EQ(full.content_type.find("application/vnd.npm.install-v1+json"), std::string::npos);
    const Json full_version = Json::parse(full.body)["versions"]["2.0.0"];
    EXPECT_EQ(full_version["main"], "index.js");
    EXPECT_EQ(full_version["license"], "MIT");
}

TEST_F(VerdaccioTest, LoginWithAWrongPasswordIsRefused) {
    EXPECT_THROW(server().add_user("alice", "wrong password"), std::runtime_error);
    EXPECT_FALSE(server().add_user("bob", "another secret").empty());
}

// A real client: npm installs the private package with the token from an .npmrc.
TEST_F(VerdaccioTest, NpmInstallsThePrivatePackage) {
    if (!have_program("npm"))
        GTEST_SKIP() << "npm is not installed (Debian package npm)";
    PublishVersion greeting = package("@private/greeting", "3.1.4");
    greeting.files = {{"index.js", "module.exports = 'hi from verdaccio';\n"}};
    server().publish(greeting, s_token);
    TempDir project;
    {
        std::ofstream(project / "package.json")
            << R"({"name":"consumer","version":"1.0.0","private":true,)"
            << R"("dependencies":{"@private/greeting":"^3.1.0"}})";
        std::string host = server().registry_url().substr(std::string("http:").size());
        std::ofstream(project / ".npmrc") << "registry=" << server().registry_url() << "\n"
                                          << host << ":_authToken=" << s_token << "\n";
    }
    RunOptions options;
    options.cwd = project.path();
    options.env = {{"npm_config_cache", (project / "npm-cache").string()},
                   {"npm_config_userconfig", (project / "no-user-npmrc").string()},
                   {"npm_config_update_notifier", "false"}};
    options.unset_env = {"npm_config_registry", "NPM_CONFIG_REGISTRY"};
    RunResult installed =
        run({"npm", "install", "--ignore-scripts", "--no-audit", "--no-fund"}, options);
    ASSERT_EQ(installed.status, 0) << installed.err;
    RunResult loaded = run({"node", "-p", "require('@private/greeting')"}, options);
    EXPECT_EQ(loaded.out, "hi from verdaccio\n") << loaded.err;
}

} // namespace
} // namespace cairn::test
