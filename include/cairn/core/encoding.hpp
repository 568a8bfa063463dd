#pragma once

#include <optional>
#include <string>
#include <string_view>

// Byte encodings shared by every module (digests, SRI, SSH keys, HTTP basic auth).
namespace cairn::encoding {

enum class Padding { with, without };

// RFC 4648 base64, standard alphabet.
std::string base64_encode(std::string_view bytes, Padding padding = Padding::with);
// Accepts text with or without '=' padding; nullopt for any character outside the
// alphabet, bad padding, or a length no encoding produces.
std::optional<std::string> base64_decode(std::string_view text);
// Only the canonical padded spelling (length a multiple of 4), as SSH formats require.
std::optional<std::string> base64_decode_padded(std::string_view text);

// Lowercase hexadecimal.
std::string hex_encode(std::string_view bytes);
// Either case; nullopt for odd lengths or non-hex characters.
std::optional<std::string> hex_decode(std::string_view text);

} // namespace cairn::encoding
