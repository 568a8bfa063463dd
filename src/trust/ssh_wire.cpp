#include "ssh_wire.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/core/encoding.hpp"
#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cairn::trust::detail {

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
    return encoding::base64_encode(as_text(bytes));
}

std::optional<Bytes> base64_decode(std::string_view text, bool padded) {
    auto decoded = padded ? encoding::base64_decode_padded(text) : encoding::base64_decode(text);
    if (!decoded)
        return std::nullopt;
    auto span = as_bytes(*decoded);
    return Bytes(span.begin(), span.end());
}

std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> bytes) {
    std::array<std::uint8_t, 32> out{};
    Digest digest = digest_bytes(DigestAlgorithm::sha256, as_text(bytes));
    std::copy(digest.bytes().begin(), digest.bytes().end(), out.begin());
    return out;
}

std::array<std::uint8_t, 64> sha512(std::span<const std::uint8_t> bytes) {
    std::array<std::uint8_t, 64> out{};
    Digest digest = digest_bytes(DigestAlgorithm::sha512, as_text(bytes));
    std::copy(digest.bytes().begin(), digest.bytes().end(), out.begin());
    return out;
}

std::string hex(std::span<const std::uint8_t> bytes) {
    return encoding::hex_encode(as_text(bytes));
}

} // namespace cairn::trust::detail
