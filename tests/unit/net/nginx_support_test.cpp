// The nginx test server itself: it starts on a loopback port, serves the folder it was
// given byte for byte, and is gone after its destructor.
#include "support/nginx/nginx.hpp"
#include "support/temp_dir.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

namespace cairn::test {
namespace {

// One HTTP/1.0 GET over a plain socket, returning the whole answer (headers and body).
std::string raw_get(std::uint16_t port, const std::string& path) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return {};
    }
    std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    ::send(fd, request.data(), request.size(), 0);
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
        answer.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    return answer;
}

TEST(NginxSupport, ServesTheFolderAndStops) {
    if (!have_nginx())
        GTEST_SKIP() << "nginx is not installed (Debian package nginx-light)";
    TempDir root;
    std::ofstream(root / "hello.txt") << "hello from the folder\n";
    std::uint16_t port = 0;
    {
        Nginx nginx({.root = root.path(), .access_log = true});
        port = nginx.port();
        EXPECT_NE(port, 0);
        EXPECT_EQ(nginx.url("hello.txt"),
                  "http://127.0.0.1:" + std::to_string(port) + "/hello.txt");
        std::string answer = raw_get(port, "/hello.txt");
        EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK\r\n")) << answer;
        EXPECT_TRUE(answer.ends_with("\r\n\r\nhello from the folder\n")) << answer;
        EXPECT_TRUE(raw_get(port, "/missing").starts_with("HTTP/1.1 404"));
    }
    EXPECT_EQ(raw_get(port, "/hello.txt"), "");
}

TEST(NginxSupport, TwoInstancesGetDifferentPorts) {
    if (!have_nginx())
        GTEST_SKIP() << "nginx is not installed (Debian package nginx-light)";
    TempDir root;
    Nginx first({.root = root.path()});
    Nginx second({.root = root.path()});
    EXPECT_NE(first.port(), second.port());
}

} // namespace
} // namespace cairn::test
