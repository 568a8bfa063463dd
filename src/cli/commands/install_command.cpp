// cairn install [--frozen] [--production|--omit dev] [--layout hoisted|isolated]
// In a cairn-format project (cairn.json5, no package.json), or given a portable package
// (`cairn install ./pkg.portable.tar.zst`), it installs cairn packages into cairn_modules/.
#include "commands/npm_project_support.hpp"

#include "cairn/ops/cairn_install.hpp"
#include "cairn/ops/fetch.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace cairn::cli {

namespace fs = std::filesystem;

namespace {

struct InstallSettings {
    InstallFlags flags;
    std::string portable;
    std::vector<std::string> registries;
};

fs::path working_dir(const Session& session) {
    return session.global.directory.empty() ? fs::current_path()
                                            : fs::path(session.global.directory);
}

} // namespace

void print_cairn_summary(const Session& session, const ops::CairnInstallSummary& summary) {
    for (const auto& w : summary.warnings)
        std::cerr << "warning: " << w << "\n";
    if (session.global.json) {
        nlohmann::json packages = nlohmann::json::array();
        for (const auto& p : summary.packages)
            packages.push_back({{"name", p.name},
                                {"version", p.version},
                                {"digest", p.digest.text()},
                                {"downloaded", p.downloaded}});
        std::cout << nlohmann::json{{"packages", packages},
                                    {"downloaded", summary.downloaded},
                                    {"linked", summary.linked},
                                    {"seconds", summary.elapsed.count() / 1000.0}}
                         .dump()
                  << "\n";
        return;
    }
    if (session.global.quiet)
        return;
    for (const auto& p : summary.packages)
        std::cout << fmt::format("+ cairn:{} {}{}\n", p.name, p.version,
                                 p.state == "active" ? "" : " (" + p.state + ")");
    std::cout << ops::describe_install(summary) << "\n";
}

ops::CairnInstallOptions cairn_install_options(const Session& session,
                                               const config::LayeredConfig& config,
                                               const std::vector<std::string>& registries) {
    ops::CairnInstallOptions o;
    o.project = working_dir(session);
    o.config = &config;
    o.registries = registries;
    o.store_root = ops::store_root(process_environment());
    return o;
}

void add_install_command(CLI::App& app, Session& session) {
    auto s = std::make_shared<InstallSettings>();
    auto* cmd = app.add_subcommand(
        "install", "Install the project's dependencies (package.json into node_modules, "
                   "cairn.json5 into cairn_modules)");
    cmd->alias("i");
    cmd->add_option("portable", s->portable,
                    "A portable cairn package (.portable.tar.zst) to install offline");
    cmd->add_option("--registry", s->registries,
                    "cairn-index registry locations (default: formats.cairn in config)");
    add_install_flags(*cmd, s->flags);
    cmd->callback([&session, s] {
        fs::path dir = working_dir(session);
        bool cairn_project = fs::exists(dir / "cairn.json5") && !fs::exists(dir / "package.json");
        if (!s->portable.empty() || cairn_project) {
            auto loaded = load_session_config(session);
            auto options = cairn_install_options(session, loaded.config, s->registries);
            if (!s->portable.empty())
                options.portable = fs::absolute(s->portable);
            print_cairn_summary(session, ops::install_cairn_project(options));
            return;
        }
        auto project = npm_project_dir(session);
        auto summary = run_npm_workflow(session, project, make_request(project, s->flags),
                                        ops::install_npm_project);
        print_summary(session, summary, "install");
    });
}

CAIRN_COMMAND(10, "install i", add_install_command);

} // namespace cairn::cli
