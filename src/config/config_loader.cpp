// Finding and reading configuration sources: the level folders, CAIRN_CONFIG, flags,
// `$schema` checks and ${env:...} expansion, before merge.cpp's merging.
#include "merge.hpp"

#include "cairn/config/layered_config.hpp"
#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace cairn::config {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_defaults = R"json5({
  "$schema": "cairn-config/1",
  network: {
    mode: "online",            // online | prefer-offline | offline
    metadataTtl: "5m",
    maxConnections: 64,
    fallbackToCache: true,
  },
})json5";

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        Error error(Code::io, fmt::format("cannot read configuration file {}", path.string()));
        error.caused_by(std::error_code(errno, std::generic_category()).message());
        throw error;
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Every *.json5 / *.json file of a level folder, sorted by name so merging (and the
// errors it reports) never depend on directory order.
std::vector<fs::path> level_files(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string ext = entry.path().extension().string();
        if ((ext == ".json5" || ext == ".json") && entry.is_regular_file(ec))
            files.push_back(entry.path());
    }
    if (ec) {
        Error error(Code::io, fmt::format("cannot list configuration folder {}", dir.string()));
        error.caused_by(ec.message());
        throw error;
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string position_text(const LayeredConfig::LoadedSource& loaded, const std::string& pointer) {
    auto it = loaded.positions.find(pointer);
    if (it == loaded.positions.end())
        return loaded.source.name;
    return fmt::format("{}:{}:{}", loaded.source.name, it->second.line, it->second.column);
}

// ${env:...} in every string value; other variables are checked and kept.
void expand_strings(Json& value, KeyPath& path, const LayeredConfig::LoadedSource& loaded,
                    const EnvLookup& env, std::vector<std::string>& warnings) {
    if (value.is_object()) {
        for (auto& [key, item] : value.items()) {
            path.push_back(key);
            expand_strings(item, path, loaded, env, warnings);
            path.pop_back();
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            path.push_back(std::to_string(i));
            expand_strings(value[i], path, loaded, env, warnings);
            path.pop_back();
        }
    } else if (value.is_string()) {
        const std::string& raw = value.get_ref<const std::string&>();
        bool from_env = raw.find("${env:") != std::string::npos;
        if (!path.empty() && is_secret_key(path.back()) && !from_env && !raw.empty() &&
            !loaded.source.credentials && loaded.source.level != Level::flags)
            warnings.push_back(fmt::format(
                "{}: {} holds a credential in a shared file; move it to a *.user.json5 file "
                "(kept out of git) or read it from the environment with ${{env:NAME}}",
                position_text(loaded, to_json_pointer(path)), format_key_path(path)));
        if (raw.find("${") == std::string::npos)
            return;
        try {
            value = expand_environment(raw, env);
        } catch (Error& error) {
            error.while_(fmt::format("reading {} at {}", format_key_path(path),
                                     position_text(loaded, to_json_pointer(path))));
            throw;
        }
    }
}

LayeredConfig::LoadedSource read_source(Source source, std::string_view text, const EnvLookup& env,
                                        std::vector<std::string>& warnings) {
    LayeredConfig::LoadedSource loaded{std::move(source), Json(), {}};
    loaded.document = parse_json5(text, loaded.source.name, &loaded.positions);
    if (!loaded.document.is_object()) {
        Error error(Code::config_invalid,
                    fmt::format("{} must hold an object ({{ ... }}), not {}", loaded.source.name,
                                to_json5_text(loaded.document)));
        throw error;
    }
    if (auto it = loaded.document.find("$schema"); it != loaded.document.end()) {
        if (!it->is_string() || it->get<std::string>() != k_schema) {
            Error error(Code::config_invalid,
                        fmt::format("{} is written for {}, but this cairn reads {}",
                                    position_text(loaded, "/$schema"), to_json5_text(*it),
                                    k_schema));
            error.hint("upgrade cairn, or write \"$schema\": \"cairn-config/1\"");
            throw error;
        }
        loaded.document.erase("$schema");
    }
    KeyPath path;
    expand_strings(loaded.document, path, loaded, env, warnings);
    return loaded;
}

bool is_credentials_file(const fs::path& path) {
    return path.filename().string().find(".user.") != std::string::npos;
}

} // namespace

std::string_view LayeredConfig::defaults_text() {
    return k_defaults;
}

FlagSetting parse_flag_assignment(std::string_view assignment) {
    std::size_t eq = assignment.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        Error error(Code::usage, fmt::format("--config expects KEY=VALUE, got \"{}\"", assignment));
        error.hint("for example: --config network.mode=offline");
        throw error;
    }
    FlagSetting flag;
    flag.label = fmt::format("--config {}", assignment);
    flag.key = parse_key_path(assignment.substr(0, eq));
    std::string_view text = assignment.substr(eq + 1);
    try {
        flag.value = parse_json5(text, "--config");
    } catch (const Error&) {
        flag.value = std::string(text);
    }
    return flag;
}

ConfigLocations standard_locations(const EnvLookup& env,
                                   const std::optional<fs::path>& project_root) {
    ConfigLocations locations;
    auto non_empty = [&](std::string_view name) -> std::optional<std::string> {
        auto value = env(name);
        if (value && !value->empty())
            return value;
        return std::nullopt;
    };
    locations.system_dir = fs::path(non_empty("CAIRN_SYSTEM_CONFIG").value_or("/etc/cairn"));
    if (auto xdg = non_empty("XDG_CONFIG_HOME"))
        locations.user_dir = fs::path(*xdg) / "cairn";
    else if (auto home = non_empty("HOME"))
        locations.user_dir = fs::path(*home) / ".config" / "cairn";
    if (project_root)
        locations.project_dir = *project_root / ".config" / "cairn";
    if (auto list = non_empty("CAIRN_CONFIG")) {
        std::size_t start = 0;
        while (start <= list->size()) {
            std::size_t end = list->find(':', start);
            if (end == std::string::npos)
                end = list->size();
            if (end > start)
                locations.environment_files.emplace_back(list->substr(start, end - start));
            start = end + 1;
        }
    }
    return locations;
}

std::optional<fs::path> find_project_root(const fs::path& start) {
    std::error_code ec;
    fs::path dir = fs::absolute(start, ec).lexically_normal();
    std::optional<fs::path> config_only;
    while (true) {
        for (const char* manifest : {"cairn.json5", "package.json", "cairn.lock"})
            if (fs::exists(dir / manifest, ec))
                return dir;
        if (!config_only && fs::is_directory(dir / ".config" / "cairn", ec))
            config_only = dir;
        if (!dir.has_parent_path() || dir.parent_path() == dir)
            return config_only;
        dir = dir.parent_path();
    }
}

LayeredConfig LayeredConfig::load(const ConfigLocations& locations, const EnvLookup& env) {
    LayeredConfig config;
    auto& warnings = config.m_warnings;
    config.m_sources.push_back(
        read_source({Level::defaults, "built-in defaults", false}, k_defaults, env, warnings));

    auto add_folder = [&](Level level, const std::optional<fs::path>& dir) {
        if (!dir)
            return;
        for (const auto& file : level_files(*dir))
            config.m_sources.push_back(read_source(
                {level, file.string(), is_credentials_file(file)}, read_text(file), env, warnings));
    };
    add_folder(Level::system, locations.system_dir);
    add_folder(Level::user, locations.user_dir);
    add_folder(Level::project, locations.project_dir);

    for (const auto& file : locations.environment_files) {
        std::error_code ec;
        if (!fs::is_regular_file(file, ec)) {
            Error error(Code::io,
                        fmt::format("CAIRN_CONFIG names {}, which is not a file", file.string()));
            error.hint("CAIRN_CONFIG is a ':'-separated list of JSON5 files");
            throw error;
        }
        config.m_sources.push_back(
            read_source({Level::environment, file.string(), is_credentials_file(file)},
                        read_text(file), env, warnings));
    }

    for (const auto& flag : locations.flags) {
        LoadedSource loaded{{Level::flags, flag.label, false}, Json::object(), {}};
        Json* node = &loaded.document;
        for (const auto& segment : flag.key)
            node = &(*node)[segment];
        *node = flag.value;
        KeyPath path;
        expand_strings(loaded.document, path, loaded, env, warnings);
        config.m_sources.push_back(std::move(loaded));
    }

    config.m_merged = merge_sources(config.m_sources);
    return config;
}

} // namespace cairn::config
