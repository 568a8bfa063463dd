// cairn update [NAME...]: re-resolve the named packages (or everything) to the newest
// versions their specs allow, then install.
#include "commands/npm_project_support.hpp"

namespace cairn::cli {

void add_update_command(CLI::App& app, Session& session) {
    auto flags = std::make_shared<InstallFlags>();
    auto names = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand(
        "update", "Update packages to the newest versions package.json allows, then install");
    cmd->alias("up");
    cmd->add_option("names", *names, "Packages to update (default: all)")->type_name("NAME");
    add_install_flags(*cmd, *flags);
    cmd->callback([&session, flags, names] {
        auto project = npm_project_dir(session);
        auto request = make_request(project, *flags);
        request.update = *names;
        request.update_all = names->empty();
        auto summary = run_npm_workflow(session, project, request, ops::install_npm_project);
        print_summary(session, summary, "update");
    });
}

CAIRN_COMMAND(14, "update up", add_update_command);

} // namespace cairn::cli
