#include "support/nginx/nginx.hpp"

#include "support/run.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cairn::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string config_text(const NginxOptions& options, const std::filesystem::path& dir,
                        std::uint16_t port) {
    std::string d = dir.string();
    std::ostringstream c;
    c << "daemon off;\n"
      << "master_process on;\n"
      << "worker_processes 1;\n";
    if (geteuid() == 0)
        c << "user root root;\n"; // workers must read the test's private temp folders
    c << "pid " << d << "/nginx.pid;\n"
      << "error_log " << d << "/error.log warn;\n"
      << "events { worker_connections 4096; }\n"
      << "http {\n"
      << "  default_type application/octet-stream;\n"
      << "  sendfile on;\n"
      << "  tcp_nopush on;\n"
      << "  keepalive_requests " << options.keepalive_requests << ";\n"
      << "  client_body_temp_path " << d << "/body;\n"
      << "  proxy_temp_path " << d << "/proxy;\n"
      << "  fastcgi_temp_path " << d << "/fastcgi;\n"
      << "  uwsgi_temp_path " << d << "/uwsgi;\n"
      << "  scgi_temp_path " << d << "/scgi;\n";
    if (options.access_log)
        c << "  log_format cairn '$request $status"
          << (options.log_connections ? " $server_protocol $connection $connection_requests" : "")
          << "';\n"
          << "  access_log " << d << "/access.log cairn;\n";
    else
        c << "  access_log off;\n";
    c << "  server {\n"
      << "    listen 127.0.0.1:" << port
      << (options.tls ? (options.http2 ? " ssl http2" : " ssl") : "") << ";\n";
    if (options.tls)
        c << "    ssl_certificate " << d << "/cert.pem;\n"
          << "    ssl_certificate_key " << d << "/key.pem;\n"
          << "    ssl_protocols TLSv1.2 TLSv1.3;\n";
    c << "    root " << std::filesystem::absolute(options.root).string() << ";\n"
      << (options.npm_registry ? "    location / { types { application/json json; } "
                                 "try_files $uri $uri/index.json =404; }\n"
                               : "    location / { }\n");
    for (const auto& [path, target] : options.redirects)
        c << "    location = " << path << " { return 302 " << target << "; }\n";
    c << "  }\n"
      << "}\n";
    return c.str();
}

bool accepts_connections(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

} // namespace

std::filesystem::path nginx_binary() {
    std::filesystem::path debian = "/usr/sbin/nginx";
    std::error_code ec;
    if (std::filesystem::exists(debian, ec))
        return debian;
    if (have_program("nginx"))
        return "nginx";
    return {};
}

bool have_nginx() {
    return !nginx_binary().empty();
}

bool have_openssl() {
    return have_program("openssl");
}

std::uint16_t pick_free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error("socket() failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind an ephemeral port on 127.0.0.1");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

Nginx::Nginx(NginxOptions options) : m_options(std::move(options)) {
    std::filesystem::path binary = nginx_binary();
    if (binary.empty())
        throw std::runtime_error("nginx is not installed (Debian package nginx-light)");
    if (m_options.tls)
        make_certificate();
    std::string failure;
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::uint16_t port = pick_free_port();
        if (start_on(port, failure)) {
            m_port = port;
            return;
        }
        if (failure.find("Address already in use") == std::string::npos)
            break;
    }
    throw std::runtime_error("nginx did not start:\n" + failure);
}

void Nginx::make_certificate() {
    if (!have_openssl())
        throw std::runtime_error("the openssl command line is not installed (Debian package "
                                 "openssl); NginxOptions::tls needs it");
    RunResult made =
        run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-days", "2", "-subj", m_options.certificate_subject, "-addext",
             "subjectAltName=IP:127.0.0.1", "-keyout", (m_dir / "key.pem").string(), "-out",
             certificate_path().string()});
    if (made.status != 0)
        throw std::runtime_error("openssl could not make a self-signed certificate:\n" + made.err);
}

bool Nginx::start_on(std::uint16_t port, std::string& failure) {
    std::filesystem::path conf = m_dir / "nginx.conf";
    std::filesystem::remove(m_dir / "nginx.pid");
    std::filesystem::remove(error_log_path());
    {
        std::ofstream out(conf);
        out << config_text(m_options, m_dir.path(), port);
    }
    std::string binary = nginx_binary().string();
    std::string prefix = m_dir.path().string() + "/";
    std::string conf_text = conf.string();
    std::string error_log = error_log_path().string();
    std::string output = (m_dir / "nginx.out").string();
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0)
            ::dup2(null, 0);
        ::execl(binary.c_str(), binary.c_str(), "-p", prefix.c_str(), "-c", conf_text.c_str(), "-e",
                error_log.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // nginx writes its pid file after it has bound its listening socket.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            failure = read_file(error_log_path()) + read_file(m_dir / "nginx.out");
            return false;
        }
        if (std::filesystem::exists(m_dir / "nginx.pid") && accepts_connections(port)) {
            m_pid = pid;
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    failure = "nginx did not listen within 15 s\n" + read_file(error_log_path());
    return false;
}

void Nginx::stop() {
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
            m_pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
    m_pid = -1;
}

Nginx::~Nginx() {
    stop();
}

std::string Nginx::base_url() const {
    return (m_options.tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(m_port);
}

std::vector<std::string> Nginx::access_log_lines(std::size_t count) const {
    auto read = [this] {
        std::vector<std::string> lines;
        std::ifstream in(access_log_path());
        for (std::string line; std::getline(in, line);)
            if (!line.empty())
                lines.push_back(line);
        return lines;
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::vector<std::string> lines = read();
    while (lines.size() < count && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        lines = read();
    }
    return lines;
}

std::string Nginx::url(std::string_view path) const {
    std::string out = base_url();
    if (path.empty() || path.front() != '/')
        out += '/';
    out += path;
    return out;
}

} // namespace cairn::test
