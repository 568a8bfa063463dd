#pragma once

#include "cairn/trust/ssh_key.hpp"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// SSHSIG signatures (OpenSSH PROTOCOL.sshsig), the format of `ssh-keygen -Y sign`.
// Signing goes through ssh-keygen so that agents, encrypted keys and hardware-backed
// agents work; verification is native (OpenSSL ed25519) and agrees with
// `ssh-keygen -Y verify` / `-Y check-novalidate`.
namespace cairn::trust {

// The namespace every cairn-index document signature is made in.
inline constexpr std::string_view k_index_namespace = "cairn-index";

enum class SshsigHash { sha256, sha512 };

// "sha256" or "sha512", as written in the signature.
std::string_view hash_name(SshsigHash hash);

// A parsed SSHSIG blob: version 1, an ssh-ed25519 public key, a namespace, an empty
// reserved field, a hash algorithm and an ssh-ed25519 signature. Parsing checks the
// structure only; verify() checks the signature.
class SshSignature {
public:
    // "-----BEGIN SSH SIGNATURE-----" lines of base64 "-----END SSH SIGNATURE-----",
    // surrounding whitespace allowed. Throws Error(Code::integrity) "malformed SSH
    // signature armor: ..." or "malformed SSH signature: ...".
    static SshSignature parse_armored(std::string_view text);
    // The blob as one line of padded base64 (the armor's body without line breaks).
    static SshSignature parse_base64(std::string_view text);
    static SshSignature parse_blob(std::span<const std::uint8_t> blob);

    const PublicKey& public_key() const noexcept { return m_public_key; }
    const std::string& signature_namespace() const noexcept { return m_namespace; }
    SshsigHash hash() const noexcept { return m_hash; }
    std::span<const std::uint8_t> blob() const noexcept { return m_blob; }
    // The 64-byte ed25519 signature inside the blob.
    std::span<const std::uint8_t, 64> raw_signature() const noexcept { return m_signature; }
    std::string base64() const;
    // The armored form ssh-keygen writes (70-character lines, trailing newline).
    std::string armored() const;

private:
    SshSignature(std::vector<std::uint8_t> blob, PublicKey key, std::string name_space,
                 SshsigHash hash, std::array<std::uint8_t, 64> signature);

    std::vector<std::uint8_t> m_blob;
    PublicKey m_public_key;
    std::string m_namespace;
    SshsigHash m_hash;
    std::array<std::uint8_t, 64> m_signature;
};

// Checks that `signature` is a valid signature of `message` in `expected_namespace` by
// the key it carries. Throws Error(Code::integrity): wrong namespace (naming both), or
// "bad signature" when the ed25519 check fails.
void verify(const SshSignature& signature, std::string_view message,
            std::string_view expected_namespace = k_index_namespace);

// As above, and the signing key must be `signer`; otherwise Error(Code::integrity)
// naming both fingerprints.
void verify(const SshSignature& signature, std::string_view message, const PublicKey& signer,
            std::string_view expected_namespace = k_index_namespace);

struct SignOptions {
    // The private key, or its .pub when the private half lives in ssh-agent (ssh-keygen
    // then asks the agent).
    std::filesystem::path key_path;
    std::string signature_namespace{k_index_namespace};
    // The program to run (searched in PATH when not a path).
    std::string ssh_keygen = "ssh-keygen";
    // Where the message and signature files are written; empty for the system temp dir.
    std::filesystem::path temp_dir;
};

// Signs `message` by running `ssh-keygen -Y sign -f KEY -n NAMESPACE FILE` (no shell; the
// message goes through a private temp file, stdin stays the caller's so passphrase prompts
// work). Throws Error(Code::io) with ssh-keygen's own error lines as causes when it fails.
SshSignature sign_with_ssh_keygen(std::string_view message, const SignOptions& options);

} // namespace cairn::trust
