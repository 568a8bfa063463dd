#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

// Linking packages while the resolution still runs.
//
// A project without node_modules gets every package it will install added. The store trees
// of the releases the resolver is about to pick can then be linked (install.hpp: hard links,
// falling back to reflinks and copies) into folders staged in node_modules/.cairn's spreading
// buckets (spread.hpp) on threads of their own, while the resolver, which computes more than
// it waits, keeps the calling thread: the two overlap on a machine with two cores. When the
// plan is known, materialize() moves each staged folder to where the plan puts that package
// (one rename) as soon as it is staged, and links the rest as it always does: a package placed
// twice, one whose scripts run (those are copies), one bundling a package that the plan nests
// in it instead, and any the resolver did not pick ahead.
//
// Staged folders are nobody's. materialize() removes the ones no package of the plan takes
// once it has placed the others (before the state file vouches for node_modules); all of
// them go when the run fails before materialize(), with the folders the Prelinker made
// when nothing was installed. A killed run's are removed by the next install that prunes
// node_modules (prune.cpp empties a bucket holding folders when no install holds it).
namespace cairn::install {

class Prelinker {
public:
    // One for `project` when it has no node_modules (made here, with node_modules/.cairn),
    // nullptr when it has one or it cannot be made (materialize() then does everything).
    // `jobs`: staging threads; 0, the hardware threads, at least 2.
    static std::unique_ptr<Prelinker> for_new_node_modules(const std::filesystem::path& project,
                                                           unsigned jobs = 0);
    ~Prelinker();
    Prelinker(const Prelinker&) = delete;
    Prelinker& operator=(const Prelinker&) = delete;

    // Stages a hard-linked copy of the complete store tree `source` (once per tree), with
    // its listing when the store keeps one (TreeCopyOptions::listing). Returns at once;
    // thread-safe. A tree that cannot be staged is left to materialize().
    void add(const std::filesystem::path& source,
             std::shared_ptr<const std::string> listing = nullptr) noexcept;

    struct Impl; // install's own (materialize() takes the staged folders)
    Impl& impl() { return *m_impl; }

private:
    explicit Prelinker(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace cairn::install
