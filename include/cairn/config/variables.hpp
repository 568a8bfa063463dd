#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

// Variables in configuration strings (DESIGN.md section 3):
//   ${env:NAME}            an environment variable, expanded when the file is loaded;
//   ${PACKAGE_NAME}        the package's name, ${PACKAGE_VERSION}, ${FORMAT};
//   ${PACKAGE_NAME:0-0}    a slice: code points 0..0 inclusive (also ${PACKAGE_NAME:2-}).
// Package variables stay in the loaded value and are expanded per package when a URL or
// path is built. `$${` writes a literal `${`.
namespace cairn::config {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Expands ${env:...} and checks that every other variable is a known one. Throws
// cairn::Error(Code::config_variable) naming the variable; callers add the file and key.
std::string expand_environment(std::string_view text, const EnvLookup& env);

struct PackageVariables {
    std::string package_name;
    std::string package_version;
    std::string format;
};

// Expands the package variables left by expand_environment (and `$${`).
std::string expand_package_variables(std::string_view text, const PackageVariables& vars);

} // namespace cairn::config
