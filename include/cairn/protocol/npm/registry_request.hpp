#pragma once

#include "cairn/net/client.hpp"
#include "cairn/net/url.hpp"
#include "cairn/protocol/npm/packument.hpp"
#include "cairn/store/metadata_cache.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// How npm registries are asked for metadata: the packument request over http(s), and the
// static registry folder layout over file:// (docs/configuration.md, "npm registry folders"):
//
//   <root>/<name>/index.json          the packument of `name`
//   <root>/@scope/name/index.json     scoped names
//
// A `dist.tarball` that is not an absolute URL is resolved against the registry's base URL,
// so a folder can be moved, and the same folder served by a static web server
// (`try_files $uri $uri/index.json`) is an http registry.
namespace cairn::protocol::npm {

// `Accept` of a packument request: the abbreviated install form first, then the full one.
inline constexpr std::string_view k_packument_accept =
    "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

// Metadata cache encodings: a compact packument (encode_packument), and the registry's
// answer that it has no such package (an empty body), remembered like a document.
// /2: the compact form carries engines.node (rows of /1 are refetched, not misread).
inline constexpr std::string_view k_packument_encoding = "npm-packument/2";
inline constexpr std::string_view k_absent_encoding = "npm-absent/1";

// A registry's base URL: http(s), or file:// naming a registry folder.
class RegistryBase {
public:
    // Throws cairn::Error(Code::config_invalid) naming the (redacted) URL when it is not an
    // absolute http, https or file URL, or has a query.
    static RegistryBase parse(std::string_view url);

    bool is_folder() const { return !m_http.has_value(); }
    // The http(s) base (user information kept), or nullptr for a folder.
    const net::Url* http() const { return m_http ? &*m_http : nullptr; }
    // The folder (absolute), meaningful only when is_folder().
    const std::filesystem::path& folder() const { return m_folder; }

    // The URL with a trailing '/' and no user information: the metadata cache's registry
    // key and what messages show (query-free, so nothing secret is left).
    const std::string& id() const { return m_id; }

    // The absolute URL of a `dist.tarball` reference: an absolute URL is kept as it is;
    // anything else is resolved against the base (RFC 3986). Throws cairn::Error
    // (Code::integrity) when the reference cannot be resolved.
    std::string resolve(std::string_view reference) const;

    friend bool operator==(const RegistryBase& a, const RegistryBase& b) {
        return a.m_id == b.m_id;
    }

private:
    friend net::Request packument_request(const RegistryBase&, std::string_view,
                                          const std::optional<store::Validators>&);
    RegistryBase() = default;
    std::optional<net::Url> m_http;
    std::string m_wire; // http: the base as given (user information kept), ending in '/'
    std::filesystem::path m_folder;
    std::string m_id;
};

// "npm:<name>", the package id the metadata cache keys documents by.
std::string package_id(std::string_view name);
store::IndexKey packument_cache_key(const RegistryBase& base, std::string_view name);

// The most bytes of one packument accepted from a registry (256 MiB): more is cut and
// Code::integrity.
inline constexpr std::uint64_t k_max_packument_bytes = 256ull << 20;

// The GET of `name`'s packument from an http(s) registry, with npm's Accept header and,
// when given, the cached validators as If-None-Match / If-Modified-Since, its body capped
// at k_max_packument_bytes. Throws cairn::Error(Code::usage) for a folder base.
net::Request packument_request(const RegistryBase& base, std::string_view name,
                               const std::optional<store::Validators>& validators = std::nullopt);

// <root>/<name>/index.json. Throws cairn::Error(Code::not_found) for a name that is not a
// package name a folder can hold (empty, "." or ".." components, more than one '/', '/'
// in an unscoped name, backslashes or NUL).
std::filesystem::path packument_file(const std::filesystem::path& root, std::string_view name);

// A folder registry's packument of `name`; nullopt when the folder has no such package.
// Throws Code::integrity (parse_packument) for a document that is not a packument of that
// name, Code::io when the file exists but cannot be read.
std::optional<Packument> read_folder_packument(const RegistryBase& base, std::string_view name);

// Cache rows.
store::CachedDocument cached_packument(const Packument& packument, const net::Response& response,
                                       store::UnixSeconds now);
store::CachedDocument cached_absence(const net::Response& response, store::UnixSeconds now);

} // namespace cairn::protocol::npm
