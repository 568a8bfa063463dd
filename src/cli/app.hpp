#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cairn::cli {

// Options every command accepts, filled by CLI11 before a command's callback runs.
struct GlobalOptions {
    bool json = false;
    bool quiet = false;
    int verbose = 0;
    std::string directory;                     // -C DIR: run as if started in DIR
    std::vector<std::string> config_overrides; // --config KEY=VALUE (flag level)
    bool offline = false;
    bool prefer_offline = false;
};

// What a command callback leaves behind for main().
struct Session {
    GlobalOptions global;
    int exit_code = 0;
};

// Builds the whole command tree. Commands register themselves from commands/*.cpp.
std::unique_ptr<CLI::App> make_app(Session& session);

// Each command file provides one of these.
void add_help_command(CLI::App& app, Session& session);
void add_config_command(CLI::App& app, Session& session);
void add_semver_command(CLI::App& app, Session& session);
void add_cache_command(CLI::App& app, Session& session);

} // namespace cairn::cli
