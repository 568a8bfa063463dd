// cairn install [--frozen] [--production|--omit dev] [--layout hoisted|isolated]
#include "commands/npm_project_support.hpp"

namespace cairn::cli {

void add_install_command(CLI::App& app, Session& session) {
    auto flags = std::make_shared<InstallFlags>();
    auto* cmd = app.add_subcommand(
        "install", "Install the project's dependencies (package.json) into node_modules");
    cmd->alias("i");
    add_install_flags(*cmd, *flags);
    cmd->callback([&session, flags] {
        auto project = npm_project_dir(session);
        auto summary = run_npm_workflow(session, project, make_request(project, *flags),
                                        ops::install_npm_project);
        print_summary(session, summary, "install");
    });
}

CAIRN_COMMAND(10, add_install_command);

} // namespace cairn::cli
