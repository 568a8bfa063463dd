#pragma once

#include "state.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

// What a package's package.json asks of an install (bins, lifecycle scripts) and running
// those scripts.
namespace cairn::install::detail {

struct PackageInfo {
    std::vector<BinLink> bins;   // sorted by command
    std::vector<Script> scripts; // preinstall, install, postinstall in that order
};

// Reads package.json in the folder `dir` (an fd); a package without one has no bins and no
// scripts. A binding.gyp without install/preinstall script means `node-gyp rebuild`, as
// with npm. `label` ("name@version") names the package in errors. `has_binding_gyp`, when
// the caller knows it (it has just listed the folder), spares looking.
PackageInfo read_package_info(int dir, const std::filesystem::path& shown, const std::string& label,
                              std::optional<bool> has_binding_gyp = std::nullopt);

struct ScriptRun {
    std::string label;         // "name@version"
    std::string package;       // npm_package_name
    std::string version;       // npm_package_version
    std::filesystem::path cwd; // the package folder
    std::filesystem::path project;
    std::vector<std::filesystem::path> bin_dirs; // prepended to PATH, first first
};

struct ScriptFailure {
    int status = 0;   // exit status, or 128 + signal
    std::string tail; // the last lines of its output
};

// Runs one script with `sh -c`; nullopt on success.
std::optional<ScriptFailure> run_script(const ScriptRun& run, const Script& script);

// node on PATH, if any.
std::optional<std::filesystem::path> find_node();

} // namespace cairn::install::detail
