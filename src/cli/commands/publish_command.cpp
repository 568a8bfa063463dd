// cairn publish --registry DIR --index NAME [--key PATH]
#include "app.hpp"
#include "session_config.hpp"

#include "cairn/ops/cairn_publish.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace cairn::cli {
namespace {

struct PublishSettings {
    std::string registry;
    std::string index;
    std::string key;
};

} // namespace

void add_publish_command(CLI::App& app, Session& session) {
    auto s = std::make_shared<PublishSettings>();
    auto* cmd = app.add_subcommand("publish", "Pack this cairn package and publish it to a "
                                              "registry folder, signed");
    cmd->add_option("--registry", s->registry, "The registry folder")->required()->type_name("DIR");
    cmd->add_option("--index", s->index, "The package index to publish into")
        ->required()
        ->type_name("NAME");
    cmd->add_option("--key", s->key, "Sign with this key instead of the identity")
        ->type_name("PATH");
    cmd->callback([&session, s] {
        auto loaded = load_session_config(session);
        std::optional<std::filesystem::path> key;
        if (!s->key.empty())
            key = s->key;
        ops::PublishOptions options{s->registry, s->index,
                                    session.global.directory.empty()
                                        ? std::filesystem::current_path()
                                        : std::filesystem::path(session.global.directory),
                                    ops::current_identity(loaded.config, key)};
        auto r = ops::publish_release(options);
        if (session.global.json) {
            std::cout << nlohmann::json{{"package", r.package.text()},
                                        {"version", r.version},
                                        {"digest", r.digest.text()},
                                        {"size", r.size},
                                        {"seq", r.seq},
                                        {"files", r.files}}
                             .dump()
                      << "\n";
            return;
        }
        std::cout << fmt::format("published {} {} ({} files, {} bytes, {})\nversion index seq "
                                 "{}{}\n",
                                 r.package.text(), r.version, r.files, r.size, r.digest.text(),
                                 r.seq, r.new_entry ? "; added to the package index" : "");
    });
}

CAIRN_COMMAND(64, "publish", add_publish_command);

} // namespace cairn::cli
