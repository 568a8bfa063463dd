// cairn add NAME[@SPEC]... [-D|-O|--peer] [-E]: write the dependencies into package.json and
// install.
#include "commands/npm_project_support.hpp"

#include "cairn/core/error.hpp"
#include "cairn/ops/npm_query.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace cairn::cli {

namespace {

std::string read_text_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

struct AddFlags {
    std::vector<std::string> packages;
    bool dev = false, optional = false, peer = false, exact = false;
    std::vector<std::string> registries;
    InstallFlags install;
};

} // namespace

void add_add_command(CLI::App& app, Session& session) {
    auto flags = std::make_shared<AddFlags>();
    auto* cmd = app.add_subcommand("add", "Add dependencies to package.json and install them");
    cmd->add_option("packages", flags->packages, "NAME or NAME@SPEC (e.g. express@^5)")
        ->required()
        ->type_name("NAME[@SPEC]");
    cmd->add_flag("-D,--save-dev,--dev", flags->dev, "Save as a devDependency");
    cmd->add_flag("-O,--save-optional,--optional", flags->optional,
                  "Save as an optionalDependency");
    cmd->add_flag("--save-peer,--peer", flags->peer, "Save as a peerDependency");
    cmd->add_flag("-E,--save-exact,--exact", flags->exact,
                  "Save the exact version instead of ^version");
    add_install_flags(*cmd, flags->install);
    cmd->add_option("--registry", flags->registries,
                    "cairn-index registry locations for cairn: packages (default: config)");
    cmd->callback([&session, flags] {
        // cairn:scope/name[@range] goes to the cairn format's manifest (cairn.json5).
        bool cairn_specs = !flags->packages.empty() && flags->packages[0].rfind("cairn:", 0) == 0;
        if (cairn_specs) {
            auto loaded = load_session_config(session);
            auto options = cairn_install_options(session, loaded.config, flags->registries);
            for (const auto& spec : flags->packages) {
                if (spec.rfind("cairn:", 0) != 0)
                    throw Error(Code::usage,
                                "add either cairn: packages or npm packages, not both");
                print_cairn_summary(session, ops::add_cairn_dependency(options, spec));
            }
            return;
        }
        auto project = npm_project_dir(session);
        std::vector<ops::AddRequest> requests;
        for (const auto& text : flags->packages)
            requests.push_back(ops::parse_add_argument(text));
        ops::SaveAs save_as = flags->dev        ? ops::SaveAs::dev
                              : flags->optional ? ops::SaveAs::optional
                              : flags->peer     ? ops::SaveAs::peer
                                                : ops::SaveAs::prod;
        auto request = make_request(project, flags->install);
        auto summary = run_npm_workflow(
            session, project, request,
            [&](const ops::NpmProjectContext& context, const ops::NpmProjectRequest& r) {
                // package.json changes only when the install works (as npm does).
                std::string before = read_text_file(project / "package.json");
                ops::add_npm_dependencies(context, project, requests, save_as, flags->exact);
                try {
                    return ops::install_npm_project(context, r);
                } catch (...) {
                    std::ofstream restore(project / "package.json",
                                          std::ios::binary | std::ios::trunc);
                    restore << before;
                    throw;
                }
            });
        print_summary(session, summary, "add");
    });
}

void add_remove_command(CLI::App& app, Session& session) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto flags = std::make_shared<InstallFlags>();
    auto* cmd = app.add_subcommand("remove", "Remove dependencies from package.json and "
                                             "node_modules");
    cmd->alias("rm");
    cmd->add_option("names", *names, "Dependencies to remove")->required()->type_name("NAME");
    add_install_flags(*cmd, *flags);
    cmd->callback([&session, names, flags] {
        auto project = npm_project_dir(session);
        ops::remove_npm_dependencies(project, *names);
        auto summary = run_npm_workflow(session, project, make_request(project, *flags),
                                        ops::install_npm_project);
        print_summary(session, summary, "remove");
    });
}

CAIRN_COMMAND(11, "add", add_add_command);
CAIRN_COMMAND(12, "remove rm", add_remove_command);

} // namespace cairn::cli
