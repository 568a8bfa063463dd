// Packument JSON -> Packument, with simdjson's DOM parser: full documents carry readmes
// and every manifest field, and only a few fields per version matter here.
#include "cairn/core/error.hpp"
#include "cairn/core/prefault.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
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
    std::optional<element> dependencies, optional_dependencies, peer_dependencies, peers_meta;
    std::optional<element> dist, scripts, engines, deprecated, os, cpu, libc, has_install_script,
        bin;
};

using FieldSlot = std::optional<element> ReleaseFields::*;
constexpr std::pair<std::string_view, FieldSlot> k_release_fields[] = {
    {"dependencies", &ReleaseFields::dependencies},
    {"dist", &ReleaseFields::dist},
    {"optionalDependencies", &ReleaseFields::optional_dependencies},
    {"peerDependencies", &ReleaseFields::peer_dependencies},
    {"peerDependenciesMeta", &ReleaseFields::peers_meta},
    {"scripts", &ReleaseFields::scripts},
    {"engines", &ReleaseFields::engines},
    {"deprecated", &ReleaseFields::deprecated},
    {"os", &ReleaseFields::os},
    {"cpu", &ReleaseFields::cpu},
    {"libc", &ReleaseFields::libc},
    {"hasInstallScript", &ReleaseFields::has_install_script},
    {"bin", &ReleaseFields::bin},
};

ReleaseFields release_fields(object release) {
    ReleaseFields f;
    for (auto field : release)
        for (const auto& [key, slot] : k_release_fields)
            if (field.key == key) {
                if (!(f.*slot))
                    f.*slot = field.value;
                break;
            }
    return f;
}

// The field's value when it is an object.
std::optional<object> object_of(const std::optional<element>& value) {
    object obj;
    if (value && value->get(obj) == simdjson::SUCCESS)
        return obj;
    return std::nullopt;
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
    r.dependencies = name_ranges(object_of(f.dependencies));
    r.optional_dependencies = name_ranges(object_of(f.optional_dependencies));
    r.peer_dependencies = name_ranges(object_of(f.peer_dependencies));
    if (auto meta = object_of(f.peers_meta)) {
        for (auto field : *meta) {
            object entry;
            bool optional = false;
            if (field.value.get(entry) == simdjson::SUCCESS &&
                entry["optional"].get(optional) == simdjson::SUCCESS && optional)
                r.optional_peers.emplace_back(field.key);
        }
    }
    std::optional<object> dist = object_of(f.dist);
    if (!dist)
        throw bad_document(source, fmt::format("version {} has no dist object", version));
    r.tarball = string_field(*dist, "tarball").value_or("");
    if (r.tarball.empty())
        throw bad_document(source, fmt::format("version {} has no dist.tarball", version));
    r.integrity = string_field(*dist, "integrity").value_or("");
    r.shasum = string_field(*dist, "shasum").value_or("");
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
    } else if (auto scripts = object_of(f.scripts)) {
        for (const char* name : {"preinstall", "install", "postinstall"})
            r.has_install_script = r.has_install_script || (*scripts)[name].error() == 0;
    }
    if (auto engines = object_of(f.engines))
        r.engines_node = string_field(*engines, "node").value_or("");
    r.has_bin = f.bin && !f.bin->is_null();
    if (times)
        if (auto it = times->find(version); it != times->end())
            r.published = std::string(it->second);
    return r;
}

Packument read_root(simdjson::simdjson_result<element> parsed, std::string_view expected_name,
                    std::string_view source) {
    element root;
    if (auto error = parsed.get(root))
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
    // Room for every release at once: grown by doubling, a document of thousands moved
    // each release over and over (and faulted in the memory for it anew).
    p.releases.reserve(versions.size());
    prefault(p.releases.data(), p.releases.capacity() * sizeof(PackumentRelease));
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
    return read_root(parser.parse(padded), expected_name, source);
}

struct PackumentParser::State {
    simdjson::dom::parser parser;
    simdjson::dom::document document; // the tape, made as large as the parser's buffers
    std::size_t capacity = 0;         // of both
    std::size_t reserved = 0;
};

PackumentParser::PackumentParser(std::size_t reserved) : m_state(std::make_unique<State>()) {
    m_state->reserved = reserved;
}

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
    State& state = *m_state;
    if (length > state.capacity) {
        // Made at once for any document up to `reserved` bytes. (When they fail, parsing
        // makes them itself, as large as the document.)
        std::size_t capacity = std::max(length, state.reserved);
        if (state.parser.allocate(capacity) == simdjson::SUCCESS &&
            state.document.allocate(capacity) == simdjson::SUCCESS)
            state.capacity = capacity;
    }
    return read_root(state.parser.parse_into_document(state.document, json.data(), length, false),
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
