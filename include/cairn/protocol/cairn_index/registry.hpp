#pragma once

#include "cairn/core/digest.hpp"
#include "cairn/store/metadata_cache.hpp"
#include "cairn/store/store.hpp"
#include "cairn/trust/ssh_key.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::net {
class Client;
}

// The `cairn-index` protocol (docs/cairn-index.md, section 7): a registry is a folder of
// static files, read over file:// (or a plain path) or http(s)://, and written only as a
// local folder.
//
//   cairn-registry.json                                 {"format":"cairn-registry/1",
//                                                        "packages":{scope: "<owner-id>/<scope>"}}
//   packages/<owner folder>/<scope>.json                package index (signed head)
//   packages/<owner folder>/<scope>.history/<seq>.json  every earlier document of the chain
//   indexes/<owner folder>/<scope>/<name>.json          version index (signed head)
//   indexes/<owner folder>/<scope>/<name>.history/<seq>.json
//   blobs/sha256/<2 hex>/<64 hex>                       release archives
//
// The owner folder is the owner id with ':' as '-' and base64's '/' and '+' as '_' and '-'
// ("SHA256-RdOt4g..."), so that it is one path component.
namespace cairn::protocol::cairn_index {

inline constexpr std::string_view k_registry_file = "cairn-registry.json";
inline constexpr std::string_view k_registry_format = "cairn-registry/1";

std::string owner_folder(const trust::Fingerprint& owner);
std::string version_index_path(const trust::Fingerprint& owner, std::string_view name);
std::string version_index_history_path(const trust::Fingerprint& owner, std::string_view name,
                                       std::uint64_t seq);
std::string package_index_path(const trust::Fingerprint& owner, std::string_view name);
std::string package_index_history_path(const trust::Fingerprint& owner, std::string_view name,
                                       std::uint64_t seq);
std::string blob_path(const Digest& digest);

// cairn-registry.json: which package index serves each scope. It is not signed: it only
// says where to look; the package index it names is verified (signature, chain, trust).
struct RegistryDirectory {
    std::map<std::string, std::string> packages; // scope -> "<owner-id>/<scope>"

    std::string to_json() const;
    // Throws Error(Code::integrity) "<source>: invalid registry file: ...".
    static RegistryDirectory parse(std::string_view text, std::string_view source);
};

enum class RegistryKind { folder, http };

struct ReaderOptions {
    net::Client* client = nullptr;         // for http(s) registries; null means offline
    store::MetadataCache* cache = nullptr; // ETags and offline copies of documents
};

// A document as read, and whether it came from the metadata cache.
struct FetchedDocument {
    std::string text;
    bool from_cache = false;
    store::UnixSeconds fetched_at = 0;
};

// Reads one registry. Documents of http registries are cached in the metadata cache (with
// their ETag, revalidated with If-None-Match); offline, or when the registry cannot be
// reached, the cached copy is used (from_cache).
class RegistryReader {
public:
    // `location`: "file:///path", "http(s)://host/path" or a filesystem path. Throws
    // Error(Code::usage) for another scheme.
    RegistryReader(std::string_view location, ReaderOptions options);

    RegistryKind kind() const { return m_kind; }
    // The location as given, normalised ("file:///abs/path" for folders).
    const std::string& location() const { return m_location; }
    const std::filesystem::path& folder() const { return m_folder; }

    // The document at `path` (a layout path above); nullopt when the registry has none.
    // Throws Error(Code::offline_miss) offline without a cached copy, the network codes
    // otherwise.
    std::optional<FetchedDocument> read(std::string_view path) const;
    // The registry's cairn-registry.json. Throws Error(Code::not_found) when missing.
    RegistryDirectory directory() const;

    // Copies (folder) or downloads (http) the blob into the store, verified against
    // `digest` and `size`. Throws Error(Code::integrity) on a mismatch, Code::not_found when
    // the registry lacks it, Code::offline_miss offline.
    store::BlobInfo fetch_blob(const store::Store& store, const Digest& digest,
                               std::uint64_t size) const;

private:
    std::string url_of(std::string_view path) const;

    RegistryKind m_kind;
    std::string m_location;
    std::filesystem::path m_folder;
    ReaderOptions m_options;
};

// Writing a registry folder (publish, index new, registry init). Every file is written to
// a temporary beside it and renamed into place, so readers never see half a document.
class RegistryFolder {
public:
    explicit RegistryFolder(std::filesystem::path root);
    const std::filesystem::path& root() const { return m_root; }

    // Creates an empty registry (cairn-registry.json with no packages). Throws
    // Error(Code::usage) when `root` already holds a registry or other files.
    static RegistryFolder create(const std::filesystem::path& root);
    // Throws Error(Code::not_found) when `root` holds no cairn-registry.json.
    static RegistryFolder open(const std::filesystem::path& root);

    RegistryDirectory directory() const;
    void write_directory(const RegistryDirectory& directory) const;
    std::optional<std::string> read(std::string_view path) const;
    void write(std::string_view path, std::string_view text) const;
    // Copies a verified file into blobs/ (no-op when present); returns its registry path.
    std::string put_blob(const std::filesystem::path& file, const Digest& digest) const;

private:
    std::filesystem::path m_root;
};

// Writes `text` to `path` atomically (temporary + rename), creating parent folders.
void write_file_atomic(const std::filesystem::path& path, std::string_view text);
// The whole file; nullopt when it does not exist. Throws Error(Code::io) otherwise.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

} // namespace cairn::protocol::cairn_index
