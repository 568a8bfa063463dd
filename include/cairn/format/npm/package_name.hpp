#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::format::npm {

// Why a name is not a valid npm package name, or nullopt when it is one. The rules of
// npm's registry for names it accepts today: at most 214 characters; `name` or
// `@scope/name`; lowercase; URL-safe characters only (letters, digits, `-`, `.`, `_`, `~`);
// not starting with `.` or `_`; no `..` or `/` tricks (`@x/../../p` is refused before any
// I/O), no `node_modules`/`favicon.ico`.
std::optional<std::string> package_name_problem(std::string_view name);

// The name without its scope: "@types/node" -> "node".
std::string_view unscoped_name(std::string_view name);

} // namespace cairn::format::npm
