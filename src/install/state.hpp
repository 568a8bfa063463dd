#pragma once

#include "cairn/install/install.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// node_modules/.cairn/state.json: what cairn installed, so that an unchanged unit is never
// touched again (install.hpp explains the units).
namespace cairn::install::detail {

inline constexpr const char* k_state_format = "cairn-install/1";

struct BinLink {
    std::string command;
    std::string target; // inside the package, normalised

    friend bool operator==(const BinLink&, const BinLink&) = default;
};

// A lifecycle event and the command it runs.
struct Script {
    std::string event; // "preinstall", "install", "postinstall"
    std::string command;

    friend bool operator==(const Script&, const Script&) = default;
};

struct UnitState {
    std::string integrity;
    std::string link;             // the link's text for a linked unit, else empty
    bool scripts_allowed = false; // installed with run_scripts (a copy, scripts ran)
    std::vector<BinLink> bins;    // from its package.json
    std::vector<Script> scripts;  // its install scripts (run or not)

    friend bool operator==(const UnitState&, const UnitState&) = default;
};

struct InstallState {
    std::optional<Layout> layout; // none: no state (or an unreadable one)
    std::map<std::string, UnitState> units;

    friend bool operator==(const InstallState&, const InstallState&) = default;
};

// Parses the state file's text; nullopt (reinstall everything) when it is not one cairn
// wrote in this format.
std::optional<InstallState> parse_state(std::string_view text);
std::string serialize_state(const InstallState& state);

} // namespace cairn::install::detail
