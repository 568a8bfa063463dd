// tree / why / outdated / add / remove on an npm project (npm_query.hpp).
#include "cairn/ops/npm_query.hpp"

#include "npm_project.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/npm/package_name.hpp"
#include "cairn/ops/npm_metadata.hpp"
#include "cairn/version/npm_range.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace cairn::ops {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        Error error(Code::io, fmt::format("cannot read {}", path.string()));
        error.caused_by(std::error_code(errno, std::generic_category()).message());
        throw error;
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

constexpr std::string_view k_fields[] = {"dependencies", "devDependencies", "optionalDependencies",
                                         "peerDependencies"};

std::string_view field_of(SaveAs save_as) {
    switch (save_as) {
    case SaveAs::prod:
        return "dependencies";
    case SaveAs::dev:
        return "devDependencies";
    case SaveAs::optional:
        return "optionalDependencies";
    case SaveAs::peer:
        return "peerDependencies";
    }
    return "dependencies";
}

// Whether a name saved to `target` stays where `field` also lists it. As npm: a dev
// dependency may also be a peer (the library author's usual pair) or optional; a peer or
// an optional one may also be dev. Anything else moves: a name is one kind of runtime
// dependency at a time.
bool coexists(std::string_view target, std::string_view field) {
    auto pair = [&](std::string_view a, std::string_view b) {
        return (target == a && field == b) || (target == b && field == a);
    };
    return pair("devDependencies", "peerDependencies") ||
           pair("devDependencies", "optionalDependencies");
}

// package.json as an ordered document, with the indentation it was written with.
struct EditableManifest {
    fs::path path;
    nlohmann::ordered_json doc;
    int indent = 2;
    bool tabs = false;

    explicit EditableManifest(const fs::path& project) : path(project / "package.json") {
        std::string text = read_text(path);
        format::npm::read_manifest(text, "package.json"); // the usual errors, with positions
        doc = nlohmann::ordered_json::parse(text);
        auto newline = text.find('\n');
        if (newline != std::string::npos && newline + 1 < text.size()) {
            std::size_t i = newline + 1;
            if (text[i] == '\t') {
                tabs = true;
                indent = 1;
            } else {
                int n = 0;
                while (i < text.size() && text[i] == ' ') {
                    ++n;
                    ++i;
                }
                if (n > 0)
                    indent = n;
            }
        }
    }

    void save() const {
        std::string text = doc.dump(indent, tabs ? '\t' : ' ') + "\n";
        fs::path temp = path;
        temp += ".tmp-cairn";
        {
            std::ofstream out(temp, std::ios::binary | std::ios::trunc);
            out << text;
            if (!out) {
                Error error(Code::io, fmt::format("cannot write {}", path.string()));
                throw error;
            }
        }
        fs::rename(temp, path);
    }
};

} // namespace

std::optional<fs::path> find_npm_project(const fs::path& start) {
    std::error_code ec;
    fs::path dir = fs::absolute(start, ec);
    for (;;) {
        if (fs::exists(dir / "package.json", ec))
            return dir;
        if (!dir.has_parent_path() || dir.parent_path() == dir)
            return std::nullopt;
        dir = dir.parent_path();
    }
}

lock::Lockfile read_project_lock(const fs::path& project) {
    fs::path path = project / lock::k_lockfile_name;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        Error error(Code::not_found,
                    fmt::format("no {} in {}", lock::k_lockfile_name, project.string()));
        error.hint("run `cairn install` (or `cairn lock`) first");
        throw error;
    }
    return lock::read_lockfile(read_text(path), lock::k_lockfile_name);
}

std::vector<LockedEdge> dependencies_of(const lock::Lockfile& lock, const std::string& from) {
    std::vector<LockedEdge> out;
    auto add = [&](const lock::SpecMap& specs, std::string_view type) {
        for (const auto& [name, spec] : specs)
            if (auto target = detail::resolve_path(lock.packages, from, name))
                out.push_back({from, name, spec, std::string(type), *target});
    };
    if (from.empty()) {
        add(lock.root.dependencies, "prod");
        add(lock.root.dev_dependencies, "dev");
        add(lock.root.optional_dependencies, "optional");
        add(lock.root.peer_dependencies, "peer");
    } else if (auto it = lock.packages.find(from); it != lock.packages.end()) {
        add(it->second.dependencies, "prod");
        add(it->second.optional_dependencies, "optional");
        add(it->second.peer_dependencies, "peer");
    }
    std::sort(out.begin(), out.end(), [](const LockedEdge& a, const LockedEdge& b) {
        return std::tie(a.name, a.type) < std::tie(b.name, b.type);
    });
    // A name both in dependencies and peerDependencies appears once.
    out.erase(
        std::unique(out.begin(), out.end(),
                    [](const LockedEdge& a, const LockedEdge& b) { return a.name == b.name; }),
        out.end());
    return out;
}

std::map<std::string, std::vector<LockedEdge>> dependents(const lock::Lockfile& lock) {
    std::map<std::string, std::vector<LockedEdge>> out;
    for (auto& edge : dependencies_of(lock, ""))
        out[edge.target].push_back(edge);
    for (const auto& [path, p] : lock.packages)
        for (auto& edge : dependencies_of(lock, path))
            out[edge.target].push_back(edge);
    return out;
}

std::vector<OutdatedEntry> npm_outdated(const NpmProjectContext& context, const fs::path& project) {
    auto npm = detail::read_npm_project(project);
    std::optional<lock::Lockfile> lock = npm.lock;
    NpmMetadata metadata(context.config, project, context.store_root, context.env);
    std::vector<std::string> names;
    for (const auto& dep : npm.manifest.dependencies)
        if (dep.spec.kind == format::npm::SpecKind::range ||
            dep.spec.kind == format::npm::SpecKind::tag ||
            dep.spec.kind == format::npm::SpecKind::alias)
            names.push_back(dep.spec.package);
    metadata.prefetch(names);
    std::vector<OutdatedEntry> out;
    for (const auto& dep : npm.manifest.dependencies) {
        using format::npm::SpecKind;
        if (dep.spec.kind != SpecKind::range && dep.spec.kind != SpecKind::tag &&
            dep.spec.kind != SpecKind::alias)
            continue;
        OutdatedEntry e;
        e.name = dep.name;
        e.type = std::string(format::npm::dependency_type_field(dep.type));
        e.spec = dep.spec.raw;
        if (lock)
            if (auto it = lock->packages.find("node_modules/" + dep.name);
                it != lock->packages.end())
                e.current = it->second.version;
        const auto* releases = metadata.releases(dep.spec.package);
        if (!releases)
            continue;
        if (auto latest = metadata.dist_tag(dep.spec.package, "latest"))
            e.latest = latest->to_string();
        std::optional<version::Version> wanted;
        if (dep.spec.range) {
            for (const auto& r : *releases)
                if (dep.spec.range->satisfies(r.version) && (!wanted || *wanted < r.version))
                    wanted = r.version;
        } else if (auto tagged = metadata.dist_tag(dep.spec.package, dep.spec.tag)) {
            wanted = *tagged;
        }
        if (wanted)
            e.wanted = wanted->to_string();
        if (e.current != e.wanted || e.current != e.latest)
            out.push_back(std::move(e));
    }
    return out;
}

AddRequest parse_add_argument(std::string_view text) {
    AddRequest request;
    std::size_t at = text.find('@', text.empty() || text[0] != '@' ? 0 : 1);
    request.name = std::string(text.substr(0, at));
    if (at != std::string_view::npos)
        request.spec = std::string(text.substr(at + 1));
    if (auto problem = format::npm::package_name_problem(request.name)) {
        Error error(Code::usage,
                    fmt::format("\"{}\" is not a valid package name: {}", request.name, *problem));
        error.hint("write NAME or NAME@SPEC, e.g. express@^5 or @types/node@22");
        throw error;
    }
    if (request.spec && request.spec->empty())
        request.spec.reset();
    return request;
}

std::vector<std::string> add_npm_dependencies(const NpmProjectContext& context,
                                              const fs::path& project,
                                              const std::vector<AddRequest>& requests,
                                              SaveAs save_as, bool save_exact) {
    EditableManifest manifest(project);
    std::optional<NpmMetadata> metadata;
    std::vector<std::string> written;
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& request : requests) {
        std::string spec;
        // A spec that names a version or range is written as given; a tag or nothing is
        // resolved to the version it points at now, saved as ^version (or exact).
        auto parsed = request.spec ? format::npm::parse_dependency_spec(request.name, *request.spec)
                                   : format::npm::parse_dependency_spec(request.name, "latest");
        if (parsed.kind == format::npm::SpecKind::tag) {
            if (!metadata)
                metadata.emplace(context.config, project, context.store_root, context.env);
            auto tagged = metadata->dist_tag(parsed.package, parsed.tag);
            if (!tagged) {
                if (!metadata->releases(parsed.package)) {
                    Error error(Code::not_found, fmt::format("package {} not found in its registry",
                                                             parsed.package));
                    throw error;
                }
                Error error(Code::not_found, fmt::format("package {} has no dist-tag \"{}\"",
                                                         parsed.package, parsed.tag));
                throw error;
            }
            spec = (save_exact ? "" : "^") + tagged->to_string();
        } else {
            spec = parsed.raw;
        }
        entries.emplace_back(request.name, spec);
        written.push_back(fmt::format("{}@{}", request.name, spec));
    }
    std::string target(field_of(save_as));
    for (const auto& [name, spec] : entries) {
        for (auto field : k_fields)
            if (field != target && !coexists(target, field) && manifest.doc.contains(field) &&
                manifest.doc[field].is_object())
                manifest.doc[field].erase(name);
        manifest.doc[target][name] = spec;
    }
    // npm keeps dependency fields sorted by name.
    nlohmann::ordered_json sorted = nlohmann::ordered_json::object();
    std::map<std::string, nlohmann::ordered_json> by_name;
    for (const auto& [name, value] : manifest.doc[target].items())
        by_name.emplace(name, value);
    for (auto& [name, value] : by_name)
        sorted[name] = value;
    manifest.doc[target] = sorted;
    for (auto field : k_fields)
        if (manifest.doc.contains(field) && manifest.doc[field].is_object() &&
            manifest.doc[field].empty() && field != target)
            manifest.doc.erase(field);
    manifest.save();
    return written;
}

void remove_npm_dependencies(const fs::path& project, const std::vector<std::string>& names) {
    EditableManifest manifest(project);
    for (const auto& name : names) {
        bool found = false;
        for (auto field : k_fields)
            if (manifest.doc.contains(field) && manifest.doc[field].is_object() &&
                manifest.doc[field].contains(name)) {
                manifest.doc[field].erase(name);
                found = true;
            }
        if (!found) {
            Error error(Code::not_found,
                        fmt::format("{} is not a dependency in package.json", name));
            error.hint("`cairn tree` lists what the project depends on");
            throw error;
        }
    }
    for (auto field : k_fields)
        if (manifest.doc.contains(field) && manifest.doc[field].is_object() &&
            manifest.doc[field].empty())
            manifest.doc.erase(field);
    manifest.save();
}

} // namespace cairn::ops
