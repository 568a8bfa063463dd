#include "ssh_wire.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

namespace cairn::trust::detail {

namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

template <std::size_t N>
std::array<std::uint8_t, N> evp_digest(const EVP_MD* md, std::span<const std::uint8_t> bytes) {
    std::array<std::uint8_t, N> out{};
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, md, nullptr) != 1 || size != N)
        throw Error(Code::internal, "OpenSSL could not compute a digest");
    return out;
}

} // namespace

std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string_view as_text(std::span<const std::uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

WireReader::WireReader(std::span<const std::uint8_t> bytes, std::string what)
    : m_bytes(bytes), m_what(std::move(what)) {}

std::span<const std::uint8_t> WireReader::raw(std::size_t count, std::string_view field) {
    if (m_bytes.size() - m_pos < count)
        throw Error(Code::integrity, fmt::format("{}: {} is truncated", m_what, field));
    auto out = m_bytes.subspan(m_pos, count);
    m_pos += count;
    return out;
}

std::uint32_t WireReader::u32(std::string_view field) {
    auto b = raw(4, field);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
}

std::span<const std::uint8_t> WireReader::string(std::string_view field) {
    std::uint32_t length = u32(field);
    return raw(length, field);
}

void WireReader::expect_end() {
    if (!at_end())
        throw Error(Code::integrity, fmt::format("{}: {} unexpected bytes after the last field",
                                                 m_what, m_bytes.size() - m_pos));
}

void put_u32(Bytes& out, std::uint32_t value) {
    out.push_back(static_cast<std::uint8_t>(value >> 24));
    out.push_back(static_cast<std::uint8_t>(value >> 16));
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
}

void put_string(Bytes& out, std::span<const std::uint8_t> value) {
    put_u32(out, static_cast<std::uint32_t>(value.size()));
    out.insert(out.end(), value.begin(), value.end());
}

void put_string(Bytes& out, std::string_view value) {
    put_string(out, as_bytes(value));
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) |
                          std::uint32_t{bytes[i + 2]};
        out += k_alphabet[(v >> 18) & 63];
        out += k_alphabet[(v >> 12) & 63];
        out += k_alphabet[(v >> 6) & 63];
        out += k_alphabet[v & 63];
    }
    std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        std::uint32_t v = std::uint32_t{bytes[i]} << 16;
        out += k_alphabet[(v >> 18) & 63];
        out += k_alphabet[(v >> 12) & 63];
        out += "==";
    } else if (rest == 2) {
        std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
        out += k_alphabet[(v >> 18) & 63];
        out += k_alphabet[(v >> 12) & 63];
        out += k_alphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::optional<Bytes> base64_decode(std::string_view text, bool padded) {
    std::size_t pad = 0;
    if (padded) {
        if (text.size() % 4 != 0)
            return std::nullopt;
        while (pad < 2 && !text.empty() && text.back() == '=') {
            text.remove_suffix(1);
            ++pad;
        }
    }
    if (text.size() % 4 == 1)
        return std::nullopt;
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = base64_value(c);
        if (v < 0)
            return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(acc >> bits));
            acc &= (1u << bits) - 1;
        }
    }
    // Leftover bits must be zero, so each byte string has exactly one spelling.
    if (acc != 0)
        return std::nullopt;
    if (padded && (text.size() + pad) % 4 != 0)
        return std::nullopt;
    return out;
}

std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> bytes) {
    return evp_digest<32>(EVP_sha256(), bytes);
}

std::array<std::uint8_t, 64> sha512(std::span<const std::uint8_t> bytes) {
    return evp_digest<64>(EVP_sha512(), bytes);
}

std::string hex(std::span<const std::uint8_t> bytes) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out += k_digits[b >> 4];
        out += k_digits[b & 15];
    }
    return out;
}

} // namespace cairn::trust::detail
