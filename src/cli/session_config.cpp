#include "session_config.hpp"

#include "render/diagnostics.hpp"

#include <cstdlib>

namespace cairn::cli {

config::EnvLookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (!value)
            return std::nullopt;
        return std::string(value);
    };
}

ops::SessionConfig load_session_config(const Session& session) {
    const GlobalOptions& g = session.global;
    ops::ConfigRequest request;
    request.cwd =
        g.directory.empty() ? std::filesystem::current_path() : std::filesystem::path(g.directory);
    request.env = process_environment();
    for (const auto& assignment : g.config_overrides)
        request.flags.push_back(config::parse_flag_assignment(assignment));
    if (g.offline)
        request.flags.push_back({"--offline", {"network", "mode"}, "offline"});
    else if (g.prefer_offline)
        request.flags.push_back({"--prefer-offline", {"network", "mode"}, "prefer-offline"});
    ops::SessionConfig loaded = ops::load_config(request);
    if (!g.quiet)
        for (const auto& warning : loaded.config.warnings())
            render::print_warning(warning, g.json ? render::Output::json : render::Output::text);
    return loaded;
}

} // namespace cairn::cli
