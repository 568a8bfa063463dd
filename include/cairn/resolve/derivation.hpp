#pragma once

#include "cairn/resolve/provider.hpp"
#include "cairn/version/version.hpp"
#include "cairn/version/version_set.hpp"

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

// The proof that no solution exists: a derivation graph of incompatibilities, as in
// PubGrub. Leaves are external facts (dependencies, missing versions, the root);
// inner nodes were derived from two causes during conflict resolution.
namespace cairn::resolve {

// Where a root requirement comes from.
enum class DependencyKind {
    normal,
    dev,      // a development dependency of the root
    override, // a root override: replaces every requirement on that package
};

std::string_view dependency_kind_name(DependencyKind kind);

// A statement about one package: it is selected at a version inside `versions`
// (positive), or it is not selected inside `versions` (negative: either another
// version or not selected at all).
struct Term {
    std::string package;
    version::VersionSet versions;
    bool positive = true;
};

// The root package must be selected at its version.
struct RootFact {
    std::string package;
    version::Version version;
};

// `depender` at `depender_versions` requires `dependency` inside `range`.
struct DependencyFact {
    std::string depender;
    version::VersionSet depender_versions;
    std::string dependency;
    version::VersionSet range;
    DependencyKind kind = DependencyKind::normal; // dev/override only for the root
};

// A release that exists but may not be chosen.
struct SkippedRelease {
    version::Version version;
    Availability availability;
};

// No usable release of `package` lies inside `range`; `skipped` lists the releases in
// range that exist but are yanked or denied.
struct NoVersionsFact {
    std::string package;
    version::VersionSet range;
    std::vector<SkippedRelease> skipped;
};

// The dependencies of these releases could not be known (the provider returned none).
struct UnavailableFact {
    std::string package;
    version::VersionSet versions;
};

// Derived by resolution from two earlier incompatibilities (indexes into the tree).
struct Derived {
    std::size_t conflict; // the incompatibility that was satisfied
    std::size_t other;    // the cause of the assignment that satisfied it
};

using Cause = std::variant<RootFact, DependencyFact, NoVersionsFact, UnavailableFact, Derived>;

// One incompatibility: its terms cannot all be true at once.
struct DerivationNode {
    std::vector<Term> terms;
    Cause cause;

    bool is_external() const { return !std::holds_alternative<Derived>(cause); }
};

// The derivation graph of the final incompatibility ("the root cannot be selected").
// Nodes may be shared by several derived nodes; causes always have smaller indexes
// than the nodes they cause, and `root` is the last node.
struct DerivationTree {
    std::string root_package;
    std::vector<DerivationNode> nodes;
    std::size_t root = 0;

    // Every external dependency fact in the graph, in node order.
    std::vector<DependencyFact> dependency_facts() const;
};

} // namespace cairn::resolve
