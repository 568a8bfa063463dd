// Packument requests: http(s) registries through the network client, file:// registry
// folders straight from the disk.
#include "cairn/protocol/npm/registry_request.hpp"

#include "cairn/core/encoding.hpp"
#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

namespace cairn::protocol::npm {
namespace {

// RFC 3986 section 5.2.4 on an absolute path.
std::string remove_dot_segments(std::string_view path) {
    std::vector<std::string_view> out;
    bool trailing = false;
    std::size_t i = 0;
    while (i <= path.size()) {
        std::size_t slash = path.find('/', i);
        if (slash == std::string_view::npos)
            slash = path.size();
        std::string_view segment = path.substr(i, slash - i);
        trailing = false;
        if (segment == ".") {
            trailing = true;
        } else if (segment == "..") {
            if (!out.empty())
                out.pop_back();
            trailing = true;
        } else if (!segment.empty() || slash == path.size()) {
            out.push_back(segment);
        }
        i = slash + 1;
    }
    std::string result;
    for (std::string_view segment : out) {
        result += '/';
        result.append(segment);
    }
    if (trailing || result.empty())
        result += '/';
    return result;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size())
            return std::nullopt;
        auto byte = encoding::hex_decode(text.substr(i + 1, 2));
        if (!byte || byte->size() != 1 || (*byte)[0] == '\0')
            return std::nullopt;
        out += *byte;
        i += 2;
    }
    return out;
}

// Whether `rest`, put after a base URL ending in '/', is already what resolving it against
// that base gives: path characters only (nothing percent-encoded, no query or fragment, no
// scheme), and no "." or ".." segment to remove.
bool is_plain_path(std::string_view rest) {
    if (rest.empty())
        return false;
    for (unsigned char c : rest)
        if (!std::isalnum(c) && std::string_view("-._~!$&'()*+,;=@/").find(static_cast<char>(c)) ==
                                    std::string_view::npos)
            return false;
    for (std::size_t start = 0; start <= rest.size();) {
        std::size_t end = std::min(rest.find('/', start), rest.size());
        std::string_view segment = rest.substr(start, end - start);
        if (segment == "." || segment == "..")
            return false;
        start = end + 1;
    }
    return true;
}

bool has_scheme(std::string_view reference) {
    std::size_t colon = reference.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !std::isalpha(static_cast<unsigned char>(reference.front())))
        return false;
    for (char c : reference.substr(0, colon))
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
            return false;
    return true;
}

Error bad_base(std::string_view shown, std::string why) {
    Error error(Code::config_invalid, fmt::format("{} is not a usable npm registry URL", shown));
    error.caused_by(std::move(why));
    error.hint("a registry URL is http://, https:// or file:// followed by an absolute path "
               "(a registry folder)");
    return error;
}

} // namespace

RegistryBase RegistryBase::parse(std::string_view text) {
    RegistryBase base;
    if (text.starts_with("file:")) {
        std::string_view rest = text.substr(5);
        if (rest.starts_with("//localhost/"))
            rest.remove_prefix(11);
        else if (rest.starts_with("//"))
            rest.remove_prefix(2);
        if (!rest.starts_with("/"))
            throw bad_base(text, "a file URL must name an absolute path (file:///srv/registry/)");
        if (rest.find('?') != std::string_view::npos || rest.find('#') != std::string_view::npos)
            throw bad_base(text, "a registry URL cannot have a query or fragment");
        auto path = percent_decode(rest);
        if (!path)
            throw bad_base(text, "the path has an invalid percent-encoding");
        std::string normal = remove_dot_segments(*path);
        if (!normal.ends_with('/'))
            normal += '/'; // the base is a folder, with or without the slash
        base.m_folder = std::filesystem::path(normal);
        base.m_id = "file://" + normal;
        return base;
    }
    auto url = net::Url::try_parse(text);
    if (!url) {
        // Not a URL, so not redactable as one: hide anything before an '@'.
        std::size_t at = text.rfind('@');
        std::string shown =
            at == std::string_view::npos ? std::string(text) : "***" + std::string(text.substr(at));
        throw bad_base(shown, "it is not an absolute http, https or file URL");
    }
    if (!url->query().empty())
        throw bad_base(url->redacted(), "a registry URL cannot have a query");
    std::string wire(text.substr(0, text.find('#')));
    if (!wire.ends_with('/'))
        wire += '/';
    base.m_http = net::Url::parse(wire);
    base.m_wire = wire;
    base.m_id = base.m_http->without_userinfo().text();
    return base;
}

std::string RegistryBase::resolve(std::string_view reference) const {
    auto fail = [&] {
        Error error(Code::integrity,
                    fmt::format("the tarball URL \"{}\" in a packument of {} cannot be resolved",
                                reference, m_id));
        error.hint("the registry serves a malformed dist.tarball; report it to its operator");
        return error;
    };
    if (reference.empty())
        throw fail();
    if (m_http) {
        // Most tarball URLs are the base's own, or a path below it: kept as they are (a
        // packument lists hundreds, a lockfile's index thousands).
        if (reference.starts_with(m_id) && is_plain_path(reference.substr(m_id.size())))
            return std::string(reference);
        if (is_plain_path(reference) && reference.front() != '/')
            return m_id + std::string(reference);
        auto url = m_http->resolve(reference);
        if (!url)
            throw fail();
        return url->text();
    }
    if (has_scheme(reference))
        return std::string(reference);
    std::string_view path = reference;
    std::string suffix;
    if (std::size_t q = path.find_first_of("?#"); q != std::string_view::npos) {
        suffix = std::string(path.substr(q));
        path = path.substr(0, q);
    }
    if (path.starts_with("//"))
        return "file:" + std::string(reference);
    std::string merged =
        path.starts_with("/") ? std::string(path) : m_folder.string() + std::string(path);
    return "file://" + remove_dot_segments(merged) + suffix;
}

std::string package_id(std::string_view name) {
    return "npm:" + std::string(name);
}

store::IndexKey packument_cache_key(const RegistryBase& base, std::string_view name) {
    return store::IndexKey{base.id(), package_id(name)};
}

net::Request packument_request(const RegistryBase& base, std::string_view name,
                               const std::optional<store::Validators>& validators) {
    if (!base.http())
        throw Error(Code::usage,
                    fmt::format("{} is a registry folder, not an http registry", base.id()));
    net::Request request{net::Url::parse(base.m_wire + packument_path(name))};
    request.headers.emplace_back("Accept", std::string(k_packument_accept));
    if (validators) {
        if (!validators->etag.empty())
            request.if_none_match = validators->etag;
        if (!validators->last_modified.empty())
            request.if_modified_since = validators->last_modified;
    }
    request.on_not_found = net::OnNotFound::respond;
    // The document is kept in memory: an endless or absurd one is cut (the largest npm
    // packuments, full form, are some tens of MiB).
    request.max_size = k_max_packument_bytes;
    // A GET of a small document, read whole: asking twice when the first answer is slow to
    // start costs a little, and a slow answer delays every package that depends on it.
    request.hedge = true;
    return request;
}

std::filesystem::path packument_file(const std::filesystem::path& root, std::string_view name) {
    auto refuse = [&] {
        return Error(Code::not_found,
                     fmt::format("\"{}\" is not a package name a registry folder can hold", name));
    };
    if (name.empty() || name.find('\\') != std::string_view::npos ||
        name.find('\0') != std::string_view::npos)
        throw refuse();
    std::size_t slash = name.find('/');
    bool scoped = name.front() == '@';
    if ((slash != std::string_view::npos) != scoped ||
        (slash != std::string_view::npos && name.find('/', slash + 1) != std::string_view::npos))
        throw refuse();
    std::filesystem::path path = root;
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t end = name.find('/', start);
        if (end == std::string_view::npos)
            end = name.size();
        std::string_view part = name.substr(start, end - start);
        if (part.empty() || part == "." || part == ".." || part == "@")
            throw refuse();
        path /= std::string(part);
        start = end + 1;
    }
    return path / "index.json";
}

std::optional<Packument> read_folder_packument(const RegistryBase& base, std::string_view name) {
    std::filesystem::path file = packument_file(base.folder(), name);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
        Error error(Code::io, fmt::format("cannot read {}", file.string()));
        throw error;
    }
    return parse_packument(text.str(), name, file.string());
}

store::CachedDocument cached_packument(const Packument& packument, const net::Response& response,
                                       store::UnixSeconds now) {
    store::CachedDocument document;
    document.encoding = std::string(k_packument_encoding);
    document.body = encode_packument(packument);
    document.validators = {response.etag, response.last_modified};
    document.fetched_at = now;
    return document;
}

store::CachedDocument cached_absence(const net::Response& response, store::UnixSeconds now) {
    store::CachedDocument document;
    document.encoding = std::string(k_absent_encoding);
    document.validators = {response.etag, response.last_modified};
    document.fetched_at = now;
    return document;
}

} // namespace cairn::protocol::npm
