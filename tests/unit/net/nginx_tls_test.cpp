// The network client against a real TLS server: Debian's nginx serving https with HTTP/2 on
// loopback, with a throwaway self-signed certificate for 127.0.0.1. Many files at once over
// one multiplexed connection, byte for byte; certificate verification that cannot be
// skipped; and no redirect from https down to http.
#include "support/nginx/nginx.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

#include "cairn/core/error.hpp"
#include "cairn/net/client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

namespace cairn::net {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A refused certificate: a network error with the network.caFile hint, and `cause_part` in
// one of its causes.
void expect_refused_certificate(const Error& error, std::string_view cause_part) {
    EXPECT_EQ(error.code(), Code::network) << format_plain(error);
    ASSERT_FALSE(error.hints().empty()) << format_plain(error);
    EXPECT_NE(error.hints().front().find("network.caFile"), std::string::npos)
        << format_plain(error);
    std::string causes;
    for (const std::string& cause : error.causes())
        causes += cause + "\n";
    EXPECT_NE(causes.find(cause_part), std::string::npos) << format_plain(error);
}

class NginxTls : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::have_nginx())
            GTEST_SKIP() << "nginx is not installed (Debian package nginx-light)";
        if (!test::have_openssl())
            GTEST_SKIP() << "the openssl command line is not installed (Debian package openssl)";
        std::mt19937 random(7);
        std::filesystem::create_directories(m_root / "pkg");
        for (int i = 0; i < k_files; ++i) {
            std::size_t size = 1 + random() % 150'000;
            std::string bytes(size, '\0');
            for (auto& byte : bytes)
                byte = static_cast<char>(random());
            std::ofstream(m_root / "pkg" / (std::to_string(i) + ".tgz"), std::ios::binary) << bytes;
            m_contents.push_back(std::move(bytes));
        }
        // A plain-http server that an https page redirects to; following it would succeed.
        m_plain.emplace(test::NginxOptions{.root = m_root.path()});
        m_nginx.emplace(test::NginxOptions{
            .root = m_root.path(),
            .access_log = true,
            .log_connections = true,
            .tls = true,
            .redirects = {{"/to-http", m_plain->url("/pkg/0.tgz")}, {"/moved", "/pkg/1.tgz"}}});
    }

    std::string url(int i) const { return m_nginx->url("/pkg/" + std::to_string(i) + ".tgz"); }
    ClientOptions trusting() const {
        return ClientOptions{.max_connections = 16,
                             .max_per_host = k_per_host,
                             .ca_file = m_nginx->certificate_path().string()};
    }

    // Fetches every file `rounds` times, a batch of all of them at a time, with no retries
    // allowed (headers due within 10 s): each must come whole, at the first attempt.
    void fetch_in_batches(Client& client, const std::function<std::string(int)>& url_of, int rounds,
                          int http_version) {
        RetryPolicy once{.timeout = std::chrono::seconds(10),
                         .on_timeout = RetryPolicy::OnTimeout::fail,
                         .maximum_retries = 0};
        for (int round = 0; round < rounds; ++round) {
            std::vector<std::future<Response>> futures;
            for (int i = 0; i < k_files; ++i)
                futures.push_back(
                    client.submit(Request{.url = Url::parse(url_of(i)), .retry = once}));
            for (int i = 0; i < k_files; ++i) {
                Response response = futures[i].get();
                ASSERT_EQ(response.status, 200);
                EXPECT_EQ(response.http_version, http_version);
                ASSERT_TRUE(response.body == m_contents[i]) << "file " << i << ", batch " << round;
            }
        }
        EXPECT_EQ(client.statistics().attempts, static_cast<std::uint64_t>(rounds * k_files));
    }

    static constexpr int k_files = 100;
    static constexpr int k_per_host = 4;
    test::TempDir m_root;
    std::vector<std::string> m_contents;
    std::optional<test::Nginx> m_plain;
    std::optional<test::Nginx> m_nginx;
};

TEST_F(NginxTls, ManyFilesMultiplexedOverHttp2) {
    ASSERT_TRUE(m_nginx->base_url().starts_with("https://127.0.0.1:"));
    Client client(trusting());
    std::vector<std::future<Response>> futures;
    for (int i = 0; i < k_files; ++i)
        futures.push_back(client.submit(Request{.url = Url::parse(url(i))}));
    for (int i = 0; i < k_files; ++i) {
        Response response = futures[i].get();
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(response.http_version, 20) << "file " << i;
        EXPECT_EQ(response.body_bytes, m_contents[i].size());
        EXPECT_TRUE(response.body == m_contents[i]) << "file " << i << " differs";
    }
    // All 100 start at once (no request waits for the first answer over https), and
    // libcurl holds them until the first handshake shows the connection multiplexes: one.
    EXPECT_EQ(client.statistics().connections, 1u);

    // "GET /pkg/N.tgz HTTP/2.0 200 HTTP/2.0 CONNECTION REQUESTS_SO_FAR_ON_IT"
    std::vector<std::string> lines = m_nginx->access_log_lines(k_files);
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(k_files))
        << read_file(m_nginx->access_log_path());
    std::map<std::string, int> per_connection;
    for (const std::string& line : lines) {
        std::istringstream fields(line);
        std::string method, path, request_protocol, status, protocol, connection, requests;
        fields >> method >> path >> request_protocol >> status >> protocol >> connection >>
            requests;
        EXPECT_EQ(method, "GET") << line;
        EXPECT_EQ(status, "200") << line;
        EXPECT_EQ(protocol, "HTTP/2.0") << line;
        ASSERT_FALSE(connection.empty()) << line;
        ++per_connection[connection];
    }
    int busiest = 0;
    std::string summary;
    for (const auto& [connection, requests] : per_connection) {
        busiest = std::max(busiest, requests);
        summary += " #" + connection + ":" + std::to_string(requests);
    }
    RecordProperty("requests_per_connection", summary);
    std::cout << "[ nginx    ] " << k_files << " requests over " << per_connection.size()
              << " connection(s), requests per connection:" << summary << "\n";
    EXPECT_EQ(per_connection.size(), 1u) << summary;
    EXPECT_GT(busiest, 1) << "no connection carried more than one request:" << summary;
}

// OpenSSL reads ahead (net/read_ahead.hpp): records of several streams arrive in one read,
// and those of a stream whose transfer is not the one reading wait in OpenSSL's buffer,
// where the socket no longer says there is anything to read. The engine hands such
// connections back to libcurl; were one forgotten, its transfers would wait for their
// headers until the time allowed ran out, and fail (no retries here).
TEST_F(NginxTls, NoTransferWaitsOnBytesReadAhead) {
    Client client(trusting());
    // Each batch's end is a chance for bytes to be left behind: nothing else comes then.
    fetch_in_batches(
        client, [&](int i) { return url(i); }, 12, 20);
}

// The same over HTTP/1.1, where each transfer has a connection of its own.
TEST_F(NginxTls, NoTransferWaitsOnBytesReadAheadOverHttp11) {
    test::Nginx http11(test::NginxOptions{.root = m_root.path(), .tls = true, .http2 = false});
    ClientOptions options = trusting();
    options.ca_file = http11.certificate_path().string();
    Client client(options);
    fetch_in_batches(
        client, [&](int i) { return http11.url("/pkg/" + std::to_string(i) + ".tgz"); }, 4, 11);
}

TEST_F(NginxTls, RedirectWithinHttpsIsFollowed) {
    Client client(trusting());
    Response response = client.fetch(Request{.url = Url::parse(m_nginx->url("/moved"))});
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.http_version, 20);
    EXPECT_EQ(response.effective_url.text(), url(1));
    EXPECT_TRUE(response.body == m_contents[1]);
}

TEST_F(NginxTls, UnknownCertificateIsRefused) {
    // No ca_file: the system's authorities do not know the self-signed certificate, and
    // verification cannot be turned off.
    Client client(ClientOptions{.max_connections = 4, .max_per_host = 4});
    const std::string target = url(0);
    try {
        client.fetch(Request{.url = Url::parse(target)});
        FAIL() << "an unverifiable server was trusted";
    } catch (const Error& error) {
        EXPECT_NE(error.message().find(target), std::string::npos) << format_plain(error);
        expect_refused_certificate(error, "certificate");
    }
    // nginx saw no HTTP request: the handshake failed first.
    EXPECT_EQ(read_file(m_nginx->access_log_path()), "");
}

// A folder holding `certificate` under OpenSSL's hashed name, as `openssl rehash` makes it.
std::filesystem::path hashed_folder(const std::filesystem::path& dir,
                                    const std::filesystem::path& certificate) {
    std::filesystem::create_directories(dir);
    test::RunResult hash =
        test::run({"openssl", "x509", "-hash", "-noout", "-in", certificate.string()});
    EXPECT_EQ(hash.status, 0) << hash.err;
    std::string name = hash.out.substr(0, hash.out.find('\n'));
    EXPECT_EQ(name.size(), 8u) << hash.out;
    std::filesystem::copy_file(certificate, dir / (name + ".0"));
    return dir;
}

TEST_F(NginxTls, AHashedCaFolderAloneVerifiesTheServer) {
    // No bundle at all: the folder's one authority is what vouches for the server.
    test::TempDir dir;
    Client client(ClientOptions{
        .ca_folder = hashed_folder(dir / "ca", m_nginx->certificate_path()).string()});
    for (int i = 0; i < 3; ++i) {
        Response response = client.fetch(Request{.url = Url::parse(url(i))});
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(response.attempts, 1);
        EXPECT_TRUE(response.body == m_contents[i]);
    }
    EXPECT_EQ(client.statistics().connections, 1u);
    EXPECT_EQ(client.statistics().attempts, 3u);
}

// A self-signed certificate for another name than any server's, in `dir`.
std::filesystem::path another_authority(const std::filesystem::path& dir) {
    test::RunResult made = test::run(
        {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-subj", "/CN=another authority", "-days", "2", "-keyout",
         (dir / "key.pem").string(), "-out", (dir / "cert.pem").string()});
    EXPECT_EQ(made.status, 0) << made.err;
    return dir / "cert.pem";
}

TEST_F(NginxTls, AServerTheCaFolderCannotVouchForIsAskedAgainWithTheBundle) {
    // The folder has hashed names but not this server's authority: the handshake fails,
    // and the same request goes again with the bundle, as the same attempt.
    test::TempDir dir;
    ClientOptions options = trusting();
    options.ca_folder = hashed_folder(dir / "ca", another_authority(dir.path())).string();
    Client client(options);
    Response first = client.fetch(Request{.url = Url::parse(url(0))});
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.attempts, 1);
    EXPECT_TRUE(first.body == m_contents[0]);
    EXPECT_EQ(client.statistics().connections, 2u); // the refused handshake, then the bundle's
    // From then on the bundle, over the connection already open.
    Response second = client.fetch(Request{.url = Url::parse(url(1))});
    EXPECT_TRUE(second.body == m_contents[1]);
    EXPECT_EQ(client.statistics().connections, 2u);
    // nginx saw each request once: the refused handshake carried none.
    EXPECT_EQ(m_nginx->access_log_lines(2).size(), 2u);
}

TEST_F(NginxTls, TheCaFolderAloneIsTriedBeforeAnyBundle) {
    // A bundle that cannot even be read: the folder's handshake never opens it.
    test::TempDir dir;
    std::ofstream(dir / "junk.pem") << "not a certificate\n";
    Client client(ClientOptions{
        .ca_file = (dir / "junk.pem").string(),
        .ca_folder = hashed_folder(dir / "ca", m_nginx->certificate_path()).string()});
    EXPECT_TRUE(client.fetch(Request{.url = Url::parse(url(2))}).body == m_contents[2]);
    EXPECT_EQ(client.statistics().connections, 1u);
}

TEST_F(NginxTls, AFolderWithoutHashedNamesIsNotUsed) {
    // The server's authority is there, but not under a hashed name: the bundle verifies at
    // once (one connection), the folder never being tried.
    test::TempDir dir;
    std::filesystem::create_directories(dir / "ca");
    std::filesystem::copy_file(m_nginx->certificate_path(), dir / "ca" / "authority.pem");
    std::filesystem::copy_file(m_nginx->certificate_path(), dir / "ca" / "1a2b3c4d.r0");
    std::filesystem::copy_file(m_nginx->certificate_path(), dir / "ca" / "1a2b3c4.0");
    ClientOptions options = trusting();
    options.ca_folder = (dir / "ca").string();
    Client client(options);
    EXPECT_TRUE(client.fetch(Request{.url = Url::parse(url(3))}).body == m_contents[3]);
    EXPECT_EQ(client.statistics().connections, 1u);
}

TEST_F(NginxTls, TheBundleIsKeptForTheOriginTheFolderCouldNotVouchFor) {
    // Two servers: the folder knows the first one's authority, the bundle only the
    // second's. The second origin falls back to the bundle; the first keeps the folder (with
    // the bundle it would fail).
    test::NginxOptions other_options{.root = m_root.path(), .tls = true};
    other_options.certificate_subject = "/CN=the second server";
    test::Nginx other(other_options);
    test::TempDir dir;
    Client client(ClientOptions{
        .ca_file = other.certificate_path().string(),
        .ca_folder = hashed_folder(dir / "ca", m_nginx->certificate_path()).string()});
    auto from_other = [&](int i) { return other.url("/pkg/" + std::to_string(i) + ".tgz"); };
    EXPECT_TRUE(client.fetch(Request{.url = Url::parse(url(0))}).body == m_contents[0]);
    Response second = client.fetch(Request{.url = Url::parse(from_other(1))});
    EXPECT_TRUE(second.body == m_contents[1]);
    EXPECT_EQ(second.attempts, 1);
    EXPECT_EQ(client.statistics().connections, 3u); // first, refused, the bundle's
    EXPECT_TRUE(client.fetch(Request{.url = Url::parse(url(2))}).body == m_contents[2]);
    EXPECT_TRUE(client.fetch(Request{.url = Url::parse(from_other(3))}).body == m_contents[3]);
    EXPECT_EQ(client.statistics().connections, 3u); // both connections reused
}

TEST_F(NginxTls, AnUnknownServerIsRefusedAfterTheFolderAndTheBundle) {
    // Neither the folder nor the bundle knows the server: refused, with the hint, after one
    // attempt (two handshakes).
    test::TempDir dir;
    test::TempDir other;
    Client client(ClientOptions{
        .ca_file = another_authority(other.path()).string(),
        .ca_folder = hashed_folder(dir / "ca", another_authority(dir.path())).string()});
    try {
        client.fetch(Request{.url = Url::parse(url(0))});
        FAIL() << "an unverifiable server was trusted";
    } catch (const Error& error) {
        expect_refused_certificate(error, "1 attempt");
    }
    EXPECT_EQ(client.statistics().connections, 2u);
    EXPECT_EQ(read_file(m_nginx->access_log_path()), "");
}

TEST_F(NginxTls, RedirectFromHttpsToHttpIsRefused) {
    // The plain server really serves the target: following the redirect would have worked.
    Client plain;
    EXPECT_EQ(plain.fetch(Request{.url = Url::parse(m_plain->url("/pkg/0.tgz"))}).body,
              m_contents[0]);

    Client client(trusting());
    const std::string start = m_nginx->url("/to-http");
    try {
        client.fetch(Request{.url = Url::parse(start)});
        FAIL() << "an https -> http redirect was followed";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::network) << format_plain(error);
        EXPECT_NE(error.message().find("refused a redirect from https to http"), std::string::npos)
            << format_plain(error);
        EXPECT_NE(error.message().find(start), std::string::npos) << format_plain(error);
        EXPECT_NE(error.message().find(m_plain->url("/pkg/0.tgz")), std::string::npos)
            << format_plain(error);
    }
}

} // namespace
} // namespace cairn::net
