// Packument JSON -> Packument, with simdjson's DOM parser: full documents carry readmes
// and every manifest field, and only a few fields per version matter here.
#include "cairn/core/error.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <fmt/format.h>
#include <simdjson.h>

namespace cairn::protocol::npm {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Error bad_document(std::string_view source, const std::string& why) {
    Error error(Code::integrity,
                fmt::format("the registry document {} is not a valid packument", source));
    error.caused_by(why);
    error.hint("the registry or a proxy in between served something else; retry, or check the "
               "registry URL in `cairn config explain formats.npm`");
    return error;
}

std::optional<std::string> string_field(object obj, const char* key) {
    std::string_view value;
    if (obj[key].get(value) == simdjson::SUCCESS)
        return std::string(value);
    return std::nullopt;
}

std::vector<NameRange> name_ranges(object release, const char* key) {
    std::vector<NameRange> out;
    object deps;
    if (release[key].get(deps) != simdjson::SUCCESS)
        return out;
    for (auto field : deps) {
        std::string_view spec;
        // npm tolerates odd values in old manifests; a non-string spec is ignored as npm does.
        if (field.value.get(spec) == simdjson::SUCCESS)
            out.emplace_back(std::string(field.key), std::string(spec));
    }
    return out;
}

std::vector<std::string> string_list(object release, const char* key) {
    std::vector<std::string> out;
    element value;
    if (release[key].get(value) != simdjson::SUCCESS)
        return out;
    std::string_view single;
    if (value.get(single) == simdjson::SUCCESS)
        return {std::string(single)};
    simdjson::dom::array items;
    if (value.get(items) != simdjson::SUCCESS)
        return out;
    for (auto item : items) {
        std::string_view s;
        if (item.get(s) == simdjson::SUCCESS)
            out.emplace_back(s);
    }
    return out;
}

PackumentRelease read_release(std::string_view version, object release,
                              const std::optional<object>& times, std::string_view source) {
    PackumentRelease r;
    r.version = std::string(version);
    r.dependencies = name_ranges(release, "dependencies");
    r.optional_dependencies = name_ranges(release, "optionalDependencies");
    r.peer_dependencies = name_ranges(release, "peerDependencies");
    object meta;
    if (release["peerDependenciesMeta"].get(meta) == simdjson::SUCCESS) {
        for (auto field : meta) {
            object entry;
            bool optional = false;
            if (field.value.get(entry) == simdjson::SUCCESS &&
                entry["optional"].get(optional) == simdjson::SUCCESS && optional)
                r.optional_peers.emplace_back(field.key);
        }
    }
    object dist;
    if (release["dist"].get(dist) != simdjson::SUCCESS)
        throw bad_document(source, fmt::format("version {} has no dist object", version));
    r.tarball = string_field(dist, "tarball").value_or("");
    if (r.tarball.empty())
        throw bad_document(source, fmt::format("version {} has no dist.tarball", version));
    r.integrity = string_field(dist, "integrity").value_or("");
    r.shasum = string_field(dist, "shasum").value_or("");
    // `deprecated` is a message; an empty string or false means not deprecated.
    if (auto message = string_field(release, "deprecated"); message && !message->empty())
        r.deprecated = message;
    r.os = string_list(release, "os");
    r.cpu = string_list(release, "cpu");
    r.libc = string_list(release, "libc");
    bool flag = false;
    if (release["hasInstallScript"].get(flag) == simdjson::SUCCESS) {
        r.has_install_script = flag;
    } else {
        object scripts;
        if (release["scripts"].get(scripts) == simdjson::SUCCESS)
            for (const char* name : {"preinstall", "install", "postinstall"})
                r.has_install_script = r.has_install_script || scripts[name].error() == 0;
    }
    object engines;
    if (release["engines"].get(engines) == simdjson::SUCCESS)
        r.engines_node = string_field(engines, "node").value_or("");
    element bin;
    r.has_bin = release["bin"].get(bin) == simdjson::SUCCESS && !bin.is_null();
    if (times)
        r.published = string_field(*times, std::string(version).c_str());
    return r;
}

} // namespace

Packument parse_packument(std::string_view json, std::string_view expected_name,
                          std::string_view source) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    element root;
    if (auto error = parser.parse(padded).get(root))
        throw bad_document(source, fmt::format("not JSON: {}", simdjson::error_message(error)));
    object doc;
    if (root.get(doc) != simdjson::SUCCESS)
        throw bad_document(source, "the document is not a JSON object");
    Packument p;
    p.name = string_field(doc, "name").value_or("");
    if (p.name != expected_name)
        throw bad_document(source,
                           fmt::format("it describes \"{}\", not \"{}\"", p.name, expected_name));
    object tags;
    if (doc["dist-tags"].get(tags) == simdjson::SUCCESS)
        for (auto field : tags) {
            std::string_view version;
            if (field.value.get(version) == simdjson::SUCCESS)
                p.dist_tags.emplace(std::string(field.key), std::string(version));
        }
    p.modified = string_field(doc, "modified");
    std::optional<object> times;
    if (object t; doc["time"].get(t) == simdjson::SUCCESS) {
        times = t;
        if (!p.modified)
            p.modified = string_field(t, "modified");
    }
    object versions;
    if (doc["versions"].get(versions) != simdjson::SUCCESS)
        throw bad_document(source, "it has no versions object");
    for (auto field : versions) {
        object release;
        if (field.value.get(release) != simdjson::SUCCESS)
            throw bad_document(source, fmt::format("version {} is not an object", field.key));
        p.releases.push_back(read_release(field.key, release, times, source));
    }
    return p;
}

const PackumentRelease* Packument::find(std::string_view version) const {
    for (const auto& r : releases)
        if (r.version == version)
            return &r;
    return nullptr;
}

std::string packument_path(std::string_view name) {
    // Everything but unreserved characters (and a scope's leading '@') is percent-encoded,
    // so a hostile name can never change the request's path, query or fragment.
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        auto c = static_cast<unsigned char>(name[i]);
        bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved || (i == 0 && c == '@'))
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02x}", c);
    }
    return out;
}

} // namespace cairn::protocol::npm
