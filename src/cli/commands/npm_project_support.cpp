// Shared by the npm project commands (npm_project_support.hpp).
#include "commands/npm_project_support.hpp"

#include "render/diagnostics.hpp"
#include "render/progress.hpp"

#include "cairn/core/error.hpp"
#include "cairn/ops/fetch.hpp"
#include "cairn/ops/npm_query.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace cairn::cli {

namespace fs = std::filesystem;

namespace {

std::string human_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 3) {
        value /= 1024;
        ++unit;
    }
    return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

std::string human_time(std::chrono::milliseconds elapsed) {
    if (elapsed.count() < 1000)
        return fmt::format("{} ms", elapsed.count());
    return fmt::format("{:.2f} s", static_cast<double>(elapsed.count()) / 1000.0);
}

std::string plural(std::size_t n, std::string_view word) {
    if (n == 1)
        return fmt::format("{} {}", n, word);
    if (word.ends_with("y"))
        return fmt::format("{} {}ies", n, word.substr(0, word.size() - 1));
    return fmt::format("{} {}s", n, word);
}

} // namespace

fs::path npm_project_dir(const Session& session) {
    fs::path start =
        session.global.directory.empty() ? fs::current_path() : fs::path(session.global.directory);
    if (auto found = ops::find_npm_project(start))
        return *found;
    Error error(Code::manifest_invalid,
                fmt::format("no package.json in {} or above it", start.string()));
    error.hint("run cairn in the folder of an npm project (or pass -C DIR), or create a "
               "package.json with `npm init -y`");
    throw error;
}

void add_install_flags(CLI::App& command, InstallFlags& flags) {
    command.add_flag("--frozen,--frozen-lockfile", flags.frozen,
                     "Fail instead of changing cairn.lock (for CI)");
    command.add_flag("--production", flags.production, "Leave devDependencies out (--omit=dev)");
    command.add_option("--omit", flags.omit, "Leave out a kind of dependency: dev, optional")
        ->check(CLI::IsMember({"dev", "optional"}));
    command
        .add_option("--layout", flags.layout,
                    "node_modules layout: hoisted (npm's, the default) or isolated (pnpm's)")
        ->check(CLI::IsMember({"hoisted", "isolated"}));
    command
        .add_option("--allow-scripts", flags.allow_scripts,
                    "Run this package's install scripts (repeatable; config scripts.allow)")
        ->type_name("NAME");
}

ops::NpmProjectRequest make_request(const fs::path& project, const InstallFlags& flags) {
    ops::NpmProjectRequest request;
    request.project = project;
    request.frozen = flags.frozen;
    request.omit_dev = flags.production;
    for (const auto& kind : flags.omit) {
        if (kind == "dev")
            request.omit_dev = true;
        else if (kind == "optional")
            request.omit_optional = true;
    }
    if (flags.layout == "isolated")
        request.layout = ops::NpmLayout::isolated;
    else if (flags.layout == "hoisted")
        request.layout = ops::NpmLayout::hoisted;
    request.allow_scripts = flags.allow_scripts;
    request.process_exits_after = true; // a command is one run
    return request;
}

ops::NpmProjectSummary
run_npm_workflow(Session& session, const fs::path& project, ops::NpmProjectRequest request,
                 const std::function<ops::NpmProjectSummary(const ops::NpmProjectContext&,
                                                            const ops::NpmProjectRequest&)>& body) {
    Session scoped = session;
    if (scoped.global.directory.empty())
        scoped.global.directory = project.string();
    auto loaded = load_session_config(scoped);
    auto env = process_environment();
    ops::NpmProjectContext context{loaded.config, env, ops::store_root(env)};
    render::ProgressLine progress(!session.global.quiet && !session.global.json);
    request.progress = [&](std::string_view phase, std::size_t done, std::size_t total) {
        progress.update(phase, done, total);
    };
    auto summary = body(context, request);
    progress.finish();
    return summary;
}

void print_summary(const Session& session, const ops::NpmProjectSummary& s, std::string_view verb) {
    auto output = session.global.json ? render::Output::json : render::Output::text;
    if (session.global.json) {
        nlohmann::json changes = nlohmann::json::array();
        for (const auto& c : s.changes)
            changes.push_back({{"change", std::string(1, c.sign)},
                               {"name", c.name},
                               {"version", c.version},
                               {"previous", c.previous}});
        nlohmann::json j{{"command", verb},
                         {"up_to_date", s.up_to_date},
                         {"resolved", s.resolved},
                         {"lock_written", s.lock_written},
                         {"packages", s.packages},
                         {"added", s.added},
                         {"removed", s.removed},
                         {"unchanged", s.unchanged},
                         {"linked_ahead", s.linked_ahead},
                         {"downloaded", s.downloaded},
                         {"downloaded_bytes", s.downloaded_bytes},
                         {"reused", s.reused},
                         {"metadata_requests", s.metadata_requests},
                         {"registries", s.registries},
                         {"skipped_optional", s.skipped_optional},
                         {"scripts_skipped", s.scripts_skipped},
                         {"scripts_run", s.scripts_run},
                         {"deprecated", s.deprecated},
                         {"warnings", s.warnings},
                         {"changes", changes},
                         {"network_mode", s.network_mode},
                         {"seconds", static_cast<double>(s.elapsed.count()) / 1000.0}};
        nlohmann::json phases = nlohmann::json::array();
        for (const auto& phase : s.phases)
            phases.push_back({{"phase", phase.name},
                              {"seconds", static_cast<double>(phase.time.count()) / 1e6}});
        j["phases"] = std::move(phases);
        std::cout << j.dump() << "\n";
        return;
    }
    if (!session.global.quiet) {
        for (const auto& w : s.warnings)
            render::print_warning(w, output);
        for (const auto& d : s.deprecated)
            render::print_warning("deprecated " + d, output);
    }
    if (session.global.quiet)
        return;
    std::string out;
    if (session.global.verbose > 0 && !s.phases.empty()) {
        out += "time by phase:";
        for (const auto& phase : s.phases)
            out += fmt::format(" {} {:.1f} ms", phase.name,
                               static_cast<double>(phase.time.count()) / 1000.0);
        out += "\n";
    }
    if (s.up_to_date) {
        out += fmt::format("up to date: {} in {}\n", plural(s.packages, "package"),
                           human_time(s.elapsed));
        std::cout << out;
        return;
    }
    for (const auto& c : s.changes)
        out += c.sign == '~' ? fmt::format("~ {} {} (was {})\n", c.name, c.version, c.previous)
                             : fmt::format("{} {} {}\n", c.sign, c.name, c.version);
    std::string registries = s.registries.empty()
                                 ? ""
                                 : fmt::format(" from {}", plural(s.registries.size(), "registry"));
    if (s.registries.size() != 1 && !s.registries.empty())
        registries = fmt::format(" from {} registries", s.registries.size());
    std::string mode = s.network_mode == "online" ? "" : fmt::format(" ({})", s.network_mode);
    if (verb == "lock") {
        out += fmt::format("locked {}{} in {}{}{}\n", plural(s.packages, "package"), registries,
                           human_time(s.elapsed), mode,
                           s.lock_written ? "" : " (cairn.lock unchanged)");
    } else if (verb == "fetch") {
        out += fmt::format("fetched {}: {} downloaded ({}), {} already in the store, in {}{}\n",
                           plural(s.packages, "package"), s.downloaded,
                           human_bytes(s.downloaded_bytes), s.reused, human_time(s.elapsed), mode);
    } else {
        out += fmt::format("{} installed ({} added, {} removed, {} unchanged){}: {} "
                           "downloaded ({}), {} from the store, in {}{}\n",
                           plural(s.packages, "package"), s.added, s.removed, s.unchanged,
                           registries, s.downloaded, human_bytes(s.downloaded_bytes), s.reused,
                           human_time(s.elapsed), mode);
    }
    if (!s.skipped_optional.empty()) {
        out +=
            fmt::format("skipped {}:\n", plural(s.skipped_optional.size(), "optional dependency"));
        for (const auto& skipped : s.skipped_optional)
            out += "  " + skipped + "\n";
    }
    if (!s.scripts_run.empty()) {
        out += "ran install scripts:\n";
        for (const auto& run : s.scripts_run)
            out += "  " + run + "\n";
    }
    if (!s.scripts_skipped.empty()) {
        out += fmt::format("install scripts not run ({}):\n", s.scripts_skipped.size());
        for (const auto& skipped : s.scripts_skipped)
            out += "  " + skipped + "\n";
        out += "  allow one with --allow-scripts NAME or config scripts.allow: [\"NAME\"]\n";
    }
    std::cout << out;
}

} // namespace cairn::cli
