#include "cairn/net/url.hpp"

#include "cairn/core/encoding.hpp"
#include "cairn/core/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace cairn::net {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool has_forbidden_characters(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || c == '\\' || c == '"' || c == '<' || c == '>';
    });
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size())
            return std::nullopt;
        auto byte = encoding::hex_decode(text.substr(i + 1, 2));
        if (!byte)
            return std::nullopt;
        out += *byte;
        i += 2;
    }
    return out;
}

std::uint16_t default_port_of(std::string_view scheme) {
    return scheme == "https" ? 443 : 80;
}

// A path segment that means "." or ".." once percent-decoded.
int dot_kind(std::string_view segment) {
    std::string decoded = lower(segment);
    for (std::size_t pos; (pos = decoded.find("%2e")) != std::string::npos;)
        decoded.replace(pos, 3, ".");
    if (decoded == ".")
        return 1;
    if (decoded == "..")
        return 2;
    return 0;
}

// RFC 3986 section 5.2.4, for absolute paths; also treats %2e as a dot.
std::string remove_dot_segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 1; // path[0] == '/'
    bool trailing_slash = false;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        std::string_view segment = path.substr(start, end - start);
        int kind = dot_kind(segment);
        bool last = end == path.size();
        if (kind == 1) {
            trailing_slash = last;
        } else if (kind == 2) {
            if (!out.empty())
                out.pop_back();
            trailing_slash = last;
        } else {
            out.push_back(segment);
            trailing_slash = false;
        }
        start = end + 1;
    }
    std::string result;
    for (auto segment : out) {
        result += '/';
        result += segment;
    }
    if (trailing_slash || result.empty())
        result += '/';
    return result;
}

bool looks_secret(std::string_view name) {
    std::string key = lower(name);
    static constexpr std::array<std::string_view, 8> k_markers = {
        "token", "secret", "passw", "sig", "key", "auth", "credential", "session"};
    return std::any_of(k_markers.begin(), k_markers.end(),
                       [&](std::string_view marker) { return key.find(marker) != key.npos; });
}

} // namespace

std::optional<Url> Url::try_parse(std::string_view text) {
    if (has_forbidden_characters(text))
        return std::nullopt;
    std::size_t hash = text.find('#');
    if (hash != std::string_view::npos)
        text = text.substr(0, hash);
    std::size_t colon = text.find("://");
    if (colon == std::string_view::npos)
        return std::nullopt;
    Url url;
    url.m_scheme = lower(text.substr(0, colon));
    if (url.m_scheme != "http" && url.m_scheme != "https")
        return std::nullopt;
    std::string_view rest = text.substr(colon + 3);
    std::size_t authority_end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, authority_end);
    std::string_view tail =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);

    std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        std::size_t sep = userinfo.find(':');
        auto user = percent_decode(userinfo.substr(0, sep));
        auto pass = percent_decode(sep == std::string_view::npos ? std::string_view{}
                                                                 : userinfo.substr(sep + 1));
        if (!user || !pass)
            return std::nullopt;
        url.m_username = *user;
        url.m_password = *pass;
    }

    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        host = authority.substr(0, close + 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return std::nullopt;
            port = after.substr(1);
        }
    } else {
        std::size_t sep = authority.rfind(':');
        if (sep != std::string_view::npos) {
            host = authority.substr(0, sep);
            port = authority.substr(sep + 1);
        }
    }
    if (host.empty() || host.find('%') != std::string_view::npos)
        return std::nullopt;
    url.m_host = lower(host);
    if (port.empty()) {
        url.m_port = default_port_of(url.m_scheme);
    } else {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
            return std::nullopt;
        url.m_port = static_cast<std::uint16_t>(value);
    }

    std::size_t question = tail.find('?');
    std::string_view path = tail.substr(0, question);
    if (question != std::string_view::npos)
        url.m_query = std::string(tail.substr(question + 1));
    url.m_path = path.empty() ? std::string("/") : remove_dot_segments(path);
    return url;
}

Url Url::parse(std::string_view text) {
    if (auto url = try_parse(text))
        return *url;
    // The text may hold credentials: show only what is before any '@'-separated userinfo.
    std::string shown(text);
    if (std::size_t scheme = shown.find("://"); scheme != std::string::npos) {
        std::size_t at = shown.find('@', scheme + 3);
        std::size_t slash = shown.find('/', scheme + 3);
        if (at != std::string::npos && (slash == std::string::npos || at < slash))
            shown = shown.substr(0, scheme + 3) + "***" + shown.substr(at);
    }
    throw Error(Code::usage, "not an http or https URL: " + shown);
}

bool Url::default_port() const {
    return m_port == default_port_of(m_scheme);
}

std::string Url::origin() const {
    return m_scheme + "://" + m_host + ":" + std::to_string(m_port);
}

bool Url::same_origin(const Url& other) const {
    return m_scheme == other.m_scheme && m_host == other.m_host && m_port == other.m_port;
}

std::string Url::text() const {
    std::string out = m_scheme + "://" + m_host;
    if (!default_port())
        out += ":" + std::to_string(m_port);
    out += m_path;
    if (!m_query.empty())
        out += "?" + m_query;
    return out;
}

std::string Url::redacted() const {
    std::string out = m_scheme + "://";
    if (has_userinfo())
        out += "***@";
    out += m_host;
    if (!default_port())
        out += ":" + std::to_string(m_port);
    out += m_path;
    if (!m_query.empty()) {
        out += '?';
        std::string_view query = m_query;
        bool first = true;
        while (true) {
            std::size_t amp = query.find('&');
            std::string_view pair = query.substr(0, amp);
            if (!first)
                out += '&';
            first = false;
            std::size_t eq = pair.find('=');
            if (eq != std::string_view::npos && looks_secret(pair.substr(0, eq))) {
                out += pair.substr(0, eq + 1);
                out += "***";
            } else {
                out += pair;
            }
            if (amp == std::string_view::npos)
                break;
            query = query.substr(amp + 1);
        }
    }
    return out;
}

std::optional<Url> Url::resolve(std::string_view reference) const {
    if (has_forbidden_characters(reference))
        return std::nullopt;
    std::size_t hash = reference.find('#');
    if (hash != std::string_view::npos)
        reference = reference.substr(0, hash);
    // A scheme: letters, digits, '+', '-', '.' before the first ':' and no '/' before it.
    std::size_t colon = reference.find(':');
    std::size_t slash = reference.find('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash) &&
        colon > 0 && std::isalpha(static_cast<unsigned char>(reference.front()))) {
        auto url = try_parse(reference);
        if (url)
            return url->without_userinfo();
        return std::nullopt;
    }
    if (reference.starts_with("//")) {
        auto url = try_parse(m_scheme + ":" + std::string(reference));
        if (url)
            return url->without_userinfo();
        return std::nullopt;
    }
    Url out = without_userinfo();
    if (reference.empty())
        return out;
    std::size_t question = reference.find('?');
    std::string_view path = reference.substr(0, question);
    std::string query = question == std::string_view::npos
                            ? std::string()
                            : std::string(reference.substr(question + 1));
    if (path.empty()) {
        out.m_query = query;
        return out;
    }
    std::string merged;
    if (path.front() == '/') {
        merged = std::string(path);
    } else {
        merged = m_path.substr(0, m_path.rfind('/') + 1) + std::string(path);
    }
    out.m_path = remove_dot_segments(merged);
    out.m_query = query;
    return out;
}

Url Url::without_userinfo() const {
    Url out = *this;
    out.m_username.clear();
    out.m_password.clear();
    return out;
}

std::ostream& operator<<(std::ostream& out, const Url& url) {
    return out << url.redacted();
}

} // namespace cairn::net
