// Packument JSON -> Packument, with simdjson's DOM parser: full documents carry readmes
// and every manifest field, and only a few fields per version matter here.
#include "cairn/core/error.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <unordered_map>

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

// time: version -> publication time, read once (a DOM object lookup is a linear scan, and
// a packument with a thousand versions would scan its time object a thousand times).
using Times = std::unordered_map<std::string_view, std::string_view>;

Times read_times(object times) {
    Times out;
    out.reserve(times.size());
    for (auto field : times) {
        std::string_view when;
        if (field.value.get(when) == simdjson::SUCCESS)
            out.try_emplace(field.key, when); // the first of duplicate keys, as obj[key] finds
    }
    return out;
}

// The fields of a release that matter, found in one pass over its fields (a full manifest
// has dozens; looking each one up would scan them all every time). Of duplicate keys the
// first counts, as obj[key] would find it.
struct ReleaseFields {
    std::optional<object> dependencies, optional_dependencies, peer_dependencies, peers_meta;
    std::optional<object> dist, scripts, engines;
    std::optional<element> deprecated, os, cpu, libc, has_install_script, bin;
};

template <typename T>
void keep_first(std::optional<T>& slot, element value) {
    if (!slot)
        slot = value;
}

void keep_first_object(std::optional<object>& slot, bool& seen, element value) {
    if (seen)
        return;
    seen = true;
    object obj;
    if (value.get(obj) == simdjson::SUCCESS)
        slot = obj;
}

ReleaseFields release_fields(object release) {
    ReleaseFields f;
    // Whether a key was met (an object slot stays empty when its value is not an object).
    bool seen[7] = {};
    for (auto field : release) {
        std::string_view key = field.key;
        if (key.empty())
            continue;
        switch (key[0]) {
        case 'b':
            if (key == "bin")
                keep_first(f.bin, field.value);
            break;
        case 'c':
            if (key == "cpu")
                keep_first(f.cpu, field.value);
            break;
        case 'd':
            if (key == "dependencies")
                keep_first_object(f.dependencies, seen[0], field.value);
            else if (key == "dist")
                keep_first_object(f.dist, seen[1], field.value);
            else if (key == "deprecated")
                keep_first(f.deprecated, field.value);
            break;
        case 'e':
            if (key == "engines")
                keep_first_object(f.engines, seen[2], field.value);
            break;
        case 'h':
            if (key == "hasInstallScript")
                keep_first(f.has_install_script, field.value);
            break;
        case 'l':
            if (key == "libc")
                keep_first(f.libc, field.value);
            break;
        case 'o':
            if (key == "optionalDependencies")
                keep_first_object(f.optional_dependencies, seen[3], field.value);
            else if (key == "os")
                keep_first(f.os, field.value);
            break;
        case 'p':
            if (key == "peerDependencies")
                keep_first_object(f.peer_dependencies, seen[4], field.value);
            else if (key == "peerDependenciesMeta")
                keep_first_object(f.peers_meta, seen[5], field.value);
            break;
        case 's':
            if (key == "scripts")
                keep_first_object(f.scripts, seen[6], field.value);
            break;
        default:
            break;
        }
    }
    return f;
}

std::vector<NameRange> name_ranges(const std::optional<object>& deps) {
    std::vector<NameRange> out;
    if (!deps)
        return out;
    out.reserve(deps->size());
    for (auto field : *deps) {
        std::string_view spec;
        // npm tolerates odd values in old manifests; a non-string spec is ignored as npm does.
        if (field.value.get(spec) == simdjson::SUCCESS)
            out.emplace_back(std::string(field.key), std::string(spec));
    }
    return out;
}

std::vector<std::string> string_list(const std::optional<element>& value) {
    std::vector<std::string> out;
    if (!value)
        return out;
    std::string_view single;
    if (value->get(single) == simdjson::SUCCESS)
        return {std::string(single)};
    simdjson::dom::array items;
    if (value->get(items) != simdjson::SUCCESS)
        return out;
    for (auto item : items) {
        std::string_view s;
        if (item.get(s) == simdjson::SUCCESS)
            out.emplace_back(s);
    }
    return out;
}

PackumentRelease read_release(std::string_view version, object release, const Times* times,
                              std::string_view source) {
    ReleaseFields f = release_fields(release);
    PackumentRelease r;
    r.version = std::string(version);
    r.dependencies = name_ranges(f.dependencies);
    r.optional_dependencies = name_ranges(f.optional_dependencies);
    r.peer_dependencies = name_ranges(f.peer_dependencies);
    if (f.peers_meta) {
        for (auto field : *f.peers_meta) {
            object entry;
            bool optional = false;
            if (field.value.get(entry) == simdjson::SUCCESS &&
                entry["optional"].get(optional) == simdjson::SUCCESS && optional)
                r.optional_peers.emplace_back(field.key);
        }
    }
    if (!f.dist)
        throw bad_document(source, fmt::format("version {} has no dist object", version));
    r.tarball = string_field(*f.dist, "tarball").value_or("");
    if (r.tarball.empty())
        throw bad_document(source, fmt::format("version {} has no dist.tarball", version));
    r.integrity = string_field(*f.dist, "integrity").value_or("");
    r.shasum = string_field(*f.dist, "shasum").value_or("");
    // `deprecated` is a message; an empty string or false means not deprecated.
    std::string_view message;
    if (f.deprecated && f.deprecated->get(message) == simdjson::SUCCESS && !message.empty())
        r.deprecated = std::string(message);
    r.os = string_list(f.os);
    r.cpu = string_list(f.cpu);
    r.libc = string_list(f.libc);
    bool flag = false;
    if (f.has_install_script && f.has_install_script->get(flag) == simdjson::SUCCESS) {
        r.has_install_script = flag;
    } else if (f.scripts) {
        for (const char* name : {"preinstall", "install", "postinstall"})
            r.has_install_script = r.has_install_script || (*f.scripts)[name].error() == 0;
    }
    if (f.engines)
        r.engines_node = string_field(*f.engines, "node").value_or("");
    r.has_bin = f.bin && !f.bin->is_null();
    if (times)
        if (auto it = times->find(version); it != times->end())
            r.published = std::string(it->second);
    return r;
}

Packument read_document(simdjson::dom::parser& parser, simdjson::padded_string_view json,
                        std::string_view expected_name, std::string_view source) {
    element root;
    if (auto error = parser.parse(json).get(root))
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
    std::optional<Times> times;
    if (object t; doc["time"].get(t) == simdjson::SUCCESS) {
        times = read_times(t);
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
        p.releases.push_back(read_release(field.key, release, times ? &*times : nullptr, source));
    }
    return p;
}

} // namespace

Packument parse_packument(std::string_view json, std::string_view expected_name,
                          std::string_view source) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    return read_document(parser, padded, expected_name, source);
}

struct PackumentParser::State {
    simdjson::dom::parser parser;
};

PackumentParser::PackumentParser() : m_state(std::make_unique<State>()) {}

PackumentParser::~PackumentParser() = default;

Packument PackumentParser::parse(std::string& json, std::string_view expected_name,
                                 std::string_view source) {
    // simdjson reads in blocks past the end: the padding goes on the string itself (within
    // its capacity, usually) rather than into a copy of the document.
    std::size_t length = json.size();
    json.append(simdjson::SIMDJSON_PADDING, ' ');
    struct Trim {
        std::string& text;
        std::size_t length;
        ~Trim() { text.resize(length); }
    } trim{json, length};
    return read_document(m_state->parser,
                         simdjson::padded_string_view(json.data(), length, json.size()),
                         expected_name, source);
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
