#include "app.hpp"

#include <algorithm>
#include <utility>

namespace cairn::cli {

namespace {

std::vector<std::pair<int, CommandAdder>>& registered_commands() {
    static std::vector<std::pair<int, CommandAdder>> commands;
    return commands;
}

} // namespace

CommandRegistration::CommandRegistration(int order, CommandAdder add) {
    registered_commands().emplace_back(order, add);
}

void add_registered_commands(CLI::App& app, Session& session) {
    auto commands = registered_commands();
    std::stable_sort(commands.begin(), commands.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [order, add] : commands)
        add(app, session);
}

std::unique_ptr<CLI::App> make_app(Session& session) {
    auto app = std::make_unique<CLI::App>(
        "cairn: resolves, fetches, verifies, caches and installs packages", "cairn");
    app->set_version_flag("-V,--version", std::string("cairn ") + CAIRN_VERSION);
    app->require_subcommand(0, 1);
    app->fallthrough();

    GlobalOptions& g = session.global;
    app->add_flag("--json", g.json, "Machine-readable output (JSON) on stdout, errors as JSON");
    app->add_flag("-q,--quiet", g.quiet, "Only errors");
    app->add_flag("-v,--verbose", g.verbose, "More detail (repeat for more)");
    app->add_option("-C,--directory", g.directory, "Run as if cairn was started in DIR");
    app->add_option("--config", g.config_overrides,
                    "Set a config key for this run: KEY=VALUE (VALUE is JSON5)")
        ->type_name("KEY=VALUE");
    app->add_flag("--offline", g.offline, "Never touch the network (network.mode=offline)");
    app->add_flag("--prefer-offline", g.prefer_offline,
                  "Use cached metadata, fetch only misses (network.mode=prefer-offline)");

    add_registered_commands(*app, session);

    return app;
}

} // namespace cairn::cli
