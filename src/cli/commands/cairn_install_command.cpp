// Temporary, hidden: cairn cairn-install [PORTABLE] [--registry LOCATION]... and
// cairn cairn-add SPEC, until `install`/`add` dispatch cairn projects to the same ops.
#include "app.hpp"
#include "session_config.hpp"

#include "cairn/ops/cairn_install.hpp"
#include "cairn/ops/fetch.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace cairn::cli {
namespace {

struct CairnInstallSettings {
    std::string portable;
    std::string spec;
    std::vector<std::string> registries;
};

void report(const Session& session, const ops::CairnInstallSummary& summary) {
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
    if (!session.global.quiet)
        for (const auto& p : summary.packages)
            std::cout << fmt::format("  {} {}{}\n", p.name, p.version,
                                     p.state == "active" ? "" : " (" + p.state + ")");
    std::cout << ops::describe_install(summary) << "\n";
}

ops::CairnInstallOptions options_for(const Session& session, const CairnInstallSettings& s,
                                     const config::LayeredConfig& config) {
    ops::CairnInstallOptions o;
    o.project = session.global.directory.empty() ? std::filesystem::current_path()
                                                 : std::filesystem::path(session.global.directory);
    o.config = &config;
    o.registries = s.registries;
    o.store_root = ops::store_root(process_environment());
    if (!s.portable.empty())
        o.portable = std::filesystem::absolute(s.portable);
    return o;
}

} // namespace

void add_cairn_install_command(CLI::App& app, Session& session) {
    auto s = std::make_shared<CairnInstallSettings>();
    auto* install = app.add_subcommand("cairn-install", "");
    install->group(""); // hidden
    install->add_option("portable", s->portable, "A portable package (.portable.tar.zst)");
    install->add_option("--registry", s->registries, "Registry locations (default: config)");
    install->callback([&session, s] {
        auto loaded = load_session_config(session);
        report(session, ops::install_cairn_project(options_for(session, *s, loaded.config)));
    });
    auto* add = app.add_subcommand("cairn-add", "");
    add->group("");
    add->add_option("spec", s->spec, "cairn:scope/name[@range]")->required();
    add->add_option("--registry", s->registries, "Registry locations (default: config)");
    add->callback([&session, s] {
        auto loaded = load_session_config(session);
        report(session,
               ops::add_cairn_dependency(options_for(session, *s, loaded.config), s->spec));
    });
}

CAIRN_COMMAND(69, add_cairn_install_command);

} // namespace cairn::cli
