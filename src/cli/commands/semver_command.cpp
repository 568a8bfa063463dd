// `cairn semver`: filter and sort versions by ranges, like node-semver's command line.
#include "app.hpp"

#include "cairn/version/select.hpp"

#include <iostream>

namespace cairn::cli {

namespace {

struct SemverSettings {
    std::vector<std::string> ranges;
    std::vector<std::string> versions;
    bool loose = false;
    bool include_prerelease = false;
    std::string flavor = "npm";
};

} // namespace

void add_semver_command(CLI::App& app, Session& session) {
    auto* cmd = app.add_subcommand(
        "semver", "Print the versions that satisfy every range, sorted ascending (exit 1 if "
                  "none does)");
    auto settings = std::make_shared<SemverSettings>();
    cmd->add_option("-r,--range", settings->ranges, "A range every printed version satisfies")
        ->type_name("RANGE")
        ->allow_extra_args(false);
    cmd->add_flag("-l,--loose", settings->loose, "Read versions and ranges loosely (npm)");
    cmd->add_flag("-p,--include-prerelease", settings->include_prerelease,
                  "Let prerelease versions match any range they fall in");
    cmd->add_option("--flavor", settings->flavor,
                    "Range syntax: npm (node-semver) or caret (Cargo)")
        ->check(CLI::IsMember({"npm", "caret"}));
    cmd->add_option("versions", settings->versions, "Versions to filter and sort")
        ->required()
        ->type_name("VERSION");
    cmd->callback([&session, settings] {
        version::SelectOptions options;
        options.flavor =
            settings->flavor == "caret" ? version::Flavor::caret : version::Flavor::npm;
        options.loose = settings->loose;
        options.include_prerelease = settings->include_prerelease;
        auto selected = version::select_versions(settings->versions, settings->ranges, options);
        for (const auto& v : selected)
            std::cout << v << '\n';
        session.exit_code = selected.empty() ? 1 : 0;
    });
}

CAIRN_COMMAND(44, "semver", add_semver_command);

} // namespace cairn::cli
