// cairn init [--format cairn] [--name scope/name]
#include "app.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/cairn/manifest.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace cairn::cli {
namespace {

struct InitSettings {
    std::string format = "cairn";
    std::string name;
};

std::string default_name(const std::filesystem::path& dir) {
    std::string base;
    for (char c : dir.filename().string()) {
        char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        base += (std::isalnum(static_cast<unsigned char>(l)) || l == '-' || l == '_' || l == '.')
                    ? l
                    : '-';
    }
    while (!base.empty() && !std::isalnum(static_cast<unsigned char>(base.front())))
        base.erase(base.begin());
    if (base.empty())
        base = "app";
    return "local/" + base.substr(0, 64);
}

void run_init(const Session& session, const InitSettings& settings) {
    if (settings.format != "cairn")
        throw Error(Code::unsupported,
                    fmt::format("cairn init does not create {} projects yet", settings.format))
            .hint("use --format cairn");
    auto dir = session.global.directory.empty() ? std::filesystem::current_path()
                                                : std::filesystem::path(session.global.directory);
    auto file = dir / format::cairn::k_manifest_file;
    if (std::filesystem::exists(file))
        throw Error(Code::usage, file.string() + " already exists");
    auto name = format::cairn::PackageName::parse(settings.name.empty() ? default_name(dir)
                                                                        : settings.name);
    auto text = format::cairn::initial_manifest_text(name);
    std::ofstream(file, std::ios::binary) << text;
    auto gitignore = dir / ".gitignore";
    if (!std::filesystem::exists(gitignore))
        std::ofstream(gitignore) << "cairn_modules/\n.config/cairn/*.user.*\n";
    if (!session.global.quiet)
        std::cout << fmt::format("created {} for {}\n", file.string(), name.text());
}

} // namespace

void add_init_command(CLI::App& app, Session& session) {
    auto settings = std::make_shared<InitSettings>();
    auto* cmd = app.add_subcommand("init", "Create a project manifest in the current folder");
    cmd->add_option("--format", settings->format, "Package format (cairn)")->type_name("FORMAT");
    cmd->add_option("--name", settings->name, "The package name, scope/name")->type_name("NAME");
    cmd->callback([&session, settings] { run_init(session, *settings); });
}

CAIRN_COMMAND(10, "init", add_init_command);

} // namespace cairn::cli
