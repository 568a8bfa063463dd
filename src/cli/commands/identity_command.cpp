// cairn identity new [--path FILE] [--passphrase] | use PATH | show
#include "app.hpp"
#include "session_config.hpp"

#include "cairn/ops/cairn_identity.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace cairn::cli {
namespace {

struct IdentitySettings {
    std::string path;
    bool passphrase = false;
    std::string use;
};

void print_identity(const Session& session, const ops::Identity& identity, std::string_view verb) {
    if (session.global.json) {
        std::cout << nlohmann::json{{"key", identity.key_path.string()},
                                    {"owner", identity.public_key.fingerprint().text()},
                                    {"public_key", identity.public_key.openssh()}}
                         .dump()
                  << "\n";
        return;
    }
    std::cout << fmt::format("{}: {}\nowner id: {}\npublic key: {}\n", verb,
                             identity.key_path.string(), identity.public_key.fingerprint().text(),
                             identity.public_key.openssh());
}

} // namespace

void add_identity_command(CLI::App& app, Session& session) {
    auto* cmd = app.add_subcommand("identity", "Your publisher identity (an SSH ed25519 key)");
    cmd->require_subcommand(1);
    auto settings = std::make_shared<IdentitySettings>();
    auto* create =
        cmd->add_subcommand("new", "Generate a new ed25519 key with ssh-keygen and use it");
    create->add_option("--path", settings->path, "Where to write the key")->type_name("FILE");
    create->add_flag("--passphrase", settings->passphrase,
                     "Protect the key with a passphrase (ssh-keygen asks for it)");
    create->callback([&session, settings] {
        std::optional<std::filesystem::path> path;
        if (!settings->path.empty())
            path = settings->path;
        auto identity = ops::create_identity(process_environment(), path, settings->passphrase);
        print_identity(session, identity, "created");
    });
    auto* use = cmd->add_subcommand("use", "Sign with an existing ed25519 key (or its .pub with "
                                           "ssh-agent)");
    use->add_option("key", settings->use, "The private key, or .pub for a key in ssh-agent")
        ->required()
        ->type_name("PATH");
    use->callback([&session, settings] {
        print_identity(session, ops::use_identity(process_environment(), settings->use), "using");
    });
    cmd->add_subcommand("show", "The identity in use")->callback([&session] {
        auto loaded = load_session_config(session);
        print_identity(session, ops::current_identity(loaded.config, std::nullopt), "identity");
    });
}

CAIRN_COMMAND(60, "identity", add_identity_command);

} // namespace cairn::cli
