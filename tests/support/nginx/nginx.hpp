#pragma once

#include "support/temp_dir.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Debian's nginx serving a folder on 127.0.0.1, for tests and benchmarks that need a real,
// fast HTTP server. Each instance has its own generated config, pid file, logs and temp
// folders in a TempDir, listens on an ephemeral port, and is stopped by the destructor.
namespace cairn::test {

// The nginx binary: /usr/sbin/nginx, else `nginx` on PATH; empty when there is none.
std::filesystem::path nginx_binary();
// Whether nginx is installed. Tests skip loudly (GTEST_SKIP with the reason) only when not.
bool have_nginx();

// Whether the openssl command line is installed (needed for NginxOptions::tls).
bool have_openssl();

struct NginxOptions {
    std::filesystem::path root; // served at "/"
    bool access_log = false;    // log requests to access_log_path() ("$request $status")
    // Appends " $server_protocol $connection $connection_requests" to each access log line:
    // the HTTP version, nginx's connection serial number, and that connection's request count.
    bool log_connections = false;
    int keepalive_requests = 10'000;
    // Serve https with HTTP/2 (ALPN h2, HTTP/1.1 still accepted) using a throwaway
    // self-signed certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1), generated with
    // the openssl command line in the instance's temp dir; certificate_path() is its PEM,
    // usable as a CA file. The private key never leaves that temp dir.
    bool tls = false;
    // With tls: offer HTTP/2 (false: HTTP/1.1 only, each transfer on its own connection).
    bool http2 = true;
    // The certificate's subject (its name stays 127.0.0.1 through subjectAltName): servers
    // with distinct subjects have distinct OpenSSL subject hashes.
    std::string certificate_subject = "/CN=127.0.0.1";
    // Serve `root` as an npm registry folder (support/npm_registry, docs/configuration.md
    // "npm registry folders"): `try_files $uri $uri/index.json =404`, so GET /<name> (and
    // /@scope%2fname, which nginx decodes) answers <name>/index.json, as application/json.
    bool npm_registry = false;
    // Exact paths answered with `302 Location: target` instead of a file: {path, target}.
    std::vector<std::pair<std::string, std::string>> redirects{};
};

class Nginx {
public:
    // Starts nginx and waits until it listens. Picks a free port by binding port 0 first and
    // tries again with another when nginx then finds it taken. Throws std::runtime_error
    // with nginx's error log when it cannot start.
    explicit Nginx(NginxOptions options);
    ~Nginx();
    Nginx(const Nginx&) = delete;
    Nginx& operator=(const Nginx&) = delete;

    std::uint16_t port() const { return m_port; }
    std::string base_url() const;                 // "http://127.0.0.1:PORT" (https with tls)
    std::string url(std::string_view path) const; // base_url() + path ("/" added if missing)
    std::filesystem::path access_log_path() const { return m_dir / "access.log"; }
    // The access log's lines once it has at least `count` of them: nginx writes a request's
    // line when it finishes the request, which may be a moment after the client has the last
    // byte. What the log holds after 10 s otherwise (the caller's check then says so).
    std::vector<std::string> access_log_lines(std::size_t count) const;
    std::filesystem::path error_log_path() const { return m_dir / "error.log"; }
    // The self-signed certificate (PEM) with NginxOptions::tls; to be trusted as a CA file.
    std::filesystem::path certificate_path() const { return m_dir / "cert.pem"; }

private:
    bool start_on(std::uint16_t port, std::string& failure);
    void make_certificate();
    void stop();

    NginxOptions m_options;
    TempDir m_dir;
    std::uint16_t m_port = 0;
    pid_t m_pid = -1;
};

// A port that was free a moment ago on 127.0.0.1 (bound to port 0, then closed).
std::uint16_t pick_free_port();

} // namespace cairn::test
