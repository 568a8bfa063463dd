// Merging: within a level (conflicts are errors), then across levels (higher wins,
// `$clear` drops lower levels), and the provenance queries behind `config explain`.
#include "cairn/config/layered_config.hpp"

#include "merge.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>

namespace cairn::config {
namespace {

constexpr std::string_view k_clear = "$clear";

std::string source_position(const Source& source, const PositionMap& positions,
                            const std::string& pointer) {
    auto it = positions.find(pointer);
    if (it == positions.end() || it->second.line == 0)
        return source.name;
    return fmt::format("{}:{}:{}", source.name, it->second.line, it->second.column);
}

const Json* at_pointer(const Json& doc, const std::string& pointer) {
    if (pointer.empty())
        return &doc;
    Json::json_pointer ptr(pointer);
    if (!doc.contains(ptr))
        return nullptr;
    return &doc.at(ptr);
}

// Merges one file into the document of its level; a key set by two files of one level
// to different values is an error naming both.
void merge_within_level(Json& target, const Json& incoming, KeyPath& path,
                        std::span<const LayeredConfig::LoadedSource> level_sources,
                        const LayeredConfig::LoadedSource& current) {
    for (const auto& [key, value] : incoming.items()) {
        if (!target.contains(key)) {
            target[key] = value;
            continue;
        }
        Json& existing = target[key];
        if (existing.is_object() && value.is_object()) {
            path.push_back(key);
            merge_within_level(existing, value, path, level_sources, current);
            path.pop_back();
            continue;
        }
        if (existing == value)
            continue;
        KeyPath key_path = path;
        key_path.push_back(key);
        std::string pointer = to_json_pointer(key_path);
        // Which earlier file of this level set it: the first one holding that pointer.
        const LayeredConfig::LoadedSource* first = nullptr;
        for (const auto& candidate : level_sources) {
            if (&candidate == &current)
                break;
            if (at_pointer(candidate.document, pointer)) {
                first = &candidate;
                break;
            }
        }
        Error error(Code::config_conflict,
                    fmt::format("conflicting values for {} in the {} configuration",
                                format_key_path(key_path), level_name(current.source.level)));
        if (first)
            error.caused_by(fmt::format("{} sets {}",
                                        source_position(first->source, first->positions, pointer),
                                        to_json5_text(*at_pointer(first->document, pointer))));
        error.caused_by(fmt::format("{} sets {}",
                                    source_position(current.source, current.positions, pointer),
                                    to_json5_text(value)));
        error.hint("files of one level are merged and must agree; keep the key in one of them, "
                   "or move one file to a higher level (project overrides user overrides "
                   "system)");
        throw error;
    }
}

Json without_clear(const Json& value) {
    if (!value.is_object())
        return value;
    Json out = Json::object();
    for (const auto& [key, item] : value.items())
        if (key != k_clear)
            out[key] = without_clear(item);
    return out;
}

// Lays a higher level over the merged lower ones, key by key.
void overlay(Json& base, const Json& over) {
    if (!base.is_object() || !over.is_object()) {
        base = without_clear(over);
        return;
    }
    if (over.contains(k_clear) && over[std::string(k_clear)] == true)
        base = Json::object();
    for (const auto& [key, value] : over.items()) {
        if (key == k_clear)
            continue;
        if (base.contains(key) && base[key].is_object() && value.is_object())
            overlay(base[key], value);
        else
            base[key] = without_clear(value);
    }
}

void check_clear_values(const Json& value, KeyPath& path, const LayeredConfig::LoadedSource& src) {
    if (!value.is_object())
        return;
    for (const auto& [key, item] : value.items()) {
        path.push_back(key);
        if (key == k_clear && !item.is_boolean()) {
            Error error(Code::config_invalid,
                        fmt::format("{} must be true or false, not {}", format_key_path(path),
                                    to_json5_text(item)));
            error.while_("reading " +
                         source_position(src.source, src.positions, to_json_pointer(path)));
            throw error;
        }
        check_clear_values(item, path, src);
        path.pop_back();
    }
}

} // namespace

std::string_view level_name(Level level) {
    switch (level) {
    case Level::defaults:
        return "built-in";
    case Level::system:
        return "system";
    case Level::user:
        return "user";
    case Level::project:
        return "project";
    case Level::environment:
        return "CAIRN_CONFIG";
    case Level::flags:
        return "command-line";
    }
    return "?";
}

bool is_secret_key(std::string_view key) {
    std::string lower;
    for (char c : key)
        lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (std::string_view word : {"token", "password", "secret", "_auth", "credential"})
        if (lower.find(word) != std::string::npos)
            return true;
    return lower == "auth";
}

Json merge_sources(std::span<const LayeredConfig::LoadedSource> sources) {
    Json merged = Json::object();
    std::size_t i = 0;
    while (i < sources.size()) {
        Level level = sources[i].source.level;
        std::size_t end = i;
        while (end < sources.size() && sources[end].source.level == level)
            ++end;
        auto level_sources = sources.subspan(i, end - i);
        Json level_doc = Json::object();
        for (const auto& loaded : level_sources) {
            KeyPath path;
            check_clear_values(loaded.document, path, loaded);
            merge_within_level(level_doc, loaded.document, path, level_sources, loaded);
        }
        overlay(merged, level_doc);
        i = end;
    }
    return merged;
}

const Json* LayeredConfig::find(const KeyPath& key) const {
    return at_pointer(m_merged, to_json_pointer(key));
}

std::vector<Setting> LayeredConfig::explain(const KeyPath& key) const {
    std::vector<Setting> settings;
    std::string pointer = to_json_pointer(key);
    for (const auto& loaded : m_sources) {
        // A `$clear: true` at the key or above it drops lower levels' values.
        bool clears = false;
        const Json* node = &loaded.document;
        for (std::size_t depth = 0; node && node->is_object(); ++depth) {
            auto it = node->find(std::string(k_clear));
            if (it != node->end() && *it == true)
                clears = true;
            if (depth == key.size())
                break;
            auto child = node->find(key[depth]);
            node = child == node->end() ? nullptr : &*child;
        }
        const Json* value = at_pointer(loaded.document, pointer);
        if (!value && !clears)
            continue;
        Setting setting;
        setting.source = &loaded.source;
        setting.clears = clears;
        if (value) {
            setting.value = without_clear(*value);
            auto pos = loaded.positions.find(pointer);
            if (pos != loaded.positions.end())
                setting.position = pos->second;
        }
        settings.push_back(std::move(setting));
    }
    std::reverse(settings.begin(), settings.end());
    return settings;
}

std::string LayeredConfig::origin(const KeyPath& key) const {
    std::string pointer = to_json_pointer(key);
    for (auto it = m_sources.rbegin(); it != m_sources.rend(); ++it)
        if (at_pointer(it->document, pointer))
            return source_position(it->source, it->positions, pointer);
    return {};
}

std::vector<const Source*> LayeredConfig::sources() const {
    std::vector<const Source*> out;
    for (const auto& loaded : m_sources)
        out.push_back(&loaded.source);
    return out;
}

} // namespace cairn::config
