// cairn lock: resolve and write cairn.lock, without downloading or installing.
#include "commands/npm_project_support.hpp"

namespace cairn::cli {

void add_lock_command(CLI::App& app, Session& session) {
    auto flags = std::make_shared<InstallFlags>();
    auto* cmd = app.add_subcommand("lock", "Resolve the dependencies and write cairn.lock only");
    cmd->add_flag("--frozen", flags->frozen, "Fail instead of changing cairn.lock");
    cmd->callback([&session, flags] {
        auto project = npm_project_dir(session);
        auto summary = run_npm_workflow(session, project, make_request(project, *flags),
                                        ops::lock_npm_project);
        print_summary(session, summary, "lock");
    });
}

CAIRN_COMMAND(16, "lock", add_lock_command);

} // namespace cairn::cli
