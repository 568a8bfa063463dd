// cairn registry init DIR
#include "app.hpp"

#include "cairn/ops/cairn_publish.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace cairn::cli {

void add_registry_command(CLI::App& app, Session& session) {
    auto* cmd = app.add_subcommand("registry", "cairn-index registry folders");
    cmd->require_subcommand(1);
    auto dir = std::make_shared<std::string>();
    auto* init = cmd->add_subcommand("init", "Create an empty cairn-index registry folder");
    init->add_option("dir", *dir, "The folder (new or empty)")->required()->type_name("DIR");
    init->callback([&session, dir] {
        ops::init_registry(*dir);
        if (!session.global.quiet)
            std::cout << fmt::format("created an empty cairn-index registry in {}\n", *dir);
    });
}

CAIRN_COMMAND(62, "registry", add_registry_command);

} // namespace cairn::cli
