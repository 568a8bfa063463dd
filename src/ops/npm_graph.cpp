// Resolved tree -> lockfile -> install plan (npm_project.hpp).
#include "npm_project.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cairn::ops::detail {

namespace fs = std::filesystem;

namespace {

lock::SpecMap spec_map(const std::vector<protocol::npm::NameRange>& pairs) {
    return lock::SpecMap(pairs.begin(), pairs.end());
}

} // namespace

std::string parent_path(std::string_view path) {
    auto at = path.rfind("/node_modules/");
    if (at == std::string_view::npos)
        return "";
    return std::string(path.substr(0, at));
}

std::optional<std::string> resolve_path(const std::map<std::string, lock::LockedPackage>& paths,
                                        std::string_view from, std::string_view name) {
    std::string at(from);
    for (;;) {
        std::string candidate =
            (at.empty() ? std::string() : at + "/") + "node_modules/" + std::string(name);
        if (paths.contains(candidate))
            return candidate;
        if (at.empty())
            return std::nullopt;
        at = parent_path(at);
    }
}

lock::Lockfile lock_from_tree(const resolve::npm::Tree& tree, const format::npm::Manifest& manifest,
                              ReleaseRecords& records) {
    lock::Lockfile lock;
    lock.root = locked_root(manifest);
    // The specs each package was asked for, for the portable index.
    std::map<std::string, std::set<std::string>> asked;
    for (const auto& node : tree.nodes)
        for (const auto& link : node.links)
            asked[tree.nodes[link.target].package].insert(link.spec);

    for (std::size_t i = 1; i < tree.nodes.size(); ++i) {
        const auto& node = tree.nodes[i];
        lock::LockedPackage p;
        p.path = tree.path(i);
        p.name = node.name;
        p.package = node.package;
        p.version = node.version->to_string();
        p.dev = node.dev;
        p.optional = node.optional;
        p.peer = node.peer;
        auto described = records.describe(node.package, *node.version);
        if (!described) {
            Error error(Code::internal,
                        fmt::format("no registry record for {}@{} after resolving it", node.package,
                                    p.version));
            throw error;
        }
        const protocol::npm::PackumentRelease& record = described->record;
        NpmReleaseSource& source = described->source;
        if (source.integrity.empty()) {
            Error error(Code::integrity,
                        fmt::format("{}@{} has no integrity in its registry metadata", node.package,
                                    p.version));
            error.hint("cairn installs only artifacts it can verify; ask the registry's "
                       "owner to publish dist.integrity or dist.shasum");
            throw error;
        }
        p.integrity = std::move(source.integrity);
        p.resolved = std::move(source.tarball_url);
        p.registry = source.authority + "/" + source.registry;
        p.has_install_script = record.has_install_script;
        p.has_bin = record.has_bin;
        p.deprecated = record.deprecated;
        std::set<std::string> optional_names;
        for (const auto& [name, spec] : record.optional_dependencies)
            optional_names.insert(name);
        for (const auto& [name, spec] : record.dependencies)
            if (!optional_names.contains(name))
                p.dependencies.emplace(name, spec);
        p.optional_dependencies = spec_map(record.optional_dependencies);
        p.peer_dependencies = spec_map(record.peer_dependencies);
        p.optional_peers = record.optional_peers;
        p.os = record.os;
        p.cpu = record.cpu;
        p.libc = record.libc;
        lock.packages.emplace(p.path, std::move(p));
    }
    for (const auto& skipped : tree.skipped)
        lock.skipped.push_back({skipped.name, skipped.spec, skipped.required_by, skipped.reason});

    for (const auto& [package, specs] : asked) {
        protocol::npm::Packument entry;
        entry.name = package;
        auto tags = records.tags(package);
        if (auto latest = tags.find("latest"); latest != tags.end())
            entry.dist_tags.emplace(latest->first, latest->second);
        // Each spec parsed once; a tag stands for the version it points at.
        std::vector<version::NpmRange> ranges;
        std::vector<version::Version> tagged;
        for (const auto& spec : specs) {
            if (auto range = version::NpmRange::parse(spec)) {
                ranges.push_back(std::move(*range));
            } else if (auto t = tags.find(spec); t != tags.end()) {
                if (auto v = version::Version::parse(t->second, version::ParseMode::loose))
                    tagged.push_back(std::move(*v));
                entry.dist_tags.emplace(t->first, t->second);
            }
        }
        auto wanted = [&](const version::Version& v) {
            for (const auto& range : ranges)
                if (range.satisfies(v))
                    return true;
            return std::any_of(tagged.begin(), tagged.end(),
                               [&](const version::Version& t) { return t.identical(v); });
        };
        bool prereleases =
            std::any_of(ranges.begin(), ranges.end(),
                        [](const version::NpmRange& r) { return r.admits_prereleases(); }) ||
            std::any_of(tagged.begin(), tagged.end(),
                        [](const version::Version& t) { return t.is_prerelease(); });
        if (auto text = records.index_entry(package, wanted, entry.dist_tags, prereleases)) {
            if (!text->empty())
                lock.index_entries.emplace(package, std::move(*text));
        } else {
            entry.releases = records.all(package, wanted, prereleases);
            for (auto& release : entry.releases)
                release.published.reset(); // not needed to re-resolve
            if (!entry.releases.empty())
                lock.index.emplace(package, std::move(entry));
        }
        // The index grows as the metadata it comes from goes.
        records.forget(package);
    }
    return lock;
}

install::InstallPlan plan_from_lock(const lock::Lockfile& lock, const fs::path& project,
                                    const std::map<std::string, store::CompleteTree>& trees,
                                    const std::set<std::string>& excluded_paths,
                                    install::Layout layout,
                                    const std::set<std::string>& allow_scripts) {
    install::InstallPlan plan;
    plan.project = project;
    plan.layout = layout;
    auto included = [&](const std::string& path) {
        return lock.packages.contains(path) && !excluded_paths.contains(path);
    };
    auto link_all = [&](const std::string& from, const lock::SpecMap& specs,
                        std::map<std::string, std::string>& into) {
        for (const auto& [name, spec] : specs)
            if (auto target = resolve_path(lock.packages, from, name); target && included(*target))
                into.emplace(name, *target);
    };
    plan.packages.reserve(lock.packages.size());
    for (const auto& [path, p] : lock.packages) {
        if (!included(path))
            continue;
        install::PlannedPackage planned;
        planned.path = path;
        planned.name = p.name;
        planned.package = p.package;
        planned.version = p.version;
        planned.optional = p.optional;
        planned.run_scripts =
            !allow_scripts.empty() &&
            (allow_scripts.contains(p.package) || allow_scripts.contains("npm:" + p.package));
        if (p.link) {
            planned.link_target = fs::path(*p.link);
            planned.integrity = "link:" + *p.link;
        } else {
            planned.integrity = p.integrity;
            auto tree = trees.find(path);
            if (tree == trees.end()) {
                Error error(Code::internal, fmt::format("no unpacked tree for {}", path));
                throw error;
            }
            planned.source = tree->second.path;
            planned.listing = tree->second.listing;
            // Its package.json is read for bins and scripts unless its metadata says it has
            // neither (a lockfile of an earlier cairn does not say).
            planned.no_bins_or_scripts = p.has_bin == false && !p.has_install_script;
        }
        link_all(path, p.dependencies, planned.dependencies);
        link_all(path, p.optional_dependencies, planned.dependencies);
        link_all(path, p.peer_dependencies, planned.dependencies);
        plan.packages.push_back(std::move(planned));
    }
    for (const auto* specs : {&lock.root.dependencies, &lock.root.dev_dependencies,
                              &lock.root.optional_dependencies, &lock.root.peer_dependencies})
        link_all("", *specs, plan.root_dependencies);
    return plan;
}

} // namespace cairn::ops::detail
