// cairn.lock: reading and the canonical writing.
#include "cairn/lock/lockfile.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cairn::lock {

namespace {

using nlohmann::json;

// Where an invalid value was found, for messages.
struct Reader {
    std::string_view source;

    [[noreturn]] void fail(std::string_view where, std::string_view what) const {
        Error error(Code::manifest_invalid,
                    fmt::format("{}: invalid lockfile: {} {}", source, where, what));
        error.hint(fmt::format("regenerate it with `cairn lock` (delete {} if it is damaged)",
                               k_lockfile_name));
        throw error;
    }

    const json& object(const json& value, std::string_view where) const {
        if (!value.is_object())
            fail(where, "must be an object");
        return value;
    }

    std::string string(const json& parent, std::string_view key, std::string_view where,
                       bool required = false) const {
        auto it = parent.find(key);
        if (it == parent.end()) {
            if (required)
                fail(fmt::format("{}.{}", where, key), "is missing");
            return {};
        }
        if (!it->is_string())
            fail(fmt::format("{}.{}", where, key), "must be a string");
        return it->get<std::string>();
    }

    std::optional<std::string> optional_string(const json& parent, std::string_view key,
                                               std::string_view where) const {
        if (!parent.contains(key))
            return std::nullopt;
        return string(parent, key, where);
    }

    bool boolean(const json& parent, std::string_view key, std::string_view where) const {
        auto it = parent.find(key);
        if (it == parent.end())
            return false;
        if (!it->is_boolean())
            fail(fmt::format("{}.{}", where, key), "must be true or false");
        return it->get<bool>();
    }

    SpecMap specs(const json& parent, std::string_view key, std::string_view where) const {
        SpecMap out;
        auto it = parent.find(key);
        if (it == parent.end())
            return out;
        std::string path = fmt::format("{}.{}", where, key);
        object(*it, path);
        for (const auto& [name, spec] : it->items()) {
            if (!spec.is_string())
                fail(fmt::format("{}.{}", path, name), "must be a string");
            out.emplace(name, spec.get<std::string>());
        }
        return out;
    }

    std::vector<std::string> strings(const json& parent, std::string_view key,
                                     std::string_view where) const {
        std::vector<std::string> out;
        auto it = parent.find(key);
        if (it == parent.end())
            return out;
        std::string path = fmt::format("{}.{}", where, key);
        if (!it->is_array())
            fail(path, "must be an array of strings");
        for (const auto& item : *it) {
            if (!item.is_string())
                fail(path, "must be an array of strings");
            out.push_back(item.get<std::string>());
        }
        return out;
    }
};

json specs_json(const SpecMap& specs) {
    json out = json::object();
    for (const auto& [name, spec] : specs)
        out[name] = spec;
    return out;
}

json pairs_json(const std::vector<protocol::npm::NameRange>& pairs) {
    json out = json::object();
    for (const auto& [name, spec] : pairs)
        out[name] = spec;
    return out;
}

void put_nonempty(json& out, std::string_view key, const SpecMap& specs) {
    if (!specs.empty())
        out[std::string(key)] = specs_json(specs);
}

void put_nonempty(json& out, std::string_view key, const std::vector<std::string>& values) {
    if (!values.empty())
        out[std::string(key)] = values;
}

json package_json(const LockedPackage& p) {
    json out = json::object();
    if (p.name != p.package || p.name.empty())
        out["name"] = p.name;
    out["package"] = p.package;
    out["version"] = p.version;
    if (!p.integrity.empty())
        out["integrity"] = p.integrity;
    if (!p.resolved.empty())
        out["resolved"] = p.resolved;
    if (!p.fetched_from.empty())
        out["fetchedFrom"] = p.fetched_from;
    if (!p.registry.empty())
        out["registry"] = p.registry;
    if (p.link)
        out["link"] = *p.link;
    if (p.dev)
        out["dev"] = true;
    if (p.optional)
        out["optional"] = true;
    if (p.peer)
        out["peer"] = true;
    if (p.has_install_script)
        out["hasInstallScript"] = true;
    if (p.deprecated)
        out["deprecated"] = *p.deprecated;
    put_nonempty(out, "dependencies", p.dependencies);
    put_nonempty(out, "optionalDependencies", p.optional_dependencies);
    put_nonempty(out, "peerDependencies", p.peer_dependencies);
    put_nonempty(out, "optionalPeers", p.optional_peers);
    put_nonempty(out, "os", p.os);
    put_nonempty(out, "cpu", p.cpu);
    put_nonempty(out, "libc", p.libc);
    return out;
}

LockedPackage package_from_json(const Reader& r, const std::string& path, const json& value) {
    std::string where = fmt::format("packages[\"{}\"]", path);
    r.object(value, where);
    LockedPackage p;
    p.path = path;
    p.package = r.string(value, "package", where, true);
    p.name = value.contains("name") ? r.string(value, "name", where) : p.package;
    p.version = r.string(value, "version", where, true);
    p.integrity = r.string(value, "integrity", where);
    p.resolved = r.string(value, "resolved", where);
    p.fetched_from = r.string(value, "fetchedFrom", where);
    p.registry = r.string(value, "registry", where);
    p.link = r.optional_string(value, "link", where);
    p.dev = r.boolean(value, "dev", where);
    p.optional = r.boolean(value, "optional", where);
    p.peer = r.boolean(value, "peer", where);
    p.has_install_script = r.boolean(value, "hasInstallScript", where);
    p.deprecated = r.optional_string(value, "deprecated", where);
    p.dependencies = r.specs(value, "dependencies", where);
    p.optional_dependencies = r.specs(value, "optionalDependencies", where);
    p.peer_dependencies = r.specs(value, "peerDependencies", where);
    p.optional_peers = r.strings(value, "optionalPeers", where);
    p.os = r.strings(value, "os", where);
    p.cpu = r.strings(value, "cpu", where);
    p.libc = r.strings(value, "libc", where);
    if (p.integrity.empty() && !p.link)
        r.fail(where, "has neither an integrity nor a link");
    return p;
}

std::vector<protocol::npm::NameRange> pairs_from(const Reader& r, const json& value,
                                                 std::string_view key, std::string_view where) {
    std::vector<protocol::npm::NameRange> out;
    for (auto& [name, spec] : r.specs(value, key, where))
        out.emplace_back(name, spec);
    return out;
}

// Writes JSON with sorted keys and two-space indentation; objects and arrays at
// `compact_depth` or deeper, and arrays holding no object, go on one line.
void emit(std::string& out, const json& value, int depth, int compact_depth) {
    bool container = value.is_object() || value.is_array();
    bool scalar_array =
        value.is_array() &&
        std::none_of(value.begin(), value.end(), [](const json& v) { return v.is_structured(); });
    if (!container || value.empty() || depth >= compact_depth || scalar_array) {
        out += value.dump();
        return;
    }
    std::string inner(static_cast<std::size_t>(depth + 1) * 2, ' ');
    out += value.is_object() ? "{\n" : "[\n";
    bool first = true;
    if (value.is_object()) {
        for (const auto& [key, child] : value.items()) {
            out += first ? "" : ",\n";
            first = false;
            out += inner + json(key).dump() + ": ";
            emit(out, child, depth + 1, compact_depth);
        }
    } else {
        for (const auto& child : value) {
            out += first ? "" : ",\n";
            first = false;
            out += inner;
            emit(out, child, depth + 1, compact_depth);
        }
    }
    out += "\n" + std::string(static_cast<std::size_t>(depth) * 2, ' ') +
           (value.is_object() ? "}" : "]");
}

} // namespace

nlohmann::json release_to_json(const protocol::npm::PackumentRelease& release) {
    json out = json::object();
    if (!release.dependencies.empty())
        out["dependencies"] = pairs_json(release.dependencies);
    if (!release.optional_dependencies.empty())
        out["optionalDependencies"] = pairs_json(release.optional_dependencies);
    if (!release.peer_dependencies.empty())
        out["peerDependencies"] = pairs_json(release.peer_dependencies);
    put_nonempty(out, "optionalPeers", release.optional_peers);
    if (!release.tarball.empty())
        out["tarball"] = release.tarball;
    if (!release.integrity.empty())
        out["integrity"] = release.integrity;
    if (!release.shasum.empty())
        out["shasum"] = release.shasum;
    if (release.deprecated)
        out["deprecated"] = *release.deprecated;
    put_nonempty(out, "os", release.os);
    put_nonempty(out, "cpu", release.cpu);
    put_nonempty(out, "libc", release.libc);
    if (release.has_install_script)
        out["hasInstallScript"] = true;
    if (release.has_bin)
        out["hasBin"] = true;
    if (release.published)
        out["published"] = *release.published;
    if (!release.engines_node.empty())
        out["enginesNode"] = release.engines_node;
    return out;
}

protocol::npm::PackumentRelease release_from_json(const nlohmann::json& value,
                                                  std::string_view version) {
    Reader r{"portable index"};
    std::string where = fmt::format("version {}", version);
    r.object(value, where);
    protocol::npm::PackumentRelease release;
    release.version = std::string(version);
    release.dependencies = pairs_from(r, value, "dependencies", where);
    release.optional_dependencies = pairs_from(r, value, "optionalDependencies", where);
    release.peer_dependencies = pairs_from(r, value, "peerDependencies", where);
    release.optional_peers = r.strings(value, "optionalPeers", where);
    release.tarball = r.string(value, "tarball", where);
    release.integrity = r.string(value, "integrity", where);
    release.shasum = r.string(value, "shasum", where);
    release.deprecated = r.optional_string(value, "deprecated", where);
    release.os = r.strings(value, "os", where);
    release.cpu = r.strings(value, "cpu", where);
    release.libc = r.strings(value, "libc", where);
    release.has_install_script = r.boolean(value, "hasInstallScript", where);
    release.has_bin = r.boolean(value, "hasBin", where);
    release.published = r.optional_string(value, "published", where);
    release.engines_node = r.string(value, "enginesNode", where);
    return release;
}

Lockfile read_lockfile(std::string_view text, std::string_view source) {
    Reader r{source};
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        // nlohmann reports a byte offset; turn it into line:column.
        std::size_t offset = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
        std::size_t line =
            1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
        std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
        std::size_t column =
            line_start == std::string_view::npos ? offset + 1 : offset - line_start;
        Error error(Code::manifest_invalid,
                    fmt::format("{}:{}:{}: invalid lockfile: not JSON", source, line, column));
        error.hint(fmt::format("regenerate it with `cairn lock` (delete {} if it is damaged)",
                               k_lockfile_name));
        throw error;
    }
    r.object(doc, "the document");
    std::string format = r.string(doc, "format", "the document", true);
    if (format != k_lockfile_format) {
        if (format.rfind("cairn-lock/", 0) == 0) {
            Error error(Code::unsupported,
                        fmt::format("{}: lockfile format {} is newer than this cairn reads ({})",
                                    source, format, k_lockfile_format));
            error.hint("upgrade cairn, or regenerate the lockfile with `cairn lock`");
            throw error;
        }
        r.fail("format", fmt::format("is \"{}\", expected \"{}\"", format, k_lockfile_format));
    }

    Lockfile lock;
    if (auto it = doc.find("root"); it != doc.end()) {
        r.object(*it, "root");
        lock.root.dependencies = r.specs(*it, "dependencies", "root");
        lock.root.dev_dependencies = r.specs(*it, "devDependencies", "root");
        lock.root.optional_dependencies = r.specs(*it, "optionalDependencies", "root");
        lock.root.peer_dependencies = r.specs(*it, "peerDependencies", "root");
        if (auto o = it->find("overrides"); o != it->end())
            lock.root.overrides = r.object(*o, "root.overrides");
    }
    if (auto it = doc.find("packages"); it != doc.end()) {
        r.object(*it, "packages");
        for (const auto& [path, value] : it->items())
            lock.packages.emplace(path, package_from_json(r, path, value));
    }
    if (auto it = doc.find("skipped"); it != doc.end()) {
        if (!it->is_array())
            r.fail("skipped", "must be an array");
        for (const auto& entry : *it) {
            r.object(entry, "skipped[]");
            lock.skipped.push_back({r.string(entry, "name", "skipped[]", true),
                                    r.string(entry, "spec", "skipped[]"),
                                    r.string(entry, "requiredBy", "skipped[]"),
                                    r.string(entry, "reason", "skipped[]")});
        }
    }
    if (auto it = doc.find("index"); it != doc.end()) {
        r.object(*it, "index");
        for (const auto& [id, entry] : it->items()) {
            std::string where = fmt::format("index[\"{}\"]", id);
            r.object(entry, where);
            if (id.rfind("npm:", 0) != 0)
                r.fail(where, "is not an npm package id (\"npm:<name>\")");
            protocol::npm::Packument packument;
            packument.name = id.substr(4);
            packument.dist_tags = r.specs(entry, "tags", where);
            if (auto v = entry.find("versions"); v != entry.end()) {
                r.object(*v, where + ".versions");
                for (const auto& [version, release] : v->items()) {
                    try {
                        packument.releases.push_back(release_from_json(release, version));
                    } catch (Error& error) {
                        error.while_(fmt::format("reading {} {}", source, where));
                        throw;
                    }
                }
            }
            lock.index.emplace(packument.name, std::move(packument));
        }
    }
    for (const auto& [key, value] : doc.items()) {
        if (key != "format" && key != "root" && key != "packages" && key != "skipped" &&
            key != "index")
            lock.sections.emplace(key, value);
    }
    return lock;
}

std::string write_lockfile(const Lockfile& lockfile) {
    json root = json::object();
    put_nonempty(root, "dependencies", lockfile.root.dependencies);
    put_nonempty(root, "devDependencies", lockfile.root.dev_dependencies);
    put_nonempty(root, "optionalDependencies", lockfile.root.optional_dependencies);
    put_nonempty(root, "peerDependencies", lockfile.root.peer_dependencies);
    if (!lockfile.root.overrides.empty())
        root["overrides"] = lockfile.root.overrides;

    json packages = json::object();
    for (const auto& [path, package] : lockfile.packages)
        packages[path] = package_json(package);

    json skipped = json::array();
    auto sorted_skipped = lockfile.skipped;
    std::sort(sorted_skipped.begin(), sorted_skipped.end(), [](const auto& a, const auto& b) {
        return std::tie(a.name, a.required_by, a.spec) < std::tie(b.name, b.required_by, b.spec);
    });
    for (const auto& s : sorted_skipped)
        skipped.push_back({{"name", s.name},
                           {"spec", s.spec},
                           {"requiredBy", s.required_by},
                           {"reason", s.reason}});

    json index = json::object();
    for (const auto& [name, packument] : lockfile.index) {
        json entry = json::object();
        if (!packument.dist_tags.empty())
            entry["tags"] =
                specs_json(SpecMap(packument.dist_tags.begin(), packument.dist_tags.end()));
        json versions = json::object();
        for (const auto& release : packument.releases)
            versions[release.version] = release_to_json(release);
        entry["versions"] = std::move(versions);
        index["npm:" + name] = std::move(entry);
    }

    // Top-level blocks, each with its own depth at which values go on one line.
    std::string out = "{\n";
    bool first = true;
    auto block = [&](std::string_view key, const json& value, int compact_depth) {
        out += first ? "" : ",\n";
        first = false;
        out += "  " + json(std::string(key)).dump() + ": ";
        emit(out, value, 1, compact_depth);
    };
    std::map<std::string, std::pair<const json*, int>> blocks;
    json format = std::string(k_lockfile_format);
    blocks["format"] = {&format, 1};
    blocks["root"] = {&root, 99};
    blocks["packages"] = {&packages, 99};
    if (!skipped.empty())
        blocks["skipped"] = {&skipped, 3};
    if (!index.empty())
        blocks["index"] = {&index, 4};
    for (const auto& [key, value] : lockfile.sections)
        if (!blocks.contains(key))
            blocks[key] = {&value, 99};
    for (const auto& [key, entry] : blocks)
        block(key, *entry.first, entry.second);
    out += "\n}\n";
    return out;
}

} // namespace cairn::lock
