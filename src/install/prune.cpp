// Deciding what changed, and removing what the plan no longer needs.
#include "run.hpp"
#include "worker_pool.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <set>

namespace cairn::install::detail {

namespace fs = std::filesystem;

namespace {

// The unit owning the node_modules folder a nested hoisted path sits in, if any.
const Unit* hoisted_owner(const Run& run, const std::string& path) {
    std::string parent = parent_node_modules(path);
    if (parent.size() <= 12)
        return nullptr;
    auto it = run.units.by_dir.find(parent.substr(0, parent.size() - 13));
    return it == run.units.by_dir.end() ? nullptr : &run.units.units[it->second];
}

// Whether a unit (hoisted) has planned packages nested in its node_modules.
bool has_nested(const Run& run, const std::string& dir) {
    auto it = run.units.by_dir.upper_bound(dir + "/node_modules/");
    return it != run.units.by_dir.end() && it->first.starts_with(dir + "/node_modules/");
}

bool on_disk_unchanged(const Run& run, const Unit& unit) {
    if (unit.link_target)
        return read_link(run.project_fd.get(), unit.dir.c_str()) == unit.state.link;
    return entry_type(run.project_fd.get(), unit.package_dir.c_str()) == S_IFDIR;
}

struct RemovalTask {
    std::string parent; // folder relative to the project
    std::string name;   // entry in it
    bool keep_node_modules = false;
};

struct Pruner {
    Run& run;
    std::vector<RemovalTask> tasks{};
    std::set<std::string> extraneous{}; // paths of removed entries, for the count
    // node_modules is absent or holds no package (only dot-entries): nothing planned is
    // on disk, so no planned path needs looking at (a CI install's usual start).
    bool no_packages_on_disk = false;
    // What node_modules/.cairn holds; nullopt when it could not be listed.
    std::optional<std::set<std::string>> cairn_entries{};
    bool cairn_listed = false; // listed, or tried: looked at once

    void remove(const std::string& parent, const std::string& name) {
        tasks.push_back({parent, name, false});
        // The isolated layout's own links are not packages: they do not count as removed.
        if (!run.isolated() || parent.starts_with("node_modules/.cairn") ||
            entry_type(run.project_fd.get(), (parent + "/" + name).c_str()) != S_IFLNK)
            extraneous.insert(parent + "/" + name);
    }

    // Whether `rel` ("node_modules/b") is bundled in an unchanged owner's source tree.
    bool bundled(const Unit* owner, const std::string& rel) const {
        if (!owner || owner->status != UnitStatus::unchanged || owner->link_target)
            return false;
        fs::path path = owner->first->source / rel;
        return ::faccessat(AT_FDCWD, path.c_str(), F_OK, AT_SYMLINK_NOFOLLOW) == 0;
    }

    // Prunes the node_modules folder `dir`: `keep(name)` says which entries stay, where a
    // name may be scoped ("@s/x"). Dot-entries are left alone (.bin is noted for the bins
    // phase, .cairn is pruned separately).
    template <typename Keep>
    void prune_node_modules(const std::string& dir, Keep&& keep) {
        unsigned type = entry_type(run.project_fd.get(), dir.c_str());
        bool top = dir == "node_modules";
        if (type == 0) {
            no_packages_on_disk = no_packages_on_disk || top;
            return;
        }
        if (type != S_IFDIR) {
            // A link or a file where a package's node_modules folder belongs.
            std::size_t slash = dir.rfind('/');
            remove(dir.substr(0, slash), dir.substr(slash + 1));
            return;
        }
        auto fd = open_dir(run.project_fd.get(), dir, run.project);
        if (!fd)
            return;
        bool packages = false;
        for (const auto& name : list_dir(fd->get(), run.project / dir)) {
            if (name.front() == '.') {
                if (name == ".bin")
                    run.existing_bin_dirs.insert(dir);
                continue;
            }
            packages = true;
            if (name.front() == '@' && entry_type(fd->get(), name.c_str()) == S_IFDIR) {
                auto scope = open_dir(fd->get(), name, run.project / dir);
                if (!scope)
                    continue;
                auto children = list_dir(scope->get(), run.project / dir / name);
                std::vector<std::string> gone;
                for (const auto& child : children)
                    if (!keep(name + "/" + child))
                        gone.push_back(child);
                if (gone.size() == children.size() && !keep(name)) {
                    remove(dir, name);
                } else {
                    for (const auto& child : gone)
                        remove(dir + "/" + name, child);
                }
                continue;
            }
            if (!keep(name))
                remove(dir, name);
        }
        if (top && !packages)
            no_packages_on_disk = true;
    }

    // Lists node_modules/.cairn once for both layouts' pruning.
    const std::optional<std::set<std::string>>& list_cairn_dir() {
        if (!cairn_listed) {
            cairn_listed = true;
            std::string dir = "node_modules/.cairn";
            if (auto fd = open_dir(run.project_fd.get(), dir, run.project)) {
                auto names = list_dir(fd->get(), run.project / dir);
                cairn_entries.emplace(names.begin(), names.end());
            }
        }
        return cairn_entries;
    }

    // A bucket holding folders that no install is using: what a killed run left there
    // (a package folder half made, or one staged while it resolved) goes. A bucket that
    // another install, or this one's Prelinker, holds (flock) is left to it.
    void empty_left_bucket(const std::string& dir, const std::string& name) {
        struct stat st {};
        std::string rel = dir + "/" + name;
        if (::fstatat(run.project_fd.get(), rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISDIR(st.st_mode) || st.st_nlink <= 2)
            return; // empty (no subfolder), as buckets are between installs
        try {
            auto bucket = open_dir(run.project_fd.get(), rel, run.project);
            if (bucket && ::flock(bucket->get(), LOCK_EX | LOCK_NB) == 0)
                empty_dir(bucket->get(), {}, run.project / rel);
        } catch (const Error&) {
            // tried again by the next install; nothing of it is anyone's
        }
    }

    void prune_cairn_dir() {
        std::string dir = "node_modules/.cairn";
        const auto& entries = list_cairn_dir();
        if (!entries)
            return;
        // Buckets are named for the inode of the .cairn folder they are in: others came with
        // a copy of node_modules (`cp -a`) or an earlier folder, and no install uses them.
        struct stat home {};
        bool home_known =
            ::fstatat(run.project_fd.get(), dir.c_str(), &home, AT_SYMLINK_NOFOLLOW) == 0;
        for (const auto& name : *entries) {
            if (name == "state.json")
                continue;
            if (run.isolated() && run.units.by_dir.contains(dir + "/" + name))
                continue;
            // Spreading buckets stay for the next install (spread.hpp); an earlier cairn's
            // (".spread-<n>", or ".spread-<pid>-<hex>" left by a killed run) and those of
            // another .cairn folder go. None is a package.
            if (name.starts_with(".spread-")) {
                if (!FolderSpreader::is_bucket_name(name) ||
                    (home_known && !FolderSpreader::is_bucket_of(name, home.st_ino)))
                    tasks.push_back({dir, name, false});
                else
                    empty_left_bucket(dir, name);
                continue;
            }
            remove(dir, name);
        }
    }

    void hoisted() {
        const auto& by_dir = run.units.by_dir;
        auto planned_in = [&](const std::string& dir, const Unit* owner) {
            return [&run = run, &by_dir, dir, owner, this](const std::string& name) {
                (void)run;
                std::string rel = dir + "/" + name;
                if (by_dir.contains(rel))
                    return true;
                // A scope folder stays when something planned (or bundled) is inside.
                if (name.front() == '@' && name.find('/') == std::string::npos) {
                    auto it = by_dir.upper_bound(rel + "/");
                    if (it != by_dir.end() && it->first.starts_with(rel + "/"))
                        return true;
                }
                return owner && bundled(owner, "node_modules/" + name);
            };
        };
        prune_node_modules("node_modules", planned_in("node_modules", nullptr));
        for (auto& unit : run.units.units) {
            if (unit.link_target)
                continue;
            if (no_packages_on_disk)
                continue; // none is unchanged, none is there to remove or look into
            bool nested = has_nested(run, unit.dir);
            if (unit.status != UnitStatus::unchanged) {
                unsigned type = entry_type(run.project_fd.get(), unit.dir.c_str());
                if (type == 0)
                    continue;
                std::string parent = parent_node_modules(unit.dir);
                std::string name = unit.dir.substr(parent.size() + 1);
                if (nested && type == S_IFDIR) {
                    tasks.push_back({parent, name, true});
                } else {
                    tasks.push_back({parent, name, false});
                    continue;
                }
            }
            std::string dir = unit.dir + "/node_modules";
            prune_node_modules(dir, planned_in(dir, &unit));
        }
        for (auto& unit : run.units.units)
            if (unit.link_target && unit.status != UnitStatus::unchanged) {
                std::string parent = parent_node_modules(unit.dir);
                tasks.push_back({parent, unit.dir.substr(parent.size() + 1), false});
            }
    }

    void isolated() {
        const auto& roots = run.plan.root_dependencies;
        prune_node_modules("node_modules", [&](const std::string& name) {
            if (roots.contains(name))
                return true;
            auto it = roots.upper_bound(name + "/");
            return name.front() == '@' && it != roots.end() && it->first.starts_with(name + "/");
        });
        for (auto& unit : run.units.units) {
            if (unit.link_target)
                continue;
            if (unit.status != UnitStatus::unchanged) {
                // Only what the listing shows needs removing (nothing, on a fresh install).
                const auto& entries = list_cairn_dir();
                std::string name = unit.dir.substr(20);
                if (!entries || entries->contains(name))
                    tasks.push_back({"node_modules/.cairn", std::move(name), false});
                continue;
            }
            const std::string& own = unit.first->package;
            prune_node_modules(unit.dir + "/node_modules", [&](const std::string& name) {
                if (name == own || unit.dependencies.contains(name))
                    return true;
                if (name.front() == '@' && name.find('/') == std::string::npos) {
                    if (own.starts_with(name + "/"))
                        return true;
                    auto it = unit.dependencies.upper_bound(name + "/");
                    return it != unit.dependencies.end() && it->first.starts_with(name + "/");
                }
                return false;
            });
        }
    }
};

} // namespace

void decide_status(Run& run) {
    bool same_layout = run.old_state.layout == run.plan.layout;
    for (auto& unit : run.units.units) {
        if (unit.link_target && unit.dir.empty()) {
            unit.status = UnitStatus::unchanged; // an isolated link: checked by the link phase
            unit.completed = true;
            continue;
        }
        if (unit.link_target)
            unit.state.link = relative_link(run.project, unit.dir, *unit.link_target);
        const UnitState* old = nullptr;
        if (same_layout)
            if (auto it = run.old_state.units.find(unit.dir); it != run.old_state.units.end())
                old = &it->second;
        bool unchanged = old && old->integrity == unit.state.integrity &&
                         old->link == unit.state.link &&
                         (old->scripts_allowed || !unit.run_scripts || old->scripts.empty()) &&
                         on_disk_unchanged(run, unit);
        if (unchanged && !run.isolated()) {
            // A nested package survives only when its owner's folder stays a folder.
            if (const Unit* owner = hoisted_owner(run, unit.dir))
                unchanged = owner->status == UnitStatus::unchanged ||
                            entry_type(run.project_fd.get(), owner->dir.c_str()) == S_IFDIR;
        }
        if (unchanged) {
            unit.status = UnitStatus::unchanged;
            unit.state = *old;
            unit.completed = true;
        } else {
            unit.status = old ? UnitStatus::replaced : UnitStatus::added;
        }
    }
}

void remove_unneeded(Run& run) {
    Pruner pruner{run};
    if (run.isolated())
        pruner.isolated();
    else
        pruner.hoisted();
    pruner.prune_cairn_dir();

    // Old units no longer planned, and extraneous entries cairn did not install.
    bool same_layout = run.old_state.layout == run.plan.layout;
    std::size_t removed = 0;
    for (const auto& [dir, unit] : run.old_state.units)
        if (!same_layout || !run.units.by_dir.contains(dir))
            ++removed;
    for (const auto& path : pruner.extraneous)
        if (!run.old_state.units.contains(path))
            ++removed;
    run.report.removed += removed;

    std::atomic<std::size_t> done{0};
    std::size_t total = pruner.tasks.size();
    parallel_for(total, run.jobs, [&](std::size_t i) {
        const RemovalTask& task = pruner.tasks[i];
        auto parent = open_dir(run.project_fd.get(), task.parent, run.project);
        if (parent) {
            if (task.keep_node_modules) {
                auto dir = open_dir(parent->get(), task.name, run.project / task.parent);
                if (dir)
                    empty_dir(dir->get(), {"node_modules"}, run.project / task.parent / task.name);
            } else {
                remove_entry(parent->get(), task.name.c_str(), run.project / task.parent);
            }
        }
        run.progress(Progress::Phase::removing, ++done, total, task.parent + "/" + task.name);
    });
}

} // namespace cairn::install::detail
