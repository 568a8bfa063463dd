// Reading `formats.*` into the typed model, with errors that point at the file and key.
#include "cairn/registry/registry_model.hpp"

#include "cairn/core/error.hpp"
#include "cairn/registry/registry_order.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

namespace cairn::registry {
namespace {

using config::Json;
using config::KeyPath;

// Reads typed values out of the merged config; every complaint names the key and where
// it was set.
class Reader {
public:
    Reader(const config::LayeredConfig& config, std::vector<std::string>& warnings)
        : m_config(config), m_warnings(warnings) {}

    [[noreturn]] void fail(const KeyPath& key, const std::string& message) const {
        Error error(Code::config_invalid, message);
        std::string origin = m_config.origin(key);
        error.while_(fmt::format("reading {}{}", config::format_key_path(key),
                                 origin.empty() ? "" : " (set at " + origin + ")"));
        error.hint("`cairn config explain " + config::format_key_path(key) +
                   "` shows every file that sets it");
        throw error;
    }

    void warn(const KeyPath& key, const std::string& message) const {
        std::string origin = m_config.origin(key);
        m_warnings.push_back(origin.empty() ? message : origin + ": " + message);
    }

    const Json& object(const Json& value, const KeyPath& key) const {
        if (!value.is_object())
            fail(key, fmt::format("{} must be an object, not {}", config::format_key_path(key),
                                  config::to_json5_text(value)));
        return value;
    }

    std::string string(const Json& value, const KeyPath& key) const {
        if (!value.is_string())
            fail(key, fmt::format("{} must be a string, not {}", config::format_key_path(key),
                                  config::to_json5_text(value)));
        return value.get<std::string>();
    }

    bool boolean(const Json& value, const KeyPath& key) const {
        if (!value.is_boolean())
            fail(key, fmt::format("{} must be true or false, not {}", config::format_key_path(key),
                                  config::to_json5_text(value)));
        return value.get<bool>();
    }

    // A string or an array of strings.
    std::vector<std::string> strings(const Json& value, const KeyPath& key) const {
        if (value.is_string())
            return {value.get<std::string>()};
        std::vector<std::string> out;
        if (value.is_array()) {
            for (const auto& item : value) {
                if (!item.is_string())
                    break;
                out.push_back(item.get<std::string>());
            }
            if (out.size() == value.size())
                return out;
        }
        fail(key, fmt::format("{} must be a string or a list of strings, not {}",
                              config::format_key_path(key), config::to_json5_text(value)));
    }

    template <typename Enum>
    Enum choice(const Json& value, const KeyPath& key,
                const std::vector<std::pair<std::string_view, Enum>>& options) const {
        if (value.is_string())
            for (const auto& [word, result] : options)
                if (value.get<std::string>() == word)
                    return result;
        std::string words;
        for (const auto& [word, result] : options)
            words += (words.empty() ? "" : ", ") + std::string(word);
        fail(key, fmt::format("{} must be one of {}, not {}", config::format_key_path(key), words,
                              config::to_json5_text(value)));
    }

    void known_keys(const Json& object, const KeyPath& key,
                    std::initializer_list<std::string_view> known) const {
        for (const auto& [name, value] : object.items()) {
            if (std::find(known.begin(), known.end(), name) != known.end())
                continue;
            KeyPath child = key;
            child.push_back(name);
            warn(child, fmt::format("unknown key {} is ignored", config::format_key_path(child)));
        }
    }

private:
    const config::LayeredConfig& m_config;
    std::vector<std::string>& m_warnings;
};

KeyPath child(KeyPath path, const std::string& name) {
    path.push_back(name);
    return path;
}

TimeoutPolicy read_timeout(const Reader& reader, const Json& value, const KeyPath& key) {
    TimeoutPolicy policy;
    reader.object(value, key);
    reader.known_keys(value, key, {"time", "action", "maximumRetries"});
    if (value.contains("time")) {
        auto time = parse_duration(value["time"]);
        if (!time || time->count() <= 0) // a zero timeout would cut every request at once
            reader.fail(child(key, "time"),
                        fmt::format("{} must be a duration such as \"00:00:30\", \"30s\" or "
                                    "\"500ms\", not {}",
                                    config::format_key_path(child(key, "time")),
                                    config::to_json5_text(value["time"])));
        policy.time = *time;
    }
    if (value.contains("action"))
        policy.action =
            reader.choice<TimeoutAction>(value["action"], child(key, "action"),
                                         {{"retry", TimeoutAction::retry},
                                          {"fail", TimeoutAction::fail},
                                          {"continue", TimeoutAction::continue_search}});
    if (value.contains("maximumRetries")) {
        const Json& retries = value["maximumRetries"];
        if (!retries.is_number_integer() || retries.get<std::int64_t>() < 0 ||
            retries.get<std::int64_t>() > 100)
            reader.fail(child(key, "maximumRetries"),
                        fmt::format("{} must be a whole number from 0 to 100, not {}",
                                    config::format_key_path(child(key, "maximumRetries")),
                                    config::to_json5_text(retries)));
        policy.maximum_retries = static_cast<int>(retries.get<std::int64_t>());
    }
    return policy;
}

// nullopt: the registry is left out (unknown protocol or disabled); the reason is in `why`.
std::optional<Registry> read_registry(const Reader& reader, const std::string& name,
                                      const Json& value, const KeyPath& key, std::string& why) {
    reader.object(value, key);
    reader.known_keys(value, key, {"protocol", "url", "enabled", "settings", "search"});
    Registry registry;
    registry.name = name;
    if (value.contains("enabled") && !reader.boolean(value["enabled"], child(key, "enabled"))) {
        why = fmt::format("registry {} is disabled (enabled: false)", name);
        return std::nullopt;
    }
    if (!value.contains("protocol"))
        reader.fail(key, fmt::format("registry {} has no protocol (one of file, cairn-index, npm, "
                                     "oci, git)",
                                     name));
    std::string protocol = reader.string(value["protocol"], child(key, "protocol"));
    auto parsed = parse_protocol(protocol);
    if (!parsed) {
        why = fmt::format("registry {} uses the unknown protocol \"{}\"", name, protocol);
        reader.warn(child(key, "protocol"),
                    fmt::format("{}; it is left out (known protocols: file, cairn-index, npm, "
                                "oci, git)",
                                why));
        return std::nullopt;
    }
    registry.protocol = *parsed;
    if (!value.contains("url"))
        reader.fail(key, fmt::format("registry {} has no url", name));
    registry.url = reader.string(value["url"], child(key, "url"));
    if (registry.url.empty())
        reader.fail(child(key, "url"), fmt::format("registry {} has an empty url (is the "
                                                   "environment variable it reads empty?)",
                                                   name));
    if (value.contains("settings"))
        registry.settings = reader.object(value["settings"], child(key, "settings"));
    if (value.contains("search")) {
        KeyPath search_key = child(key, "search");
        const Json& search = reader.object(value["search"], search_key);
        reader.known_keys(search, search_key, {"before", "after", "notFound", "timeout"});
        if (search.contains("before"))
            registry.before = reader.strings(search["before"], child(search_key, "before"));
        if (search.contains("after"))
            registry.after = reader.strings(search["after"], child(search_key, "after"));
        if (search.contains("notFound"))
            registry.not_found = reader.choice<NotFound>(
                search["notFound"], child(search_key, "notFound"),
                {{"stop", NotFound::stop}, {"continue", NotFound::continue_search}});
        if (search.contains("timeout"))
            registry.timeout =
                read_timeout(reader, search["timeout"], child(search_key, "timeout"));
    }
    return registry;
}

Authority read_authority(const Reader& reader, const std::string& format, const std::string& name,
                         const Json& value, const KeyPath& key) {
    reader.object(value, key);
    reader.known_keys(value, key,
                      {"packages", "search", "defaultOrder", "registries", "minimumReleaseAge"});
    Authority authority;
    authority.name = name;
    if (value.contains("packages"))
        authority.packages = reader.strings(value["packages"], child(key, "packages"));
    for (const auto& pattern : authority.packages)
        if (pattern.empty())
            reader.fail(child(key, "packages"),
                        fmt::format("authority {} has an empty package pattern", name));
    if (value.contains("search")) {
        KeyPath search_key = child(key, "search");
        const Json& search = reader.object(value["search"], search_key);
        reader.known_keys(search, search_key, {"mode"});
        if (search.contains("mode"))
            authority.search_mode =
                reader.choice<SearchMode>(search["mode"], child(search_key, "mode"),
                                          {{"ordered", SearchMode::ordered},
                                           {"concurrent", SearchMode::concurrent},
                                           {"union", SearchMode::union_all}});
    }
    if (value.contains("defaultOrder"))
        authority.default_order = reader.choice<DefaultOrder>(
            value["defaultOrder"], child(key, "defaultOrder"),
            {{"declared", DefaultOrder::declared}, {"alphabetical", DefaultOrder::alphabetical}});
    if (value.contains("minimumReleaseAge")) {
        auto age = parse_duration(value["minimumReleaseAge"]);
        if (!age)
            reader.fail(child(key, "minimumReleaseAge"),
                        fmt::format("{} must be a duration such as \"3d\" or \"12h\"",
                                    config::format_key_path(child(key, "minimumReleaseAge"))));
        authority.minimum_release_age = *age;
    }

    KeyPath registries_key = child(key, "registries");
    std::vector<Registry> usable;
    std::vector<std::string> dropped, reasons;
    if (value.contains("registries")) {
        const Json& registries = reader.object(value["registries"], registries_key);
        for (const auto& [registry_name, registry_value] : registries.items()) {
            std::string why;
            auto registry = read_registry(reader, registry_name, registry_value,
                                          child(registries_key, registry_name), why);
            if (registry) {
                usable.push_back(std::move(*registry));
            } else {
                dropped.push_back(registry_name);
                reasons.push_back(why);
            }
        }
    }
    if (usable.empty()) {
        Error error(Code::config_invalid,
                    fmt::format("authority {} of format {} has no usable registry", name, format));
        for (const auto& reason : reasons)
            error.caused_by(reason);
        if (reasons.empty())
            error.caused_by("it declares no registries");
        error.while_(fmt::format("reading {}", config::format_key_path(key)));
        error.hint(fmt::format("add one under {}.registries, or remove the authority",
                               config::format_key_path(key)));
        throw error;
    }
    authority.registries =
        order_registries(name, std::move(usable), authority.default_order, dropped);
    return authority;
}

} // namespace

std::string_view protocol_name(Protocol protocol) {
    switch (protocol) {
    case Protocol::file:
        return "file";
    case Protocol::cairn_index:
        return "cairn-index";
    case Protocol::npm:
        return "npm";
    case Protocol::oci:
        return "oci";
    case Protocol::git:
        return "git";
    }
    return "?";
}

std::optional<Protocol> parse_protocol(std::string_view text) {
    for (Protocol p :
         {Protocol::file, Protocol::cairn_index, Protocol::npm, Protocol::oci, Protocol::git})
        if (protocol_name(p) == text)
            return p;
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(const Json& value) {
    using std::chrono::milliseconds;
    if (value.is_number()) {
        double seconds = value.get<double>();
        if (!(seconds >= 0) || seconds > 1e9)
            return std::nullopt;
        return milliseconds(static_cast<std::int64_t>(seconds * 1000));
    }
    if (!value.is_string())
        return std::nullopt;
    std::string text = value.get<std::string>();
    // "HH:MM:SS" (NuGet style)
    unsigned hours = 0, minutes = 0, seconds = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%u:%u:%u%c", &hours, &minutes, &seconds, &tail) == 3 &&
        minutes < 60 && seconds < 60 && text.size() >= 5)
        return milliseconds((hours * 3600ull + minutes * 60ull + seconds) * 1000ull);
    // "<number><unit>"
    std::size_t i = 0;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.'))
        ++i;
    if (i == 0 || i > 12)
        return std::nullopt;
    double amount = std::strtod(text.substr(0, i).c_str(), nullptr);
    std::string unit = text.substr(i);
    double factor = 0;
    if (unit == "ms")
        factor = 1;
    else if (unit == "s")
        factor = 1000;
    else if (unit == "m")
        factor = 60 * 1000;
    else if (unit == "h")
        factor = 3600 * 1000;
    else if (unit == "d")
        factor = 24 * 3600 * 1000;
    else
        return std::nullopt;
    return milliseconds(static_cast<std::int64_t>(amount * factor));
}

const Authority* FormatRegistries::find_authority(std::string_view name) const {
    for (const auto& authority : authorities)
        if (authority.name == name)
            return &authority;
    return nullptr;
}

const FormatRegistries* RegistryModel::find_format(std::string_view format) const {
    for (const auto& f : formats)
        if (f.format == format)
            return &f;
    return nullptr;
}

RegistryModel read_registry_model(const config::LayeredConfig& config) {
    RegistryModel model;
    Reader reader(config, model.warnings);
    const Json* formats = config.find({"formats"});
    if (!formats)
        return model;
    reader.object(*formats, {"formats"});
    for (const auto& [format_name, format_value] : formats->items()) {
        KeyPath format_key{"formats", format_name};
        reader.object(format_value, format_key);
        reader.known_keys(format_value, format_key, {"defaults", "authorities"});
        FormatRegistries format;
        format.format = format_name;
        if (format_value.contains("authorities")) {
            KeyPath authorities_key = child(format_key, "authorities");
            const Json& authorities = reader.object(format_value["authorities"], authorities_key);
            for (const auto& [name, value] : authorities.items())
                format.authorities.push_back(
                    read_authority(reader, format_name, name, value, child(authorities_key, name)));
        }
        // One pattern claimed by two authorities can never be decided.
        std::map<std::string, std::string> claimed;
        for (const auto& authority : format.authorities) {
            for (const auto& pattern : authority.packages) {
                auto [it, inserted] = claimed.emplace(pattern, authority.name);
                if (!inserted && it->second != authority.name) {
                    Error error(Code::config_invalid,
                                fmt::format("authorities {} and {} of format {} both claim the "
                                            "package pattern \"{}\"",
                                            it->second, authority.name, format_name, pattern));
                    error.hint("a name must map to exactly one authority; remove the pattern "
                               "from one of them, or make one more specific");
                    throw error;
                }
            }
        }
        if (format_value.contains("defaults")) {
            KeyPath defaults_key = child(format_key, "defaults");
            const Json& defaults = reader.object(format_value["defaults"], defaults_key);
            reader.known_keys(defaults, defaults_key, {"authority"});
            if (defaults.contains("authority")) {
                KeyPath key = child(defaults_key, "authority");
                format.default_authority = reader.string(defaults["authority"], key);
                if (!format.find_authority(format.default_authority)) {
                    std::vector<std::string> names;
                    for (const auto& a : format.authorities)
                        names.push_back(a.name);
                    reader.fail(key, fmt::format("the default authority {} of format {} is not "
                                                 "defined (defined: {})",
                                                 format.default_authority, format_name,
                                                 names.empty()
                                                     ? std::string("none")
                                                     : fmt::format("{}", fmt::join(names, ", "))));
                }
            }
        }
        if (format.default_authority.empty()) {
            // Without an explicit default, a sole authority that claims no patterns serves
            // every name.
            const Authority* open = nullptr;
            int open_count = 0;
            for (const auto& a : format.authorities)
                if (a.packages.empty()) {
                    open = &a;
                    ++open_count;
                }
            if (open_count == 1)
                format.default_authority = open->name;
        }
        model.formats.push_back(std::move(format));
    }
    return model;
}

} // namespace cairn::registry
