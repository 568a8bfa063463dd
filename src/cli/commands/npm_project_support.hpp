#pragma once

// What the npm project commands (install, add, remove, update, lock, fetch, tree, why,
// outdated) share: finding the project, the ops context, and rendering a summary.
#include "app.hpp"
#include "session_config.hpp"

#include "cairn/ops/cairn_install.hpp"
#include "cairn/ops/npm_install.hpp"

#include <filesystem>

namespace cairn::cli {

// The folder with package.json at or above the working directory (-C). Throws
// manifest_invalid with a hint when there is none.
std::filesystem::path npm_project_dir(const Session& session);

// Options shared by the install-like commands.
struct InstallFlags {
    bool frozen = false;
    bool production = false;
    std::vector<std::string> omit;
    std::string layout;
    std::vector<std::string> allow_scripts;
};
void add_install_flags(CLI::App& command, InstallFlags& flags);
ops::NpmProjectRequest make_request(const std::filesystem::path& project,
                                    const InstallFlags& flags);

// Runs `body` with the session's configuration and store, rendering progress.
ops::NpmProjectSummary
run_npm_workflow(Session& session, const std::filesystem::path& project,
                 ops::NpmProjectRequest request,
                 const std::function<ops::NpmProjectSummary(const ops::NpmProjectContext&,
                                                            const ops::NpmProjectRequest&)>& body);

// The summary as text on stdout (or one JSON object with --json); warnings on stderr.
void print_summary(const Session& session, const ops::NpmProjectSummary& summary,
                   std::string_view verb);

// The cairn format's install summary (install_command.cpp), and its options from the session.
void print_cairn_summary(const Session& session, const ops::CairnInstallSummary& summary);
ops::CairnInstallOptions cairn_install_options(const Session& session,
                                               const config::LayeredConfig& config,
                                               const std::vector<std::string>& registries);

} // namespace cairn::cli
