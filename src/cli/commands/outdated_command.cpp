// cairn outdated: direct dependencies with newer versions (wanted: the newest the spec
// allows; latest: the `latest` tag). Exit 1 when something is outdated, as npm does.
#include "commands/npm_project_support.hpp"

#include "cairn/ops/npm_query.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace cairn::cli {

void add_outdated_command(CLI::App& app, Session& session) {
    auto* cmd = app.add_subcommand("outdated", "List direct dependencies with newer versions");
    cmd->callback([&session] {
        auto project = npm_project_dir(session);
        std::vector<ops::OutdatedEntry> entries;
        run_npm_workflow(session, project, {},
                         [&](const ops::NpmProjectContext& context, const ops::NpmProjectRequest&) {
                             entries = ops::npm_outdated(context, project);
                             return ops::NpmProjectSummary{};
                         });
        if (session.global.json) {
            nlohmann::json json = nlohmann::json::array();
            for (const auto& e : entries)
                json.push_back({{"name", e.name},
                                {"type", e.type},
                                {"spec", e.spec},
                                {"current", e.current},
                                {"wanted", e.wanted},
                                {"latest", e.latest}});
            std::cout << json.dump() << "\n";
        } else if (!entries.empty()) {
            std::size_t width = 7;
            for (const auto& e : entries)
                width = std::max(width, e.name.size());
            std::cout << fmt::format("{:<{}}  {:<12} {:<12} {:<12} {}\n", "Package", width,
                                     "Current", "Wanted", "Latest", "Type");
            for (const auto& e : entries)
                std::cout << fmt::format("{:<{}}  {:<12} {:<12} {:<12} {}\n", e.name, width,
                                         e.current.empty() ? "-" : e.current, e.wanted, e.latest,
                                         e.type);
        }
        session.exit_code = entries.empty() ? 0 : 1;
    });
}

CAIRN_COMMAND(22, "outdated", add_outdated_command);

} // namespace cairn::cli
