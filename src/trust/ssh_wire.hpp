#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Private helpers of the trust module: the SSH wire encoding (RFC 4251 uint32 and
// length-prefixed strings), strict base64 and the two hashes SSHSIG uses.
namespace cairn::trust::detail {

using Bytes = std::vector<std::uint8_t>;

std::span<const std::uint8_t> as_bytes(std::string_view text);
std::string_view as_text(std::span<const std::uint8_t> bytes);

// Reads SSH wire fields from a buffer. Every read that runs past the end throws
// Error(Code::integrity) with "<what>: <field> is truncated".
class WireReader {
public:
    WireReader(std::span<const std::uint8_t> bytes, std::string what);

    std::uint32_t u32(std::string_view field);
    std::span<const std::uint8_t> string(std::string_view field);
    std::span<const std::uint8_t> raw(std::size_t count, std::string_view field);
    bool at_end() const noexcept { return m_pos == m_bytes.size(); }
    // Throws when bytes are left over.
    void expect_end();

private:
    std::span<const std::uint8_t> m_bytes;
    std::size_t m_pos = 0;
    std::string m_what;
};

void put_u32(Bytes& out, std::uint32_t value);
void put_string(Bytes& out, std::span<const std::uint8_t> value);
void put_string(Bytes& out, std::string_view value);

// Standard alphabet with padding.
std::string base64_encode(std::span<const std::uint8_t> bytes);
// Standard alphabet; padding must be present when `padded`, absent otherwise; any other
// character, or non-zero bits left over in the last character, gives nullopt.
std::optional<Bytes> base64_decode(std::string_view text, bool padded);

std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> bytes);
std::array<std::uint8_t, 64> sha512(std::span<const std::uint8_t> bytes);
std::string hex(std::span<const std::uint8_t> bytes);

} // namespace cairn::trust::detail
