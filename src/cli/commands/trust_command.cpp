// cairn trust accept PACKAGE KEYID
#include "app.hpp"

#include "cairn/ops/cairn_lock.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace cairn::cli {

void add_trust_command(CLI::App& app, Session& session) {
    auto* cmd = app.add_subcommand("trust", "Owner keys recorded on first use (cairn.lock)");
    cmd->require_subcommand(1);
    auto args = std::make_shared<std::pair<std::string, std::string>>();
    auto* accept = cmd->add_subcommand("accept", "Accept a new owner key for a package");
    accept->add_option("package", args->first, "cairn:scope/name, or cairn:scope/* for an index")
        ->required();
    accept->add_option("keyid", args->second, "The new owner id (SHA256:...)")->required();
    accept->callback([&session, args] {
        auto dir = session.global.directory.empty()
                       ? std::filesystem::current_path()
                       : std::filesystem::path(session.global.directory);
        auto previous = ops::accept_owner_key(dir, args->first, args->second);
        if (!session.global.quiet)
            std::cout << fmt::format("{}: owner {} accepted{}\n", args->first, args->second,
                                     previous.empty() ? "" : " (was " + previous + ")");
    });
}

CAIRN_COMMAND(68, "trust", add_trust_command);

} // namespace cairn::cli
