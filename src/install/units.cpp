#include "units.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace cairn::install::detail {
namespace {

namespace fs = std::filesystem;

Error escape(const std::string& message) {
    Error error(Code::archive_escape, message);
    error.hint("the plan (or the lockfile it came from) is damaged or malicious; "
               "regenerate it from package.json");
    return error;
}

Error bad_plan(const std::string& message) {
    Error error(Code::usage, "inconsistent install plan: " + message);
    error.hint("this is a bug in whatever built the plan; please report it");
    return error;
}

// Why `name` cannot be a folder name under node_modules ("a" or "@scope/a"), or nullopt.
std::optional<std::string> folder_name_problem(std::string_view name) {
    if (name.empty())
        return "is empty";
    if (name.size() > 214 * 2)
        return "is too long";
    if (name.find_first_of(std::string_view("\\:\0", 3)) != std::string_view::npos)
        return "holds a backslash, colon or NUL";
    auto part_ok = [](std::string_view part) {
        return !part.empty() && part.front() != '.' && part != "node_modules";
    };
    if (name.front() == '@') {
        auto slash = name.find('/');
        if (slash == std::string_view::npos || slash == 1)
            return "is a scope without a package";
        auto scope = name.substr(1, slash - 1), rest = name.substr(slash + 1);
        if (!part_ok(scope) || !part_ok(rest) || rest.find('/') != std::string_view::npos)
            return "is not a folder name under node_modules";
        return std::nullopt;
    }
    if (!part_ok(name) || name.find('/') != std::string_view::npos)
        return "is not a folder name under node_modules";
    return std::nullopt;
}

void check_folder_name(std::string_view what, std::string_view name, std::string_view where) {
    if (auto problem = folder_name_problem(name))
        throw escape(fmt::format("{} \"{}\"{} {}", what, name, where, *problem));
}

// The names along a path: "node_modules/a/node_modules/@s/b" -> {"a", "@s/b"}; throws when
// it is not such a path.
std::vector<std::string> path_names(const std::string& path) {
    std::vector<std::string> names;
    std::string_view rest = path;
    auto fail = [&](std::string_view why) -> Error {
        return escape(fmt::format("package path \"{}\" {}", path, why));
    };
    if (rest.empty())
        throw fail("is empty");
    if (rest.front() == '/')
        throw fail("is absolute");
    while (!rest.empty()) {
        if (!rest.starts_with("node_modules/"))
            throw fail("is not a chain of node_modules/<name> folders");
        rest.remove_prefix(13);
        std::size_t end = rest.find('/');
        if (!rest.empty() && rest.front() == '@' && end != std::string_view::npos)
            end = rest.find('/', end + 1);
        std::string_view name = rest.substr(0, end);
        if (auto problem = folder_name_problem(name))
            throw fail(fmt::format("has the folder \"{}\", which {}", name, *problem));
        names.emplace_back(name);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (end != std::string_view::npos && rest.empty())
            throw fail("ends with a slash");
    }
    return names;
}

std::string flat(const std::string& package) {
    std::string out = package;
    std::replace(out.begin(), out.end(), '/', '+');
    return out;
}

fs::path absolute_target(const fs::path& project, const fs::path& target) {
    return (target.is_absolute() ? target : project / target).lexically_normal();
}

} // namespace

std::string parent_node_modules(const std::string& path) {
    std::size_t at = path.rfind("node_modules/");
    return at == std::string::npos ? std::string() : path.substr(0, at + 12);
}

std::string relative_link(const fs::path& project, const std::string& from, const fs::path& to) {
    fs::path from_dir = (project / from).lexically_normal().parent_path();
    fs::path target = absolute_target(project, to);
    fs::path rel = target.lexically_relative(from_dir);
    return rel.empty() ? target.string() : rel.string();
}

void validate_plan(const InstallPlan& plan) {
    std::map<std::string, const PlannedPackage*> paths;
    for (const auto& p : plan.packages) {
        auto names = path_names(p.path);
        if (names.back() != p.name)
            throw escape(fmt::format("package path \"{}\" does not end with its name \"{}\"",
                                     p.path, p.name));
        check_folder_name("registry package", p.package, fmt::format(" (at {})", p.path));
        if (p.version.empty() || p.version.size() > 256 || p.version.front() == '.' ||
            p.version.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos)
            throw escape(fmt::format("version \"{}\" of {} (at {}) cannot be part of a folder "
                                     "name",
                                     p.version, p.package, p.path));
        if (p.link_target ? p.link_target->empty() : p.source.empty())
            throw bad_plan(
                fmt::format("{} has no {}", p.path, p.link_target ? "link target" : "source tree"));
        if (!paths.emplace(p.path, &p).second)
            throw bad_plan(fmt::format("{} is planned twice", p.path));
    }
    for (const auto& p : plan.packages) {
        std::string parent = parent_node_modules(p.path);
        if (parent.size() > 12) {
            std::string owner = parent.substr(0, parent.size() - 13);
            auto it = paths.find(owner);
            if (it == paths.end())
                throw bad_plan(
                    fmt::format("{} is nested in {}, which the plan does not have", p.path, owner));
            if (it->second->link_target)
                throw escape(
                    fmt::format("{} would be written inside the linked folder {}", p.path, owner));
        }
        for (const auto& [name, target] : p.dependencies) {
            check_folder_name("dependency", name, fmt::format(" of {}", p.path));
            if (!paths.contains(target))
                throw bad_plan(fmt::format("dependency {} of {} resolves to {}, which the plan "
                                           "does not have",
                                           name, p.path, target));
        }
    }
    for (const auto& [name, target] : plan.root_dependencies) {
        check_folder_name("dependency", name, " of the project");
        if (!paths.contains(target))
            throw bad_plan(fmt::format("the project's dependency {} resolves to {}, which the "
                                       "plan does not have",
                                       name, target));
    }
}

Units build_units(const InstallPlan& plan, const fs::path& project) {
    Units out;
    out.units.reserve(plan.packages.size());
    std::vector<std::size_t> order(plan.packages.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return plan.packages[a].path < plan.packages[b].path;
    });
    std::map<std::string, std::size_t> index_of;
    for (std::size_t i = 0; i < plan.packages.size(); ++i)
        index_of[plan.packages[i].path] = i;

    auto start_unit = [&](std::size_t i, std::string dir, std::string package_dir) {
        const auto& p = plan.packages[i];
        Unit unit;
        unit.dir = std::move(dir);
        unit.package_dir = std::move(package_dir);
        unit.first = &p;
        if (p.link_target)
            unit.link_target = absolute_target(project, *p.link_target);
        unit.state.integrity = p.integrity;
        out.units.push_back(std::move(unit));
        return out.units.size() - 1;
    };
    auto add_member = [&](std::size_t u, std::size_t i) {
        const auto& p = plan.packages[i];
        Unit& unit = out.units[u];
        unit.members.push_back(i);
        unit.run_scripts = unit.run_scripts || p.run_scripts;
        unit.optional = unit.optional && p.optional;
        out.by_path[p.path] = u;
    };

    if (plan.layout == Layout::hoisted) {
        for (std::size_t i : order) {
            const auto& p = plan.packages[i];
            std::size_t u = start_unit(i, p.path, p.path);
            add_member(u, i);
            out.by_dir[p.path] = u;
        }
        return out;
    }

    // Isolated: packages with the same package, version, integrity and (transitively) the
    // same dependencies share one folder. Partition refinement: start from the identity of
    // each package, split classes by their dependencies' classes until nothing splits.
    std::vector<std::size_t> cls(plan.packages.size());
    std::size_t classes = 0;
    {
        std::map<std::string, std::size_t> ids;
        for (std::size_t i : order) {
            const auto& p = plan.packages[i];
            std::string base = p.link_target
                                   ? "link\n" + absolute_target(project, *p.link_target).string()
                                   : p.package + "\n" + p.version + "\n" + p.integrity;
            cls[i] = ids.emplace(base, ids.size()).first->second;
        }
        classes = ids.size();
    }
    for (;;) {
        std::map<std::string, std::size_t> ids;
        std::vector<std::size_t> next(cls.size());
        for (std::size_t i : order) {
            const auto& p = plan.packages[i];
            std::string sig = std::to_string(cls[i]);
            if (!p.link_target)
                for (const auto& [name, target] : p.dependencies)
                    sig += fmt::format("|{}={}", name, cls[index_of.at(target)]);
            next[i] = ids.emplace(sig, ids.size()).first->second;
        }
        cls = std::move(next);
        if (ids.size() == classes)
            break;
        classes = ids.size();
    }

    // Folder keys: "<package with / as +>@<version>", with a suffix telling apart classes
    // that share it.
    std::map<std::size_t, std::vector<std::size_t>> members; // class -> packages, path order
    std::vector<std::size_t> class_order;
    for (std::size_t i : order) {
        auto& list = members[cls[i]];
        if (list.empty())
            class_order.push_back(cls[i]);
        list.push_back(i);
    }
    std::map<std::string, std::vector<std::size_t>> by_base; // base key -> classes
    for (std::size_t c : class_order) {
        const auto& p = plan.packages[members[c].front()];
        if (!p.link_target)
            by_base[flat(p.package) + "@" + p.version].push_back(c);
    }
    std::map<std::size_t, std::size_t> unit_of_class;
    for (const auto& [base, list] : by_base) {
        std::set<std::string> used;
        for (std::size_t c : list) {
            std::string key = base;
            if (list.size() > 1) {
                const auto& p = plan.packages[members[c].front()];
                std::string sig = p.integrity;
                for (const auto& [name, target] : p.dependencies) {
                    const auto& t = plan.packages[index_of.at(target)];
                    sig += fmt::format("|{}={}@{}:{}", name, t.package, t.version, t.integrity);
                }
                key += "_" + digest_bytes(DigestAlgorithm::sha256, sig).hex().substr(0, 10);
                for (int n = 2; used.contains(key); ++n)
                    key = fmt::format(
                        "{}_{}-{}", base,
                        digest_bytes(DigestAlgorithm::sha256, sig).hex().substr(0, 10), n);
            }
            used.insert(key);
            const auto& p = plan.packages[members[c].front()];
            std::string dir = "node_modules/.cairn/" + key;
            std::size_t u = start_unit(members[c].front(), dir, dir + "/node_modules/" + p.package);
            for (std::size_t i : members[c])
                add_member(u, i);
            out.by_dir[dir] = u;
            unit_of_class[c] = u;
        }
    }
    for (std::size_t c : class_order) {
        if (unit_of_class.contains(c))
            continue;
        std::size_t u = start_unit(members[c].front(), "", "");
        for (std::size_t i : members[c])
            add_member(u, i);
        unit_of_class[c] = u;
    }
    for (auto& unit : out.units) {
        if (unit.link_target)
            continue;
        for (const auto& [name, target] : unit.first->dependencies)
            unit.dependencies[name] = out.by_path.at(target);
    }
    return out;
}

} // namespace cairn::install::detail
