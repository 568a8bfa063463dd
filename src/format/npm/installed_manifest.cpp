// read_installed_manifest with simdjson: an install reads one package.json per package it
// places (hundreds), and building nlohmann's ordered DOM of each was most of the CPU an
// install from a warm store spends outside the kernel.
#include "manifest_detail.hpp"

#include "cairn/format/npm/manifest.hpp"
#include "cairn/format/npm/package_name.hpp"

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cairn::format::npm {

namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::element_type;

// Whatever the text holds that this reader does not take as it is (invalid JSON, a field of
// the wrong type, a number simdjson cannot hold) is read again by the nlohmann reader,
// which words the error exactly as read_manifest does.
struct Retry {};

std::string string_of(element value) {
    std::string_view text;
    if (value.get(text) != SUCCESS)
        throw Retry{};
    return std::string(text);
}

void read_bin(Manifest& m, element bin) {
    switch (bin.type()) {
    case element_type::STRING:
        if (!m.name)
            throw Retry{};
        detail::add_bin(m, std::string(unscoped_name(*m.name)), string_of(bin));
        return;
    case element_type::OBJECT: {
        // A repeated command: only its last target counts (checked), in its first place.
        std::vector<std::pair<std::string_view, element>> commands;
        for (auto field : simdjson::dom::object(bin)) {
            auto same = std::find_if(commands.begin(), commands.end(),
                                     [&](const auto& entry) { return entry.first == field.key; });
            if (same != commands.end())
                same->second = field.value;
            else
                commands.emplace_back(field.key, field.value);
        }
        for (const auto& [command, target] : commands) {
            if (target.type() != element_type::STRING)
                throw Retry{};
            detail::add_bin(m, std::string(command), string_of(target));
        }
        return;
    }
    case element_type::NULL_VALUE:
        return;
    default:
        throw Retry{};
    }
}

} // namespace

Manifest read_installed_manifest(std::string_view text, std::string_view source) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (parser.parse(text.data(), text.size()).get(root) != SUCCESS)
        return detail::read_installed_manifest_dom(text, source);
    Manifest m;
    m.source = std::string(source);
    try {
        // As when a JSON object is read into a map, a repeated key's last value counts.
        std::optional<element> name, version, bin, scripts;
        for (auto [key, value] : root) {
            if (key == "name")
                name = value;
            else if (key == "version")
                version = value;
            else if (key == "bin")
                bin = value;
            else if (key == "scripts")
                scripts = value;
        }
        if (name) {
            if (name->type() != element_type::STRING)
                throw Retry{};
            detail::set_name(m, string_of(*name));
        }
        if (version && version->type() != element_type::NULL_VALUE)
            m.version = string_of(*version);
        if (bin)
            read_bin(m, *bin);
        if (scripts && scripts->type() == element_type::OBJECT) {
            for (auto [event, command] : simdjson::dom::object(*scripts)) {
                std::string_view line;
                // A repeated event's last value counts, even when it is no string.
                if (command.get(line) == SUCCESS)
                    m.scripts[std::string(event)] = std::string(line);
                else
                    m.scripts.erase(std::string(event));
            }
        }
    } catch (const Retry&) {
        return detail::read_installed_manifest_dom(text, source);
    }
    return m;
}

} // namespace cairn::format::npm
