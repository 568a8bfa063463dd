#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Materialising a resolved npm dependency tree into node_modules from the store's unpacked
// trees (DESIGN.md section 2, `install`).
//
// The plan is always the hoisted tree npm would write: every package has a `path`
// ("node_modules/a/node_modules/b") and its dependencies name the paths they resolve to.
// Two layouts are built from it.
//
// Hoisted (npm's, the default). Each package's files are at <project>/<path>, so Node's
// resolution (walking up node_modules folders) finds what the plan says.
//
// Isolated (pnpm's). Each package's files are at
//   node_modules/.cairn/<unit>/node_modules/<package>
// where <unit> is "<package with / as +>@<version>" (plus "_<hash>" when one package version
// appears with different dependency sets in the plan). Its dependencies are relative symbolic
// links beside it, in node_modules/.cairn/<unit>/node_modules/<dependency name>, and the root's
// direct dependencies are relative links node_modules/<name> -> .cairn/<unit>/node_modules/<p>.
// Node resolves from a file's real path, so a package sees exactly its declared dependencies.
//
// Files are hard links to the store's inodes (never chmod'ed or written): when linking fails
// (another filesystem, too many links, not permitted) they are reflinked (FICLONE) and else
// copied. Packages allowed to run lifecycle scripts are always copied, so that a build
// writing into its folder cannot corrupt the store. A bin target without exec bits is
// replaced by a copy made executable (0755); the store's file keeps its mode.
//
// `link:`/`file:` folder dependencies (link_target) become a symbolic link to that folder;
// cairn never writes inside it.
//
// Bins: <node_modules>/.bin/<command> -> relative link to the target, for the packages
// directly in that node_modules folder (hoisted: the root and each nested node_modules;
// isolated: the root's direct dependencies in node_modules/.bin, and each unit's
// dependencies in node_modules/.cairn/<unit>/node_modules/.bin). When two packages of one
// folder declare one command, a direct dependency (of the root, or of the package owning a
// nested node_modules) wins, else the first by path; a warning names both.
//
// The state file, node_modules/.cairn/state.json (written atomically: temporary + rename),
// records the layout and, per installed folder ("unit": the package path when hoisted,
// "node_modules/.cairn/<unit>" when isolated), the integrity installed, the link target,
// whether scripts were allowed, its bins and whether it has install scripts. A unit whose
// integrity, link target and layout are unchanged (and whose folder still exists) is not
// touched again: a re-run of the same plan reads one file, checks links and changes nothing.
// Before anything is changed the state is rewritten without the units about to change, so a
// run killed at any moment leaves a state that never vouches for a half-written folder.
// Switching layout reinstalls every unit. Everything in node_modules that the plan does not
// need is removed (npm prunes extraneous folders), except dot-entries cairn does not own
// (cairn owns .bin and .cairn); removal unlinks symbolic links and never follows them.
//
// Lifecycle scripts never run unless a package has run_scripts. They run after every
// package is in place, dependencies first, with `sh -c`, the package folder as working
// directory, PATH prefixed with the node_modules/.bin folders from the package up to the
// project, and npm's basic variables (npm_lifecycle_event, npm_lifecycle_script,
// npm_package_name, npm_package_version, npm_package_json, INIT_CWD, npm_node_execpath
// and NODE when node is on PATH).
namespace cairn::install {

enum class Layout { hoisted, isolated };

std::string_view layout_name(Layout layout); // "hoisted", "isolated"

struct PlannedPackage {
    // Its hoisted location relative to the project: "node_modules/a/node_modules/b". The key.
    std::string path;
    // Folder name under node_modules (the alias for `npm:` aliases); the last name of `path`.
    std::string name;
    std::string package; // the registry package name
    std::string version;
    std::string integrity;        // content identity (SRI); equal integrity + path: unchanged
    std::filesystem::path source; // complete unpacked tree in the store (read-only)
    // The source folder by folder (core/tree_listing.hpp), when the store keeps it: linked
    // without listing each folder from the kernel. Null: each folder is listed.
    std::shared_ptr<const std::string> listing;
    // `link:`/`file:` folder dependencies: a symbolic link to this folder instead of files
    // (relative to the project when not absolute). `source` is then unused.
    std::optional<std::filesystem::path> link_target;
    // Dependency folder name -> `path` of the PlannedPackage it resolves to.
    std::map<std::string, std::string> dependencies;
    bool run_scripts = false; // allowed to run its lifecycle scripts
    // Its registry metadata says it has no bins and no install scripts: its package.json is
    // then not read (unless it runs scripts or has a binding.gyp, which npm builds).
    bool no_bins_or_scripts = false;
    bool optional = false; // a failing script removes it with a warning instead of failing
};

struct InstallPlan {
    std::filesystem::path project; // folder holding package.json
    Layout layout = Layout::hoisted;
    std::vector<PlannedPackage> packages;
    // Direct dependency folder name -> package path.
    std::map<std::string, std::string> root_dependencies;
};

struct Progress {
    enum class Phase { removing, linking, scripts };
    Phase phase = Phase::linking;
    std::size_t done = 0;     // units finished in this phase
    std::size_t total = 0;    // units this phase has to do
    std::string_view current; // the unit just finished (a path), or empty
};

class Prelinker;

struct InstallOptions {
    unsigned jobs = 0; // worker threads; 0: the hardware threads, at least 4
    // Packages linked ahead into staged folders (prelink.hpp), taken where the plan puts
    // them; null for none.
    Prelinker* prelinker = nullptr;
    // Optional. Called from worker threads, one call at a time (serialised by a mutex).
    std::function<void(const Progress&)> progress;
};

struct InstallReport {
    // Units (hoisted: package paths; isolated: distinct .cairn folders).
    std::size_t added = 0;     // new this run
    std::size_t replaced = 0;  // installed before with another integrity, link or layout
    std::size_t removed = 0;   // no longer planned, extraneous, or optional with a failed script
    std::size_t unchanged = 0; // left as they were
    std::uint64_t files_linked = 0; // hard links made
    std::uint64_t files_copied = 0; // reflinks or copies (fallbacks, script packages, bins)
    std::size_t prelinked = 0;      // units whose folder a Prelinker staged
    // "name@version (postinstall)": packages added or replaced in this run that have
    // install scripts (or a binding.gyp) but were not allowed to run them.
    std::vector<std::string> scripts_skipped;
    std::vector<std::string> scripts_run; // "name@version (preinstall, postinstall)", in order
    std::vector<std::string> warnings;
    std::vector<std::string> bins; // commands in the root node_modules/.bin, sorted
};

// Makes <project>/node_modules match the plan. Throws cairn::Error: Code::archive_escape for
// a path or name that would leave node_modules, Code::usage for an inconsistent plan (a
// dependency naming a path the plan lacks, duplicate paths...), Code::manifest_invalid for a
// package.json that cannot be read (a bin pointing outside its package), Code::io when the
// filesystem refuses or a lifecycle script fails (naming the package, the script, its exit
// status and the last lines of its output).
InstallReport materialize(const InstallPlan& plan, const InstallOptions& options);

} // namespace cairn::install
