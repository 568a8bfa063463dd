#include "cairn/ops/cairn_identity.hpp"

#include "cairn/core/error.hpp"
#include "cairn/protocol/cairn_index/registry.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace cairn::ops {
namespace fs = std::filesystem;
namespace {

std::filesystem::path public_half(const fs::path& key) {
    if (key.extension() == ".pub")
        return key;
    auto pub = key;
    pub += ".pub";
    return pub;
}

Identity load_identity(const fs::path& key) {
    std::error_code ec;
    if (!fs::exists(key, ec))
        throw Error(Code::io, fmt::format("the identity key {} does not exist", key.string()));
    auto pub = public_half(key);
    if (!fs::exists(pub, ec))
        throw Error(Code::io, fmt::format("the public key {} does not exist", pub.string()))
            .hint(fmt::format("write it with `ssh-keygen -y -f {} > {}`", key.string(),
                              pub.string()));
    return {key, trust::PublicKey::read_file(pub)};
}

void record_identity(const config::EnvLookup& env, const fs::path& key) {
    auto file = user_config_dir(env) / "identity.json5";
    nlohmann::json j = {{"identity", {{"key", key.string()}}}};
    protocol::cairn_index::write_file_atomic(
        file, "// Written by `cairn identity new|use`: the key cairn signs indexes with.\n" +
                  j.dump(2) + "\n");
}

} // namespace

fs::path user_config_dir(const config::EnvLookup& env) {
    if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty())
        return fs::path(*xdg) / "cairn";
    if (auto home = env("HOME"); home && !home->empty())
        return fs::path(*home) / ".config" / "cairn";
    throw Error(Code::io, "neither XDG_CONFIG_HOME nor HOME is set");
}

Identity create_identity(const config::EnvLookup& env, const std::optional<fs::path>& path,
                         bool passphrase) {
    fs::path key = path ? fs::absolute(*path) : user_config_dir(env) / "keys" / "id_ed25519";
    std::error_code ec;
    if (fs::exists(key, ec))
        throw Error(Code::usage, fmt::format("{} already exists", key.string()))
            .hint(fmt::format("use it with `cairn identity use {}`", key.string()));
    fs::create_directories(key.parent_path(), ec);
    fs::permissions(key.parent_path(), fs::perms::owner_all, ec);
    std::vector<std::string> args = {"ssh-keygen",     "-q", "-t",        "ed25519", "-C",
                                     "cairn identity", "-f", key.string()};
    if (!passphrase) {
        args.push_back("-N");
        args.push_back("");
    }
    pid_t pid = ::fork();
    if (pid < 0)
        throw Error(Code::io, "cannot start ssh-keygen");
    if (pid == 0) {
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(Code::io, "ssh-keygen could not create " + key.string())
            .hint(WIFEXITED(status) && WEXITSTATUS(status) == 127
                      ? "install ssh-keygen (Debian: openssh-client)"
                      : "run `ssh-keygen -t ed25519` yourself, then `cairn identity use PATH`");
    record_identity(env, key);
    return load_identity(key);
}

Identity use_identity(const config::EnvLookup& env, const fs::path& key) {
    auto absolute = fs::absolute(key);
    auto identity = load_identity(absolute);
    record_identity(env, absolute);
    return identity;
}

Identity current_identity(const config::LayeredConfig& config,
                          const std::optional<fs::path>& override) {
    if (override)
        return load_identity(fs::absolute(*override));
    const auto* value = config.find(config::KeyPath{"identity", "key"});
    if (!value || !value->is_string())
        throw Error(Code::usage, "no identity: cairn does not know which key to sign with")
            .hint("run `cairn identity new`, or `cairn identity use ~/.ssh/id_ed25519` to use an "
                  "existing ed25519 key");
    return load_identity(value->get<std::string>());
}

} // namespace cairn::ops
