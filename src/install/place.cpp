// Putting packages in place: their files, the isolated layout's links and the bins.
#include "lifecycle.hpp"
#include "run.hpp"
#include "worker_pool.hpp"

#include "cairn/core/error.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <functional>
#include <map>
#include <string_view>
#include <vector>

namespace cairn::install::detail {

namespace fs = std::filesystem;

namespace {

// Splits "a/b/c" into {"a/b", "c"} (parent empty when there is no slash).
std::pair<std::string, std::string> split_last(const std::string& rel) {
    std::size_t slash = rel.rfind('/');
    if (slash == std::string::npos)
        return {"", rel};
    return {rel.substr(0, slash), rel.substr(slash + 1)};
}

// A bin target without exec bits becomes executable without touching the store: a file
// only we hold (a copy) is chmod'ed; a hard link shared with the store is replaced by an
// executable copy.
void make_executable(Run& run, const Unit& unit, int package_fd, const BinLink& bin) {
    fs::path shown = run.project / unit.package_dir;
    struct stat st {};
    if (::fstatat(package_fd, bin.target.c_str(), &st, 0) != 0) {
        run.warn(fmt::format("bin \"{}\" of {} points to {}, which the package does not have",
                             bin.command, run.label(unit), bin.target));
        return;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0111)
        return;
    // Resolve links inside the package to the file to change.
    std::string target = bin.target;
    struct stat lst {};
    if (::fstatat(package_fd, target.c_str(), &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(lst.st_mode)) {
        char real[PATH_MAX], top[PATH_MAX];
        if (!::realpath((shown / target).c_str(), real) || !::realpath(shown.c_str(), top))
            return;
        std::string r = real, t = top;
        if (!r.starts_with(t + "/"))
            return; // the store refuses links leaving a package; nothing to change here
        target = r.substr(t.size() + 1);
    }
    auto [parent, name] = split_last(target);
    Fd dir_fd;
    if (parent.empty()) {
        dir_fd = Fd(::dup(package_fd));
    } else {
        auto opened = open_dir(package_fd, parent, shown);
        if (!opened)
            return;
        dir_fd = std::move(*opened);
    }
    fs::path shown_file = shown / target;
    if (st.st_nlink <= 1) {
        if (::fchmodat(dir_fd.get(), name.c_str(), 0755, 0) != 0)
            throw io_error("make executable", shown_file, errno);
        return;
    }
    std::string temp = unique_name(".cairn-bin-");
    copy_file(dir_fd.get(), name.c_str(), dir_fd.get(), temp.c_str(), 0700, shown_file);
    if (::fchmodat(dir_fd.get(), temp.c_str(), 0755, 0) != 0 ||
        ::renameat(dir_fd.get(), temp.c_str(), dir_fd.get(), name.c_str()) != 0) {
        int err = errno;
        ::unlinkat(dir_fd.get(), temp.c_str(), 0);
        throw io_error("replace with an executable copy", shown_file, err);
    }
    run.counters.copied.fetch_add(1);
    if (run.counters.linked.load() > 0)
        run.counters.linked.fetch_sub(1);
}

// A package being placed: the parts of its tree are tasks of one queue; the last task to
// finish completes the package.
struct Placement {
    Unit* unit = nullptr;
    std::size_t index = 0; // among the placements
    TreeCopyOptions options;
    std::vector<std::string> top_files; // the store tree's, listed while copying it
    Fd dst;
    std::atomic<std::size_t> pending{0}; // its tasks handed out and not yet finished
    std::vector<Placement*> nested;      // hoisted: started once this one's folder is in place
};

// The package's folder, made (or opened when it exists). The spreader makes the folders of
// unrelated trees: hoisted, node_modules/<name>; isolated, the unit's node_modules/.cairn/<key>.
Fd make_package_dir(Run& run, const Placement& placement) {
    const Unit& unit = *placement.unit;
    constexpr std::string_view k_node_modules = "node_modules/";
    if (!unit.package_dir.starts_with(k_node_modules))
        return make_dirs(run.project_fd.get(), unit.package_dir, run.project);
    // Under node_modules, opened once for every package rather than once each.
    std::string_view rest = std::string_view(unit.package_dir).substr(k_node_modules.size());
    fs::path shown = run.project / "node_modules";
    int parent = -1;
    std::string name;
    std::string_view inside; // isolated: node_modules/<package> in the unit's folder
    if (!run.isolated() && rest.find('/') == std::string_view::npos) {
        parent = run.node_modules_fd.get();
        name = rest;
    } else if (constexpr std::string_view k_units = ".cairn/";
               run.isolated() && rest.starts_with(k_units)) {
        std::string_view unit_rest = rest.substr(k_units.size());
        if (auto slash = unit_rest.find('/'); slash != std::string_view::npos) {
            parent = run.cairn_dir_fd.get();
            name = unit_rest.substr(0, slash);
            inside = unit_rest.substr(slash + 1);
        }
    }
    if (parent < 0)
        return make_dirs(run.node_modules_fd.get(), rest, shown);
    auto made = run.spreader->make(run.spread_base + placement.index, parent, name.c_str());
    if (!made)
        return make_dirs(run.node_modules_fd.get(), rest, shown);
    if (inside.empty())
        return std::move(*made);
    return make_dirs(made->get(), inside, shown / ".cairn" / name);
}

// The folder a Prelinker staged for the package, moved where the plan puts it; nullopt
// when there is none to take (the package is then linked here).
std::optional<Fd> take_staged(Run& run, Placement& placement) {
    const Unit& unit = *placement.unit;
    // Staged folders hold hard links: a package whose scripts may write into its folder is
    // copied. One with planned packages nested in it is taken unless it bundles what they
    // replace (take() checks); they are placed once it is (UnitPlacer).
    if (!run.prelinked || unit.run_scripts)
        return std::nullopt;
    auto [parent, name] = split_last(unit.package_dir);
    constexpr std::string_view k_node_modules = "node_modules";
    Fd made;
    int parent_fd = run.node_modules_fd.get();
    if (parent.starts_with("node_modules/")) {
        made = make_dirs(run.node_modules_fd.get(), parent.substr(k_node_modules.size() + 1),
                         run.project / "node_modules");
        parent_fd = made.get();
    } else if (parent != k_node_modules) {
        return std::nullopt;
    }
    auto taken = run.prelinked->take(unit.first->source, parent_fd, name.c_str(),
                                     run.project / unit.package_dir, placement.options.skip,
                                     placement.top_files, run.counters);
    if (taken)
        run.prelinked_taken.fetch_add(1);
    return taken;
}

// Starts copying the package's store tree; the queue's tasks copy the rest.
void place_files(Run& run, Placement& placement) {
    Unit& unit = *placement.unit;
    const PlannedPackage& p = *unit.first;
    TreeCopyOptions& options = placement.options;
    options.mode = unit.run_scripts ? FileMode::copy : FileMode::hardlink;
    options.counters = &run.counters;
    options.top_files = &placement.top_files;
    if (!run.isolated()) {
        // Planned packages nested in this one win over what it bundles.
        std::string prefix = unit.dir + "/node_modules/";
        for (auto it = run.units.by_dir.upper_bound(prefix);
             it != run.units.by_dir.end() && it->first.starts_with(prefix); ++it) {
            std::string rest = it->first.substr(prefix.size());
            if (rest.find("/node_modules/") == std::string::npos)
                options.skip.insert("node_modules/" + rest);
        }
    }
    if (auto staged = take_staged(run, placement)) {
        placement.dst = std::move(*staged);
        return;
    }
    Fd src(::open(p.source.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!src) {
        int err = errno;
        Error error = io_error("open the store tree of " + run.label(unit), p.source, err);
        error.hint("run `cairn cache verify`, then install again");
        throw error;
    }
    placement.dst = make_package_dir(run, placement);
    options.listing = p.listing;
    copy_tree(std::move(src), placement.dst.get(), options, p.source,
              run.project / unit.package_dir);
}

// Once the whole tree is in place: its bins (whose targets are checked there) and scripts.
void finish_files(Run& run, Placement& placement) {
    Unit& unit = *placement.unit;
    int dst = placement.dst.get();
    bool binding_gyp = std::find(placement.top_files.begin(), placement.top_files.end(),
                                 "binding.gyp") != placement.top_files.end();
    // A package whose metadata lists neither bins nor install scripts needs no package.json
    // read (73 reads of a small project's CI install: 0.5 ms of 9.8).
    PackageInfo info =
        unit.first->no_bins_or_scripts && !unit.run_scripts && !binding_gyp
            ? PackageInfo{}
            : read_package_info(dst, run.project / unit.package_dir, run.label(unit), binding_gyp);
    for (const auto& bin : info.bins)
        make_executable(run, unit, dst, bin);
    unit.state.bins = std::move(info.bins);
    unit.state.scripts = std::move(info.scripts);
    unit.state.scripts_allowed = unit.run_scripts && unit.state.scripts.empty();
    placement.dst = Fd();
}

// A linked folder's bins are read on every run: it is the user's, it changes.
void read_link_info(Run& run, Unit& unit) {
    Fd dir(::open(unit.link_target->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) {
        run.warn(fmt::format("{} links to {}, which does not exist", unit.first->path,
                             unit.link_target->string()));
        unit.state.bins.clear();
        return;
    }
    PackageInfo info = read_package_info(dir.get(), *unit.link_target, run.label(unit));
    unit.state.bins = std::move(info.bins);
}

void place_link(Run& run, Unit& unit) {
    auto [parent, name] = split_last(unit.dir);
    Fd dir = make_dirs(run.project_fd.get(), parent, run.project);
    ensure_symlink(dir.get(), name.c_str(), unit.state.link, run.project / parent);
}

// A node_modules folder whose entries are links (the isolated layout's), opened once.
class LinkFolder {
public:
    LinkFolder(Run& run, std::string rel)
        : m_run(run), m_rel(std::move(rel)),
          m_fd(make_dirs(run.project_fd.get(), m_rel, run.project)) {}

    // Makes the link `name` (scoped names in their scope folder) point at `target`.
    void link(const std::string& name, const fs::path& target) {
        auto [scope, leaf] = split_last(name);
        int dir = folder(scope, true);
        ensure_symlink(dir, leaf.c_str(), relative_link(m_run.project, m_rel + "/" + name, target),
                       m_run.project / m_rel / scope);
    }

    void remove(const std::string& name) {
        auto [scope, leaf] = split_last(name);
        int dir = folder(scope, false);
        if (dir >= 0)
            remove_entry(dir, leaf.c_str(), m_run.project / m_rel / scope);
    }

private:
    int folder(const std::string& scope, bool create) {
        if (scope.empty())
            return m_fd.get();
        auto it = m_scopes.find(scope);
        if (it == m_scopes.end()) {
            fs::path shown = m_run.project / m_rel;
            if (create) {
                it = m_scopes.emplace(scope, make_dirs(m_fd.get(), scope, shown)).first;
            } else {
                auto opened = open_dir(m_fd.get(), scope, shown);
                if (!opened)
                    return -1;
                it = m_scopes.emplace(scope, std::move(*opened)).first;
            }
        }
        return it->second.get();
    }

    Run& m_run;
    std::string m_rel;
    Fd m_fd;
    std::map<std::string, Fd> m_scopes;
};

fs::path unit_location(const Unit& unit) {
    return unit.link_target ? *unit.link_target : fs::path(unit.package_dir);
}

struct BinCandidate {
    std::string folder; // name in the node_modules folder
    const Unit* unit;
    bool direct;
    std::string order; // tie-break: path
};

// Places one unit (a link, or the first part of a package's files) and, when the unit is
// complete, marks it so and reports it. Tasks of the queue run the rest of its files.
class UnitPlacer {
public:
    UnitPlacer(Run& run, std::size_t total) : m_run(run), m_total(total) {}

    void start(Placement& placement) {
        Unit& unit = *placement.unit;
        placement.pending = 1;
        step(placement, [&] {
            if (!unit.link_target) {
                placement.options.spawn = [this, &placement](std::function<void()> task) {
                    if (!m_queue.wants_tasks()) {
                        task();
                        return;
                    }
                    placement.pending.fetch_add(1);
                    m_queue.push_front(
                        [this, &placement, task = std::move(task)] { step(placement, task); });
                };
                place_files(m_run, placement);
                start_nested(placement);
                return;
            }
            if (unit.status != UnitStatus::unchanged)
                place_link(m_run, unit);
            read_link_info(m_run, unit);
            start_nested(placement);
        });
    }

    // Packages nested in another one start once its folder is in place: made first by one
    // of them, it could not be taken from the Prelinker (nor spread, spread.hpp).
    void run(std::vector<Placement>& placements) {
        std::map<std::string_view, Placement*> by_dir;
        if (!m_run.isolated())
            for (auto& placement : placements)
                by_dir.emplace(placement.unit->dir, &placement);
        constexpr std::string_view k_nested = "/node_modules/";
        for (auto& placement : placements) {
            std::string_view dir = placement.unit->dir;
            auto at = dir.rfind(k_nested);
            auto parent =
                at == std::string_view::npos ? by_dir.end() : by_dir.find(dir.substr(0, at));
            if (parent != by_dir.end())
                parent->second->nested.push_back(&placement);
            else
                m_queue.push_back([this, &placement] { start(placement); });
        }
        m_queue.run(m_run.jobs);
    }

private:
    void start_nested(Placement& placement) {
        for (Placement* nested : placement.nested)
            m_queue.push_back([this, nested] { start(*nested); });
    }

    // Runs one task of the unit; the last one to finish completes it.
    void step(Placement& placement, const std::function<void()>& task) {
        Unit& unit = *placement.unit;
        try {
            task();
            if (placement.pending.fetch_sub(1) != 1)
                return;
            if (!unit.link_target)
                finish_files(m_run, placement);
        } catch (Error& error) {
            if (error.context().empty())
                error.while_(
                    fmt::format("installing {} at {}", m_run.label(unit), unit.first->path));
            throw;
        }
        unit.completed = true;
        m_run.progress(Progress::Phase::linking, ++m_done, m_total, unit.first->path);
    }

    Run& m_run;
    std::size_t m_total;
    TaskQueue m_queue;
    std::atomic<std::size_t> m_done{0};
};

} // namespace

// Every unit's parts (a package's folders; runs of files when they are copied) are tasks
// of one queue, so the threads share a large package instead of one copying it while the
// others wait.
void materialize_units(Run& run) {
    std::vector<Unit*> to_place;
    for (auto& unit : run.units.units)
        if (unit.status != UnitStatus::unchanged || unit.link_target)
            to_place.push_back(&unit);
    if (!run.node_modules_fd)
        run.node_modules_fd = make_dirs(run.project_fd.get(), "node_modules", run.project);
    std::vector<Placement> placements(to_place.size());
    for (std::size_t k = 0; k < to_place.size(); ++k) {
        placements[k].unit = to_place[k];
        placements[k].index = k;
    }
    run.cairn_dir_fd = make_dirs(run.node_modules_fd.get(), ".cairn", run.project / "node_modules");
    if (run.prelinked) {
        run.spreader = &run.prelinked->spreader();
        run.spread_base = run.prelinked->first_free();
    } else {
        run.spreader = &run.own_spreader.emplace(run.cairn_dir_fd.get(), to_place.size());
    }
    UnitPlacer(run, to_place.size()).run(placements);
    run.report.prelinked = run.prelinked_taken.load();
    if (run.prelinked) {
        run.prelinked->finish();
        run.prelinked->drop_untaken();
    }
    run.spreader = nullptr;
    run.own_spreader.reset();
    run.cairn_dir_fd = Fd();
}

void link_dependencies(Run& run) {
    if (!run.isolated())
        return;
    auto& units = run.units.units;
    parallel_for(units.size(), run.jobs, [&](std::size_t i) {
        const Unit& unit = units[i];
        if (unit.link_target || !unit.present)
            return;
        LinkFolder folder(run, unit.dir + "/node_modules");
        for (const auto& [name, target] : unit.dependencies) {
            const Unit& dep = units[target];
            if (name == unit.first->package) {
                run.warn(fmt::format("{} depends on \"{}\", its own name; that dependency is "
                                     "not linked",
                                     run.label(unit), name));
                continue;
            }
            if (dep.present)
                folder.link(name, unit_location(dep));
            else
                folder.remove(name);
        }
    });
    LinkFolder root(run, "node_modules");
    for (const auto& [name, path] : run.plan.root_dependencies) {
        const Unit& dep = units[run.units.by_path.at(path)];
        if (dep.present)
            root.link(name, unit_location(dep));
        else
            root.remove(name);
    }
}

void link_bins(Run& run) {
    auto& units = run.units.units;
    std::map<std::string, std::vector<BinCandidate>> folders; // node_modules folder -> bins
    if (!run.isolated()) {
        for (const auto& unit : units) {
            if (!unit.present || unit.state.bins.empty())
                continue;
            std::string nm = parent_node_modules(unit.dir);
            std::string folder = unit.dir.substr(nm.size() + 1);
            bool direct = false;
            if (nm == "node_modules") {
                auto it = run.plan.root_dependencies.find(folder);
                direct = it != run.plan.root_dependencies.end() && it->second == unit.dir;
            } else if (auto owner = run.units.by_dir.find(nm.substr(0, nm.size() - 13));
                       owner != run.units.by_dir.end()) {
                const auto& deps = units[owner->second].first->dependencies;
                auto it = deps.find(folder);
                direct = it != deps.end() && it->second == unit.dir;
            }
            folders[nm].push_back({folder, &unit, direct, unit.dir});
        }
    } else {
        for (const auto& [name, path] : run.plan.root_dependencies) {
            const Unit& dep = units[run.units.by_path.at(path)];
            if (dep.present && !dep.state.bins.empty())
                folders["node_modules"].push_back({name, &dep, true, name});
        }
        for (const auto& unit : units) {
            if (unit.link_target || !unit.present)
                continue;
            for (const auto& [name, target] : unit.dependencies) {
                const Unit& dep = units[target];
                if (dep.present && !dep.state.bins.empty() && name != unit.first->package)
                    folders[unit.dir + "/node_modules"].push_back({name, &dep, true, name});
            }
        }
    }

    std::vector<std::string> dirs;
    for (const auto& [dir, candidates] : folders)
        dirs.push_back(dir);
    for (const auto& dir : run.existing_bin_dirs)
        if (!folders.contains(dir))
            dirs.push_back(dir);
    std::vector<std::string> root_bins;
    std::mutex root_mutex;
    parallel_for(dirs.size(), run.jobs, [&](std::size_t i) {
        const std::string& dir = dirs[i];
        std::map<std::string, std::pair<std::string, const BinCandidate*>> want; // cmd -> link
        if (auto it = folders.find(dir); it != folders.end()) {
            auto candidates = it->second;
            std::stable_sort(candidates.begin(), candidates.end(),
                             [](const BinCandidate& a, const BinCandidate& b) {
                                 if (a.direct != b.direct)
                                     return a.direct;
                                 return a.order < b.order;
                             });
            for (const auto& candidate : candidates) {
                for (const auto& bin : candidate.unit->state.bins) {
                    auto [slot, inserted] = want.try_emplace(
                        bin.command,
                        std::pair{"../" + candidate.folder + "/" + bin.target, &candidate});
                    if (!inserted && slot->second.second->unit != candidate.unit)
                        run.warn(fmt::format(
                            "{}/.bin/{}: {} and {} both provide it; it runs "
                            "{}'s",
                            dir, bin.command, run.label(*slot->second.second->unit),
                            run.label(*candidate.unit), run.label(*slot->second.second->unit)));
                }
            }
        }
        auto nm = open_dir(run.project_fd.get(), dir, run.project);
        if (!nm)
            return;
        if (want.empty()) {
            remove_entry(nm->get(), ".bin", run.project / dir);
            return;
        }
        Fd bin_dir = make_dirs(nm->get(), ".bin", run.project / dir);
        {
            std::lock_guard lock(root_mutex);
            run.existing_bin_dirs.insert(dir); // a later pass (after a removal) sees it
        }
        fs::path shown = run.project / dir / ".bin";
        for (const auto& name : list_dir(bin_dir.get(), shown))
            if (!want.contains(name))
                remove_entry(bin_dir.get(), name.c_str(), shown);
        for (const auto& [command, link] : want)
            ensure_symlink(bin_dir.get(), command.c_str(), link.first, shown);
        if (dir == "node_modules") {
            std::lock_guard lock(root_mutex);
            for (const auto& [command, link] : want)
                root_bins.push_back(command);
        }
    });
    std::sort(root_bins.begin(), root_bins.end());
    run.report.bins = std::move(root_bins);
}

} // namespace cairn::install::detail
