#include "cairn/trust/ssh_key.hpp"

#include "ssh_wire.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace cairn::trust {

namespace {

constexpr std::string_view k_fingerprint_prefix = "SHA256:";

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

std::string unsupported_type_message(std::string_view type) {
    return fmt::format("{} keys are not supported: cairn identities are ssh-ed25519 keys "
                       "(create one with `ssh-keygen -t ed25519`)",
                       type);
}

} // namespace

Fingerprint Fingerprint::parse(std::string_view text) {
    auto fail = [&] {
        return Error(Code::integrity,
                     fmt::format("not a key fingerprint: {} (expected SHA256: followed by 43 "
                                 "base64 characters, as `ssh-keygen -lf` prints)",
                                 cairn::text::quote(text)));
    };
    if (!text.starts_with(k_fingerprint_prefix))
        throw fail();
    auto body = text.substr(k_fingerprint_prefix.size());
    if (body.size() != 43)
        throw fail();
    auto bytes = detail::base64_decode(body, false);
    if (!bytes || bytes->size() != 32)
        throw fail();
    return Fingerprint(std::string(text));
}

Fingerprint Fingerprint::of_blob(std::span<const std::uint8_t> blob) {
    auto digest = detail::sha256(blob);
    std::string b64 = detail::base64_encode(digest);
    while (!b64.empty() && b64.back() == '=')
        b64.pop_back();
    return Fingerprint(std::string(k_fingerprint_prefix) + b64);
}

PublicKey::PublicKey(std::array<std::uint8_t, 32> raw, std::string comment)
    : m_raw(raw), m_comment(std::move(comment)), m_fingerprint(Fingerprint::of_blob([&] {
          detail::Bytes blob;
          detail::put_string(blob, k_type);
          detail::put_string(blob, std::span<const std::uint8_t>(raw));
          return blob;
      }())) {}

PublicKey PublicKey::from_blob(std::span<const std::uint8_t> blob, std::string comment) {
    detail::WireReader reader(blob, "malformed SSH public key");
    auto type = detail::as_text(reader.string("the key type"));
    if (type != k_type)
        throw Error(Code::integrity, unsupported_type_message(type));
    auto key = reader.string("the ed25519 key");
    if (key.size() != 32)
        throw Error(Code::integrity,
                    fmt::format("malformed SSH public key: the ed25519 key has {} bytes, not 32",
                                key.size()));
    reader.expect_end();
    std::array<std::uint8_t, 32> raw{};
    std::copy(key.begin(), key.end(), raw.begin());
    return PublicKey(raw, std::move(comment));
}

PublicKey PublicKey::parse(std::string_view line) {
    line = cairn::text::trim(line);
    auto first_space = std::find_if(line.begin(), line.end(), is_space);
    std::string_view type(line.begin(), first_space);
    if (type.empty())
        throw Error(Code::integrity, "not an SSH public key: the line is empty");
    if (type != k_type) {
        bool known = type.starts_with("ssh-") || type.starts_with("ecdsa-") ||
                     type.starts_with("sk-") || type.find("@openssh.com") != type.npos;
        if (known)
            throw Error(Code::integrity, unsupported_type_message(type));
        throw Error(Code::integrity,
                    fmt::format("not an SSH public key: {} (expected \"ssh-ed25519 AAAA... "
                                "comment\" as in a .pub file; key options are not allowed)",
                                cairn::text::quote(line.substr(0, 40))));
    }
    auto rest = std::string_view(first_space, line.end());
    rest = cairn::text::trim(rest);
    auto end_b64 = std::find_if(rest.begin(), rest.end(), is_space);
    std::string_view b64(rest.begin(), end_b64);
    std::string comment(cairn::text::trim(std::string_view(end_b64, rest.end())));
    if (b64.empty())
        throw Error(Code::integrity, "not an SSH public key: the base64 key is missing");
    auto blob = detail::base64_decode(b64, true);
    if (!blob)
        throw Error(Code::integrity, "malformed SSH public key: the key is not valid base64");
    return from_blob(*blob, std::move(comment));
}

PublicKey PublicKey::read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(Code::io, fmt::format("cannot read public key file {}", path.string()));
    std::string line;
    while (std::getline(in, line)) {
        if (!cairn::text::trim(line).empty()) {
            try {
                return parse(line);
            } catch (Error& error) {
                error.while_(fmt::format("reading public key file {}", path.string()));
                throw;
            }
        }
    }
    throw Error(Code::integrity, fmt::format("public key file {} is empty", path.string()));
}

std::vector<std::uint8_t> PublicKey::blob() const {
    detail::Bytes blob;
    detail::put_string(blob, k_type);
    detail::put_string(blob, std::span<const std::uint8_t>(m_raw));
    return blob;
}

std::string PublicKey::openssh() const {
    std::string out = fmt::format("{} {}", k_type, detail::base64_encode(blob()));
    if (!m_comment.empty())
        out += " " + m_comment;
    return out;
}

} // namespace cairn::trust
