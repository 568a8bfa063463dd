#include "cairn/registry/source_mapping.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

namespace cairn::registry {

bool pattern_matches(std::string_view pattern, std::string_view name) {
    // Iterative glob with backtracking to the last '*': linear in practice.
    std::size_t p = 0, n = 0;
    std::size_t star = std::string_view::npos, resume = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = n;
        } else if (p < pattern.size() && pattern[p] == name[n]) {
            ++p;
            ++n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

SourceMapping::SourceMapping(const FormatRegistries& format) : m_format(format) {
    for (const auto& authority : format.authorities) {
        for (const auto& pattern : authority.packages) {
            std::size_t literal = 0;
            for (char c : pattern)
                literal += c == '*' ? 0 : 1;
            m_rules.push_back({pattern, &authority, literal == pattern.size(), literal});
        }
    }
}

const SourceMapping::Rule* SourceMapping::best_rule(std::string_view name) const {
    const Rule* best = nullptr;
    const Rule* tied = nullptr;
    for (const auto& rule : m_rules) {
        if (!pattern_matches(rule.pattern, name))
            continue;
        if (!best || rule.exact > best->exact ||
            (rule.exact == best->exact && rule.literal_chars > best->literal_chars)) {
            best = &rule;
            tied = nullptr;
        } else if (rule.exact == best->exact && rule.literal_chars == best->literal_chars &&
                   rule.authority != best->authority) {
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
