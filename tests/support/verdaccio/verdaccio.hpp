#pragma once

#include "support/temp_dir.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// verdaccio (a real npm registry server, installed by scripts/setup with npm into
// tools/node/verdaccio) on 127.0.0.1, for tests of private registries: login, tokens,
// scoped access, publish. Each instance has its own generated config in a TempDir:
// storage and htpasswd there, NO uplinks (it serves only what the test published), the
// private scopes readable and publishable only by authenticated users, every other name
// readable by all and publishable by authenticated users. It listens on an ephemeral port
// and its whole process group is stopped by the destructor.
namespace cairn::test {

// The verdaccio launcher: $CAIRN_VERDACCIO when set, else the one scripts/setup installs
// (tools/node/verdaccio/node_modules/.bin/verdaccio); empty when it is not there.
std::filesystem::path verdaccio_binary();
// Whether verdaccio is installed. Tests skip loudly (GTEST_SKIP with
// verdaccio_missing_reason()) only when not.
bool have_verdaccio();
std::string verdaccio_missing_reason();

struct VerdaccioOptions {
    // Scopes (with '@') whose packages only authenticated users may read or publish.
    std::vector<std::string> private_scopes{"@private"};
    std::string log_level = "warn"; // verdaccio's log, in log_path()
};

struct HttpResponse {
    long status = 0; // HTTP status; 0 when no response came
    std::string body;
    std::string content_type; // the Content-Type header, as sent
    std::string error;        // libcurl's message when status is 0
};

// One version to publish: its package.json is built from these fields.
struct PublishVersion {
    std::string name;    // "@private/hello" or "hello"
    std::string version; // "1.0.0"
    std::map<std::string, std::string> dependencies{};
    std::map<std::string, std::string> bin{};
    // Files under package/ besides package.json; when none is named "index.js", an
    // index.js exporting {name, version} is added.
    std::map<std::string, std::string> files{};
    std::string tag = "latest"; // the dist-tag the publish sets
};

// What publish() sent.
struct Published {
    std::string name;
    std::string version;
    std::string tarball;     // the .tgz bytes (gzip tar, entries under package/)
    std::string integrity;   // sha512 SRI of `tarball`
    std::string shasum;      // sha1 hex of `tarball`
    std::string tarball_url; // dist.tarball as published
};

class Verdaccio {
public:
    // Starts verdaccio and waits until it listens (up to 90 s: it is a node program and
    // the machines are shared). Throws std::runtime_error with its log when it cannot
    // start, or when it is not installed.
    explicit Verdaccio(VerdaccioOptions options = {});
    ~Verdaccio();
    Verdaccio(const Verdaccio&) = delete;
    Verdaccio& operator=(const Verdaccio&) = delete;

    std::uint16_t port() const { return m_port; }
    // "http://127.0.0.1:PORT/", the registry URL as npm configs spell it.
    std::string registry_url() const;
    // registry_url() + path (leading '/' optional).
    std::string url(std::string_view path) const;
    // "/<name>" with a scoped name's '/' encoded ("/@private%2fhello"), as npm requests it.
    static std::string packument_path(std::string_view name);

    // Creates a user (PUT /-/user/org.couchdb.user:<name>) and returns its bearer token.
    // Throws std::runtime_error with the response when refused.
    std::string add_user(const std::string& name, const std::string& password);
    // Publishes one version with the standard publish document (PUT /<name>: versions,
    // dist-tags, dist.integrity/shasum/tarball, the tarball base64 in _attachments).
    // Throws std::runtime_error with the response when refused.
    Published publish(const PublishVersion& version, const std::string& token);
    // The response to a publish, without throwing (to test refusals).
    HttpResponse try_publish(const PublishVersion& version, const std::string& token,
                             Published* sent = nullptr);

    // GET registry_url() + path; `token` adds "Authorization: Bearer <token>", `accept` an
    // Accept header (k_abbreviated_accept for npm's abbreviated packument).
    HttpResponse get(std::string_view path, const std::string& token = {},
                     const std::string& accept = {}) const;
    // Any request: method, path, body, extra "Name: value" headers.
    HttpResponse request(const std::string& method, std::string_view path, const std::string& body,
                         const std::vector<std::string>& headers) const;

    // What npm sends to ask for the abbreviated ("corgi") packument.
    static constexpr const char* k_abbreviated_accept =
        "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

    std::filesystem::path storage_path() const { return m_dir / "storage"; }
    std::filesystem::path config_path() const { return m_dir / "config.yaml"; }
    std::filesystem::path log_path() const { return m_dir / "verdaccio.log"; }

private:
    bool start_on(std::uint16_t port, std::string& failure);
    void stop();

    VerdaccioOptions m_options;
    TempDir m_dir;
    std::uint16_t m_port = 0;
    pid_t m_pid = -1; // also the process group id
};

// A gzip tarball of one npm package (entries package/package.json and package/<file>),
// as `npm pack` makes: the manifest is built from `version`'s fields.
std::string npm_package_tarball(const PublishVersion& version);

} // namespace cairn::test
