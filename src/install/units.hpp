#pragma once

#include "state.hpp"

#include "cairn/install/install.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

// From a plan to the folders ("units") a layout materialises.
namespace cairn::install::detail {

enum class UnitStatus { unchanged, added, replaced };

struct Unit {
    // Hoisted: the package path. Isolated: "node_modules/.cairn/<key>" (a linked package has
    // no folder of its own there: dir is empty).
    std::string dir;
    // Where its files go: hoisted, == dir; isolated, dir + "/node_modules/" + package.
    std::string package_dir;
    std::vector<std::size_t> members; // indices into plan.packages, sorted by path
    const PlannedPackage* first = nullptr;
    std::optional<std::filesystem::path> link_target; // absolute, normalised
    bool run_scripts = false;
    bool optional = true; // every member is optional
    // Isolated: dependency folder name -> unit index.
    std::map<std::string, std::size_t> dependencies;

    UnitStatus status = UnitStatus::added;
    bool present = true;    // false once removed (an optional package whose script failed)
    bool completed = false; // materialised in this run (or unchanged)
    UnitState state;        // what the state file says (or will say) of it
};

struct Units {
    std::vector<Unit> units;
    std::map<std::string, std::size_t> by_path; // plan path -> unit index
    std::map<std::string, std::size_t> by_dir;  // unit dir -> unit index (not isolated links)
};

// Throws cairn::Error for a path, name, package or version that would leave node_modules
// (Code::archive_escape) and for an inconsistent plan (Code::usage).
void validate_plan(const InstallPlan& plan);

// The units of the plan for its layout (the plan must be valid).
Units build_units(const InstallPlan& plan, const std::filesystem::path& project);

// "node_modules/a/node_modules/@s/b" -> "node_modules/a/node_modules".
std::string parent_node_modules(const std::string& path);

// The text of a relative link placed at `from` (a path relative to the project) that
// points at `to` (relative to the project, or absolute).
std::string relative_link(const std::filesystem::path& project, const std::string& from,
                          const std::filesystem::path& to);

} // namespace cairn::install::detail
