#include "cairn/resolve/derivation.hpp"

#include "solver.hpp"

#include <algorithm>
#include <map>

namespace cairn::resolve {

std::string_view availability_name(Availability availability) {
    switch (availability) {
    case Availability::available:
        return "available";
    case Availability::yanked:
        return "yanked";
    case Availability::denied:
        return "denied";
    }
    return "unknown";
}

std::string_view dependency_kind_name(DependencyKind kind) {
    switch (kind) {
    case DependencyKind::normal:
        return "normal";
    case DependencyKind::dev:
        return "dev";
    case DependencyKind::override:
        return "override";
    }
    return "unknown";
}

std::vector<DependencyFact> DerivationTree::dependency_facts() const {
    std::vector<DependencyFact> facts;
    for (const auto& node : nodes) {
        if (const auto* fact = std::get_if<DependencyFact>(&node.cause))
            facts.push_back(*fact);
    }
    return facts;
}

DerivationTree Solver::make_derivation(IncompatibilityId failure) {
    // The incompatibilities the failure was derived from; causes always have smaller
    // ids, so ascending ids are a valid order for the nodes.
    std::vector<IncompatibilityId> reached;
    std::vector<IncompatibilityId> stack{failure};
    std::vector<bool> seen(m_incompatibilities.size(), false);
    while (!stack.empty()) {
        const auto id = stack.back();
        stack.pop_back();
        if (seen[id])
            continue;
        seen[id] = true;
        reached.push_back(id);
        const auto& incompatibility = m_incompatibilities[id];
        if (incompatibility.kind == CauseKind::derived) {
            stack.push_back(incompatibility.conflict);
            stack.push_back(incompatibility.other);
        }
    }
    std::sort(reached.begin(), reached.end());
    std::map<IncompatibilityId, std::size_t> node_of;
    for (std::size_t i = 0; i < reached.size(); ++i)
        node_of[reached[i]] = i;

    DerivationTree tree;
    tree.root_package = m_catalog.name(k_root_package);
    tree.nodes.reserve(reached.size());
    for (const auto id : reached) {
        const auto& incompatibility = m_incompatibilities[id];
        std::vector<Term> terms;
        for (const auto& term : incompatibility.terms)
            terms.push_back({m_catalog.name(term.package), term.set, term.positive});
        const auto first_package = [&]() -> const std::string& {
            return m_catalog.name(incompatibility.terms.front().package);
        };
        switch (incompatibility.kind) {
        case CauseKind::root:
            tree.nodes.push_back(
                {std::move(terms), RootFact{tree.root_package, *incompatibility.root_version}});
            break;
        case CauseKind::dependency:
            tree.nodes.push_back(
                {std::move(terms),
                 DependencyFact{m_catalog.name(incompatibility.depender),
                                *incompatibility.depender_versions,
                                m_catalog.name(incompatibility.dependency), *incompatibility.range,
                                incompatibility.dependency_kind}});
            break;
        case CauseKind::no_versions:
            tree.nodes.push_back(
                {std::move(terms), NoVersionsFact{first_package(), incompatibility.terms[0].set,
                                                  incompatibility.skipped}});
            break;
        case CauseKind::unavailable:
            tree.nodes.push_back(
                {std::move(terms), UnavailableFact{first_package(), incompatibility.terms[0].set}});
            break;
        case CauseKind::derived:
            tree.nodes.push_back({std::move(terms), Derived{node_of[incompatibility.conflict],
                                                            node_of[incompatibility.other]}});
            break;
        }
    }
    tree.root = node_of[failure];
    return tree;
}

} // namespace cairn::resolve
