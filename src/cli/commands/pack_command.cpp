// cairn pack [--portable] [-o DIR] [--registry LOCATION]...
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

struct PackSettings {
    bool portable = false;
    std::string output;
    std::vector<std::string> registries;
};

} // namespace

void add_pack_command(CLI::App& app, Session& session) {
    auto s = std::make_shared<PackSettings>();
    auto* cmd = app.add_subcommand("pack", "Pack this cairn package as a deterministic .tar.zst");
    cmd->add_flag("--portable", s->portable,
                  "Embed the index snapshot and archives its dependencies need");
    cmd->add_option("-o,--output", s->output, "Folder to write to (default: the project)")
        ->type_name("DIR");
    cmd->add_option("--registry", s->registries, "Registries for the snapshot (default: config)")
        ->type_name("LOCATION");
    cmd->callback([&session, s] {
        auto loaded = load_session_config(session);
        auto dir = session.global.directory.empty()
                       ? std::filesystem::current_path()
                       : std::filesystem::path(session.global.directory);
        ops::CairnPackOptions options;
        options.project = dir;
        options.output_dir = s->output;
        options.portable = s->portable;
        options.sources.project = dir;
        options.sources.config = &loaded.config;
        options.sources.registries = s->registries;
        options.sources.store_root = ops::store_root(process_environment());
        auto r = ops::pack_cairn_project(options);
        if (session.global.json) {
            std::cout << nlohmann::json{{"archive", r.archive.string()},
                                        {"digest", r.digest.text()},
                                        {"size", r.size},
                                        {"files", r.files},
                                        {"documents", r.documents},
                                        {"blobs", r.blobs}}
                             .dump()
                      << "\n";
            return;
        }
        std::cout << fmt::format("{}\n{} ({} bytes, {} files", r.archive.string(), r.digest.text(),
                                 r.size, r.files);
        if (s->portable)
            std::cout << fmt::format(", snapshot: {} signed documents, {} archives", r.documents,
                                     r.blobs);
        std::cout << ")\n";
    });
}

CAIRN_COMMAND(66, "pack", add_pack_command);

} // namespace cairn::cli
