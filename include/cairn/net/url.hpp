#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

// Absolute http(s) URLs as the network client speaks them.
namespace cairn::net {

// A parsed, validated absolute `http` or `https` URL. The scheme and host are lower-case,
// the port is always known (explicit or the scheme's default), the path starts with '/'
// and any fragment is dropped. User information (`user:password@`) is kept apart: it
// never appears in `redacted()` or when the URL is streamed, only in `text()`, which is
// meant for the wire and nothing else.
class Url {
public:
    // nullopt when `text` is not an absolute http(s) URL with a host.
    static std::optional<Url> try_parse(std::string_view text);
    // Throws cairn::Error(Code::usage) naming the (redacted) text when it is not a URL.
    static Url parse(std::string_view text);

    const std::string& scheme() const { return m_scheme; }
    const std::string& host() const { return m_host; } // brackets kept for IPv6 literals
    std::uint16_t port() const { return m_port; }
    bool default_port() const;
    const std::string& path() const { return m_path; }         // "/..." (percent-encoding kept)
    const std::string& query() const { return m_query; }       // without '?', may be empty
    const std::string& username() const { return m_username; } // percent-decoded
    const std::string& password() const { return m_password; } // percent-decoded
    bool has_userinfo() const { return !m_username.empty() || !m_password.empty(); }

    // "scheme://host:port": what credentials and redirects are compared by.
    std::string origin() const;
    bool same_origin(const Url& other) const;

    // The full URL without user information (what goes on the wire).
    std::string text() const;
    // The URL for messages and logs: user information shown as `***@`, and the values of
    // query parameters that look like secrets (token, key, signature, password...) as `***`.
    std::string redacted() const;

    // The URL a reference (a redirect's Location) points to, resolved against this one
    // (RFC 3986 section 5.2). nullopt when the result is not an http(s) URL.
    std::optional<Url> resolve(std::string_view reference) const;

    // This URL without its user information.
    Url without_userinfo() const;

    friend bool operator==(const Url&, const Url&) = default;

private:
    Url() = default;

    std::string m_scheme;
    std::string m_username;
    std::string m_password;
    std::string m_host;
    std::uint16_t m_port = 0;
    std::string m_path;
    std::string m_query;
};

// Streams the redacted form.
std::ostream& operator<<(std::ostream& out, const Url& url);

} // namespace cairn::net
