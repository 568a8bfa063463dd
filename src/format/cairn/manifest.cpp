#include "cairn/format/cairn/manifest.hpp"

#include "cairn/config/json5.hpp"
#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace cairn::format::cairn {
namespace {

using config::Json;

Error invalid(std::string_view source, std::string_view key, std::string_view message) {
    return Error(Code::manifest_invalid, fmt::format("{}: {}: {}", source, key, message));
}

std::string type_name(const Json& value) {
    if (value.is_string())
        return "a string";
    if (value.is_array())
        return "an array";
    if (value.is_object())
        return "an object";
    if (value.is_boolean())
        return "a boolean";
    if (value.is_null())
        return "null";
    return "a number";
}

std::string require_string(const Json& value, std::string_view source, std::string_view key) {
    if (!value.is_string())
        throw invalid(source, key, "expected a string, found " + type_name(value));
    return value.get<std::string>();
}

std::vector<std::string> string_list(const Json& value, std::string_view source,
                                     std::string_view key) {
    if (!value.is_array())
        throw invalid(source, key, "expected an array of strings, found " + type_name(value));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto item_key = fmt::format("{}[{}]", key, i);
        auto text = require_string(value[i], source, item_key);
        if (text.empty())
            throw invalid(source, item_key, "must not be empty");
        out.push_back(std::move(text));
    }
    return out;
}

std::vector<ManifestDependency> dependency_map(const Json& value, std::string_view source,
                                               std::string_view key) {
    if (!value.is_object())
        throw invalid(source, key,
                      "expected an object of package name -> range, found " + type_name(value));
    std::vector<ManifestDependency> out;
    for (const auto& [name, range] : value.items()) {
        auto item_key = fmt::format("{}.\"{}\"", key, name);
        PackageName package = [&] {
            try {
                return PackageName::parse(name);
            } catch (const Error& e) {
                throw invalid(source, item_key, e.message());
            }
        }();
        auto text = require_string(range, source, item_key);
        auto parsed = version::CaretRange::parse(text);
        if (!parsed)
            throw invalid(source, item_key,
                          "\"" + text + "\" is not a version range (expected e.g. \"^1.2\")");
        for (const auto& d : out)
            if (d.package == package)
                throw invalid(source, item_key, "names " + package.text() + " twice");
        out.push_back({package, *parsed, text});
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.package < b.package; });
    return out;
}

} // namespace

Manifest parse_manifest(std::string_view text, std::string_view source) {
    Json doc = config::parse_json5(text, source);
    if (!doc.is_object())
        throw invalid(source, "(top level)", "expected an object, found " + type_name(doc));
    static const std::set<std::string> known = {"name",      "version",  "description",
                                                "license",   "keywords", "dependencies",
                                                "overrides", "files"};
    for (const auto& [key, _] : doc.items())
        if (!known.contains(key))
            throw invalid(source, key,
                          "unknown key (known: name, version, description, license, keywords, "
                          "dependencies, overrides, files)");
    if (!doc.contains("name"))
        throw invalid(source, "name", "missing (expected \"scope/name\")");
    if (!doc.contains("version"))
        throw invalid(source, "version", "missing (expected a version such as \"1.0.0\")");
    auto name_text = require_string(doc["name"], source, "name");
    PackageName name = [&] {
        try {
            return PackageName::parse(name_text);
        } catch (const Error& e) {
            throw invalid(source, "name", e.message());
        }
    }();
    if (name_text.starts_with(k_id_prefix))
        throw invalid(source, "name", "write the name without \"cairn:\"");
    auto version_text = require_string(doc["version"], source, "version");
    auto version = version::Version::parse(version_text);
    if (!version)
        throw invalid(source, "version",
                      "\"" + version_text + "\" is not a semantic version (expected e.g. 1.0.0)");
    Manifest m{name, *version, {}, {}, {}, {}, {}, {}, {}};
    if (doc.contains("description"))
        m.description = require_string(doc["description"], source, "description");
    if (doc.contains("license"))
        m.license = require_string(doc["license"], source, "license");
    if (doc.contains("keywords"))
        m.keywords = string_list(doc["keywords"], source, "keywords");
    if (doc.contains("dependencies"))
        m.dependencies = dependency_map(doc["dependencies"], source, "dependencies");
    if (doc.contains("overrides"))
        m.overrides = dependency_map(doc["overrides"], source, "overrides");
    for (const auto& d : m.dependencies)
        if (d.package == m.name)
            throw invalid(source, "dependencies", "a package cannot depend on itself");
    if (doc.contains("files")) {
        const Json& files = doc["files"];
        if (files.is_array()) {
            m.include = string_list(files, source, "files");
        } else if (files.is_object()) {
            for (const auto& [key, value] : files.items()) {
                if (key == "include")
                    m.include = string_list(value, source, "files.include");
                else if (key == "exclude")
                    m.exclude = string_list(value, source, "files.exclude");
                else
                    throw invalid(source, "files." + key, "unknown key (known: include, exclude)");
            }
        } else {
            throw invalid(source, "files",
                          "expected an array of patterns or {include, exclude}, found " +
                              type_name(files));
        }
    }
    return m;
}

Manifest read_manifest(const std::filesystem::path& path) {
    auto file = std::filesystem::is_directory(path) ? path / k_manifest_file : path;
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(Code::io, "cannot read " + file.string())
            .hint("create one with `cairn init --format cairn`");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_manifest(buffer.str(), file.string());
}

std::string initial_manifest_text(const PackageName& name) {
    return fmt::format("// The manifest of a cairn package (docs/cairn-index.md).\n"
                       "{{\n"
                       "  name: \"{}\",\n"
                       "  version: \"0.1.0\",\n"
                       "  description: \"\",\n"
                       "  license: \"\",\n"
                       "  keywords: [],\n"
                       "  dependencies: {{}},\n"
                       "}}\n",
                       name.text());
}

std::string set_manifest_dependency(std::string_view text, std::string_view source,
                                    const PackageName& package, std::string_view requirement) {
    parse_manifest(text, source); // refuse to edit an invalid manifest
    if (!version::CaretRange::parse(requirement))
        throw Error(Code::version_parse, "\"" + std::string(requirement) +
                                             "\" is not a version range (expected e.g. \"^1.2\")");
    Json doc = config::parse_json5(text, source);
    if (!doc.contains("dependencies"))
        doc["dependencies"] = Json::object();
    doc["dependencies"][package.text()] = std::string(requirement);
    Json sorted = Json::object();
    std::vector<std::string> keys;
    for (const auto& [k, _] : doc["dependencies"].items())
        keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys)
        sorted[k] = doc["dependencies"][k];
    doc["dependencies"] = sorted;
    auto out = doc.dump(2) + "\n";
    parse_manifest(out, source);
    return out;
}

} // namespace cairn::format::cairn
