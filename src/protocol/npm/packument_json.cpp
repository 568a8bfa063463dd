// Packument JSON -> Packument, with simdjson's On-Demand parser: full documents carry
// readmes and every manifest field, and only a few fields per version matter here. Read
// on demand, the rest is skipped over rather than built into a DOM (building its tape, with
// a copy of every string, was a fifth of the decoding thread's time in a large project's
// cold install, and 16 MB of the install's peak memory). What is skipped must be well formed in its
// structure (a cut document is refused wherever it is cut), not in its atoms: a mangled `true` in a
// field nothing reads is not looked at.
#include "cairn/core/error.hpp"
#include "cairn/protocol/npm/packument.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <bitset>
#include <unordered_map>

namespace cairn::protocol::npm {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

Error bad_document(std::string_view source, const std::string& why) {
    Error error(Code::integrity,
                fmt::format("the registry document {} is not a valid packument", source));
    error.caused_by(why);
    error.hint("the registry or a proxy in between served something else; retry, or check the "
               "registry URL in `cairn config explain formats.npm`");
    return error;
}

// Reading one document: what is not JSON is refused, naming simdjson's reason.
class Reading {
public:
    explicit Reading(std::string_view source) : m_source(source) {}

    [[noreturn]] void fail(const std::string& why) const { throw bad_document(m_source, why); }

    template <typename T>
    T must(simdjson::simdjson_result<T> result) const {
        T value;
        if (error_code error = std::move(result).get(value))
            fail(fmt::format("not JSON: {}", simdjson::error_message(error)));
        return value;
    }

    od::json_type type(od::value& value) const { return must(value.type()); }

    // The value when it is of that type; nothing (the value left to be skipped) otherwise.
    std::optional<std::string_view> string(od::value& value) const {
        if (type(value) != od::json_type::string)
            return std::nullopt;
        return must(value.get_string());
    }
    std::optional<od::object> object(od::value& value) const {
        if (type(value) != od::json_type::object)
            return std::nullopt;
        return must(value.get_object());
    }
    std::optional<bool> boolean(od::value& value) const {
        if (type(value) != od::json_type::boolean)
            return std::nullopt;
        return must(value.get_bool());
    }

    // Calls `each(key, value)` for every field of `obj`, in order.
    template <typename Each>
    void fields(od::object& obj, Each&& each) const {
        for (auto item : obj) {
            od::field field = must(std::move(item));
            std::string_view key = key_of(field);
            od::value value = field.value();
            each(key, value);
        }
    }

private:
    // A key as the document has it when it has no escape (nearly always: read in place),
    // else unescaped into the parser's buffer. The document was checked to close every
    // string it opens.
    std::string_view key_of(od::field& field) const {
        const char* begin = field.key().raw();
        const char* end = begin;
        while (*end != '"' && *end != '\\')
            ++end;
        if (*end == '"')
            return {begin, static_cast<std::size_t>(end - begin)};
        return must(field.unescaped_key());
    }

    std::string_view m_source;
};

std::vector<NameRange> name_ranges(const Reading& read, od::object deps) {
    std::vector<NameRange> out;
    read.fields(deps, [&](std::string_view name, od::value& value) {
        // npm tolerates odd values in old manifests; a non-string spec is ignored as npm does.
        if (auto spec = read.string(value))
            out.emplace_back(std::string(name), std::string(*spec));
    });
    return out;
}

std::vector<std::string> string_list(const Reading& read, od::value& value) {
    std::vector<std::string> out;
    switch (read.type(value)) {
    case od::json_type::string:
        out.emplace_back(read.must(value.get_string()));
        break;
    case od::json_type::array:
        for (auto item : read.must(value.get_array())) {
            od::value element = read.must(std::move(item));
            if (auto s = read.string(element))
                out.emplace_back(*s);
        }
        break;
    default:
        break;
    }
    return out;
}

// The fields of a release that matter, in one pass over its fields. Of duplicate keys the
// first counts (as a lookup by key would find it); `hasInstallScript` outranks `scripts`
// wherever each appears.
PackumentRelease read_release(const Reading& read, std::string_view version, od::object release) {
    PackumentRelease r;
    r.version = std::string(version);
    enum Field {
        dependencies,
        optional_dependencies,
        peer_dependencies,
        peers_meta,
        dist,
        scripts,
        engines,
        deprecated,
        os,
        cpu,
        libc,
        install_flag,
        bin,
        field_count
    };
    std::bitset<field_count> seen;
    auto first = [&seen](Field field) {
        bool fresh = !seen.test(field);
        seen.set(field);
        return fresh;
    };
    bool dist_object = false;
    std::optional<bool> install_flag_value;
    bool install_scripts = false;
    read.fields(release, [&](std::string_view key, od::value& value) {
        if (key == "dependencies" && first(dependencies)) {
            if (auto deps = read.object(value))
                r.dependencies = name_ranges(read, *deps);
        } else if (key == "dist" && first(dist)) {
            auto obj = read.object(value);
            if (!obj)
                return;
            dist_object = true;
            // tarball, integrity, shasum: the first of each counts.
            static constexpr std::string_view k_dist_fields[] = {"tarball", "integrity", "shasum"};
            std::string* slots[] = {&r.tarball, &r.integrity, &r.shasum};
            std::bitset<3> dist_seen;
            read.fields(*obj, [&](std::string_view name, od::value& field) {
                for (std::size_t i = 0; i < 3; ++i) {
                    if (name != k_dist_fields[i])
                        continue;
                    if (!dist_seen.test(i)) {
                        dist_seen.set(i);
                        if (auto text = read.string(field))
                            *slots[i] = std::string(*text);
                    }
                    return;
                }
            });
        } else if (key == "optionalDependencies" && first(optional_dependencies)) {
            if (auto deps = read.object(value))
                r.optional_dependencies = name_ranges(read, *deps);
        } else if (key == "peerDependencies" && first(peer_dependencies)) {
            if (auto deps = read.object(value))
                r.peer_dependencies = name_ranges(read, *deps);
        } else if (key == "peerDependenciesMeta" && first(peers_meta)) {
            if (auto meta = read.object(value))
                read.fields(*meta, [&](std::string_view name, od::value& entry) {
                    auto flags = read.object(entry);
                    if (!flags)
                        return;
                    bool found = false;
                    bool optional = false;
                    read.fields(*flags, [&](std::string_view flag, od::value& v) {
                        if (flag != "optional" || std::exchange(found, true))
                            return;
                        optional = read.boolean(v).value_or(false);
                    });
                    if (optional)
                        r.optional_peers.emplace_back(name);
                });
        } else if (key == "scripts" && first(scripts)) {
            if (auto obj = read.object(value))
                read.fields(*obj, [&](std::string_view name, od::value&) {
                    install_scripts = install_scripts || name == "preinstall" ||
                                      name == "install" || name == "postinstall";
                });
        } else if (key == "engines" && first(engines)) {
            if (auto obj = read.object(value)) {
                bool found = false;
                read.fields(*obj, [&](std::string_view name, od::value& v) {
                    if (name == "node" && !std::exchange(found, true))
                        r.engines_node = std::string(read.string(v).value_or(""));
                });
            }
        } else if (key == "deprecated" && first(deprecated)) {
            // A message; an empty string or false means not deprecated.
            if (auto message = read.string(value); message && !message->empty())
                r.deprecated = std::string(*message);
        } else if (key == "os" && first(os)) {
            r.os = string_list(read, value);
        } else if (key == "cpu" && first(cpu)) {
            r.cpu = string_list(read, value);
        } else if (key == "libc" && first(libc)) {
            r.libc = string_list(read, value);
        } else if (key == "hasInstallScript" && first(install_flag)) {
            install_flag_value = read.boolean(value);
        } else if (key == "bin" && first(bin)) {
            r.has_bin = read.type(value) != od::json_type::null;
        }
    });
    if (!dist_object)
        read.fail(fmt::format("version {} has no dist object", version));
    if (r.tarball.empty())
        read.fail(fmt::format("version {} has no dist.tarball", version));
    r.has_install_script = install_flag_value ? *install_flag_value : install_scripts;
    return r;
}

// Reads the document the parser iterates: the name, dist-tags, the time object (which
// full packuments put after the versions) and the releases, in one pass.
Packument read_root(simdjson::simdjson_result<od::document> iterated,
                    std::string_view expected_name, std::string_view source) {
    Reading read(source);
    od::document doc = read.must(std::move(iterated));
    if (read.must(doc.type()) != od::json_type::object)
        read.fail("the document is not a JSON object");
    od::object root = read.must(doc.get_object());
    Packument p;
    // time: version -> publication time (views into the parser's strings, alive as long
    // as the document is read).
    std::unordered_map<std::string_view, std::string_view> times;
    bool have_name = false, have_tags = false, have_modified = false, have_time = false;
    bool have_versions = false;
    read.fields(root, [&](std::string_view key, od::value& value) {
        if (key == "name" && !std::exchange(have_name, true)) {
            p.name = std::string(read.string(value).value_or(""));
            if (p.name != expected_name)
                read.fail(fmt::format("it describes \"{}\", not \"{}\"", p.name, expected_name));
        } else if (key == "dist-tags" && !std::exchange(have_tags, true)) {
            if (auto tags = read.object(value))
                read.fields(*tags, [&](std::string_view tag, od::value& v) {
                    if (auto version = read.string(v))
                        p.dist_tags.emplace(std::string(tag), std::string(*version));
                });
        } else if (key == "modified" && !std::exchange(have_modified, true)) {
            if (auto text = read.string(value))
                p.modified = std::string(*text);
        } else if (key == "time" && !std::exchange(have_time, true)) {
            if (auto obj = read.object(value))
                read.fields(*obj, [&](std::string_view version, od::value& v) {
                    if (auto when = read.string(v))
                        times.try_emplace(version, *when); // the first of duplicate keys
                });
        } else if (key == "versions" && !std::exchange(have_versions, true)) {
            auto versions = read.object(value);
            if (!versions)
                read.fail("it has no versions object");
            read.fields(*versions, [&](std::string_view version, od::value& release) {
                auto obj = read.object(release);
                if (!obj)
                    read.fail(fmt::format("version {} is not an object", version));
                p.releases.push_back(read_release(read, version, *obj));
            });
        }
    });
    if (p.name != expected_name)
        read.fail(fmt::format("it describes \"{}\", not \"{}\"", p.name, expected_name));
    if (!have_versions)
        read.fail("it has no versions object");
    if (auto it = times.find("modified"); !p.modified && it != times.end())
        p.modified = std::string(it->second);
    if (!times.empty())
        for (auto& release : p.releases)
            if (auto it = times.find(release.version); it != times.end())
                release.published = std::string(it->second);
    return p;
}

} // namespace

Packument parse_packument(std::string_view json, std::string_view expected_name,
                          std::string_view source) {
    od::parser parser;
    simdjson::padded_string padded(json);
    return read_root(parser.iterate(padded), expected_name, source);
}

struct PackumentParser::State {
    od::parser parser;
    std::size_t capacity = 0;
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
        // Made at once for any document up to `reserved` bytes. (When that fails, iterate
        // makes them itself, as large as the document.)
        std::size_t capacity = std::max(length, state.reserved);
        if (state.parser.allocate(capacity) == simdjson::SUCCESS)
            state.capacity = capacity;
    }
    return read_root(state.parser.iterate(json.data(), length, json.size()), expected_name, source);
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
