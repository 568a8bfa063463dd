#include "dart_scenario.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace cairn::test {

using resolve::DependencyKind;
using version::Version;
using version::VersionSet;

namespace {

struct Bound {
    Version version;
    bool inclusive;
};

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

Version first_prerelease(const Version& v) {
    return Version::from_parts(v.major(), v.minor(), v.patch(), {version::Identifier::numeric(0)});
}

// pub_semver: an exclusive upper bound that is not a prerelease (and has no build)
// also excludes its prereleases, unless the lower bound is a prerelease of the same
// major.minor.patch.
VersionSet dart_interval(const std::optional<Bound>& lower, std::optional<Bound> upper) {
    if (upper && !upper->inclusive && !upper->version.is_prerelease() &&
        upper->version.build().empty()) {
        const bool same_prerelease_lower = lower && lower->version.is_prerelease() &&
                                           lower->version.release() == upper->version.release();
        if (!same_prerelease_lower)
            upper = Bound{first_prerelease(upper->version), false};
    }
    VersionSet set = VersionSet::full();
    if (lower)
        set = set.intersect(lower->inclusive ? VersionSet::at_least(lower->version)
                                             : VersionSet::greater_than(lower->version));
    if (upper)
        set = set.intersect(upper->inclusive ? VersionSet::at_most(upper->version)
                                             : VersionSet::less_than(upper->version));
    return set;
}

} // namespace

Version dart_next_breaking(const Version& v) {
    if (v.major() > 0)
        return Version::from_parts(v.major() + 1, 0, 0);
    return Version::from_parts(0, v.minor() + 1, 0);
}

std::optional<VersionSet> parse_dart_range(std::string_view text) {
    text = trim(text);
    if (text == "any")
        return VersionSet::full();
    if (!text.empty() && text.front() == '^') {
        auto v = Version::parse(trim(text.substr(1)));
        if (!v)
            return std::nullopt;
        return dart_interval(Bound{*v, true}, Bound{dart_next_breaking(*v), false});
    }
    std::optional<Bound> lower;
    std::optional<Bound> upper;
    bool any_comparator = false;
    while (!(text = trim(text)).empty()) {
        std::string_view op;
        for (std::string_view candidate : {">=", "<=", ">", "<"}) {
            if (text.starts_with(candidate)) {
                op = candidate;
                break;
            }
        }
        if (op.empty()) {
            // A bare version: exactly that version, and nothing else may follow.
            if (any_comparator)
                return std::nullopt;
            auto v = Version::parse(text);
            if (!v)
                return std::nullopt;
            return VersionSet::exactly(*v);
        }
        any_comparator = true;
        text = trim(text.substr(op.size()));
        const auto end = std::min(text.find(' '), text.size());
        auto v = Version::parse(text.substr(0, end));
        if (!v)
            return std::nullopt;
        text = text.substr(end);
        if (op[0] == '>') {
            Bound bound{*v, op.size() == 2};
            if (!lower || lower->version < bound.version ||
                (lower->version == bound.version && !bound.inclusive))
                lower = bound;
        } else {
            Bound bound{*v, op.size() == 2};
            if (!upper || bound.version < upper->version ||
                (upper->version == bound.version && !bound.inclusive))
                upper = bound;
        }
    }
    if (!any_comparator)
        return std::nullopt;
    return dart_interval(lower, upper);
}

std::string format_dart_range(const VersionSet& set) {
    if (set.is_full())
        return "any";
    if (set.is_empty())
        return "<0.0.0";
    std::vector<std::string> parts;
    for (const auto& interval : set.intervals()) {
        const VersionSet one = [&] {
            VersionSet s = VersionSet::full();
            if (interval.lower)
                s = s.intersect(interval.lower->after
                                    ? VersionSet::greater_than(interval.lower->version)
                                    : VersionSet::at_least(interval.lower->version));
            if (interval.upper)
                s = s.intersect(interval.upper->after
                                    ? VersionSet::at_most(interval.upper->version)
                                    : VersionSet::less_than(interval.upper->version));
            return s;
        }();
        if (auto single = one.single_version()) {
            parts.push_back(single->to_string());
            continue;
        }
        if (interval.lower && !interval.lower->after && !interval.lower->version.is_prerelease()) {
            auto caret = parse_dart_range("^" + interval.lower->version.to_string());
            if (caret && *caret == one) {
                parts.push_back("^" + interval.lower->version.to_string());
                continue;
            }
        }
        std::string text;
        if (interval.lower)
            text += (interval.lower->after ? ">" : ">=") + interval.lower->version.to_string();
        if (interval.upper) {
            if (!text.empty())
                text += " ";
            Version shown = interval.upper->version;
            // "<2.0.0-0" is how Dart's "<2.0.0" is stored; print it back as written.
            if (!interval.upper->after && shown.prerelease().size() == 1 &&
                shown.prerelease()[0] == version::Identifier::numeric(0))
                shown = shown.release();
            text += (interval.upper->after ? "<=" : "<") + shown.to_string();
        }
        parts.push_back(text);
    }
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i ? " or " : "") + parts[i];
    return out;
}

void MemoryRegistry::add(const std::string& package, const Version& version,
                         std::vector<resolve::Dependency> dependencies,
                         resolve::Availability availability) {
    m_packages[package].push_back({{version, availability}, std::move(dependencies)});
}

void MemoryRegistry::break_dependencies(const std::string& package, const Version& version) {
    for (auto& release : m_packages[package]) {
        if (release.candidate.version == version)
            release.dependencies.reset();
    }
}

void MemoryRegistry::prefetch(std::span<const std::string> packages) {
    m_prefetched.insert(m_prefetched.end(), packages.begin(), packages.end());
}

std::vector<resolve::Candidate> MemoryRegistry::versions(std::string_view package) {
    m_asked.emplace_back(package);
    if (std::find(m_prefetched.begin(), m_prefetched.end(), package) == m_prefetched.end())
        ++m_unannounced_asks;
    std::vector<resolve::Candidate> out;
    auto found = m_packages.find(package);
    if (found != m_packages.end()) {
        for (const auto& release : found->second)
            out.push_back(release.candidate);
    }
    return out;
}

std::optional<std::vector<resolve::Dependency>>
MemoryRegistry::dependencies(std::string_view package, const Version& version) {
    auto found = m_packages.find(package);
    if (found == m_packages.end())
        return std::nullopt;
    for (const auto& release : found->second) {
        if (release.candidate.version == version)
            return release.dependencies;
    }
    return std::nullopt;
}

namespace {

VersionSet range_or_throw(const nlohmann::json& value, const std::string& where) {
    auto set = parse_dart_range(value.get<std::string>());
    if (!set)
        throw std::runtime_error("bad Dart range " + value.dump() + " in " + where);
    return *set;
}

Version version_or_throw(const std::string& text) {
    auto v = Version::parse(text);
    if (!v)
        throw std::runtime_error("bad version " + text);
    return *v;
}

} // namespace

DartScenario load_dart_scenario(const nlohmann::json& scenario) {
    const std::string root = scenario.at("root").at("name");
    const bool downgrade = scenario.value("mode", "") == "downgrade";
    resolve::Problem problem{root, version_or_throw(scenario.at("root").at("version")), {}, {}, {}};
    for (const auto& [name, range] : scenario.at("dependencies").items())
        problem.dependencies.push_back({name, range_or_throw(range, name), DependencyKind::normal});
    if (scenario.contains("dev_dependencies")) {
        for (const auto& [name, range] : scenario.at("dev_dependencies").items())
            problem.dependencies.push_back(
                {name, range_or_throw(range, name), DependencyKind::dev});
    }
    if (scenario.contains("dependency_overrides")) {
        for (const auto& [name, range] : scenario.at("dependency_overrides").items())
            problem.overrides.emplace(name, range_or_throw(range, name));
    }
    // `pub downgrade` unlocks everything: the lock is a preference only for `get`.
    if (scenario.contains("locked") && !downgrade) {
        for (const auto& [name, version] : scenario.at("locked").items())
            problem.locked.emplace(name, version_or_throw(version));
    }
    resolve::ResolveOptions options;
    options.order = downgrade ? resolve::VersionOrder::lowest : resolve::VersionOrder::highest;
    options.prereleases = resolve::PrereleaseOrder::stable_first;

    DartScenario loaded{scenario.at("id"), scenario, std::move(problem), options, {}};
    for (const auto& [package, releases] : scenario.at("registry").items()) {
        if (package == root)
            continue; // the root's own entries are ignored
        for (const auto& [version, deps] : releases.items()) {
            std::vector<resolve::Dependency> dependencies;
            for (const auto& [name, range] : deps.items())
                dependencies.push_back({name, range_or_throw(range, package + " " + version)});
            loaded.registry.add(package, version_or_throw(version), std::move(dependencies));
        }
    }
    return loaded;
}

namespace {

// Every requirement of a selected release as the scenario states it, overrides applied.
std::vector<std::pair<std::string, VersionSet>>
requirements(const DartScenario& scenario, const std::string& package, const std::string& version) {
    const auto& json = scenario.json;
    std::vector<std::pair<std::string, VersionSet>> out;
    const auto& overrides = scenario.problem.overrides;
    auto add = [&](const std::string& name, const nlohmann::json& range) {
        auto overridden = overrides.find(name);
        out.emplace_back(name, overridden != overrides.end() ? overridden->second
                                                             : range_or_throw(range, name));
    };
    if (package == scenario.problem.root) {
        for (const auto& [name, range] : json.at("dependencies").items())
            add(name, range);
        if (json.contains("dev_dependencies")) {
            for (const auto& [name, range] : json.at("dev_dependencies").items())
                add(name, range);
        }
        for (const auto& [name, range] : overrides)
            out.emplace_back(name, range);
        return out;
    }
    for (const auto& [name, range] : json.at("registry").at(package).at(version).items())
        add(name, range);
    return out;
}

} // namespace

std::string check_solution(const DartScenario& scenario, const resolve::Solution& solution) {
    const auto& json = scenario.json;
    const std::string& root = scenario.problem.root;
    std::map<std::string, std::string> selected;
    for (const auto& release : solution.releases) {
        if (release.package == root)
            return "the root is listed in the solution";
        const auto& registry = json.at("registry");
        if (!registry.contains(release.package))
            return release.package + " is not in the registry";
        std::optional<std::string> key;
        for (const auto& [version, deps] : registry.at(release.package).items()) {
            if (version_or_throw(version) == release.version)
                key = version;
        }
        if (!key)
            return release.package + " " + release.version.to_string() + " is not published";
        selected[release.package] = *key;
    }
    std::set<std::string> reached;
    std::vector<std::pair<std::string, std::string>> queue{{root, ""}};
    while (!queue.empty()) {
        auto [package, version] = queue.back();
        queue.pop_back();
        for (const auto& [name, range] : requirements(scenario, package, version)) {
            if (name == root) {
                if (!range.contains(scenario.problem.root_version))
                    return package + " requires the root in " + range.to_string();
                continue;
            }
            auto chosen = selected.find(name);
            if (chosen == selected.end())
                return package + " " + version + " requires " + name + ", which is not selected";
            if (!range.contains(version_or_throw(chosen->second)))
                return package + " " + version + " requires " + name + " " + range.to_string() +
                       " but " + chosen->second + " is selected";
            if (reached.insert(name).second)
                queue.emplace_back(name, chosen->second);
        }
    }
    for (const auto& [name, version] : selected) {
        if (!reached.contains(name))
            return name + " is selected but nothing requires it";
    }
    return {};
}

bool covers_a_minimal_core(const DartScenario& scenario, const resolve::DerivationTree& tree,
                           std::string& missing) {
    const auto facts = tree.dependency_facts();
    const std::string& root = scenario.problem.root;
    auto covered = [&](const std::string& edge) {
        const auto arrow = edge.find(" -> ");
        const std::string depender = edge.substr(0, arrow);
        const std::string target = edge.substr(arrow + 4);
        const auto space = target.find(' ');
        const std::string dependency = target.substr(0, space);
        const VersionSet range = *parse_dart_range(target.substr(space + 1));
        for (const auto& fact : facts) {
            if (fact.dependency != dependency || !(fact.range == range))
                continue;
            if (depender == root || depender == root + " (dev)" ||
                depender == root + " (override)") {
                const auto kind = depender == root              ? DependencyKind::normal
                                  : depender.ends_with("(dev)") ? DependencyKind::dev
                                                                : DependencyKind::override;
                if (fact.depender == root && fact.kind == kind)
                    return true;
                continue;
            }
            const auto split = depender.find(' ');
            if (fact.depender == depender.substr(0, split) &&
                fact.depender_versions.contains(version_or_throw(depender.substr(split + 1))))
                return true;
        }
        return false;
    };
    missing.clear();
    for (const auto& core : scenario.json.at("expected").at("minimal_cores")) {
        std::string lacking;
        for (const auto& edge : core) {
            if (!covered(edge.get<std::string>()))
                lacking += " [" + edge.get<std::string>() + "]";
        }
        if (lacking.empty())
            return true;
        missing += "core lacks" + lacking + "\n";
    }
    return false;
}

} // namespace cairn::test
