// cairn tree [--depth N]: the installed graph from cairn.lock.
// cairn why NAME: every chain of dependents from the root to each copy of NAME.
#include "commands/npm_project_support.hpp"

#include "cairn/core/error.hpp"
#include "cairn/ops/npm_query.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <set>

namespace cairn::cli {

namespace {

std::string label(const lock::Lockfile& lock, const std::string& path) {
    const auto& p = lock.packages.at(path);
    std::string name = p.name == p.package ? p.name : fmt::format("{} (npm:{})", p.name, p.package);
    std::string flags;
    if (p.dev)
        flags += " dev";
    if (p.optional)
        flags += " optional";
    if (p.link)
        flags += " -> " + *p.link;
    return fmt::format("{}@{}{}", name, p.version, flags);
}

void print_tree(const lock::Lockfile& lock, const std::string& from, const std::string& indent,
                int depth, int max_depth, std::set<std::string>& shown, std::string& out,
                nlohmann::json& json) {
    auto edges = ops::dependencies_of(lock, from);
    for (std::size_t i = 0; i < edges.size(); ++i) {
        const auto& e = edges[i];
        bool last = i + 1 == edges.size();
        bool again = shown.contains(e.target);
        out += indent + (last ? "└── " : "├── ") + label(lock, e.target) +
               (again && !ops::dependencies_of(lock, e.target).empty() ? " (deduped)" : "") + "\n";
        nlohmann::json node{{"name", e.name},
                            {"version", lock.packages.at(e.target).version},
                            {"path", e.target},
                            {"spec", e.spec},
                            {"type", e.type}};
        if (!again && (max_depth < 0 || depth < max_depth)) {
            shown.insert(e.target);
            nlohmann::json children = nlohmann::json::array();
            print_tree(lock, e.target, indent + (last ? "    " : "│   "), depth + 1, max_depth,
                       shown, out, children);
            if (!children.empty())
                node["dependencies"] = children;
        }
        json.push_back(node);
    }
}

// "name@version" of the root manifest, else the folder's name.
std::string project_label(const std::filesystem::path& project) {
    try {
        std::ifstream in(project / "package.json");
        auto doc = nlohmann::json::parse(in);
        if (doc.contains("name") && doc["name"].is_string())
            return doc["name"].get<std::string>() +
                   (doc.contains("version") && doc["version"].is_string()
                        ? "@" + doc["version"].get<std::string>()
                        : "");
    } catch (const std::exception&) {
    }
    return project.filename().string();
}

} // namespace

void add_tree_command(CLI::App& app, Session& session) {
    auto depth = std::make_shared<int>(-1);
    auto* cmd = app.add_subcommand("tree", "Show the dependency graph cairn.lock records");
    cmd->alias("ls");
    cmd->add_option("--depth", *depth, "Levels to show (default: all)");
    cmd->callback([&session, depth] {
        auto project = npm_project_dir(session);
        auto lock = ops::read_project_lock(project);
        std::string out;
        nlohmann::json json = nlohmann::json::array();
        std::set<std::string> shown;
        print_tree(lock, "", "", 0, *depth, shown, out, json);
        if (session.global.json)
            std::cout << json.dump() << "\n";
        else
            std::cout << project_label(project) << "\n" << out;
    });
}

void add_why_command(CLI::App& app, Session& session) {
    auto name = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("why", "Explain why a package is installed: who depends on it");
    cmd->alias("explain");
    cmd->add_option("name", *name, "Package (or folder) name")->required();
    cmd->callback([&session, name] {
        auto project = npm_project_dir(session);
        auto lock = ops::read_project_lock(project);
        auto into = ops::dependents(lock);
        std::string out;
        nlohmann::json json = nlohmann::json::array();
        for (const auto& [path, p] : lock.packages) {
            if (p.name != *name && p.package != *name)
                continue;
            out += fmt::format("{}  {}\n", label(lock, path), path);
            nlohmann::json chains = nlohmann::json::array();
            // Walk dependents upward, one line per edge, depth-first; each path once.
            std::set<std::string> seen{path};
            std::function<void(const std::string&, const std::string&)> up =
                [&](const std::string& at, const std::string& indent) {
                    auto it = into.find(at);
                    if (it == into.end())
                        return;
                    for (const auto& edge : it->second) {
                        std::string who =
                            edge.from.empty()
                                ? std::string("the root project")
                                : fmt::format("{}  {}", label(lock, edge.from), edge.from);
                        out += fmt::format("{}{}@\"{}\" ({}) from {}\n", indent, edge.name,
                                           edge.spec, edge.type, who);
                        chains.push_back({{"from", edge.from},
                                          {"to", at},
                                          {"spec", edge.spec},
                                          {"type", edge.type}});
                        if (!edge.from.empty() && seen.insert(edge.from).second)
                            up(edge.from, indent + "  ");
                    }
                };
            up(path, "  ");
            json.push_back({{"path", path}, {"version", p.version}, {"edges", chains}});
        }
        if (json.empty()) {
            Error error(Code::not_found, fmt::format("{} is not installed in this project", *name));
            error.hint("`cairn tree` lists what is installed");
            throw error;
        }
        if (session.global.json)
            std::cout << json.dump() << "\n";
        else
            std::cout << out;
    });
}

CAIRN_COMMAND(20, "tree ls", add_tree_command);
CAIRN_COMMAND(21, "why explain", add_why_command);

} // namespace cairn::cli
