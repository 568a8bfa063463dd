#pragma once

#include <optional>
#include <string>
#include <string_view>

// Base64 (RFC 4648, with padding) for HTTP basic credentials and npm's `_auth`/`_password`.
namespace cairn::net::detail {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not base64 (whitespace around it is ignored; padding optional).
std::optional<std::string> base64_decode(std::string_view text);

} // namespace cairn::net::detail
