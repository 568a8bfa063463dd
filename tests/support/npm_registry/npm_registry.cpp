#include "support/npm_registry/npm_registry.hpp"

#include "archives/archive_writer.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/version/version.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace cairn::test {
namespace {

using Json = nlohmann::ordered_json;

std::string key_of(std::string_view name, std::string_view version) {
    return std::string(name) + "@" + std::string(version);
}

std::string basename_of(std::string_view name) {
    std::size_t slash = name.rfind('/');
    return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

Json string_map(const std::map<std::string, std::string>& map) {
    Json out = Json::object();
    for (const auto& [k, v] : map)
        out[k] = v;
    return out;
}

// The package.json inside the tarball (also the base of the packument's version entry).
Json manifest(const std::string& name, const NpmFixtureVersion& v) {
    Json m = Json::object();
    m["name"] = name;
    m["version"] = v.version;
    if (!v.dependencies.empty())
        m["dependencies"] = string_map(v.dependencies);
    if (!v.optional_dependencies.empty())
        m["optionalDependencies"] = string_map(v.optional_dependencies);
    if (!v.peer_dependencies.empty())
        m["peerDependencies"] = string_map(v.peer_dependencies);
    if (!v.optional_peers.empty()) {
        Json meta = Json::object();
        for (const auto& peer : v.optional_peers)
            meta[peer] = Json{{"optional", true}};
        m["peerDependenciesMeta"] = meta;
    }
    if (!v.bin.empty())
        m["bin"] = string_map(v.bin);
    if (!v.scripts.empty())
        m["scripts"] = string_map(v.scripts);
    if (!v.os.empty())
        m["os"] = v.os;
    if (!v.cpu.empty())
        m["cpu"] = v.cpu;
    if (!v.libc.empty())
        m["libc"] = v.libc;
    if (v.engines_node)
        m["engines"] = Json{{"node", *v.engines_node}};
    return m;
}

std::string tarball_of(const std::string& name, const NpmFixtureVersion& v, bool tampered) {
    std::vector<TarEntry> entries;
    entries.push_back(dir_entry("package"));
    entries.push_back(file_entry("package/package.json", v.package_json
                                                             ? *v.package_json
                                                             : manifest(name, v).dump(2) + "\n"));
    bool has_index = v.files.count("index.js") != 0;
    if (!has_index) {
        Json exported{{"name", name}, {"version", v.version}};
        entries.push_back(file_entry("package/index.js", "module.exports = " + exported.dump() +
                                                             ";\n" +
                                                             (tampered ? "// tampered\n" : "")));
    }
    for (const auto& [path, content] : v.files)
        entries.push_back(file_entry(
            "package/" + path, content + (tampered && path == "index.js" ? "// tampered\n" : "")));
    return make_tar(entries, Compression::gzip);
}

std::optional<version::Version> parse_version(const std::string& text) {
    return version::Version::parse(text);
}

} // namespace

NpmRegistryFixture::NpmRegistryFixture(std::filesystem::path root, NpmFixtureOptions options)
    : m_root(std::move(root)), m_options(std::move(options)) {
    if (!m_options.tarball_base.empty() && !m_options.tarball_base.ends_with('/'))
        m_options.tarball_base += '/';
}

NpmRegistryFixture& NpmRegistryFixture::add(NpmFixturePackage package) {
    std::string name = package.name;
    m_packages.insert_or_assign(std::move(name), std::move(package));
    return *this;
}

NpmFixtureVersion& NpmRegistryFixture::add_version(std::string_view name,
                                                   NpmFixtureVersion version) {
    auto it = m_packages.find(name);
    if (it == m_packages.end())
        it = m_packages.emplace(std::string(name), NpmFixturePackage{std::string(name)}).first;
    auto& versions = it->second.versions;
    m_built.erase(key_of(name, version.version));
    for (auto& existing : versions)
        if (existing.version == version.version)
            return existing = std::move(version);
    versions.push_back(std::move(version));
    return versions.back();
}

NpmFixturePackage& NpmRegistryFixture::package(std::string_view name) {
    auto it = m_packages.find(name);
    if (it == m_packages.end())
        throw std::out_of_range("no fixture package " + std::string(name));
    return it->second;
}

void NpmRegistryFixture::remove(std::string_view name) {
    auto it = m_packages.find(name);
    if (it == m_packages.end())
        return;
    for (const auto& v : it->second.versions)
        m_built.erase(key_of(name, v.version));
    m_packages.erase(it);
    std::filesystem::remove_all(m_root / std::string(name));
}

std::string NpmRegistryFixture::tarball_relative(std::string_view name, std::string_view version) {
    return std::string(name) + "/-/" + basename_of(name) + "-" + std::string(version) + ".tgz";
}

NpmRegistryFixture::Built NpmRegistryFixture::build(const NpmFixturePackage& package,
                                                    const NpmFixtureVersion& v) const {
    Built b;
    std::string honest = tarball_of(package.name, v, false);
    b.integrity = digest_bytes(DigestAlgorithm::sha512, honest).sri();
    b.shasum = digest_bytes(DigestAlgorithm::sha1, honest).hex();
    b.bytes = v.tampered_tarball ? tarball_of(package.name, v, true) : honest;
    b.actual_integrity = digest_bytes(DigestAlgorithm::sha512, b.bytes).sri();
    if (v.wrong_integrity) {
        std::string other = honest + "wrong";
        b.integrity = digest_bytes(DigestAlgorithm::sha512, other).sri();
        b.shasum = digest_bytes(DigestAlgorithm::sha1, other).hex();
    }
    return b;
}

void NpmRegistryFixture::write() {
    std::filesystem::create_directories(m_root);
    for (const auto& [name, package] : m_packages) {
        Json doc = Json::object();
        doc["_id"] = name;
        doc["name"] = name;
        // dist-tags: latest defaults to the highest (non-prerelease when there is one).
        std::optional<version::Version> highest, highest_release;
        std::string highest_text, highest_release_text;
        for (const auto& v : package.versions) {
            auto parsed = parse_version(v.version);
            if (!parsed)
                throw std::invalid_argument("fixture version " + v.version + " is not semver");
            if (!highest || *highest < *parsed) {
                highest = parsed;
                highest_text = v.version;
            }
            if (!parsed->is_prerelease() && (!highest_release || *highest_release < *parsed)) {
                highest_release = parsed;
                highest_release_text = v.version;
            }
        }
        Json tags = string_map(package.dist_tags);
        if (!tags.contains("latest") && highest)
            tags["latest"] = highest_release ? highest_release_text : highest_text;
        doc["dist-tags"] = tags;

        Json times = Json::object();
        std::string modified;
        for (const auto& v : package.versions)
            if (v.time) {
                times[v.version] = *v.time;
                modified = std::max(modified, *v.time);
            }
        if (!times.empty()) {
            times["modified"] = modified;
            doc["time"] = times;
        }

        Json versions = Json::object();
        for (const auto& v : package.versions) {
            std::string key = key_of(name, v.version);
            auto it = m_built.find(key);
            if (it == m_built.end())
                it = m_built.emplace(key, build(package, v)).first;
            const Built& b = it->second;
            write_file(m_root / tarball_relative(name, v.version), b.bytes);
            Json entry = manifest(name, v);
            if (v.deprecated)
                entry["deprecated"] = *v.deprecated;
            entry["dist"] =
                Json{{"integrity", b.integrity},
                     {"shasum", b.shasum},
                     {"tarball", m_options.tarball_base + tarball_relative(name, v.version)}};
            versions[v.version] = entry;
        }
        doc["versions"] = versions;
        write_file(packument_path(name), doc.dump(2) + "\n");
    }
}

std::string NpmRegistryFixture::file_url() const {
    std::string path = std::filesystem::absolute(m_root).lexically_normal().string();
    if (!path.ends_with('/'))
        path += '/';
    return "file://" + path;
}

const NpmRegistryFixture::Built& NpmRegistryFixture::built(std::string_view name,
                                                           std::string_view version) const {
    auto it = m_built.find(key_of(name, version));
    if (it == m_built.end())
        throw std::out_of_range("fixture " + key_of(name, version) +
                                " does not exist or was not written yet");
    return it->second;
}

std::string NpmRegistryFixture::integrity(std::string_view name, std::string_view version) const {
    return built(name, version).integrity;
}

std::string NpmRegistryFixture::shasum(std::string_view name, std::string_view version) const {
    return built(name, version).shasum;
}

std::string NpmRegistryFixture::actual_integrity(std::string_view name,
                                                 std::string_view version) const {
    return built(name, version).actual_integrity;
}

std::filesystem::path NpmRegistryFixture::tarball_path(std::string_view name,
                                                       std::string_view version) const {
    return m_root / tarball_relative(name, version);
}

std::string NpmRegistryFixture::tarball_reference(std::string_view name,
                                                  std::string_view version) const {
    built(name, version);
    return m_options.tarball_base + tarball_relative(name, version);
}

std::filesystem::path NpmRegistryFixture::packument_path(std::string_view name) const {
    return m_root / std::string(name) / "index.json";
}

} // namespace cairn::test
