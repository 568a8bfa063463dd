#include "cairn/trust/sshsig.hpp"

#include "ssh_wire.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

namespace cairn::trust {

namespace {

constexpr std::string_view k_magic = "SSHSIG";
constexpr std::uint32_t k_version = 1;
constexpr std::string_view k_begin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view k_end = "-----END SSH SIGNATURE-----";
constexpr std::size_t k_armor_line = 70;
constexpr std::string_view k_malformed = "malformed SSH signature";

Error malformed(std::string_view why) {
    return Error(Code::integrity, fmt::format("{}: {}", k_malformed, why));
}

Error malformed_armor(std::string_view why) {
    return Error(Code::integrity, fmt::format("malformed SSH signature armor: {}", why));
}

bool ed25519_verify(std::span<const std::uint8_t, 32> key, std::span<const std::uint8_t> signature,
                    std::span<const std::uint8_t> data) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()),
        &EVP_PKEY_free);
    if (!pkey)
        return false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1)
        throw Error(Code::internal, "OpenSSL could not set up ed25519 verification");
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(),
                            data.size()) == 1;
}

} // namespace

std::string_view hash_name(SshsigHash hash) {
    switch (hash) {
    case SshsigHash::sha256:
        return "sha256";
    case SshsigHash::sha512:
        return "sha512";
    }
    return "sha512";
}

SshSignature::SshSignature(std::vector<std::uint8_t> blob, PublicKey key, std::string name_space,
                           SshsigHash hash, std::array<std::uint8_t, 64> signature)
    : m_blob(std::move(blob)), m_public_key(std::move(key)), m_namespace(std::move(name_space)),
      m_hash(hash), m_signature(signature) {}

SshSignature SshSignature::parse_blob(std::span<const std::uint8_t> blob) {
    detail::WireReader reader(blob, std::string(k_malformed));
    if (detail::as_text(reader.raw(k_magic.size(), "the SSHSIG magic")) != k_magic)
        throw malformed("it does not start with SSHSIG");
    auto version = reader.u32("the version");
    if (version != k_version)
        throw malformed(fmt::format("version {} is not supported (only 1)", version));
    auto key = PublicKey::from_blob(reader.string("the public key"));
    std::string name_space(detail::as_text(reader.string("the namespace")));
    if (name_space.empty())
        throw malformed("the namespace is empty");
    auto reserved = reader.string("the reserved field");
    // PROTOCOL.sshsig leaves the field for future use; ssh-keygen always writes it empty
    // and verifies as if it were, so a non-empty one cannot come from a signer cairn knows.
    if (!reserved.empty())
        throw malformed("the reserved field is not empty");
    auto hash_text = detail::as_text(reader.string("the hash algorithm"));
    SshsigHash hash;
    if (hash_text == "sha512")
        hash = SshsigHash::sha512;
    else if (hash_text == "sha256")
        hash = SshsigHash::sha256;
    else
        throw malformed(
            fmt::format("hash algorithm {} is not sha256 or sha512", text::quote(hash_text)));
    auto signature = reader.string("the signature");
    reader.expect_end();

    detail::WireReader sig_reader(signature, std::string(k_malformed));
    auto sig_type = detail::as_text(sig_reader.string("the signature type"));
    if (sig_type != PublicKey::k_type)
        throw malformed(
            fmt::format("the signature type is {}, not ssh-ed25519", text::quote(sig_type)));
    auto sig_bytes = sig_reader.string("the ed25519 signature");
    if (sig_bytes.size() != 64)
        throw malformed(
            fmt::format("the ed25519 signature has {} bytes, not 64", sig_bytes.size()));
    sig_reader.expect_end();
    std::array<std::uint8_t, 64> sig{};
    std::copy(sig_bytes.begin(), sig_bytes.end(), sig.begin());
    return SshSignature(std::vector<std::uint8_t>(blob.begin(), blob.end()), std::move(key),
                        std::move(name_space), hash, sig);
}

SshSignature SshSignature::parse_base64(std::string_view text) {
    auto blob = detail::base64_decode(text, true);
    if (!blob)
        throw malformed("the signature is not valid base64");
    return parse_blob(*blob);
}

SshSignature SshSignature::parse_armored(std::string_view text) {
    text = cairn::text::trim(text);
    while (!text.empty() && (text.front() == '\n' || text.front() == '\r'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    if (!text.starts_with(k_begin))
        throw malformed_armor("it does not start with " + std::string(k_begin));
    if (!text.ends_with(k_end))
        throw malformed_armor("it does not end with " + std::string(k_end) + " (truncated?)");
    if (text.size() < k_begin.size() + k_end.size())
        throw malformed_armor("it is truncated");
    auto body = text.substr(k_begin.size(), text.size() - k_begin.size() - k_end.size());
    std::string joined;
    joined.reserve(body.size());
    for (char c : body) {
        if (c == '\n' || c == '\r')
            continue;
        joined += c;
    }
    if (joined.empty())
        throw malformed_armor("there is nothing between the BEGIN and END lines");
    auto blob = detail::base64_decode(joined, true);
    if (!blob)
        throw malformed_armor("the body is not valid base64");
    return parse_blob(*blob);
}

std::string SshSignature::base64() const {
    return detail::base64_encode(m_blob);
}

std::string SshSignature::armored() const {
    std::string b64 = base64();
    std::string out(k_begin);
    out += '\n';
    for (std::size_t i = 0; i < b64.size(); i += k_armor_line) {
        out += b64.substr(i, k_armor_line);
        out += '\n';
    }
    out += k_end;
    out += '\n';
    return out;
}

void verify(const SshSignature& signature, std::string_view message,
            std::string_view expected_namespace) {
    if (signature.signature_namespace() != expected_namespace)
        throw Error(Code::integrity,
                    fmt::format("wrong signature namespace: expected {}, the signature is for {}",
                                text::quote(expected_namespace),
                                text::quote(signature.signature_namespace())));
    auto message_bytes = detail::as_bytes(message);
    detail::Bytes hashed;
    if (signature.hash() == SshsigHash::sha512) {
        auto h = detail::sha512(message_bytes);
        hashed.assign(h.begin(), h.end());
    } else {
        auto h = detail::sha256(message_bytes);
        hashed.assign(h.begin(), h.end());
    }
    detail::Bytes signed_data(k_magic.begin(), k_magic.end());
    detail::put_string(signed_data, expected_namespace);
    detail::put_string(signed_data, std::string_view());
    detail::put_string(signed_data, hash_name(signature.hash()));
    detail::put_string(signed_data, hashed);

    if (!ed25519_verify(signature.public_key().raw(), signature.raw_signature(), signed_data))
        throw Error(Code::integrity,
                    fmt::format("bad signature: the {} signature by {} does not match the data",
                                text::quote(signature.signature_namespace()),
                                signature.public_key().fingerprint().text()));
}

void verify(const SshSignature& signature, std::string_view message, const PublicKey& signer,
            std::string_view expected_namespace) {
    if (!(signature.public_key() == signer))
        throw Error(Code::integrity,
                    fmt::format("signed by another key: expected {}, the signature is by {}",
                                signer.fingerprint().text(),
                                signature.public_key().fingerprint().text()));
    verify(signature, message, expected_namespace);
}

} // namespace cairn::trust
