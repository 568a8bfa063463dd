// cairn.lock -> Lockfile, with simdjson's DOM parser: a large project's lockfile is a few
// megabytes (the portable index is most of it) and is read by every install.
#include "json_skim.hpp"

#include "cairn/core/error.hpp"
#include "cairn/lock/lockfile.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>

namespace cairn::lock {

namespace {

using nlohmann::json;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

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

    object as_object(element value, std::string_view where) const {
        object out;
        if (value.get(out) != simdjson::SUCCESS)
            fail(where, "must be an object");
        return out;
    }

    std::optional<element> find(object parent, std::string_view key) const {
        element value;
        if (parent.at_key(key).get(value) != simdjson::SUCCESS)
            return std::nullopt;
        return value;
    }

    std::optional<std::string> optional_string(object parent, std::string_view key,
                                               std::string_view where) const {
        auto value = find(parent, key);
        if (!value)
            return std::nullopt;
        std::string_view text;
        if (value->get(text) != simdjson::SUCCESS)
            fail(fmt::format("{}.{}", where, key), "must be a string");
        return std::string(text);
    }

    std::string string(object parent, std::string_view key, std::string_view where,
                       bool required = false) const {
        auto text = optional_string(parent, key, where);
        if (!text && required)
            fail(fmt::format("{}.{}", where, key), "is missing");
        return text.value_or("");
    }

    bool boolean(object parent, std::string_view key, std::string_view where) const {
        auto value = find(parent, key);
        if (!value)
            return false;
        bool flag = false;
        if (value->get(flag) != simdjson::SUCCESS)
            fail(fmt::format("{}.{}", where, key), "must be true or false");
        return flag;
    }

    SpecMap specs(object parent, std::string_view key, std::string_view where) const {
        SpecMap out;
        auto value = find(parent, key);
        if (!value)
            return out;
        std::string path = fmt::format("{}.{}", where, key);
        for (auto field : as_object(*value, path)) {
            std::string_view spec;
            if (field.value.get(spec) != simdjson::SUCCESS)
                fail(fmt::format("{}.{}", path, field.key), "must be a string");
            out.insert_or_assign(std::string(field.key), std::string(spec));
        }
        return out;
    }

    std::vector<std::string> strings(object parent, std::string_view key,
                                     std::string_view where) const {
        std::vector<std::string> out;
        auto value = find(parent, key);
        if (!value)
            return out;
        std::string path = fmt::format("{}.{}", where, key);
        array items;
        if (value->get(items) != simdjson::SUCCESS)
            fail(path, "must be an array of strings");
        for (auto item : items) {
            std::string_view text;
            if (item.get(text) != simdjson::SUCCESS)
                fail(path, "must be an array of strings");
            out.emplace_back(text);
        }
        return out;
    }

    // A value kept as nlohmann JSON (overrides, sections this version does not know).
    template <typename Value>
    json kept(Value value) const {
        return json::parse(simdjson::minify(value));
    }
};

std::vector<protocol::npm::NameRange> pairs_from(const Reader& r, object value,
                                                 std::string_view key, std::string_view where) {
    std::vector<protocol::npm::NameRange> out;
    for (auto& [name, spec] : r.specs(value, key, where))
        out.emplace_back(name, spec);
    return out;
}

LockedPackage package_from(const Reader& r, std::string_view path, element value) {
    std::string where = fmt::format("packages[\"{}\"]", path);
    object o = r.as_object(value, where);
    LockedPackage p;
    p.path = std::string(path);
    p.package = r.string(o, "package", where, true);
    p.name = r.optional_string(o, "name", where).value_or(p.package);
    p.version = r.string(o, "version", where, true);
    p.integrity = r.string(o, "integrity", where);
    p.resolved = r.string(o, "resolved", where);
    p.fetched_from = r.string(o, "fetchedFrom", where);
    p.registry = r.string(o, "registry", where);
    p.link = r.optional_string(o, "link", where);
    p.dev = r.boolean(o, "dev", where);
    p.optional = r.boolean(o, "optional", where);
    p.peer = r.boolean(o, "peer", where);
    p.has_install_script = r.boolean(o, "hasInstallScript", where);
    if (r.find(o, "hasBin"))
        p.has_bin = r.boolean(o, "hasBin", where);
    p.deprecated = r.optional_string(o, "deprecated", where);
    p.dependencies = r.specs(o, "dependencies", where);
    p.optional_dependencies = r.specs(o, "optionalDependencies", where);
    p.peer_dependencies = r.specs(o, "peerDependencies", where);
    p.optional_peers = r.strings(o, "optionalPeers", where);
    p.os = r.strings(o, "os", where);
    p.cpu = r.strings(o, "cpu", where);
    p.libc = r.strings(o, "libc", where);
    if (p.integrity.empty() && !p.link)
        r.fail(where, "has neither an integrity nor a link");
    return p;
}

protocol::npm::PackumentRelease release_from(const Reader& r, element value,
                                             std::string_view version) {
    std::string where = fmt::format("version {}", version);
    object o = r.as_object(value, where);
    protocol::npm::PackumentRelease release;
    release.version = std::string(version);
    release.dependencies = pairs_from(r, o, "dependencies", where);
    release.optional_dependencies = pairs_from(r, o, "optionalDependencies", where);
    release.peer_dependencies = pairs_from(r, o, "peerDependencies", where);
    release.optional_peers = r.strings(o, "optionalPeers", where);
    release.tarball = r.string(o, "tarball", where);
    release.integrity = r.string(o, "integrity", where);
    release.shasum = r.string(o, "shasum", where);
    release.deprecated = r.optional_string(o, "deprecated", where);
    release.os = r.strings(o, "os", where);
    release.cpu = r.strings(o, "cpu", where);
    release.libc = r.strings(o, "libc", where);
    release.has_install_script = r.boolean(o, "hasInstallScript", where);
    release.has_bin = r.boolean(o, "hasBin", where);
    release.published = r.optional_string(o, "published", where);
    release.engines_node = r.string(o, "enginesNode", where);
    return release;
}

// simdjson says what is wrong, not where: nlohmann, on this error path only, gives the
// byte offset, turned into line:column. (What nlohmann accepts and simdjson does not, an
// integer beyond 64 bits, has simdjson's word for it as the cause.)
[[noreturn]] void fail_not_json(std::string_view text, std::string_view source,
                                simdjson::error_code code) {
    std::string where(source);
    try {
        json parsed = json::parse(text); // throws, with the offset
        (void)parsed;
    } catch (const json::parse_error& e) {
        std::size_t offset = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
        std::size_t line =
            1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
        std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
        std::size_t column =
            line_start == std::string_view::npos ? offset + 1 : offset - line_start;
        where = fmt::format("{}:{}:{}", source, line, column);
    }
    Error error(Code::manifest_invalid, fmt::format("{}: invalid lockfile: not JSON", where));
    error.caused_by(simdjson::error_message(code));
    error.hint(fmt::format("regenerate it with `cairn lock` (delete {} if it is damaged)",
                           k_lockfile_name));
    throw error;
}

// The document's top-level object, valid while `parser` lives.
object parse_document(const Reader& r, simdjson::dom::parser& parser, std::string_view text) {
    element root;
    if (auto code = parser.parse(text.data(), text.size()).get(root); code != simdjson::SUCCESS)
        fail_not_json(text, r.source, code);
    return r.as_object(root, "the document");
}

void read_index(const Reader& r, element value, Lockfile& lock) {
    for (auto [id_view, entry] : r.as_object(value, "index")) {
        std::string id(id_view);
        std::string where = fmt::format("index[\"{}\"]", id);
        object o = r.as_object(entry, where);
        if (!id.starts_with("npm:"))
            r.fail(where, "is not an npm package id (\"npm:<name>\")");
        protocol::npm::Packument packument;
        packument.name = id.substr(4);
        for (auto& [tag, version] : r.specs(o, "tags", where))
            packument.dist_tags.insert_or_assign(tag, version);
        if (auto versions = r.find(o, "versions")) {
            for (auto [version, release] : r.as_object(*versions, where + ".versions")) {
                try {
                    packument.releases.push_back(release_from(r, release, version));
                } catch (Error& error) {
                    error.while_(fmt::format("reading {} {}", r.source, where));
                    throw;
                }
            }
            // In the order of their keys, as written.
            std::sort(packument.releases.begin(), packument.releases.end(),
                      [](const auto& a, const auto& b) { return a.version < b.version; });
        }
        lock.index.insert_or_assign(packument.name, std::move(packument));
    }
}

} // namespace

protocol::npm::PackumentRelease release_from_json(const nlohmann::json& value,
                                                  std::string_view version) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(value.dump());
    element root;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS)
        throw Error(Code::internal, "a JSON value did not parse again");
    return release_from(Reader{"portable index"}, root, version);
}

void read_skipped_index(Lockfile& lockfile, std::string_view text, std::string_view source) {
    if (!lockfile.index_skipped)
        return;
    Reader r{source};
    simdjson::dom::parser parser;
    if (auto index = r.find(parse_document(r, parser, text), "index"))
        read_index(r, *index, lockfile);
    lockfile.index_skipped = false;
}

// The document with its top-level "index" value replaced by {}, when the skim finds one
// (the index is most of a lockfile, and an install that follows the lockfile skips it).
std::optional<simdjson::padded_string> without_index(std::string_view text) {
    auto span = detail::top_level_value(text, "index");
    if (!span)
        return std::nullopt;
    constexpr std::string_view k_empty = "{}";
    std::size_t tail = text.size() - span->end;
    simdjson::padded_string out(span->begin + k_empty.size() + tail);
    char* at = out.data();
    text.copy(at, span->begin);
    k_empty.copy(at + span->begin, k_empty.size());
    text.copy(at + span->begin + k_empty.size(), tail, span->end);
    return out;
}

bool drop_index_text(std::string& text) {
    auto span = detail::top_level_value(text, "index");
    if (!span || std::string_view(text).substr(span->begin, span->end - span->begin) == "{}")
        return false;
    text.replace(span->begin, span->end - span->begin, "{}");
    text.shrink_to_fit();
    return true;
}

// The top-level object, the index left out of the parse when it is skipped.
// (The document keeps its own copy of every string: the shortened text may go.)
object parse_for(const Reader& r, simdjson::dom::parser& parser, std::string_view text,
                 IndexReading index) {
    if (index == IndexReading::skip)
        if (auto reduced = without_index(text)) {
            element root;
            if (parser.parse(*reduced).get(root) == simdjson::SUCCESS)
                return r.as_object(root, "the document");
            // Not JSON outside the index either: the whole text's parse says where.
        }
    return parse_document(r, parser, text);
}

Lockfile read_lockfile(std::string_view text, std::string_view source, IndexReading index) {
    Reader r{source};
    simdjson::dom::parser parser;
    object doc = parse_for(r, parser, text, index);
    std::string format = r.string(doc, "format", "the document", true);
    if (format != k_lockfile_format) {
        if (format.starts_with("cairn-lock/")) {
            Error error(Code::unsupported,
                        fmt::format("{}: lockfile format {} is newer than this cairn reads ({})",
                                    source, format, k_lockfile_format));
            error.hint("upgrade cairn, or regenerate the lockfile with `cairn lock`");
            throw error;
        }
        r.fail("format", fmt::format("is \"{}\", expected \"{}\"", format, k_lockfile_format));
    }

    Lockfile lock;
    for (auto [key, value] : doc) {
        if (key == "format") {
            continue;
        } else if (key == "root") {
            object o = r.as_object(value, "root");
            lock.root.dependencies = r.specs(o, "dependencies", "root");
            lock.root.dev_dependencies = r.specs(o, "devDependencies", "root");
            lock.root.optional_dependencies = r.specs(o, "optionalDependencies", "root");
            lock.root.peer_dependencies = r.specs(o, "peerDependencies", "root");
            if (auto overrides = r.find(o, "overrides"))
                lock.root.overrides = r.kept(r.as_object(*overrides, "root.overrides"));
        } else if (key == "packages") {
            for (auto [path, package] : r.as_object(value, "packages"))
                lock.packages.insert_or_assign(std::string(path), package_from(r, path, package));
        } else if (key == "skipped") {
            array entries;
            if (value.get(entries) != simdjson::SUCCESS)
                r.fail("skipped", "must be an array");
            for (auto entry : entries) {
                object o = r.as_object(entry, "skipped[]");
                lock.skipped.push_back(
                    {r.string(o, "name", "skipped[]", true), r.string(o, "spec", "skipped[]"),
                     r.string(o, "requiredBy", "skipped[]"), r.string(o, "reason", "skipped[]")});
            }
        } else if (key == "index") {
            if (index == IndexReading::read)
                read_index(r, value, lock);
            else
                lock.index_skipped = true;
        } else {
            lock.sections.insert_or_assign(std::string(key), r.kept(value));
        }
    }
    return lock;
}

} // namespace cairn::lock
