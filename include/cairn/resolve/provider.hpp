#pragma once

#include "cairn/version/version.hpp"
#include "cairn/version/version_set.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// What the resolver asks about packages. The resolver is pure: it never does I/O and
// learns everything through a DependencyProvider that the caller (ops) implements on
// top of registries, the metadata cache or a lockfile's portable index.
namespace cairn::resolve {

// Whether a release may be chosen. A release that is not `available` is chosen only
// when the lockfile pins it, and then the solution carries a warning.
enum class Availability {
    available,
    yanked, // withdrawn by the index owner
    denied, // rejected by policy (an advisory under a `deny` policy, a too young release)
};

std::string_view availability_name(Availability availability);

// One release of a package as the provider knows it.
struct Candidate {
    version::Version version;
    Availability availability = Availability::available;
};

// One requirement of a release: some version of `package` inside `range`.
struct Dependency {
    std::string package;
    version::VersionSet range;
};

// The resolver's source of package metadata.
//
// The solver runs on one thread and calls these in a deterministic order. To let a
// network-backed provider overlap its fetches, the solver announces every package name
// through prefetch() as soon as it first appears in a dependency, before it blocks on
// any of them; a provider starts fetching all announced names at once and returns
// immediately. versions() and dependencies() may then block until that package's data
// has arrived. A provider whose data is local simply ignores prefetch().
//
// A provider reports real failures (network down, offline miss) by throwing
// cairn::Error; the resolver lets those through untouched. Expected absence is data: an
// unknown package has no candidates.
class DependencyProvider {
public:
    virtual ~DependencyProvider() = default;

    // A hint: the solver will soon ask about these packages (each name is announced
    // once per resolution).
    virtual void prefetch(std::span<const std::string> packages) = 0;

    // Every release of the package, in any order. Empty when the package is unknown.
    virtual std::vector<Candidate> versions(std::string_view package) = 0;

    // The dependencies of one release returned by versions(). nullopt when they cannot
    // be known (a broken manifest): the solver then never chooses that release. The
    // solver also asks about releases next to the one it chooses, to state a shared
    // dependency once for a whole range of versions (as Dart pub does), so this should
    // be cheap once versions() has returned.
    virtual std::optional<std::vector<Dependency>>
    dependencies(std::string_view package, const version::Version& version) = 0;
};

} // namespace cairn::resolve
