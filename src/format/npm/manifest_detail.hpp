#pragma once

#include "cairn/core/error.hpp"
#include "cairn/format/npm/manifest.hpp"

#include <optional>
#include <string>
#include <string_view>

// The checks both package.json readers share (nlohmann's DOM for root manifests and error
// messages, simdjson's for installed packages).
namespace cairn::format::npm::detail {

// Error(Code::manifest_invalid) "<source>: <field> <what>".
Error field_error(const Manifest& m, const std::string& field, const std::string& what);

// A relative path inside the package, normalised; nullopt when it would leave it.
std::optional<std::string> inside_package(std::string_view path);

// Sets m.name after checking it is a valid package name.
void set_name(Manifest& m, std::string name);

// Adds the bin `command` -> `target` after checking both. Each command is added once: a
// repeated key's last value is the one to pass, as when a JSON object is read into a map.
void add_bin(Manifest& m, const std::string& command, std::string_view target);

// read_installed_manifest with nlohmann: the reference, and the path that words errors
// (with line and column).
Manifest read_installed_manifest_dom(std::string_view text, std::string_view source);

} // namespace cairn::format::npm::detail
