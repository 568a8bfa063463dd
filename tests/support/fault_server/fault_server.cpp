#include "support/fault_server/fault_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace cairn::test {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

std::string_view reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 410:
        return "Gone";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void reset(int fd) {
    linger option{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
}

} // namespace

Reply Reply::ok(std::string body) {
    Reply reply;
    reply.body = std::move(body);
    return reply;
}

Reply Reply::status_only(int status) {
    Reply reply;
    reply.status = status;
    reply.body = std::string(reason(status)) + "\n";
    return reply;
}

Reply Reply::retry_after(int status, std::string retry_after_value) {
    Reply reply = status_only(status);
    reply.headers.emplace_back("Retry-After", std::move(retry_after_value));
    return reply;
}

Reply Reply::redirect(std::string location, int status) {
    Reply reply = status_only(status);
    reply.headers.emplace_back("Location", std::move(location));
    return reply;
}

std::optional<std::string> ReceivedRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (key == name)
            return value;
    return std::nullopt;
}

FaultServer::FaultServer() {
    m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listen_fd < 0)
        throw std::runtime_error("fault server: socket() failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(m_listen_fd, 512) != 0 ||
        ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(m_listen_fd);
        throw std::runtime_error("fault server: cannot listen on 127.0.0.1");
    }
    m_port = ntohs(address.sin_port);
    m_acceptor = std::thread([this] { accept_loop(); });
}

FaultServer::~FaultServer() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        for (int fd : m_connection_fds)
            ::shutdown(fd, SHUT_RDWR);
    }
    m_stopped.notify_all();
    ::shutdown(m_listen_fd, SHUT_RDWR);
    m_acceptor.join();
    ::close(m_listen_fd);
    for (auto& thread : m_threads)
        thread.join();
}

std::string FaultServer::base_url() const {
    return "http://127.0.0.1:" + std::to_string(m_port);
}

std::string FaultServer::url(std::string_view target) const {
    std::string out = base_url();
    if (target.empty() || target.front() != '/')
        out += '/';
    out += target;
    return out;
}

void FaultServer::script(std::string target, std::vector<Reply> replies) {
    std::lock_guard lock(m_mutex);
    m_scripts[std::move(target)] = Script{std::move(replies), 0};
}

std::vector<ReceivedRequest> FaultServer::requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
}

std::size_t FaultServer::request_count(std::string_view target) const {
    std::lock_guard lock(m_mutex);
    return static_cast<std::size_t>(std::count_if(
        m_requests.begin(), m_requests.end(), [&](const auto& r) { return r.target == target; }));
}

std::size_t FaultServer::connection_count() const {
    std::lock_guard lock(m_mutex);
    return m_connections;
}

bool FaultServer::sleep_for(std::chrono::milliseconds duration) {
    std::unique_lock lock(m_mutex);
    return !m_stopped.wait_for(lock, duration, [this] { return m_stop; });
}

Reply FaultServer::next_reply(const std::string& target) {
    std::lock_guard lock(m_mutex);
    auto it = m_scripts.find(target);
    if (it == m_scripts.end() || it->second.replies.empty())
        return Reply::status_only(404);
    Script& script = it->second;
    Reply reply = script.replies[std::min(script.next, script.replies.size() - 1)];
    ++script.next;
    return reply;
}

void FaultServer::accept_loop() {
    while (true) {
        int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        std::lock_guard lock(m_mutex);
        if (m_stop) {
            if (fd >= 0)
                ::close(fd);
            return;
        }
        if (fd < 0)
            continue;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::size_t number = ++m_connections;
        m_connection_fds.push_back(fd);
        m_threads.emplace_back([this, fd, number] { serve(fd, number); });
    }
}

void FaultServer::serve(int fd, std::size_t connection) {
    std::string buffer;
    bool keep_open = true;
    while (keep_open) {
        std::size_t end;
        while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
            char chunk[8192];
            ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) {
                keep_open = false;
                break;
            }
            buffer.append(chunk, static_cast<std::size_t>(n));
        }
        if (!keep_open)
            break;
        std::string head = buffer.substr(0, end);
        buffer.erase(0, end + 4);

        ReceivedRequest request;
        request.connection = connection;
        request.received_at = std::chrono::steady_clock::now();
        std::size_t line_end = head.find("\r\n");
        std::string_view request_line = std::string_view(head).substr(0, line_end);
        std::size_t sp1 = request_line.find(' ');
        std::size_t sp2 = request_line.find(' ', sp1 + 1);
        request.method = std::string(request_line.substr(0, sp1));
        request.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
        std::string_view rest = line_end == std::string::npos
                                    ? std::string_view{}
                                    : std::string_view(head).substr(line_end + 2);
        while (!rest.empty()) {
            std::size_t eol = rest.find("\r\n");
            std::string_view line = rest.substr(0, eol);
            std::size_t colon = line.find(':');
            if (colon != std::string_view::npos)
                request.headers.emplace_back(lower(trim(line.substr(0, colon))),
                                             std::string(trim(line.substr(colon + 1))));
            if (eol == std::string_view::npos)
                break;
            rest.remove_prefix(eol + 2);
        }
        {
            std::lock_guard lock(m_mutex);
            m_requests.push_back(request);
        }

        Reply reply = next_reply(request.target);
        if (reply.delay_before_headers.count() > 0 && !sleep_for(reply.delay_before_headers))
            break;
        int status = reply.status;
        std::string body = reply.body;
        auto if_none_match = request.header("if-none-match");
        auto if_modified_since = request.header("if-modified-since");
        if ((reply.etag && if_none_match && *if_none_match == *reply.etag) ||
            (reply.last_modified && !if_none_match && if_modified_since &&
             *if_modified_since == *reply.last_modified)) {
            status = 304;
            body.clear();
        }
        bool head_only = request.method == "HEAD" || status == 304;
        std::string out =
            "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason(status)) + "\r\n";
        if (!reply.close_delimited && status != 304)
            out += "Content-Length: " + std::to_string(reply.content_length.value_or(body.size())) +
                   "\r\n";
        if (reply.etag)
            out += "ETag: " + *reply.etag + "\r\n";
        if (reply.last_modified)
            out += "Last-Modified: " + *reply.last_modified + "\r\n";
        for (const auto& [name, value] : reply.headers)
            out += name + ": " + value + "\r\n";
        if (reply.close_delimited)
            out += "Connection: close\r\n";
        out += "\r\n";
        if (!send_all(fd, out))
            break;
        if (head_only)
            continue;

        std::size_t sent = 0;
        bool aborted = false;
        while (sent < body.size()) {
            std::size_t limit = body.size();
            if (reply.reset_after)
                limit = std::min(limit, *reply.reset_after);
            if (reply.close_after)
                limit = std::min(limit, *reply.close_after);
            if (reply.pause_after && sent < *reply.pause_after)
                limit = std::min(limit, *reply.pause_after);
            std::size_t piece = limit - sent;
            if (reply.drip_interval.count() > 0)
                piece = std::min(piece, reply.drip_bytes);
            if (piece > 0) {
                if (!send_all(fd, std::string_view(body).substr(sent, piece))) {
                    aborted = true;
                    break;
                }
                sent += piece;
            }
            if (reply.reset_after && sent >= *reply.reset_after) {
                reset(fd);
                aborted = true;
                break;
            }
            if (reply.close_after && sent >= *reply.close_after) {
                aborted = true;
                break;
            }
            if (reply.pause_after && sent == *reply.pause_after && reply.pause.count() > 0) {
                if (!sleep_for(reply.pause)) {
                    aborted = true;
                    break;
                }
                reply.pause = std::chrono::milliseconds(0);
            }
            if (reply.drip_interval.count() > 0 && sent < body.size() &&
                !sleep_for(reply.drip_interval)) {
                aborted = true;
                break;
            }
        }
        if (aborted || reply.close_delimited ||
            (reply.content_length && *reply.content_length != body.size()))
            break;
    }
    std::lock_guard lock(m_mutex);
    m_connection_fds.erase(std::find(m_connection_fds.begin(), m_connection_fds.end(), fd));
    ::close(fd);
}

} // namespace cairn::test
