#include "lifecycle.hpp"
#include "run.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/folder_hint.hpp"
#include "cairn/install/install.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <thread>

namespace cairn::install {

std::string_view layout_name(Layout layout) {
    return layout == Layout::isolated ? "isolated" : "hoisted";
}

namespace detail {

namespace fs = std::filesystem;

void Run::warn(std::string message) {
    std::lock_guard lock(mutex);
    report.warnings.push_back(std::move(message));
}

void Run::progress(Progress::Phase phase, std::size_t done, std::size_t total,
                   std::string_view current) {
    if (!options.progress)
        return;
    std::lock_guard lock(mutex);
    options.progress(Progress{phase, done, total, current});
}

namespace {

std::string events_of(const UnitState& state) {
    std::string out;
    for (const auto& script : state.scripts)
        out += (out.empty() ? "" : ", ") + script.event;
    return out;
}

// The node_modules/.bin folders a script of the package in `package_dir` sees, nearest
// first: its own node_modules/.bin, then each enclosing node_modules folder's.
std::vector<fs::path> bin_dirs_for(const fs::path& project, std::string package_dir) {
    std::vector<fs::path> dirs{project / package_dir / "node_modules" / ".bin"};
    for (;;) {
        std::string nm = parent_node_modules(package_dir);
        if (nm.empty())
            break;
        dirs.push_back(project / nm / ".bin");
        if (nm.size() <= 12)
            break;
        package_dir = nm.substr(0, nm.size() - 13);
    }
    return dirs;
}

// Dependencies before dependents (a cycle is broken where it is entered), in path order.
std::vector<std::size_t> script_order(const Run& run, const std::vector<std::size_t>& wanted) {
    const auto& units = run.units.units;
    std::vector<int> mark(units.size(), 0);
    std::vector<bool> is_wanted(units.size(), false);
    for (auto i : wanted)
        is_wanted[i] = true;
    std::vector<std::size_t> order;
    std::function<void(std::size_t)> visit = [&](std::size_t i) {
        if (mark[i])
            return;
        mark[i] = 1;
        const Unit& unit = units[i];
        if (!unit.link_target) {
            if (run.isolated()) {
                for (const auto& [name, dep] : unit.dependencies)
                    visit(dep);
            } else {
                for (const auto& [name, path] : unit.first->dependencies)
                    visit(run.units.by_path.at(path));
            }
        }
        if (is_wanted[i])
            order.push_back(i);
    };
    for (auto i : wanted)
        visit(i);
    return order;
}

// Removes an optional package whose script failed (and, hoisted, what is nested in it).
void drop_unit(Run& run, Unit& unit) {
    std::string dir = unit.dir;
    auto slash = dir.rfind('/');
    auto parent = open_dir(run.project_fd.get(), dir.substr(0, slash), run.project);
    if (parent)
        remove_entry(parent->get(), dir.substr(slash + 1).c_str(),
                     run.project / dir.substr(0, slash));
    for (auto& other : run.units.units) {
        if (&other == &unit || (!run.isolated() && other.dir.starts_with(dir + "/"))) {
            if (other.present && other.status != UnitStatus::unchanged) {
                if (other.status == UnitStatus::added)
                    --run.report.added;
                else
                    --run.report.replaced;
            } else if (other.present) {
                --run.report.unchanged;
                ++run.report.removed;
            }
            other.present = false;
        }
    }
}

} // namespace

void run_scripts(Run& run) {
    std::vector<std::size_t> wanted;
    for (std::size_t i = 0; i < run.units.units.size(); ++i) {
        const Unit& unit = run.units.units[i];
        if (unit.link_target || unit.status == UnitStatus::unchanged || unit.state.scripts.empty())
            continue;
        if (unit.run_scripts)
            wanted.push_back(i);
        else
            run.report.scripts_skipped.push_back(
                fmt::format("{} ({})", run.label(unit), events_of(unit.state)));
    }
    auto order = script_order(run, wanted);
    bool dropped = false;
    std::size_t done = 0;
    for (std::size_t i : order) {
        Unit& unit = run.units.units[i];
        if (!unit.present)
            continue;
        ScriptRun script_run{run.label(unit),     unit.first->package,
                             unit.first->version, run.project / unit.package_dir,
                             run.project,         bin_dirs_for(run.project, unit.package_dir)};
        std::optional<ScriptFailure> failure;
        const Script* failed = nullptr;
        for (const auto& script : unit.state.scripts) {
            failure = run_script(script_run, script);
            if (failure) {
                failed = &script;
                break;
            }
        }
        run.progress(Progress::Phase::scripts, ++done, order.size(), unit.first->path);
        if (!failure) {
            unit.state.scripts_allowed = true;
            run.report.scripts_run.push_back(
                fmt::format("{} ({})", run.label(unit), events_of(unit.state)));
            continue;
        }
        if (unit.optional) {
            run.warn(fmt::format("optional package {} was removed: its {} script failed with "
                                 "exit status {}",
                                 run.label(unit), failed->event, failure->status));
            drop_unit(run, unit);
            dropped = true;
            continue;
        }
        Error error(Code::script_failed,
                    fmt::format("the {} script of {} failed with exit status {}", failed->event,
                                run.label(unit), failure->status));
        // The last lines of its output, one cause each so that renderers indent them.
        std::string_view tail = failure->tail;
        while (!tail.empty()) {
            auto end = tail.find('\n');
            error.caused_by("> " + std::string(tail.substr(0, end)));
            tail = end == std::string_view::npos ? std::string_view() : tail.substr(end + 1);
        }
        error.while_(fmt::format("running `{}` in {}", failed->command,
                                 (run.project / unit.package_dir).string()));
        error.hint(fmt::format("fix what the output says (a missing compiler or library is the "
                               "usual cause), or stop allowing {}'s scripts (config "
                               "scripts.allow) if the package works without them",
                               unit.first->package));
        throw error;
    }
    if (dropped) {
        link_dependencies(run);
        link_bins(run);
    }
}

namespace {

Fd open_project(const fs::path& project) {
    Fd fd(::open(project.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        throw io_error("open the project folder", project, errno);
    return fd;
}

InstallState state_of(const Run& run) {
    InstallState state;
    state.layout = run.plan.layout;
    for (const auto& unit : run.units.units)
        if (unit.completed && unit.present && !unit.dir.empty())
            state.units[unit.dir] = unit.state;
    return state;
}

void write_state(const Run& run, const InstallState& state) {
    Fd dir = make_dirs(run.project_fd.get(), "node_modules/.cairn", run.project);
    write_file_atomically(dir.get(), "state.json", serialize_state(state),
                          run.project / "node_modules/.cairn");
}

} // namespace
} // namespace detail

InstallReport materialize(const InstallPlan& plan, const InstallOptions& options) {
    using namespace detail;
    validate_plan(plan);
    Run run(plan, options);
    run.project = fs::absolute(plan.project).lexically_normal();
    if (run.project.has_filename() == false && run.project.has_parent_path())
        run.project = run.project.parent_path();
    run.project_fd = open_project(run.project);
    if (options.prelinker) {
        // No tree is added from here on; each is placed once it is staged. node_modules is
        // this install's from here on.
        run.prelinked = &options.prelinker->impl();
        run.prelinked->close();
        run.prelinked->used_by_install = true;
    }
    // Linking waits in the kernel (folder locks, inode allocation, the disk) more than it
    // computes: on 2 cores, 4 threads made a small project's CI install 12 ms instead of 14
    // (20 alternating runs), and medium and large ones no slower.
    run.jobs = options.jobs ? options.jobs : std::max(4u, std::thread::hardware_concurrency());
    Fd cairn_dir = make_dirs(run.project_fd.get(), "node_modules/.cairn", run.project);
    // Packages in node_modules (and, isolated, in node_modules/.cairn) are unrelated trees.
    if (auto node_modules = open_dir(run.project_fd.get(), "node_modules", run.project))
        folder_hint::mark_top_of_hierarchies(node_modules->get());
    folder_hint::mark_top_of_hierarchies(cairn_dir.get());
    bool had_state = false, unreadable_state = false;
    if (auto text = read_file(cairn_dir.get(), "state.json", run.project / "node_modules/.cairn")) {
        had_state = true;
        if (auto state = parse_state(*text)) {
            run.old_state = std::move(*state);
        } else {
            unreadable_state = true;
            run.warn("node_modules/.cairn/state.json is not a state file this cairn reads; "
                     "every package is installed again");
        }
    }
    run.units = build_units(plan, run.project);
    decide_status(run);

    for (const auto& unit : run.units.units) {
        if (unit.dir.empty())
            continue;
        if (unit.status == UnitStatus::unchanged)
            ++run.report.unchanged;
        else if (unit.status == UnitStatus::added)
            ++run.report.added;
        else
            ++run.report.replaced;
    }
    // Before anything changes, the state vouches only for what stays. Without a state file
    // nothing is vouched for, and none is written yet: the final state is then a new file,
    // not one replacing another (which frees a block, and some disks discard that before
    // the call returns).
    InstallState interim = state_of(run);
    if (unreadable_state || (had_state && interim != run.old_state))
        write_state(run, interim);

    try {
        remove_unneeded(run);
        materialize_units(run);
        link_dependencies(run);
        link_bins(run);
        run_scripts(run);
    } catch (...) {
        try {
            write_state(run, state_of(run));
        } catch (...) {
        }
        throw;
    }
    InstallState final_state = state_of(run);
    if (final_state != interim)
        write_state(run, final_state);
    run.report.files_linked = run.counters.linked.load();
    run.report.files_copied = run.counters.copied.load();
    std::sort(run.report.warnings.begin(), run.report.warnings.end());
    return std::move(run.report);
}

} // namespace cairn::install
