#include "cairn/registry/registry_order.hpp"

#include "cairn/core/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

namespace cairn::registry {
namespace {

// Finds one cycle among the registries Kahn's algorithm could not place.
std::vector<std::string> find_cycle(const std::vector<std::vector<std::size_t>>& edges,
                                    const std::vector<bool>& placed,
                                    const std::vector<Registry>& registries) {
    std::size_t n = registries.size();
    std::vector<int> state(n, 0); // 0 new, 1 on stack, 2 done
    std::vector<std::size_t> stack;
    std::vector<std::string> cycle;
    auto dfs = [&](auto& self, std::size_t node) -> bool {
        state[node] = 1;
        stack.push_back(node);
        for (std::size_t next : edges[node]) {
            if (placed[next])
                continue;
            if (state[next] == 1) {
                auto start = std::find(stack.begin(), stack.end(), next);
                for (auto it = start; it != stack.end(); ++it)
                    cycle.push_back(registries[*it].name);
                cycle.push_back(registries[next].name);
                return true;
            }
            if (state[next] == 0 && self(self, next))
                return true;
        }
        stack.pop_back();
        state[node] = 2;
        return false;
    };
    for (std::size_t i = 0; i < n; ++i)
        if (!placed[i] && state[i] == 0 && dfs(dfs, i))
            break;
    return cycle;
}

} // namespace

std::vector<Registry> order_registries(const std::string& authority, std::vector<Registry> declared,
                                       DefaultOrder default_order,
                                       const std::vector<std::string>& dropped) {
    std::size_t n = declared.size();
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < n; ++i)
        index[declared[i].name] = i;

    // rank: the tie-break among registries the constraints leave free
    std::vector<std::size_t> rank(n);
    for (std::size_t i = 0; i < n; ++i)
        rank[i] = i;
    if (default_order == DefaultOrder::alphabetical) {
        std::vector<std::size_t> by_name(n);
        for (std::size_t i = 0; i < n; ++i)
            by_name[i] = i;
        std::sort(by_name.begin(), by_name.end(), [&](std::size_t a, std::size_t b) {
            return declared[a].name < declared[b].name;
        });
        for (std::size_t r = 0; r < n; ++r)
            rank[by_name[r]] = r;
    }

    std::vector<std::vector<std::size_t>> edges(n); // edge a -> b: a is asked before b
    std::vector<std::size_t> incoming(n, 0);
    auto resolve = [&](const Registry& from, const std::string& other,
                       const char* relation) -> std::optional<std::size_t> {
        auto it = index.find(other);
        if (it != index.end())
            return it->second;
        if (std::find(dropped.begin(), dropped.end(), other) != dropped.end())
            return std::nullopt; // ordering against a left-out registry means nothing
        Error error(Code::config_invalid,
                    fmt::format("registry {} of authority {} is ordered {} \"{}\", which the "
                                "authority does not have",
                                from.name, authority, relation, other));
        std::vector<std::string> names;
        for (const auto& r : declared)
            names.push_back(r.name);
        error.hint(fmt::format("its registries are: {}", fmt::join(names, ", ")));
        throw error;
    };
    std::set<std::pair<std::size_t, std::size_t>> seen;
    auto add_edge = [&](std::size_t a, std::size_t b) {
        if (seen.insert({a, b}).second) {
            edges[a].push_back(b);
            ++incoming[b];
        }
    };
    for (std::size_t i = 0; i < n; ++i) {
        for (const auto& other : declared[i].before)
            if (auto j = resolve(declared[i], other, "before"))
                add_edge(i, *j);
        for (const auto& other : declared[i].after)
            if (auto j = resolve(declared[i], other, "after"))
                add_edge(*j, i);
    }

    std::vector<bool> placed(n, false);
    std::vector<Registry> ordered;
    ordered.reserve(n);
    for (std::size_t step = 0; step < n; ++step) {
        std::optional<std::size_t> pick;
        for (std::size_t i = 0; i < n; ++i)
            if (!placed[i] && incoming[i] == 0 && (!pick || rank[i] < rank[*pick]))
                pick = i;
        if (!pick) {
            std::vector<std::string> cycle = find_cycle(edges, placed, declared);
            Error error(Code::config_invalid,
                        fmt::format("the registries of authority {} cannot be ordered: their "
                                    "before/after constraints form a cycle",
                                    authority));
            error.caused_by(
                fmt::format("{} (each is asked before the next)", fmt::join(cycle, " -> ")));
            error.hint("remove one of these search.before/search.after entries");
            throw error;
        }
        placed[*pick] = true;
        for (std::size_t next : edges[*pick])
            --incoming[next];
        ordered.push_back(std::move(declared[*pick]));
    }
    return ordered;
}

} // namespace cairn::registry
