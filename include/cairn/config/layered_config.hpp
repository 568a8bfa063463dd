#pragma once

#include "cairn/config/json5.hpp"
#include "cairn/config/key_path.hpp"
#include "cairn/config/variables.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Layered configuration (DESIGN.md section 3). Levels, lowest precedence first:
// built-in defaults, system (/etc/cairn/), user ($XDG_CONFIG_HOME/cairn/), project
// (<root>/.config/cairn/), the files named by CAIRN_CONFIG, command-line flags.
// Every *.json5 / *.json file of a level's folder is merged; within a level one key set to
// two different values is an error naming both files; across levels the higher level wins
// key by key, and `"$clear": true` in an object drops what lower levels put there.
namespace cairn::config {

enum class Level { defaults, system, user, project, environment, flags };
std::string_view level_name(Level level);

inline constexpr std::string_view k_schema = "cairn-config/1";

// One place configuration came from.
struct Source {
    Level level;
    std::string name;         // the file's path, "built-in defaults", or the flag as typed
    bool credentials = false; // a *.user.* file, meant for secrets and personal settings
};

// One source's say about one key, for `cairn config explain`.
struct Setting {
    const Source* source = nullptr;
    Position position;   // where the value starts in that source (line 0: unknown)
    std::optional<Json> value; // as that source set it, ${env:...} expanded; none: only a $clear
    bool clears = false; // `"$clear": true` here dropped lower levels' values of the key
};

struct FlagSetting {
    std::string label; // as the user typed it: "--config network.mode=offline", "--offline"
    KeyPath key;
    Json value;
};

// Parses `KEY=VALUE` from `--config`; VALUE is JSON5, and text that is not JSON5 is taken
// as a string (`--config network.mode=offline`).
FlagSetting parse_flag_assignment(std::string_view assignment);

struct ConfigLocations {
    std::optional<std::filesystem::path> system_dir;
    std::optional<std::filesystem::path> user_dir;
    std::optional<std::filesystem::path> project_dir;
    std::vector<std::filesystem::path> environment_files; // CAIRN_CONFIG
    std::vector<FlagSetting> flags;
};

// The standard folders: CAIRN_SYSTEM_CONFIG (default /etc/cairn), XDG_CONFIG_HOME or
// HOME/.config for the user, <project_root>/.config/cairn, CAIRN_CONFIG (':'-separated).
ConfigLocations standard_locations(const EnvLookup& env,
                                   const std::optional<std::filesystem::path>& project_root);

// The nearest folder at or above `start` holding a project manifest (cairn.json5,
// package.json, cairn.lock) or a .config/cairn folder.
std::optional<std::filesystem::path> find_project_root(const std::filesystem::path& start);

// Whether a key holds a credential: its value is never printed or logged.
bool is_secret_key(std::string_view key);

class LayeredConfig {
public:
    // Settings point into the config's sources, so it moves but never copies.
    LayeredConfig(LayeredConfig&&) = default;
    LayeredConfig& operator=(LayeredConfig&&) = default;
    LayeredConfig(const LayeredConfig&) = delete;
    LayeredConfig& operator=(const LayeredConfig&) = delete;

    // Reads every level. Throws cairn::Error: config_parse (with file:line:column),
    // config_conflict, config_variable, config_invalid ($schema, $clear), io.
    static LayeredConfig load(const ConfigLocations& locations, const EnvLookup& env);

    // The built-in defaults as JSON5 text (the lowest level).
    static std::string_view defaults_text();

    const Json& merged() const { return m_merged; }
    const Json* find(const KeyPath& key) const;

    // Every source that set the key (or something under it), highest precedence first.
    std::vector<Setting> explain(const KeyPath& key) const;

    // "file:line:column" of the value that won for `key`, for messages; empty if unset.
    std::string origin(const KeyPath& key) const;

    std::vector<const Source*> sources() const;
    // Credentials found outside *.user.* files, and similar advice; never fatal.
    const std::vector<std::string>& warnings() const { return m_warnings; }

    struct LoadedSource {
        Source source;
        Json document;
        PositionMap positions;
    };

private:
    LayeredConfig() = default;

    std::vector<LoadedSource> m_sources; // lowest precedence first
    Json m_merged;
    std::vector<std::string> m_warnings;
};

} // namespace cairn::config
