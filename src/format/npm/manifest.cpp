#include "cairn/format/npm/manifest.hpp"

#include "manifest_detail.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/npm/package_name.hpp"

#include <fmt/format.h>

namespace cairn::format::npm {

namespace detail {

Error field_error(const Manifest& m, const std::string& field, const std::string& what) {
    return Error(Code::manifest_invalid, fmt::format("{}: {} {}", m.source, field, what));
}

// A relative path inside the package, normalised; nullopt when it would leave it.
std::optional<std::string> inside_package(std::string_view path) {
    if (path.empty() || path.front() == '/' || path.front() == '\\' ||
        path.find('\\') != std::string_view::npos || path.find(':') != std::string_view::npos)
        return std::nullopt;
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        std::string_view part = path.substr(start, end - start);
        if (part == "..") {
            if (parts.empty())
                return std::nullopt;
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = end + 1;
    }
    if (parts.empty())
        return std::nullopt;
    std::string out;
    for (auto part : parts)
        out += (out.empty() ? "" : "/") + std::string(part);
    return out;
}

void set_name(Manifest& m, std::string name) {
    if (auto problem = package_name_problem(name))
        throw field_error(m, "name",
                          fmt::format("\"{}\" is not a valid package name: {}", name, *problem));
    m.name = std::move(name);
}

void add_bin(Manifest& m, const std::string& command, std::string_view target) {
    if (command.empty() || command == "." || command == ".." ||
        command.find_first_of("/\\:") != std::string::npos)
        throw field_error(m, "bin", fmt::format("has an invalid command name \"{}\"", command));
    auto path = inside_package(target);
    if (!path)
        throw field_error(m, "bin." + command,
                          fmt::format("points outside the package: \"{}\"", target));
    m.bin.push_back({command, std::move(*path)});
}

} // namespace detail

namespace {

using namespace detail;
using Json = nlohmann::ordered_json;

// Line and column of a byte offset, for JSON syntax errors.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

void read_bin(Manifest& m, const Json& bin) {
    auto add = [&](const std::string& name, const Json& target) {
        if (!target.is_string())
            throw field_error(m, "bin." + name, "must be a path string");
        add_bin(m, name, target.get_ref<const std::string&>());
    };
    if (bin.is_string()) {
        if (!m.name)
            throw field_error(m, "bin", "is a single path, which needs a package name");
        add(std::string(unscoped_name(*m.name)), bin);
    } else if (bin.is_object()) {
        for (const auto& [name, target] : bin.items())
            add(name, target);
    } else if (!bin.is_null()) {
        throw field_error(m, "bin", "must be a path or an object of command -> path");
    }
}

// `bin` and `scripts`: what an installed package's manifest is read for, and part of a root's.
void read_bin_and_scripts(Manifest& m, const Json& doc) {
    if (auto it = doc.find("bin"); it != doc.end())
        read_bin(m, *it);
    if (auto it = doc.find("scripts"); it != doc.end() && it->is_object())
        for (const auto& [name, value] : it->items())
            if (value.is_string())
                m.scripts[name] = value.get<std::string>();
}

std::vector<std::string> string_list(const Manifest& m, const Json& doc, const char* field) {
    std::vector<std::string> out;
    auto it = doc.find(field);
    if (it == doc.end() || it->is_null())
        return out;
    if (it->is_string())
        return {it->get<std::string>()};
    if (!it->is_array())
        throw field_error(m, field, "must be a list of strings");
    for (const auto& item : *it) {
        if (!item.is_string())
            throw field_error(m, field, "must be a list of strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

} // namespace

std::string_view dependency_type_field(DependencyType type) {
    switch (type) {
    case DependencyType::prod:
        return "dependencies";
    case DependencyType::dev:
        return "devDependencies";
    case DependencyType::optional:
        return "optionalDependencies";
    case DependencyType::peer:
        return "peerDependencies";
    }
    return "?";
}

bool Manifest::has_install_scripts() const {
    return scripts.contains("preinstall") || scripts.contains("install") ||
           scripts.contains("postinstall");
}

namespace {

enum class Fields { all, installed };

Manifest read_fields(std::string_view text, std::string_view source, Fields fields) {
    Manifest m;
    m.source = std::string(source);
    Json doc;
    try {
        doc = Json::parse(text);
    } catch (const Json::parse_error& e) {
        auto [line, column] = line_column(text, e.byte == 0 ? 0 : e.byte - 1);
        std::string what = e.what();
        // nlohmann's text: "[json.exception.parse_error.101] parse error at line L, column C: ..."
        if (auto colon = what.find(": ", what.find("column")); colon != std::string::npos)
            what = what.substr(colon + 2);
        throw Error(Code::manifest_invalid,
                    fmt::format("{}:{}:{}: invalid JSON: {}", source, line, column, what));
    } catch (const Json::exception& e) {
        // A number too large for a double ("1e400"): nlohmann's out_of_range, without a place.
        std::string what = e.what();
        if (auto bracket = what.find("] "); what.starts_with("[json.") && bracket != what.npos)
            what = what.substr(bracket + 2);
        throw Error(Code::manifest_invalid, fmt::format("{}: invalid JSON: {}", source, what));
    }
    if (!doc.is_object())
        throw Error(Code::manifest_invalid, fmt::format("{}: must hold a JSON object", source));

    if (auto it = doc.find("name"); it != doc.end()) {
        if (!it->is_string())
            throw field_error(m, "name", "must be a string");
        set_name(m, it->get<std::string>());
    }
    if (auto it = doc.find("version"); it != doc.end() && !it->is_null()) {
        if (!it->is_string())
            throw field_error(m, "version", "must be a string");
        m.version = it->get<std::string>();
    }

    if (fields == Fields::installed) {
        read_bin_and_scripts(m, doc);
        return m;
    }
    for (DependencyType type : {DependencyType::prod, DependencyType::dev, DependencyType::optional,
                                DependencyType::peer}) {
        std::string field(dependency_type_field(type));
        auto it = doc.find(field);
        if (it == doc.end() || it->is_null())
            continue;
        if (!it->is_object())
            throw field_error(m, field, "must be an object of name -> version range");
        for (const auto& [name, value] : it->items()) {
            if (!value.is_string())
                throw field_error(m, field + "." + name, "must be a string");
            if (auto problem = package_name_problem(name))
                throw field_error(m, field,
                                  fmt::format("names \"{}\", which is not a valid package name: {}",
                                              name, *problem));
            DependencySpec spec = parse_dependency_spec(name, value.get<std::string>());
            // npm: a name in both dependencies and optionalDependencies is optional.
            if (type == DependencyType::optional) {
                const std::string& optional_name = name; // clang 14 captures no binding
                std::erase_if(m.dependencies, [&](const ManifestDependency& d) {
                    return d.name == optional_name && d.type == DependencyType::prod;
                });
            }
            m.dependencies.push_back({name, std::move(spec), type, false});
        }
    }
    if (auto meta = doc.find("peerDependenciesMeta"); meta != doc.end() && meta->is_object()) {
        for (auto& dep : m.dependencies) {
            if (dep.type != DependencyType::peer)
                continue;
            auto entry = meta->find(dep.name);
            if (entry != meta->end() && entry->is_object()) {
                auto optional = entry->find("optional");
                dep.peer_optional = optional != entry->end() && *optional == true;
            }
        }
    }
    read_bin_and_scripts(m, doc);
    m.os = string_list(m, doc, "os");
    m.cpu = string_list(m, doc, "cpu");
    m.libc = string_list(m, doc, "libc");
    if (auto it = doc.find("overrides"); it != doc.end()) {
        if (!it->is_object())
            throw field_error(m, "overrides", "must be an object");
        m.overrides = *it;
    }
    m.has_workspaces = doc.contains("workspaces");
    return m;
}

} // namespace

Manifest read_manifest(std::string_view text, std::string_view source) {
    return read_fields(text, source, Fields::all);
}

Manifest detail::read_installed_manifest_dom(std::string_view text, std::string_view source) {
    return read_fields(text, source, Fields::installed);
}

void check_root_supported(const Manifest& manifest) {
    if (manifest.has_workspaces) {
        Error error(Code::unsupported,
                    fmt::format("{}: workspaces are not supported yet", manifest.source));
        error.hint("install each workspace package as its own project for now");
        throw error;
    }
    for (const auto& dep : manifest.dependencies) {
        if (dep.spec.kind != SpecKind::git && dep.spec.kind != SpecKind::tarball_url &&
            dep.spec.kind != SpecKind::workspace)
            continue;
        Error error(Code::unsupported,
                    fmt::format("{}: {} dependency \"{}\": \"{}\" is not supported yet",
                                manifest.source, spec_kind_name(dep.spec.kind), dep.name,
                                dep.spec.raw));
        error.hint("use a registry version range, or vendor the package and depend on it with "
                   "file:PATH");
        throw error;
    }
}

} // namespace cairn::format::npm
