#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Identities: an owner is an SSH ed25519 public key, named by its SHA256 fingerprint.
namespace cairn::trust {

// A key's fingerprint exactly as `ssh-keygen -lf` prints it: "SHA256:" followed by the
// unpadded base64 of the SHA-256 of the key's wire blob (43 characters). This is the
// owner id of cairn-index documents.
class Fingerprint {
public:
    // Throws Error(Code::integrity) unless `text` is "SHA256:" + 43 base64 characters
    // that decode to 32 bytes.
    static Fingerprint parse(std::string_view text);
    // The fingerprint of a public key wire blob.
    static Fingerprint of_blob(std::span<const std::uint8_t> blob);

    const std::string& text() const noexcept { return m_text; }

    friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
    friend std::strong_ordering operator<=>(const Fingerprint&, const Fingerprint&) = default;

private:
    explicit Fingerprint(std::string text) : m_text(std::move(text)) {}
    std::string m_text;
};

// An ssh-ed25519 public key. Other key types (ssh-rsa, ecdsa-*, sk-* hardware-bound
// keys) are refused with an error that names the type.
class PublicKey {
public:
    static constexpr std::string_view k_type = "ssh-ed25519";

    // One line as in an OpenSSH .pub or authorized_keys file, without options:
    // "ssh-ed25519 AAAAC3... comment". The base64 part must hold the wire blob
    // string("ssh-ed25519") string(32-byte key) and nothing else, and its type must
    // match the first word. Throws Error(Code::integrity) saying what is wrong.
    static PublicKey parse(std::string_view line);
    // The wire blob (the base64 part of the line, decoded).
    static PublicKey from_blob(std::span<const std::uint8_t> blob, std::string comment = {});
    // Reads a .pub file (its first non-empty line). Throws Error(Code::io) when it cannot
    // be read.
    static PublicKey read_file(const std::filesystem::path& path);

    std::span<const std::uint8_t, 32> raw() const noexcept { return m_raw; }
    std::vector<std::uint8_t> blob() const;
    const Fingerprint& fingerprint() const noexcept { return m_fingerprint; }
    const std::string& comment() const noexcept { return m_comment; }
    // "ssh-ed25519 <base64 blob>[ comment]", as OpenSSH writes it.
    std::string openssh() const;

    // Keys are equal when their key material is; the comment does not count.
    friend bool operator==(const PublicKey& a, const PublicKey& b) noexcept {
        return a.m_raw == b.m_raw;
    }

private:
    PublicKey(std::array<std::uint8_t, 32> raw, std::string comment);

    std::array<std::uint8_t, 32> m_raw;
    std::string m_comment;
    Fingerprint m_fingerprint;
};

} // namespace cairn::trust
