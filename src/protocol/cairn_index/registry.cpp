#include "cairn/protocol/cairn_index/registry.hpp"

#include "cairn/core/error.hpp"
#include "cairn/net/client.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace cairn::protocol::cairn_index {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view k_document_encoding = "cairn-index-doc/1";

store::UnixSeconds now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

std::string owner_folder(const trust::Fingerprint& owner) {
    std::string out = owner.text();
    for (char& c : out) {
        if (c == ':')
            c = '-';
        else if (c == '/')
            c = '_';
        else if (c == '+')
            c = '-';
    }
    return out;
}

std::string version_index_path(const trust::Fingerprint& owner, std::string_view name) {
    return fmt::format("indexes/{}/{}.json", owner_folder(owner), name);
}
std::string version_index_history_path(const trust::Fingerprint& owner, std::string_view name,
                                       std::uint64_t seq) {
    return fmt::format("indexes/{}/{}.history/{}.json", owner_folder(owner), name, seq);
}
std::string package_index_path(const trust::Fingerprint& owner, std::string_view name) {
    return fmt::format("packages/{}/{}.json", owner_folder(owner), name);
}
std::string package_index_history_path(const trust::Fingerprint& owner, std::string_view name,
                                       std::uint64_t seq) {
    return fmt::format("packages/{}/{}.history/{}.json", owner_folder(owner), name, seq);
}
std::string blob_path(const Digest& digest) {
    auto hex = digest.hex();
    return fmt::format("blobs/{}/{}/{}", algorithm_name(digest.algorithm()), hex.substr(0, 2), hex);
}

std::string RegistryDirectory::to_json() const {
    nlohmann::json j = {{"format", k_registry_format}, {"packages", nlohmann::json::object()}};
    for (const auto& [scope, ref] : packages)
        j["packages"][scope] = ref;
    return j.dump(2) + "\n";
}

RegistryDirectory RegistryDirectory::parse(std::string_view text, std::string_view source) {
    auto fail = [&](std::string_view why) {
        return Error(Code::integrity, fmt::format("{}: invalid registry file: {}", source, why));
    };
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
        throw fail("not a JSON object");
    auto format = j.find("format");
    if (format == j.end() || !format->is_string())
        throw fail("format is missing");
    if (format->get<std::string>() != k_registry_format)
        throw fail(fmt::format("format \"{}\" is not {} (a newer cairn may read it)",
                               format->get<std::string>(), k_registry_format));
    RegistryDirectory out;
    auto packages = j.find("packages");
    if (packages == j.end() || !packages->is_object())
        throw fail("packages is not an object");
    for (const auto& [scope, ref] : packages->items()) {
        if (!ref.is_string())
            throw fail(fmt::format("packages.{} is not a string", scope));
        out.packages[scope] = ref.get<std::string>();
    }
    return out;
}

void write_file_atomic(const fs::path& path, std::string_view text) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    auto temp = path;
    temp += fmt::format(".tmp-{}", ::getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out)
            throw Error(Code::io, "cannot write " + path.string());
    }
    fs::rename(temp, path, ec);
    if (ec)
        throw Error(Code::io, "cannot write " + path.string()).caused_by(ec.message());
}

std::optional<std::string> read_file_if_exists(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!fs::exists(path, ec))
            return std::nullopt;
        throw Error(Code::io, "cannot read " + path.string());
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

RegistryReader::RegistryReader(std::string_view location, ReaderOptions options)
    : m_kind(RegistryKind::folder), m_options(options) {
    if (location.starts_with("http://") || location.starts_with("https://")) {
        m_kind = RegistryKind::http;
        m_location = std::string(location);
        while (m_location.ends_with("/"))
            m_location.pop_back();
        net::Url::parse(m_location + "/");
        return;
    }
    std::string_view path = location;
    if (location.starts_with("file://"))
        path.remove_prefix(7);
    else if (location.find("://") != std::string_view::npos)
        throw Error(Code::usage,
                    fmt::format("unsupported registry location \"{}\" (expected file://, "
                                "http://, https:// or a folder)",
                                location));
    if (path.empty())
        throw Error(Code::usage, "empty registry location");
    m_folder = fs::absolute(fs::path(path)).lexically_normal();
    m_location = "file://" + m_folder.string();
}

std::string RegistryReader::url_of(std::string_view path) const {
    return m_location + "/" + std::string(path);
}

std::optional<FetchedDocument> RegistryReader::read(std::string_view path) const {
    if (m_kind == RegistryKind::folder) {
        auto text = read_file_if_exists(m_folder / std::string(path));
        if (!text)
            return std::nullopt;
        return FetchedDocument{std::move(*text), false, now_seconds()};
    }
    store::IndexKey key{m_location, std::string(path)};
    std::optional<store::CachedDocument> cached;
    if (m_options.cache) {
        cached = m_options.cache->get(key);
        if (cached && cached->encoding != k_document_encoding)
            cached.reset();
    }
    auto from_cache = [&]() -> std::optional<FetchedDocument> {
        if (cached->body.empty())
            return std::nullopt; // cached absence
        return FetchedDocument{cached->body, true, cached->fetched_at};
    };
    if (!m_options.client || m_options.client->mode() == net::NetworkMode::offline) {
        if (cached)
            return from_cache();
        throw Error(Code::offline_miss,
                    fmt::format("offline: {} is not in the metadata cache", url_of(path)))
            .hint("run the command once while online to cache it, or install from a portable "
                  "package");
    }
    net::Request request{net::Url::parse(url_of(path))};
    request.on_not_found = net::OnNotFound::respond;
    request.max_size = 32u << 20;
    if (cached && !cached->validators.etag.empty())
        request.if_none_match = cached->validators.etag;
    std::optional<net::Response> fetched;
    try {
        fetched = m_options.client->fetch(std::move(request));
    } catch (const Error& e) {
        if (e.code() == Code::network && cached)
            return from_cache();
        throw;
    }
    net::Response& response = *fetched;
    auto now = now_seconds();
    if (response.not_modified && cached) {
        m_options.cache->touch(key, now);
        return from_cache();
    }
    if (response.status == 404 || response.status == 410) {
        if (m_options.cache)
            m_options.cache->put(key, {std::string(k_document_encoding), "", {}, now, {}});
        return std::nullopt;
    }
    if (m_options.cache)
        m_options.cache->put(key, {std::string(k_document_encoding),
                                   response.body,
                                   {response.etag, response.last_modified},
                                   now,
                                   {}});
    return FetchedDocument{std::move(response.body), false, now};
}

RegistryDirectory RegistryReader::directory() const {
    auto doc = read(k_registry_file);
    if (!doc)
        throw Error(Code::not_found, fmt::format("{} is not a cairn-index registry: it has no {}",
                                                 m_location, k_registry_file))
            .hint("create one with `cairn registry init DIR`");
    return RegistryDirectory::parse(doc->text, url_of(k_registry_file));
}

store::BlobInfo RegistryReader::fetch_blob(const store::Store& store, const Digest& digest,
                                           std::uint64_t size) const {
    auto path = blob_path(digest);
    if (m_kind == RegistryKind::folder) {
        auto file = m_folder / path;
        std::error_code ec;
        if (!fs::exists(file, ec))
            throw Error(Code::not_found,
                        fmt::format("{} has no blob {}", m_location, digest.text()));
        auto actual = fs::file_size(file, ec);
        if (!ec && actual != size)
            throw Error(Code::integrity,
                        fmt::format("the blob {} in {} has {} bytes, its index says {}",
                                    digest.text(), m_location, actual, size));
        return store.add_blob_file(digest, file);
    }
    if (!m_options.client)
        throw Error(Code::offline_miss,
                    fmt::format("offline: the blob {} is not in the store", digest.text()));
    auto writer = store.write_blob(digest);
    net::Request request{net::Url::parse(url_of(path))};
    request.expected_size = size;
    request.on_body = [&](std::span<const std::byte> bytes) { writer.write(bytes); };
    request.on_restart = [&] { writer.restart(); };
    m_options.client->fetch(std::move(request));
    return writer.commit();
}

RegistryFolder::RegistryFolder(fs::path root) : m_root(std::move(root)) {}

RegistryFolder RegistryFolder::create(const fs::path& root) {
    std::error_code ec;
    if (fs::exists(root / k_registry_file, ec))
        throw Error(Code::usage,
                    fmt::format("{} already holds a cairn-index registry", root.string()));
    if (fs::exists(root, ec) && !fs::is_empty(root, ec))
        throw Error(Code::usage, fmt::format("{} is not empty", root.string()))
            .hint("give a new or empty folder");
    RegistryFolder folder(fs::absolute(root).lexically_normal());
    folder.write_directory({});
    for (const char* sub : {"packages", "indexes", "blobs/sha256"})
        fs::create_directories(folder.m_root / sub);
    return folder;
}

RegistryFolder RegistryFolder::open(const fs::path& root) {
    RegistryFolder folder(fs::absolute(root).lexically_normal());
    if (!fs::exists(folder.m_root / k_registry_file))
        throw Error(Code::not_found, fmt::format("{} is not a cairn-index registry: it has no {}",
                                                 folder.m_root.string(), k_registry_file))
            .hint("create one with `cairn registry init " + root.string() + "`");
    return folder;
}

RegistryDirectory RegistryFolder::directory() const {
    auto text = read(k_registry_file);
    if (!text)
        throw Error(Code::not_found, fmt::format("{} has no {}", m_root.string(), k_registry_file));
    return RegistryDirectory::parse(*text, (m_root / k_registry_file).string());
}

void RegistryFolder::write_directory(const RegistryDirectory& directory) const {
    write(k_registry_file, directory.to_json());
}

std::optional<std::string> RegistryFolder::read(std::string_view path) const {
    return read_file_if_exists(m_root / std::string(path));
}

void RegistryFolder::write(std::string_view path, std::string_view text) const {
    write_file_atomic(m_root / std::string(path), text);
}

std::string RegistryFolder::put_blob(const fs::path& file, const Digest& digest) const {
    auto rel = blob_path(digest);
    auto dest = m_root / rel;
    std::error_code ec;
    if (fs::exists(dest, ec) && digest_file(digest.algorithm(), dest) == digest)
        return rel;
    auto actual = digest_file(digest.algorithm(), file);
    if (actual != digest)
        throw Error(Code::integrity, fmt::format("{} has digest {}, expected {}", file.string(),
                                                 actual.text(), digest.text()));
    fs::create_directories(dest.parent_path());
    auto temp = dest;
    temp += fmt::format(".tmp-{}", ::getpid());
    fs::copy_file(file, temp, fs::copy_options::overwrite_existing, ec);
    if (ec)
        throw Error(Code::io, "cannot write " + dest.string()).caused_by(ec.message());
    fs::permissions(temp, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read,
                    ec);
    fs::rename(temp, dest, ec);
    if (ec)
        throw Error(Code::io, "cannot write " + dest.string()).caused_by(ec.message());
    return rel;
}

} // namespace cairn::protocol::cairn_index
