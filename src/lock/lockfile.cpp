// cairn.lock: the canonical writing (reading: lockfile_read.cpp).
#include "cairn/lock/lockfile.hpp"

#include "index_text.hpp"
#include "packages_text.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cairn::lock {

namespace {

using nlohmann::json;

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

std::string write_lockfile(const Lockfile& lockfile) {
    if (lockfile.index_skipped)
        throw Error(Code::internal, "a lockfile read without its portable index cannot be "
                                    "written: it would lose the index");
    json root = json::object();
    put_nonempty(root, "dependencies", lockfile.root.dependencies);
    put_nonempty(root, "devDependencies", lockfile.root.dev_dependencies);
    put_nonempty(root, "optionalDependencies", lockfile.root.optional_dependencies);
    put_nonempty(root, "peerDependencies", lockfile.root.peer_dependencies);
    if (!lockfile.root.overrides.empty())
        root["overrides"] = lockfile.root.overrides;

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

    // Room for the whole text up front: a lockfile is megabytes, and growing the buffer by
    // doubling holds the old and the new one at once. Pages reserved but not written cost
    // no memory, so the guess is generous (a package block, an index line: a few hundred
    // bytes each).
    std::size_t releases = 0;
    for (const auto& [name, packument] : lockfile.index)
        releases += packument.releases.size() + 1;
    for (const auto& [name, text] : lockfile.index_entries)
        releases += text.size() / 512 + 1;
    std::string out;
    out.reserve(4096 + 1024 * (lockfile.packages.size() + releases));
    // Top-level blocks, each with its own depth at which values go on one line.
    out += "{\n";
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
    blocks["packages"] = {nullptr, 0}; // written by detail::append_packages
    if (!skipped.empty())
        blocks["skipped"] = {&skipped, 3};
    if (!lockfile.index.empty() || !lockfile.index_entries.empty())
        blocks["index"] = {nullptr, 0}; // written by detail::append_index
    for (const auto& [key, value] : lockfile.sections)
        if (!blocks.contains(key))
            blocks[key] = {&value, 99};
    for (const auto& [key, entry] : blocks) {
        if (entry.first) {
            block(key, *entry.first, entry.second);
            continue;
        }
        out += first ? "" : ",\n";
        first = false;
        out += "  " + json(key).dump() + ": ";
        if (key == "packages")
            detail::append_packages(out, lockfile.packages);
        else
            detail::append_index(out, lockfile.index, lockfile.index_entries);
    }
    out += "\n}\n";
    return out;
}

} // namespace cairn::lock
