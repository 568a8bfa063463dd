#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <string_view>
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

// Builds the command tree for a command line: only the command it names (its word found
// after the global options), or every command when it names none, `help`, or a word no
// command has (CLI11 then explains). A command's options are many CLI11 objects: building
// all of them took a fifth of a millisecond of every run. Commands register themselves
// from commands/*.cpp.
std::unique_ptr<CLI::App> make_app(Session& session, int argc = 0,
                                   const char* const* argv = nullptr);

// Each command file registers itself (no central list to edit):
//   void add_cache_command(CLI::App& app, Session& session) { ... }
//   CAIRN_COMMAND(40, "cache", add_cache_command);
// `order` sets the position in `cairn help` (lower first): 10s project workflows (init,
// install, add, ...), 40s store and config, 60s format tooling, 90 misc. `names` are the
// name and aliases of the one subcommand the adder adds, space-separated ("tree ls"): an
// adder that adds others fails every run that builds all commands (`cairn help`).
using CommandAdder = void (*)(CLI::App& app, Session& session);
struct CommandRegistration {
    CommandRegistration(int order, const char* names, CommandAdder add);
};
// Every command, or only the one named `word` when one has that name or alias.
void add_registered_commands(CLI::App& app, Session& session, std::string_view word = {});

} // namespace cairn::cli

#define CAIRN_COMMAND_CONCAT2(a, b) a##b
#define CAIRN_COMMAND_CONCAT(a, b) CAIRN_COMMAND_CONCAT2(a, b)
#define CAIRN_COMMAND(order, names, adder)                                                         \
    static const ::cairn::cli::CommandRegistration CAIRN_COMMAND_CONCAT(cairn_command_,            \
                                                                        __LINE__) {                \
        order, names, adder                                                                        \
    }

namespace cairn::cli {} // namespace cairn::cli
