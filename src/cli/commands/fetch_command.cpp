// cairn fetch: everything cairn.lock needs into the store, for offline installs later.
#include "commands/npm_project_support.hpp"

namespace cairn::cli {

void add_fetch_command(CLI::App& app, Session& session) {
    auto flags = std::make_shared<InstallFlags>();
    auto* cmd = app.add_subcommand(
        "fetch", "Download every package cairn.lock needs into the store (for --offline later)");
    cmd->add_flag("--frozen", flags->frozen, "Fail instead of changing cairn.lock");
    cmd->callback([&session, flags] {
        auto project = npm_project_dir(session);
        auto summary = run_npm_workflow(session, project, make_request(project, *flags),
                                        ops::fetch_npm_project);
        print_summary(session, summary, "fetch");
    });
}

CAIRN_COMMAND(17, "fetch", add_fetch_command);

} // namespace cairn::cli
