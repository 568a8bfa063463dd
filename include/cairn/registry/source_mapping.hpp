#pragma once

#include "cairn/core/glob.hpp"
#include "cairn/registry/registry_model.hpp"

#include <string>
#include <string_view>
#include <vector>

// Source mapping: which authority may serve a package name (the dependency-confusion
// defence). A name matching an authority's `packages` patterns is looked up only there;
// the most specific pattern wins (an exact name beats any glob; among globs, the one with
// more literal characters); a name no pattern matches goes to the format's default
// authority. Two patterns of equal specificity from different authorities that both match
// a name are a configuration error.
namespace cairn::registry {

// Glob with `*` (any run of characters, including '/'): glob::matches.
bool pattern_matches(std::string_view pattern, std::string_view name);

class SourceMapping {
public:
    explicit SourceMapping(const FormatRegistries& format);

    // The authority for `name`; nullptr when nothing matches and there is no default.
    // Throws cairn::Error(config_invalid) on a tie.
    const Authority* authority_for(std::string_view name) const;

    // The pattern that decided it ("" for the default authority), for `explain`-style output.
    std::string matching_pattern(std::string_view name) const;

private:
    struct Rule {
        std::string pattern;
        const Authority* authority;
        glob::Specificity specificity;
    };
    const Rule* best_rule(std::string_view name) const;

    const FormatRegistries& m_format;
    std::vector<Rule> m_rules;
};

} // namespace cairn::registry
