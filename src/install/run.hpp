#pragma once

#include "fs_tree.hpp"
#include "spread.hpp"
#include "staging.hpp"
#include "state.hpp"
#include "units.hpp"

#include "cairn/install/install.hpp"

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

// One materialize() call: what every phase shares.
namespace cairn::install::detail {

struct Run {
    const InstallPlan& plan;
    const InstallOptions& options;
    std::filesystem::path project; // absolute
    Fd project_fd;
    Fd node_modules_fd; // the project's node_modules, opened once packages are placed
    Fd cairn_dir_fd;    // its .cairn folder, while packages are placed
    // Makes package (isolated: unit) folders, numbered from spread_base: the Prelinker's
    // (whose staged folders take the first numbers) or the run's own.
    FolderSpreader* spreader = nullptr;
    std::optional<FolderSpreader> own_spreader;
    std::size_t spread_base = 0;
    Prelinker::Impl* prelinked = nullptr; // folders staged ahead, when options.prelinker
    std::atomic<std::size_t> prelinked_taken{0};
    unsigned jobs = 1;
    Units units;
    InstallState old_state;
    InstallReport report;
    CopyCounters counters;
    std::set<std::string> existing_bin_dirs; // node_modules folders found holding a .bin
    std::set<std::string> old_dirs_removed;  // state units whose folders were removed
    std::mutex mutex;                        // guards report.warnings and progress

    Run(const InstallPlan& p, const InstallOptions& o) : plan(p), options(o) {}

    void warn(std::string message);
    void progress(Progress::Phase phase, std::size_t done, std::size_t total,
                  std::string_view current);
    std::string label(const Unit& unit) const {
        return unit.first->package + "@" + unit.first->version;
    }
    bool isolated() const { return plan.layout == Layout::isolated; }
};

// Phases, in the order materialize() runs them.
void decide_status(Run& run);
void remove_unneeded(Run& run);
void materialize_units(Run& run);
void link_dependencies(Run& run); // isolated: dependency and root links
void link_bins(Run& run);
void run_scripts(Run& run);

} // namespace cairn::install::detail
