#pragma once

#include "cairn/config/json5.hpp"
#include "cairn/config/layered_config.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

// The typed registry model read from `formats.<format>` (DESIGN.md section 3): each format
// has authorities; an authority owns the names its `packages` patterns match and holds an
// ordered set of registries.
namespace cairn::registry {

enum class Protocol { file, cairn_index, npm, oci, git };
std::string_view protocol_name(Protocol protocol);
std::optional<Protocol> parse_protocol(std::string_view text);

// How an authority asks its registries: `ordered` (first that has the package), `concurrent`
// (ask all at once, the first in order that has it wins), `union` (every registry's versions).
enum class SearchMode { ordered, concurrent, union_all };
enum class DefaultOrder { declared, alphabetical };
// What a registry's "not found" means: stop the search there, or continue to the next.
enum class NotFound { stop, continue_search };
enum class TimeoutAction { retry, fail, continue_search };

struct TimeoutPolicy {
    std::chrono::milliseconds time{30000};
    TimeoutAction action = TimeoutAction::retry;
    int maximum_retries = 3;
};

struct Registry {
    std::string name;
    Protocol protocol = Protocol::npm;
    std::string url; // ${env:...} expanded; package variables kept for per-package expansion
    config::Json settings = config::Json::object();
    std::vector<std::string> before; // registries this one is asked before
    std::vector<std::string> after;  // registries this one is asked after
    NotFound not_found = NotFound::continue_search;
    TimeoutPolicy timeout;
};

struct Authority {
    std::string name;
    std::vector<std::string> packages; // name patterns mapped to this authority
    SearchMode search_mode = SearchMode::ordered;
    DefaultOrder default_order = DefaultOrder::declared;
    // Releases younger than this are not chosen (a defence against fresh malicious ones).
    std::optional<std::chrono::milliseconds> minimum_release_age;
    std::vector<Registry> registries; // usable ones, in the computed search order
};

struct FormatRegistries {
    std::string format;            // "npm", "cairn", ...
    std::string default_authority; // for names no pattern matches; empty: none
    std::vector<Authority> authorities;

    const Authority* find_authority(std::string_view name) const;
};

struct RegistryModel {
    std::vector<FormatRegistries> formats;
    std::vector<std::string> warnings; // e.g. a registry dropped for an unknown protocol

    const FormatRegistries* find_format(std::string_view format) const;
};

// Reads and validates `formats` from the merged configuration. Throws cairn::Error
// (config_invalid) naming the key and the file:line:column that set it: wrong types, an
// authority with no usable registry, an unknown registry in before/after, an ordering
// cycle (naming the registries in it), two authorities claiming one pattern, a default
// authority that does not exist. Registries with an unknown protocol or `enabled: false`
// are dropped (the former with a warning).
RegistryModel read_registry_model(const config::LayeredConfig& config);

// "00:00:30", "30s", "5m", "1h", "250ms", or a number of seconds.
std::optional<std::chrono::milliseconds> parse_duration(const config::Json& value);

} // namespace cairn::registry
