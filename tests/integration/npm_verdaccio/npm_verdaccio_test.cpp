// `cairn install` end to end against a private registry: a scoped package published to a
// loopback verdaccio that only a token can read, its public dependency from the default
// registry (a loopback fault server, which logs every request with its headers). The token
// comes from the project's .npmrc, keyed to verdaccio's host and port; the public server's
// log proves it never saw the token, any Authorization header, or the private name. A wrong
// or missing token fails with the refusal, the .npmrc it came from and a hint, and leaves
// nothing half-installed. Skips loudly when verdaccio is not installed (scripts/setup).
#include "integration/npm_install/npm_project_fixture.hpp"
#include "support/fault_server/fault_server.hpp"
#include "support/verdaccio/verdaccio.hpp"

#include "cairn/core/digest.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cairn::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* k_private = "@private/hello";
constexpr const char* k_public = "left-pad-ish";
constexpr const char* k_wrong_token = "wrong-token-0123456789abcdef";

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

class NpmVerdaccio : public NpmProjectTest {
protected:
    // One verdaccio for the suite (it is a node program: seconds to start); every test has
    // its own project, store and public server.
    static void SetUpTestSuite() {
        if (!have_verdaccio())
            return;
        s_server = std::make_unique<Verdaccio>();
        s_token = s_server->add_user("carol", "private registry password");
        PublishVersion old;
        old.name = k_private;
        old.version = "1.0.0";
        old.dependencies = {{k_public, "^1.0.0"}};
        s_server->publish(old, s_token);
        PublishVersion hello = old;
        hello.version = "1.2.0";
        hello.files = {{"index.js", "module.exports = 'hello from the private registry';\n"}};
        s_published = std::make_unique<Published>(s_server->publish(hello, s_token));
    }
    static void TearDownTestSuite() {
        s_published.reset();
        s_server.reset();
    }

    void SetUp() override {
        if (!have_verdaccio())
            GTEST_SKIP() << verdaccio_missing_reason();
        NpmProjectTest::SetUp();
        // The public registry: the dependency only (the fault server answers 404 to the rest).
        registry.add({k_public, {v("1.0.0"), v("1.1.0"), v("2.0.0")}});
        registry.write();
        publics.script("/" + std::string(k_public),
                       json_reply(read_file(registry.packument_path(k_public))));
        for (const char* version : {"1.0.0", "1.1.0", "2.0.0"})
            publics.script("/" + NpmRegistryFixture::tarball_relative(k_public, version),
                           Reply::ok(read_file(registry.tarball_path(k_public, version))));
    }

    static Reply json_reply(std::string body) {
        Reply reply = Reply::ok(std::move(body));
        reply.headers.emplace_back("Content-Type", "application/json");
        return reply;
    }

    static Verdaccio& server() { return *s_server; }

    // package.json needing the private package; .npmrc with the public registry as the
    // default, the private scope mapped to verdaccio, and `token` (none when empty) keyed
    // to verdaccio's host and port.
    void write_project(const std::string& token) {
        write_file(project / "package.json",
                   R"({"name":"consumer","version":"1.0.0","private":true,)"
                   R"("dependencies":{"@private/hello":"^1.0.0"}})");
        write_npmrc(token);
    }
    void write_npmrc(const std::string& token) {
        std::string npmrc = "registry=" + publics.base_url() + "/\n" +
                            "@private:registry=" + server().registry_url() + "\n";
        if (!token.empty())
            npmrc +=
                "//127.0.0.1:" + std::to_string(server().port()) + "/:_authToken=" + token + "\n";
        write_file(project / ".npmrc", npmrc);
    }

    // The public server never saw a credential, `token`, or a name of the private scope.
    void expect_public_saw_no_secret(const std::string& token) const {
        for (const auto& request : publics.requests()) {
            EXPECT_FALSE(request.header("authorization").has_value())
                << request.target << " carried " << *request.header("authorization");
            EXPECT_FALSE(request.header("cookie").has_value()) << request.target;
            EXPECT_FALSE(contains(request.target, token)) << request.target;
            for (const auto& [name, value] : request.headers)
                EXPECT_FALSE(contains(value, token))
                    << request.target << " sent the token in " << name;
            EXPECT_FALSE(contains(request.target, "@private"))
                << "the private scope was asked of the public registry: " << request.target;
        }
    }

    // What a failed install must not leave behind: no private package, no public one, no
    // lockfile (unless `lock_before` is given: then it is unchanged).
    void expect_nothing_installed(const std::string& lock_before = {}) const {
        EXPECT_FALSE(fs::exists(project / "node_modules/@private/hello"));
        EXPECT_FALSE(fs::exists(project / "node_modules" / k_public));
        EXPECT_FALSE(fs::exists(project / "node_modules/.cairn-fingerprint"));
        if (lock_before.empty())
            EXPECT_FALSE(fs::exists(project / "cairn.lock"));
        else
            EXPECT_EQ(read_file(project / "cairn.lock"), lock_before);
    }

    // Files under `root` (but the project's .npmrc, where the token belongs) that hold `token`.
    std::vector<std::string> files_holding(const fs::path& root, const std::string& token) const {
        std::vector<std::string> found;
        for (const auto& entry : fs::recursive_directory_iterator(root))
            if (entry.is_regular_file() && entry.path() != project / ".npmrc" &&
                contains(read_file(entry.path()), token))
                found.push_back(entry.path().string());
        return found;
    }

    std::string private_tarball_url() const {
        return server().registry_url() + "@private/hello/-/hello-1.2.0.tgz";
    }

    FaultServer publics;

    static inline std::unique_ptr<Verdaccio> s_server;
    static inline std::string s_token;
    static inline std::unique_ptr<Published> s_published;
};

TEST_F(NpmVerdaccio, InstallsThePrivatePackageAndNeverSendsTheTokenToThePublicRegistry) {
    write_project(s_token);
    auto r = cairn({"install"});
    ASSERT_EQ(r.status, 0) << "stdout:\n" << r.out << "\nstderr:\n" << r.err;
    EXPECT_FALSE(contains(r.out, s_token));
    EXPECT_FALSE(contains(r.err, s_token));

    // The newest 1.x of each, at the top of node_modules.
    EXPECT_EQ(installed_version("node_modules/@private/hello"), "1.2.0");
    EXPECT_EQ(installed_version(std::string("node_modules/") + k_public), "1.1.0");
    EXPECT_EQ(read_file(project / "node_modules/@private/hello/index.js"),
              "module.exports = 'hello from the private registry';\n");
    if (have_program("node")) {
        auto loaded = run({"node", "-p", "require('@private/hello')"}, options());
        EXPECT_EQ(loaded.out, "hello from the private registry\n") << loaded.err;
    }

    // The lockfile: verdaccio's tarball and the integrity of the bytes published; the public
    // dependency from the public server; no token anywhere.
    std::string lock_text = read_file(project / "cairn.lock");
    EXPECT_FALSE(contains(lock_text, s_token)) << lock_text;
    EXPECT_FALSE(contains(lock_text, "_authToken")) << lock_text;
    auto lock = Json::parse(lock_text);
    const Json& hello = lock["packages"]["node_modules/@private/hello"];
    EXPECT_EQ(hello["version"], "1.2.0");
    EXPECT_EQ(hello["resolved"], private_tarball_url());
    EXPECT_EQ(hello["resolved"], s_published->tarball_url);
    EXPECT_EQ(hello["integrity"], s_published->integrity);
    EXPECT_EQ(hello["integrity"],
              digest_bytes(DigestAlgorithm::sha512, s_published->tarball).sri());
    const Json& pad = lock["packages"][std::string("node_modules/") + k_public];
    EXPECT_EQ(pad["version"], "1.1.0");
    EXPECT_EQ(pad["resolved"], publics.url("/left-pad-ish/-/left-pad-ish-1.1.0.tgz"));
    EXPECT_EQ(pad["integrity"], registry.integrity(k_public, "1.1.0"));
    EXPECT_NE(hello["registry"], pad["registry"]) << lock_text;
    // Nor in the store (metadata cache, blobs, trees) or anything else the install wrote.
    EXPECT_EQ(files_holding(dir / "store", s_token), std::vector<std::string>{});
    EXPECT_EQ(files_holding(project, s_token), std::vector<std::string>{});

    // The public server was asked (so its silence about the token means something), for the
    // dependency only, and never with a credential.
    EXPECT_GE(publics.request_count("/left-pad-ish"), 1u);
    EXPECT_EQ(publics.request_count("/left-pad-ish/-/left-pad-ish-1.1.0.tgz"), 1u);
    expect_public_saw_no_secret(s_token);
}

TEST_F(NpmVerdaccio, AWrongTokenIsRefusedClearlyAndInstallsNothing) {
    write_project(k_wrong_token);
    auto r = cairn({"install"});
    EXPECT_EQ(r.status, 5) << "stdout:\n" << r.out << "\nstderr:\n" << r.err; // unauthorized
    // The refusal, from verdaccio, for the private package, and where the token came from.
    EXPECT_TRUE(contains(r.err, "HTTP 401") || contains(r.err, "HTTP 403")) << r.err;
    EXPECT_TRUE(contains(r.err, "access denied")) << r.err;
    EXPECT_TRUE(contains(r.err, server().registry_url())) << r.err;
    EXPECT_TRUE(contains(r.err, k_private)) << r.err;
    EXPECT_TRUE(contains(r.err, "refused the credential from")) << r.err;
    EXPECT_TRUE(contains(r.err, (project / ".npmrc").string())) << r.err;
    EXPECT_TRUE(contains(r.err, "check or renew it")) << r.err;
    EXPECT_FALSE(contains(r.err, k_wrong_token)) << r.err;
    EXPECT_FALSE(contains(r.out, k_wrong_token)) << r.out;
    expect_nothing_installed();
    expect_public_saw_no_secret(k_wrong_token);
}

TEST_F(NpmVerdaccio, NoTokenNamesTheMissingCredential) {
    write_project({});
    auto r = cairn({"install"});
    EXPECT_EQ(r.status, 5) << "stdout:\n" << r.out << "\nstderr:\n" << r.err;
    EXPECT_TRUE(contains(r.err, "HTTP 401") || contains(r.err, "HTTP 403")) << r.err;
    EXPECT_TRUE(contains(r.err, k_private)) << r.err;
    EXPECT_TRUE(contains(r.err, "no credential matches http://127.0.0.1:" +
                                    std::to_string(server().port())))
        << r.err;
    EXPECT_TRUE(contains(r.err, ":_authToken=")) << r.err;
    expect_nothing_installed();
    expect_public_saw_no_secret(s_token);
}

// Following cairn.lock with an empty store asks verdaccio for the tarball only: that fetch
// carries the token too, and a wrong token there fails the same way, changing nothing.
TEST_F(NpmVerdaccio, ALockfileInstallFetchesThePrivateTarballWithTheToken) {
    write_project(s_token);
    auto first = cairn({"install"});
    ASSERT_EQ(first.status, 0) << first.err;
    std::string lock_before = read_file(project / "cairn.lock");
    fs::remove_all(project / "node_modules");
    fs::remove_all(dir / "store");

    write_npmrc(k_wrong_token);
    auto refused = cairn({"install", "--frozen"});
    EXPECT_EQ(refused.status, 5) << "stdout:\n" << refused.out << "\nstderr:\n" << refused.err;
    EXPECT_TRUE(contains(refused.err, "HTTP 401") || contains(refused.err, "HTTP 403"))
        << refused.err;
    EXPECT_TRUE(contains(refused.err, private_tarball_url())) << refused.err;
    EXPECT_TRUE(contains(refused.err, "refused the credential from")) << refused.err;
    EXPECT_FALSE(contains(refused.err, k_wrong_token)) << refused.err;
    expect_nothing_installed(lock_before);

    write_npmrc(s_token);
    auto again = cairn({"install", "--frozen"});
    ASSERT_EQ(again.status, 0) << "stdout:\n" << again.out << "\nstderr:\n" << again.err;
    EXPECT_EQ(installed_version("node_modules/@private/hello"), "1.2.0");
    EXPECT_EQ(installed_version(std::string("node_modules/") + k_public), "1.1.0");
    EXPECT_EQ(read_file(project / "cairn.lock"), lock_before);
    expect_public_saw_no_secret(s_token);
    expect_public_saw_no_secret(k_wrong_token);
}

} // namespace
} // namespace cairn::test
