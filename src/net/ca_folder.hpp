#pragma once

#include <optional>
#include <string>

// The CA folder a TLS handshake tries before any bundle (ClientOptions::ca_folder).
namespace cairn::net::detail {

// Whether `folder` holds certificates under OpenSSL's hashed names ("<8 hex digits>.<n>",
// what `openssl rehash` and Debian's update-ca-certificates write).
bool has_hashed_names(const std::string& folder);

// libcurl's built-in CA folder, when libcurl verifies with OpenSSL (which looks a hashed
// folder up certificate by certificate) and the folder has hashed names; nullopt otherwise.
std::optional<std::string> builtin_hashed_ca_folder();

} // namespace cairn::net::detail
