// cairn config list | get KEY | explain KEY | validate
#include "app.hpp"
#include "render/diagnostics.hpp"
#include "render/terminal.hpp"
#include "session_config.hpp"

#include "cairn/config/json5.hpp"
#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <iostream>

namespace cairn::cli {
namespace {

using config::Json;

constexpr const char* k_redacted = "<redacted>";

// "https://user:secret@host/" -> "https://***@host/": credentials inside URLs are masked.
std::string without_userinfo(const std::string& text) {
    std::size_t scheme = text.find("://");
    if (scheme == std::string::npos)
        return text;
    std::size_t authority = scheme + 3;
    std::size_t end = text.find_first_of("/?#", authority);
    std::size_t at = text.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at == std::string::npos || at < authority)
        return text;
    return text.substr(0, authority) + "***" + text.substr(at);
}

// Credentials are never printed: values under secret-looking keys are masked, at any depth
// (arrays included), and so are user names and passwords inside URLs.
Json redacted(const Json& value, const std::string& key = "") {
    if (!key.empty() && config::is_secret_key(key) && !value.is_object())
        return k_redacted;
    if (value.is_object()) {
        Json out = Json::object();
        for (const auto& [k, v] : value.items())
            out[k] = redacted(v, k);
        return out;
    }
    if (value.is_array()) {
        Json out = Json::array();
        for (const auto& item : value)
            out.push_back(redacted(item));
        return out;
    }
    if (value.is_string())
        return without_userinfo(value.get<std::string>());
    return value;
}

std::string display(const Json& value) {
    if (value.is_string())
        return value.get<std::string>();
    return config::to_json5_text(value);
}

void flatten(const Json& value, config::KeyPath& path, std::vector<std::string>& lines) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [key, item] : value.items()) {
            path.push_back(key);
            flatten(item, path, lines);
            path.pop_back();
        }
        return;
    }
    lines.push_back(config::format_key_path(path) + " = " + config::to_json5_text(value));
}

Error unset_key(const config::KeyPath& key) {
    Error error(Code::config_key,
                fmt::format("no configuration sets {}", config::format_key_path(key)));
    error.hint("`cairn config list` shows every key that is set");
    return error;
}

void run_list(const Session& session) {
    auto loaded = load_session_config(session);
    Json merged = redacted(loaded.config.merged());
    if (session.global.json) {
        std::cout << merged.dump(2) << "\n";
        return;
    }
    std::vector<std::string> lines;
    config::KeyPath path;
    flatten(merged, path, lines);
    for (const auto& line : lines)
        std::cout << line << "\n";
}

void run_get(const Session& session, const std::string& key_text) {
    config::KeyPath key = config::parse_key_path(key_text);
    auto loaded = load_session_config(session);
    const Json* value = loaded.config.find(key);
    if (!value)
        throw unset_key(key);
    Json shown = redacted(*value, key.back());
    std::cout << (session.global.json ? shown.dump() : display(shown)) << "\n";
}

std::string where(const config::Setting& setting) {
    if (setting.position.line == 0)
        return setting.source->name;
    return fmt::format("{}:{}:{}", setting.source->name, setting.position.line,
                       setting.position.column);
}

void run_explain(const Session& session, const std::string& key_text) {
    config::KeyPath key = config::parse_key_path(key_text);
    auto loaded = load_session_config(session);
    const Json* value = loaded.config.find(key);
    auto settings = loaded.config.explain(key);
    if (!value && settings.empty())
        throw unset_key(key);
    const std::string& leaf = key.back();
    if (session.global.json) {
        Json out = {{"key", config::format_key_path(key)},
                    {"value", value ? redacted(*value, leaf) : Json()}};
        Json sources = Json::array();
        for (const auto& s : settings) {
            Json entry = {{"level", config::level_name(s.source->level)},
                          {"source", s.source->name},
                          {"clears", s.clears}};
            if (s.position.line)
                entry["line"] = s.position.line, entry["column"] = s.position.column;
            if (s.value)
                entry["value"] = redacted(*s.value, leaf);
            sources.push_back(entry);
        }
        out["sources"] = sources;
        std::cout << out.dump(2) << "\n";
        return;
    }
    bool color = render::use_color(1);
    std::cout << render::styled(config::format_key_path(key), render::Style::bold, color) << " = "
              << (value ? config::to_json5_text(redacted(*value, leaf)) : "(unset)") << "\n";
    std::cout << "set by, highest precedence first:\n";
    bool decided = false; // a leaf value above already won
    bool cleared = false; // a $clear above dropped what follows
    bool merged_object = value && value->is_object();
    std::size_t where_width = 0;
    for (const auto& s : settings)
        where_width = std::max(where_width, where(s).size());
    for (std::size_t i = 0; i < settings.size(); ++i) {
        const auto& s = settings[i];
        std::string note;
        if (cleared)
            note = "dropped by $clear above";
        else if (merged_object)
            note = "merged";
        else if (!decided && s.value)
            note = "wins";
        else if (s.value)
            note = "overridden";
        std::string shown = !s.value ? std::string("$clear: true (drops lower levels)")
                                     : config::to_json5_text(redacted(*s.value, leaf));
        if (s.clears && s.value)
            shown += ", after $clear: true";
        std::cout << fmt::format("  {}. {:<12} {:<{}}  {}{}\n", i + 1,
                                 config::level_name(s.source->level), where(s), where_width, shown,
                                 note.empty() ? "" : "  (" + note + ")");
        if (s.value && !merged_object)
            decided = true;
        if (s.clears)
            cleared = true;
    }
}

void run_validate(const Session& session) {
    auto loaded = load_session_config(session);
    ops::ConfigValidation report = ops::validate_config(loaded.config);
    auto output = session.global.json ? render::Output::json : render::Output::text;
    // The config's own warnings were printed when it was loaded; these are the model's.
    for (std::size_t i = loaded.config.warnings().size(); i < report.warnings.size(); ++i)
        if (!session.global.quiet)
            render::print_warning(report.warnings[i], output);
    if (session.global.json) {
        std::cout << Json{{"valid", true},
                          {"files", report.files},
                          {"formats", report.formats},
                          {"authorities", report.authorities},
                          {"registries", report.registries},
                          {"warnings", report.warnings}}
                         .dump()
                  << "\n";
        return;
    }
    std::cout << fmt::format("configuration is valid: {} file{}, {} format{}, {} authorit{}, {} "
                             "registr{}, {} warning{}\n",
                             report.files, report.files == 1 ? "" : "s", report.formats,
                             report.formats == 1 ? "" : "s", report.authorities,
                             report.authorities == 1 ? "y" : "ies", report.registries,
                             report.registries == 1 ? "y" : "ies", report.warnings.size(),
                             report.warnings.size() == 1 ? "" : "s");
}

} // namespace

void add_config_command(CLI::App& app, Session& session) {
    auto* cmd = app.add_subcommand("config", "Show and check the layered configuration");
    cmd->require_subcommand(1);
    auto key = std::make_shared<std::string>();

    cmd->add_subcommand("list", "Every key that is set, with its merged value")
        ->callback([&session] { run_list(session); });
    auto* get = cmd->add_subcommand("get", "The merged value of one key");
    get->add_option("key", *key, "A dotted key path, e.g. network.mode")->required();
    get->callback([&session, key] { run_get(session, *key); });
    auto* explain =
        cmd->add_subcommand("explain", "A key's value and every file that sets it, by precedence");
    explain->add_option("key", *key, "A dotted key path, e.g. network.mode")->required();
    explain->callback([&session, key] { run_explain(session, *key); });
    cmd->add_subcommand("validate", "Check every configuration file and the registry model")
        ->callback([&session] { run_validate(session); });
}

CAIRN_COMMAND(40, "config", add_config_command);

} // namespace cairn::cli
