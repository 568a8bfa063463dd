#include "state.hpp"

#include <nlohmann/json.hpp>

namespace cairn::install::detail {

using Json = nlohmann::json;

std::optional<InstallState> parse_state(std::string_view text) {
    try {
        Json doc = Json::parse(text);
        if (!doc.is_object() || doc.value("format", "") != k_state_format)
            return std::nullopt;
        InstallState state;
        std::string layout = doc.at("layout").get<std::string>();
        if (layout == "hoisted")
            state.layout = Layout::hoisted;
        else if (layout == "isolated")
            state.layout = Layout::isolated;
        else
            return std::nullopt;
        for (const auto& [dir, entry] : doc.at("units").items()) {
            UnitState unit;
            unit.integrity = entry.value("integrity", "");
            unit.link = entry.value("link", "");
            unit.scripts_allowed = entry.value("scriptsAllowed", false);
            if (auto it = entry.find("bins"); it != entry.end())
                for (const auto& [command, target] : it->items())
                    unit.bins.push_back({command, target.get<std::string>()});
            if (auto it = entry.find("scripts"); it != entry.end())
                for (const auto& script : *it)
                    unit.scripts.push_back(
                        {script.at(0).get<std::string>(), script.at(1).get<std::string>()});
            state.units.emplace(dir, std::move(unit));
        }
        return state;
    } catch (const Json::exception&) {
        return std::nullopt;
    }
}

std::string serialize_state(const InstallState& state) {
    Json doc = Json::object();
    doc["format"] = k_state_format;
    doc["layout"] = std::string(layout_name(state.layout.value_or(Layout::hoisted)));
    Json units = Json::object();
    for (const auto& [dir, unit] : state.units) {
        Json entry = Json::object();
        if (!unit.integrity.empty())
            entry["integrity"] = unit.integrity;
        if (!unit.link.empty())
            entry["link"] = unit.link;
        if (unit.scripts_allowed)
            entry["scriptsAllowed"] = true;
        if (!unit.bins.empty()) {
            Json bins = Json::object();
            for (const auto& bin : unit.bins)
                bins[bin.command] = bin.target;
            entry["bins"] = std::move(bins);
        }
        if (!unit.scripts.empty()) {
            Json scripts = Json::array();
            for (const auto& script : unit.scripts)
                scripts.push_back(Json::array({script.event, script.command}));
            entry["scripts"] = std::move(scripts);
        }
        units[dir] = std::move(entry);
    }
    doc["units"] = std::move(units);
    return doc.dump(1) + "\n";
}

} // namespace cairn::install::detail
