#include "cairn/registry/source_mapping.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/glob.hpp"

#include <fmt/format.h>

namespace cairn::registry {

bool pattern_matches(std::string_view pattern, std::string_view name) {
    return glob::matches(pattern, name);
}

SourceMapping::SourceMapping(const FormatRegistries& format) : m_format(format) {
    for (const auto& authority : format.authorities) {
        for (const auto& pattern : authority.packages)
            m_rules.push_back({pattern, &authority, glob::specificity(pattern)});
    }
}

const SourceMapping::Rule* SourceMapping::best_rule(std::string_view name) const {
    const Rule* best = nullptr;
    const Rule* tied = nullptr;
    for (const auto& rule : m_rules) {
        if (!pattern_matches(rule.pattern, name))
            continue;
        if (!best || rule.specificity > best->specificity) {
            best = &rule;
            tied = nullptr;
        } else if (rule.specificity == best->specificity && rule.authority != best->authority) {
            tied = &rule;
        }
    }
    if (tied) {
        Error error(Code::config_invalid,
                    fmt::format("package {}:{} is claimed equally by authorities {} (\"{}\") and "
                                "{} (\"{}\")",
                                m_format.format, name, best->authority->name, best->pattern,
                                tied->authority->name, tied->pattern));
        error.hint("make one pattern more specific (more literal characters wins, an exact name "
                   "wins over any pattern) or add the exact name to one authority's packages");
        throw error;
    }
    return best;
}

const Authority* SourceMapping::authority_for(std::string_view name) const {
    if (const Rule* rule = best_rule(name))
        return rule->authority;
    if (m_format.default_authority.empty())
        return nullptr;
    return m_format.find_authority(m_format.default_authority);
}

std::string SourceMapping::matching_pattern(std::string_view name) const {
    const Rule* rule = best_rule(name);
    return rule ? rule->pattern : std::string();
}

} // namespace cairn::registry
