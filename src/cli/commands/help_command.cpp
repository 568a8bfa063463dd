#include "app.hpp"

#include "cairn/core/error.hpp"

#include <iostream>

namespace cairn::cli {

void add_help_command(CLI::App& app, Session& session) {
    auto* cmd = app.add_subcommand("help", "Show help for cairn or for one command");
    auto topic = std::make_shared<std::vector<std::string>>();
    cmd->add_option("command", *topic, "A command, e.g. `config` or `config explain`");
    cmd->callback([&app, &session, topic] {
        CLI::App* target = &app;
        for (const auto& word : *topic) {
            CLI::App* next = nullptr;
            try {
                next = target->get_subcommand(word);
            } catch (const CLI::OptionNotFound&) {
            }
            if (!next)
                throw Error(Code::usage, "no command named '" + word + "'")
                    .hint("`cairn help` lists the commands");
            target = next;
        }
        // App::help() would describe the selected subcommand (`help` itself); format directly.
        std::cout << target->get_formatter()->make_help(target, target->get_name(),
                                                        CLI::AppFormatMode::Normal);
        session.exit_code = 0;
    });
}

CAIRN_COMMAND(1, "help", add_help_command);

} // namespace cairn::cli
