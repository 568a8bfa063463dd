#pragma once

#include "cairn/config/layered_config.hpp"
#include "cairn/trust/ssh_key.hpp"

#include <filesystem>
#include <optional>

// Publisher identities: an SSH ed25519 key (docs/cairn-index.md, section 1). The key in use
// is the config key `identity.key` (a private key, or a .pub whose private half is in
// ssh-agent); `cairn identity new` and `cairn identity use` set it in the user-level file
// $XDG_CONFIG_HOME/cairn/identity.json5.
namespace cairn::ops {

struct Identity {
    std::filesystem::path key_path; // what ssh-keygen -Y sign gets
    trust::PublicKey public_key;
};

// $XDG_CONFIG_HOME/cairn (else ~/.config/cairn). Throws Error(Code::io) without HOME.
std::filesystem::path user_config_dir(const config::EnvLookup& env);

// Generates a new ed25519 key with ssh-keygen (at `path`, default
// <user config dir>/keys/id_ed25519; without a passphrase unless `passphrase` is set, in
// which case ssh-keygen asks for one) and makes it the identity. Throws Error(Code::usage)
// when the key file exists.
Identity create_identity(const config::EnvLookup& env,
                         const std::optional<std::filesystem::path>& path, bool passphrase);
// Makes an existing key the identity (e.g. ~/.ssh/id_ed25519). Throws
// Error(Code::integrity) when its public key is not ed25519, Error(Code::io) when absent.
Identity use_identity(const config::EnvLookup& env, const std::filesystem::path& key);
// The identity in use: `override` (a --key flag), else `identity.key` from the config.
// Throws Error(Code::usage) with a hint when there is none.
Identity current_identity(const config::LayeredConfig& config,
                          const std::optional<std::filesystem::path>& override);

} // namespace cairn::ops
