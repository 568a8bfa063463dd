// The npm project workflows: install, lock, fetch (npm_install.hpp).
#include "cairn/ops/npm_install.hpp"

#include "artifact_pipeline.hpp"
#include "npm_project.hpp"

#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"
#include "cairn/core/thread_name.hpp"
#include "cairn/install/prelink.hpp"
#include "cairn/net/client_config.hpp"
#include "cairn/ops/npm_config.hpp"
#include "cairn/store/store.hpp"
#include "cairn/trust/chain.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <system_error>
#include <thread>

namespace cairn::ops {

namespace fs = std::filesystem;
using detail::content_key;
using detail::NpmProject;
using detail::set_lock_text;
using detail::whole_lock_text;

namespace {

enum class Goal { install, lock_only, fetch_only };

// A project's name among the store's locks: FNV-1a (64-bit) of its canonical folder, stable
// across builds. Not SHA-256, whose first use starts OpenSSL: a millisecond and 3 MiB of
// resident library pages that an install from the store needs nothing else of.
std::string project_lock_name(const fs::path& dir) {
    std::error_code ec;
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : fs::weakly_canonical(dir, ec).string()) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return fmt::format("project-{:016x}", hash);
}

std::string config_string(const config::LayeredConfig& config, const config::KeyPath& key,
                          std::string fallback) {
    const config::Json* value = config.find(key);
    return value && value->is_string() ? value->get<std::string>() : fallback;
}

install::Layout layout_of(const NpmProjectContext& context, const NpmProjectRequest& request) {
    if (request.layout)
        return *request.layout == NpmLayout::isolated ? install::Layout::isolated
                                                      : install::Layout::hoisted;
    std::string text = config_string(context.config, {"install", "layout"}, "hoisted");
    if (text == "hoisted")
        return install::Layout::hoisted;
    if (text == "isolated")
        return install::Layout::isolated;
    Error error(
        Code::config_invalid,
        fmt::format("install.layout must be \"hoisted\" or \"isolated\", not \"{}\"", text));
    if (auto origin = context.config.origin({"install", "layout"}); !origin.empty())
        error.while_(fmt::format("reading {}", origin));
    throw error;
}

std::set<std::string> allowed_scripts(const NpmProjectContext& context,
                                      const NpmProjectRequest& request) {
    std::set<std::string> allow(request.allow_scripts.begin(), request.allow_scripts.end());
    if (const config::Json* list = context.config.find({"scripts", "allow"})) {
        if (!list->is_array()) {
            Error error(Code::config_invalid, "scripts.allow must be an array of package names");
            throw error;
        }
        for (const auto& item : *list)
            if (item.is_string())
                allow.insert(item.get<std::string>());
    }
    return allow;
}

// ---- the no-op check ----------------------------------------------------------------------

fs::path fingerprint_path(const fs::path& project) {
    return project / "node_modules" / ".cairn-fingerprint";
}

// The fingerprint of an install: a first line naming its inputs (package.json and
// cairn.lock by content key, the layout, what was left out, the scripts allowed), then the
// number of packages and the top-level entries node_modules must still hold. The no-op
// check reads only the two files' text and this record: no JSON is parsed.
std::string fingerprint_inputs(const NpmProject& project, install::Layout layout,
                               const NpmProjectRequest& request,
                               const std::set<std::string>& allow) {
    std::string allowed;
    for (const auto& name : allow)
        allowed += name + ",";
    return fmt::format("cairn-install/4 manifest={} lock={} layout={} omit-dev={} "
                       "omit-optional={} allow-scripts={}\n",
                       content_key(project.manifest_text), project.lock_key,
                       install::layout_name(layout), request.omit_dev, request.omit_optional,
                       content_key(allowed));
}

// The content key of a linked folder's package.json ("" when it has none): its bins are
// read on every install, so a change to it is work for the next one.
std::string linked_manifest_key(const fs::path& project, const std::string& folder) {
    std::ifstream in(project / folder / "package.json", std::ios::binary);
    if (!in)
        return "";
    std::ostringstream text;
    text << in.rdbuf();
    return content_key(std::move(text).str());
}

// The content keys of the linked folders' package.json, by folder (taken before the
// linking reads them: an edit meanwhile makes the next run's check fail, not pass).
std::map<std::string, std::string> linked_manifest_keys(const fs::path& project,
                                                        const lock::Lockfile& lock,
                                                        const std::set<std::string>& excluded) {
    std::map<std::string, std::string> keys;
    for (const auto& [path, package] : lock.packages)
        if (package.link && !excluded.contains(path))
            keys.emplace(*package.link, linked_manifest_key(project, *package.link));
    return keys;
}

std::string fingerprint_record(const std::string& inputs, std::size_t packages,
                               const lock::Lockfile& lock, const std::set<std::string>& excluded,
                               const std::map<std::string, std::string>& linked_keys) {
    std::string out = inputs;
    out += fmt::format("packages {}\n", packages);
    for (const auto& [path, package] : lock.packages)
        if (path.find("/node_modules/") == std::string::npos && !excluded.contains(path))
            out += fmt::format("top {}\n", path);
    for (const auto& [folder, key] : linked_keys)
        out += fmt::format("linked {} {}\n", key, folder);
    return out;
}

// Whether every name is an entry of the folder: one listing of it (a large project's
// node_modules has hundreds of entries, and one stat each cost a no-op milliseconds).
bool folder_has_all(const fs::path& folder, const std::vector<std::string_view>& names) {
    DIR* listing = ::opendir(folder.c_str());
    if (!listing)
        return false;
    std::vector<std::string> present;
    while (const dirent* entry = ::readdir(listing))
        present.emplace_back(entry->d_name);
    ::closedir(listing);
    std::sort(present.begin(), present.end());
    return std::all_of(names.begin(), names.end(), [&](std::string_view name) {
        return std::binary_search(present.begin(), present.end(), name);
    });
}

// The number of installed packages when the recorded fingerprint has these inputs and every
// top-level entry it lists still exists; nullopt when an install has work to do.
std::optional<std::size_t> still_installed(const fs::path& dir, const std::string& inputs) {
    std::ifstream in(fingerprint_path(dir), std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string text = std::move(buffer).str();
    if (!text.starts_with(inputs))
        return std::nullopt;
    std::string_view rest = std::string_view(text).substr(inputs.size());
    std::optional<std::size_t> packages;
    // The entries by the folder they are in: node_modules, node_modules/@scope.
    std::map<std::string_view, std::vector<std::string_view>> entries;
    while (!rest.empty()) {
        auto end = rest.find('\n');
        if (end == std::string_view::npos)
            return std::nullopt; // cut short: not a record this cairn wrote whole
        std::string_view line = rest.substr(0, end);
        rest.remove_prefix(end + 1);
        if (line.starts_with("top ")) {
            std::string_view path = line.substr(4);
            auto slash = path.rfind('/');
            if (slash == std::string_view::npos || slash + 1 == path.size())
                return std::nullopt;
            entries[path.substr(0, slash)].push_back(path.substr(slash + 1));
        } else if (line.starts_with("linked ")) {
            std::string_view rest_of_line = line.substr(7);
            auto space = rest_of_line.find(' ');
            if (space == std::string_view::npos)
                return std::nullopt;
            if (linked_manifest_key(dir, std::string(rest_of_line.substr(space + 1))) !=
                rest_of_line.substr(0, space))
                return std::nullopt; // a linked folder's package.json changed
        } else if (line.starts_with("packages ")) {
            std::size_t n = 0;
            for (char c : line.substr(9)) {
                if (c < '0' || c > '9')
                    return std::nullopt;
                n = n * 10 + static_cast<std::size_t>(c - '0');
            }
            packages = n;
        } else {
            return std::nullopt;
        }
    }
    for (auto& [folder, names] : entries)
        if (!folder_has_all(dir / std::string(folder), names))
            return std::nullopt;
    return packages;
}

void write_text_atomically(const fs::path& path, std::string_view text) {
    // A fresh temporary name, never following a link planted under that name.
    fs::path temp = path;
    temp += fmt::format(".tmp-cairn-{}", ::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    bool ok = fd >= 0;
    for (std::size_t done = 0; ok && done < text.size();) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        ok = n > 0;
        done += ok ? static_cast<std::size_t>(n) : 0;
    }
    int saved = errno;
    if (fd >= 0)
        ::close(fd);
    if (!ok) {
        if (fd >= 0)
            ::unlink(temp.c_str());
        Error error(Code::io, fmt::format("cannot write {}", path.string()));
        error.caused_by(std::error_code(saved, std::generic_category()).message());
        throw error;
    }
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
        Error error(Code::io, fmt::format("cannot write {}", path.string()));
        error.caused_by(ec.message());
        throw error;
    }
}

// ---- where release records come from -------------------------------------------------------

class CombinedRecords : public detail::ReleaseRecords {
public:
    CombinedRecords(NpmMetadata* metadata, detail::PortableIndexProvider* index,
                    const std::optional<lock::Lockfile>& previous)
        : m_metadata(metadata), m_index(index) {
        if (previous)
            for (const auto& [path, p] : previous->packages)
                m_registry_of.emplace(p.package, p.registry);
    }

    std::optional<NpmDescribedRelease> describe(std::string_view package,
                                                const version::Version& version) override {
        if (m_index && m_index->serves(package)) {
            const auto* r = m_index->indexed(package, version);
            if (!r)
                return std::nullopt;
            NpmDescribedRelease described{*r, {}};
            NpmReleaseSource& s = described.source;
            s.tarball_url = r->tarball;
            s.integrity = r->integrity;
            auto it = m_registry_of.find(std::string(package));
            std::string registry = it == m_registry_of.end() ? "lockfile/index" : it->second;
            auto slash = registry.find('/');
            s.authority = registry.substr(0, slash);
            s.registry = slash == std::string::npos ? "" : registry.substr(slash + 1);
            s.has_install_script = r->has_install_script;
            s.deprecated = r->deprecated;
            return described;
        }
        return m_metadata ? m_metadata->describe(package, version) : std::nullopt;
    }

    std::vector<protocol::npm::PackumentRelease>
    all(std::string_view package, const std::function<bool(const version::Version&)>& wanted,
        bool prereleases) override {
        std::vector<protocol::npm::PackumentRelease> out;
        if (!m_index && m_metadata)
            return m_metadata->index_releases(package, wanted, prereleases);
        resolve::npm::NpmTreeProvider* provider =
            m_index ? static_cast<resolve::npm::NpmTreeProvider*>(m_index) : m_metadata;
        if (!provider)
            return out;
        const auto* releases = provider->releases(package);
        if (!releases)
            return out;
        for (const auto& release : *releases) {
            if (!wanted(release.version))
                continue;
            auto described = describe(package, release.version);
            if (!described || described->source.integrity.empty())
                continue;
            out.push_back(std::move(described->record));
            out.back().tarball = std::move(described->source.tarball_url);
            out.back().integrity = std::move(described->source.integrity);
            out.back().shasum.clear();
        }
        return out;
    }

    std::optional<std::string>
    index_entry(std::string_view package,
                const std::function<bool(const version::Version&)>& wanted,
                const std::map<std::string, std::string>& tags, bool prereleases) override {
        if (!m_index && m_metadata)
            return m_metadata->index_entry(package, wanted, tags, prereleases);
        return std::nullopt;
    }

    std::map<std::string, std::string> tags(std::string_view package) override {
        std::map<std::string, std::string> out;
        resolve::npm::NpmTreeProvider* provider =
            m_index ? static_cast<resolve::npm::NpmTreeProvider*>(m_index) : m_metadata;
        if (provider)
            if (auto latest = provider->dist_tag(package, "latest"))
                out.emplace("latest", latest->to_string());
        return out;
    }

    void forget(std::string_view package) override {
        if (m_metadata)
            m_metadata->forget(package);
    }

private:
    NpmMetadata* m_metadata;
    detail::PortableIndexProvider* m_index;
    std::map<std::string, std::string> m_registry_of;
};

std::optional<Digest> digest_of(std::string_view integrity, std::string_view shasum) {
    try {
        if (!integrity.empty())
            return Digest::parse_sri(integrity);
        if (!shasum.empty())
            return Digest::parse_hex(DigestAlgorithm::sha1, shasum);
    } catch (const Error&) {
    }
    return std::nullopt;
}

std::string describe_root_difference(const lock::LockedRoot& manifest,
                                     const lock::LockedRoot& locked) {
    auto compare = [](std::string_view field, const lock::SpecMap& now,
                      const lock::SpecMap& then) -> std::optional<std::string> {
        for (const auto& [name, spec] : now) {
            auto it = then.find(name);
            if (it == then.end())
                return fmt::format("{} {}@{} is not in the lockfile", field, name, spec);
            if (it->second != spec)
                return fmt::format("{} {} is \"{}\" in package.json but \"{}\" in the lockfile",
                                   field, name, spec, it->second);
        }
        for (const auto& [name, spec] : then)
            if (!now.contains(name))
                return fmt::format("{} {} is in the lockfile but no longer in package.json", field,
                                   name);
        return std::nullopt;
    };
    if (auto d = compare("dependency", manifest.dependencies, locked.dependencies))
        return *d;
    if (auto d = compare("devDependency", manifest.dev_dependencies, locked.dev_dependencies))
        return *d;
    if (auto d = compare("optionalDependency", manifest.optional_dependencies,
                         locked.optional_dependencies))
        return *d;
    if (auto d = compare("peerDependency", manifest.peer_dependencies, locked.peer_dependencies))
        return *d;
    return "overrides differ";
}

// The crawl's picks, fetched while resolution goes on: those on this platform that no
// lockfile prefers another version of (the lockfile's choice is what the resolver keeps).
// They are picked for node's version once it is known (`node`, asked beside the crawl).
NpmCrawlHooks prefetch_hooks(NpmMetadata& metadata, const resolve::npm::TreeOptions& options,
                             detail::ArtifactPipeline* prefetch,
                             const std::shared_future<std::optional<version::Version>>& node) {
    NpmCrawlHooks hooks;
    if (!prefetch)
        return hooks;
    hooks.node_version = [&node]() -> const version::Version* {
        if (node.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
            return nullptr;
        const auto& known = node.get();
        return known ? &*known : nullptr;
    };
    hooks.on_pick = [&metadata, &options, prefetch](std::string_view package,
                                                    const resolve::npm::NpmRelease& release) {
        using resolve::npm::platform_allows;
        if (!platform_allows(release.os, options.platform.os) ||
            !platform_allows(release.cpu, options.platform.cpu) ||
            !platform_allows(release.libc, options.platform.libc))
            return false;
        if (options.preferred.contains(std::string(package)))
            return true; // the lockfile's release is what gets fetched
        auto source = metadata.source(package, release.version);
        if (!source || source->integrity.empty())
            return true;
        try {
            prefetch->add({source->tarball_url, Digest::parse_sri(source->integrity),
                           fmt::format("npm:{}@{}", package, release.version.to_string())});
        } catch (const Error&) {
            // a malformed integrity: the install meets (and reports) it if this is picked
        }
        return true;
    };
    hooks.on_wait = [prefetch] { prefetch->poll(); };
    return hooks;
}

// The resolution: the lockfile's portable index and cache first, the registries after.
// `prefetch`, when given, starts fetching the artifact of each release the metadata crawl
// expects the resolver to pick, so downloads overlap resolution.
lock::Lockfile resolve_project(const NpmProjectContext& context, const NpmProjectRequest& request,
                               const NpmProject& project, NpmProjectSummary& summary,
                               const store::Store& store, NpmMetadata& metadata,
                               detail::ArtifactPipeline* prefetch) {
    net::ClientOptions client_settings = net::client_options(context.config);
    if (client_settings.mode == net::NetworkMode::offline) {
        // Offline, a version is only as good as its stored tarball.
        metadata.set_filter([&store](std::string_view, const NpmReleaseKey& r) {
            auto digest = digest_of(r.integrity, r.shasum);
            return digest && (store.contains_blob(*digest) ||
                              store.find_unpacked(*digest, store::StripComponents::first));
        });
    }

    std::set<std::string> bypass(request.update.begin(), request.update.end());
    resolve::npm::TreeOptions options;
    options.platform = detail::current_platform();
    // Asking node (a process the first time) is only needed once the tree is built: it
    // runs beside the metadata crawl.
    std::shared_future<std::optional<version::Version>> node_version =
        std::async(std::launch::async,
                   [&context] { return detail::node_version(context.env, context.store_root); });
    if (project.lock && !request.update_all) {
        // Keep what the lockfile chose where it still satisfies (top-level copies first).
        std::map<std::string, std::size_t> depth;
        for (const auto& [path, p] : project.lock->packages) {
            if (p.link || bypass.contains(p.package))
                continue;
            std::size_t d = static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
            auto v = version::Version::parse(p.version);
            if (!v)
                continue;
            auto it = depth.find(p.package);
            if (it == depth.end() || d < it->second) {
                depth[p.package] = d;
                options.preferred.insert_or_assign(p.package, *v);
            }
        }
    }

    auto attempt = [&](bool use_index) {
        static const lock::Lockfile k_empty;
        detail::PortableIndexProvider index(use_index ? *project.lock : k_empty, &metadata, bypass);
        resolve::npm::NpmTreeProvider& base =
            use_index ? static_cast<resolve::npm::NpmTreeProvider&>(index) : metadata;
        detail::OverridingProvider overriding(project.manifest, base);
        auto edges = overriding.apply_to_root(detail::root_edges(project.manifest));
        if (!use_index) // fetch the whole graph's metadata at network speed
            metadata.crawl(edges, prefetch_hooks(metadata, options, prefetch, node_version));
        options.node_version = node_version.get();
        auto tree = resolve::npm::build_npm_tree(edges, overriding, options);
        CombinedRecords records(&metadata, use_index ? &index : nullptr, project.lock);
        return detail::lock_from_tree(tree, project.manifest, records);
    };
    lock::Lockfile lock;
    bool use_index = project.lock && !request.update_all && !project.lock->index.empty();
    if (use_index) {
        try {
            lock = attempt(true);
        } catch (const Error& error) {
            if (error.code() != Code::not_found && error.code() != Code::no_solution &&
                error.code() != Code::offline_miss && error.code() != Code::unsupported)
                throw;
            lock = attempt(false);
        }
    } else {
        lock = attempt(false);
    }
    metadata.store_answers();
    // Configuration advice and what the lookups met (registries skipped, cache rows dropped
    // or left in an earlier form, releases too young).
    for (auto& warning : metadata.warnings())
        summary.warnings.push_back(warning);
    auto stats = metadata.statistics();
    summary.metadata_requests = stats.requests;
    summary.metadata_from_cache = stats.cache_hits + stats.not_modified;
    for (const auto& fallback : stats.fallbacks)
        summary.warnings.push_back(
            fmt::format("{}: registry {} unreachable, used cached metadata from {} ago",
                        fallback.package, fallback.registry, trust::format_duration(fallback.age)));
    return lock;
}

// The `link:`/`file:` folder dependencies of the root, as lockfile entries.
void add_folder_links(const NpmProject& project, lock::Lockfile& lock) {
    for (const auto* dep_pointer : detail::root_dependencies(project.manifest)) {
        const auto& dep = *dep_pointer;
        using format::npm::SpecKind;
        if (dep.spec.kind != SpecKind::file && dep.spec.kind != SpecKind::link)
            continue;
        fs::path target = project.dir / dep.spec.path;
        std::error_code ec;
        if (!fs::is_directory(target, ec)) {
            Error error(Code::unsupported,
                        fmt::format("{}: \"{}\" is not a folder; local tarball dependencies are "
                                    "not supported yet",
                                    dep.name, dep.spec.raw));
            error.hint("point the dependency at the package's folder instead");
            throw error;
        }
        lock::LockedPackage p;
        p.path = "node_modules/" + dep.name;
        p.name = dep.name;
        p.package = dep.name;
        p.version = "0.0.0";
        try {
            std::ifstream in(target / "package.json", std::ios::binary);
            std::ostringstream text;
            text << in.rdbuf();
            auto manifest = format::npm::read_installed_manifest(
                text.str(), (target / "package.json").string());
            if (manifest.version)
                p.version = *manifest.version;
        } catch (const Error&) {
        }
        p.link = dep.spec.path;
        p.dev = dep.type == format::npm::DependencyType::dev;
        p.optional = dep.type == format::npm::DependencyType::optional;
        lock.packages.insert_or_assign(p.path, std::move(p));
    }
}

std::vector<DirectChange> direct_changes(const std::optional<lock::Lockfile>& before,
                                         const lock::Lockfile& after) {
    std::vector<DirectChange> out;
    auto top = [](const lock::Lockfile& lock) {
        std::map<std::string, std::string> versions;
        for (const auto& [path, p] : lock.packages)
            if (path.find("/node_modules/") == std::string::npos)
                versions.emplace(p.name, p.version);
        return versions;
    };
    auto now = top(after);
    auto then = before ? top(*before) : std::map<std::string, std::string>{};
    std::set<std::string> direct;
    for (const auto* specs : {&after.root.dependencies, &after.root.dev_dependencies,
                              &after.root.optional_dependencies, &after.root.peer_dependencies})
        for (const auto& [name, spec] : *specs)
            direct.insert(name);
    if (before)
        for (const auto* specs :
             {&before->root.dependencies, &before->root.dev_dependencies,
              &before->root.optional_dependencies, &before->root.peer_dependencies})
            for (const auto& [name, spec] : *specs)
                direct.insert(name);
    for (const auto& name : direct) {
        auto a = then.find(name);
        auto b = now.find(name);
        if (b != now.end() && a == then.end())
            out.push_back({'+', name, b->second, ""});
        else if (b == now.end() && a != then.end())
            out.push_back({'-', name, a->second, ""});
        else if (b != now.end() && a->second != b->second)
            out.push_back({'~', name, b->second, a->second});
    }
    return out;
}

// Every path under `path` (its own node_modules), for leaving a failed optional package out.
void exclude_subtree(const lock::Lockfile& lock, const std::string& path,
                     std::set<std::string>& excluded) {
    excluded.insert(path);
    std::string prefix = path + "/node_modules/";
    for (auto it = lock.packages.lower_bound(prefix);
         it != lock.packages.end() && it->first.rfind(prefix, 0) == 0; ++it)
        excluded.insert(it->first);
}

NpmProjectSummary run(const NpmProjectContext& context, const NpmProjectRequest& request,
                      Goal goal) {
    auto started = std::chrono::steady_clock::now();
    NpmProjectSummary summary;
    auto phase_started = started;
    auto phase_done = [&](std::string name) {
        auto now = std::chrono::steady_clock::now();
        summary.phases.push_back(
            {std::move(name),
             std::chrono::duration_cast<std::chrono::microseconds>(now - phase_started)});
        phase_started = now;
    };
    // Freed piece by piece on one thread after everything else, a large project's lockfile
    // (its portable index above all), plan and texts took 6 ms of a 150 ms warm install
    // (3% of a `cairn lock`); a command's exit gives their pages back at once. Deliberately
    // never deleted.
    auto leave_to_exit = [&request](NpmProject&& project, lock::Lockfile&& lock,
                                    install::InstallPlan&& plan,
                                    std::map<std::string, store::CompleteTree>&& trees) {
        if (!request.process_exits_after)
            return;
        struct Leftovers {
            NpmProject project;
            lock::Lockfile lock;
            install::InstallPlan plan;
            std::map<std::string, store::CompleteTree> trees;
        };
        new Leftovers{std::move(project), std::move(lock), std::move(plan), std::move(trees)};
    };
    summary.network_mode = config_string(context.config, {"network", "mode"}, "online");
    NpmProject project = detail::read_npm_texts(request.project);
    install::Layout layout = layout_of(context, request);
    bool updating = !request.update.empty() || request.update_all;
    std::set<std::string> allow = allowed_scripts(context, request);
    auto finish = [&] {
        summary.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        return summary;
    };
    if (goal == Goal::install && !updating && project.lock_text) {
        if (auto packages =
                still_installed(project.dir, fingerprint_inputs(project, layout, request, allow))) {
            summary.up_to_date = true;
            summary.packages = *packages;
            phase_done("check");
            return finish();
        }
    }
    // The portable index only matters to a resolution: read when one is certain, else
    // only once it turns out to be needed.
    detail::parse_npm_project(project,
                              updating ? lock::IndexReading::read : lock::IndexReading::skip);
    phase_done("project");

    store::Store store(context.store_root);
    // One cairn at a time changes a project (a second one waits), and from here on the old
    // fingerprint no longer vouches for node_modules: a run that fails halfway leaves none.
    auto project_lock = store.lock_entry(project_lock_name(project.dir));
    std::error_code ec;
    if (goal == Goal::install)
        fs::remove(fingerprint_path(project.dir), ec);
    lock::LockedRoot root = detail::locked_root(project.manifest);
    bool lock_current = project.lock && project.lock->root == root && !updating;
    if (request.frozen && !lock_current) {
        Error error(
            Code::lock_outdated,
            project.lock
                ? fmt::format("{} does not match package.json: {}", lock::k_lockfile_name,
                              updating ? "an update was asked for"
                                       : describe_root_difference(root, project.lock->root))
                : fmt::format("--frozen needs a {}, and there is none", lock::k_lockfile_name));
        error.hint("run `cairn install` without --frozen to update the lockfile, and commit it");
        throw error;
    }

    // The network client, made (with npm's credentials) once something needs it: the
    // metadata lookups of a resolution and the downloads share its connections.
    std::unique_ptr<net::Client> client;
    auto network = [&]() -> net::Client& {
        if (!client) {
            net::ClientOptions settings = net::client_options(context.config);
            NpmConfigRequest npm_request{project.dir, context.env, context.store_root};
            add_npm_credentials(settings.credentials, read_npm_config(npm_request), context.env);
            client = std::make_unique<net::Client>(std::move(settings));
        }
        return *client;
    };
    const bool offline = net::client_options(context.config).mode == net::NetworkMode::offline;
    // A store that has never held metadata (a first install on this machine, a new CI
    // runner) will ask the network for everything: libcurl loads meanwhile, off the path
    // to the first request.
    if (std::error_code missing; !offline && !fs::exists(store.meta_path(), missing))
        network().prepare();
    // A project without node_modules has its packages linked into staged folders while the
    // resolution runs, as the crawl finds them in the store (install/prelink.hpp).
    std::unique_ptr<install::Prelinker> prelinker;
    if (goal == Goal::install && !lock_current && !offline)
        prelinker = install::Prelinker::for_new_node_modules(project.dir);
    detail::PipelineOptions pipeline;
    if (prelinker)
        pipeline.on_tree = [&prelinker](const store::CompleteTree& tree) {
            prelinker->add(tree.path, tree.listing);
        };
    if (request.progress)
        pipeline.progress = [&](std::size_t done, std::size_t total) {
            request.progress("fetching", done, total);
        };
    detail::ArtifactPipeline artifacts(store, network, pipeline);

    if (!lock_current && project.lock)
        lock::read_skipped_index(*project.lock, whole_lock_text(project), lock::k_lockfile_name);
    // Closing the metadata (the cache's WAL checkpointed into its database and both synced,
    // the decoder's thread joined, its packuments freed: 20 ms of the large bench project's
    // cold install, 9 of the medium one's, on this thread between the resolution and the
    // linking) is left to a thread of its own: nothing after the resolution reads the
    // cache. Joined before the run returns (by its destructor on the way out of an error);
    // declared after the client its lookups used, so it is joined first.
    std::jthread metadata_closing;
    auto metadata_closed = [&metadata_closing] {
        if (metadata_closing.joinable())
            metadata_closing.join();
    };
    lock::Lockfile lock;
    if (lock_current) {
        lock = std::move(*project.lock);
        // What direct_changes compares with: the root and its top-level dependencies.
        lock::Lockfile before;
        before.root = lock.root;
        for (const auto* specs : {&lock.root.dependencies, &lock.root.dev_dependencies,
                                  &lock.root.optional_dependencies, &lock.root.peer_dependencies})
            for (const auto& [name, spec] : *specs)
                if (auto it = lock.packages.find("node_modules/" + name); it != lock.packages.end())
                    before.packages.insert(*it);
        project.lock = std::move(before);
    } else {
        if (request.progress)
            request.progress("resolving", 0, 0);
        phase_done("prepare");
        // The metadata lives only as long as the resolution: what follows has the lockfile.
        auto metadata = std::make_unique<NpmMetadata>(context.config, project.dir,
                                                      context.store_root, context.env, &network());
        bool prefetch = goal != Goal::lock_only && !offline;
        lock = resolve_project(context, request, project, summary, store, *metadata,
                               prefetch ? &artifacts : nullptr);
        summary.resolved = true;
        phase_done("resolve");
        try {
            metadata_closing = std::jthread([closing = std::move(metadata)]() mutable {
                name_this_thread("cairn-close");
                closing.reset();
            });
        } catch (const std::system_error&) {
            // no thread: the metadata closes here, as the lambda holding it goes
        }
        for (const auto& [key, value] :
             project.lock ? project.lock->sections : std::map<std::string, nlohmann::json>{})
            lock.sections.emplace(key, value);
    }
    // Folder links come from package.json alone, never from what a lockfile says.
    auto links_of = [](const lock::Lockfile& l) {
        std::map<std::string, lock::LockedPackage> links;
        for (const auto& [path, p] : l.packages)
            if (p.link)
                links.emplace(path, p);
        return links;
    };
    auto links_before = links_of(lock);
    for (auto it = lock.packages.begin(); it != lock.packages.end();)
        it = it->second.link ? lock.packages.erase(it) : std::next(it);
    add_folder_links(project, lock);
    // A lockfile followed as it is, links included, keeps its text: no need to write it out
    // again to learn that.
    bool lock_unchanged = lock_current && links_of(lock) == links_before;
    if (!lock_unchanged && project.lock_text)
        lock::read_skipped_index(lock, whole_lock_text(project), lock::k_lockfile_name);
    if (!lock_unchanged)
        summary.changes = direct_changes(project.lock, lock);
    // The lockfile's text after this run: written anew unless it stands as read. One that
    // stands matters from here on only through the fingerprint's key of it, so its text (a
    // large project's is megabytes) goes now.
    std::optional<std::string> written;
    std::optional<std::string> fingerprint_key;
    if (lock_unchanged) {
        fingerprint_key = fingerprint_inputs(project, layout, request, allow);
        project.lock_text.reset();
    } else {
        written = lock::write_lockfile(lock);
    }
    phase_done("lockfile");
    auto write_lock = [&] {
        if (!written || (project.lock_text && whole_lock_text(project) == *written))
            return;
        write_text_atomically(project.dir / lock::k_lockfile_name, *written);
        summary.lock_written = true;
    };
    for (const auto& [path, p] : lock.packages)
        if (p.deprecated && summary.resolved)
            summary.deprecated.push_back(
                fmt::format("{}@{}: {}", p.package, p.version, *p.deprecated));
    for (const auto& s : lock.skipped)
        summary.skipped_optional.push_back(
            s.reason.rfind(s.name, 0) == 0 ? s.reason : fmt::format("{}: {}", s.name, s.reason));
    std::set<std::string> registries;
    for (const auto& [path, p] : lock.packages)
        if (!p.registry.empty())
            registries.insert(p.registry);
    summary.registries.assign(registries.begin(), registries.end());

    if (goal == Goal::lock_only) {
        summary.packages = lock.packages.size();
        write_lock();
        leave_to_exit(std::move(project), std::move(lock), {}, {});
        metadata_closed();
        return finish();
    }

    // What to install: dev/optional left out as asked (fetch takes everything).
    std::set<std::string> excluded;
    for (const auto& [path, p] : lock.packages)
        if (goal == Goal::install &&
            ((request.omit_dev && p.dev) || (request.omit_optional && p.optional)))
            excluded.insert(path);

    std::vector<detail::NeededArtifact> needed;
    std::vector<std::string> needed_paths;
    for (const auto& [path, p] : lock.packages) {
        if (p.link || excluded.contains(path))
            continue;
        needed.push_back({p.resolved, Digest::parse_sri(p.integrity),
                          fmt::format("npm:{}@{}", p.package, p.version)});
        needed_paths.push_back(path);
    }
    std::vector<std::size_t> ids;
    ids.reserve(needed.size());
    for (auto& artifact : needed)
        ids.push_back(artifacts.add(std::move(artifact)));
    phase_done("plan fetch");
    auto outcomes = artifacts.results(ids);
    phase_done("fetch");
    std::map<std::string, store::CompleteTree> trees;
    std::size_t fetch_failures = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& outcome = outcomes[i];
        const auto& p = lock.packages.at(needed_paths[i]);
        if (outcome.tree) {
            trees.emplace(needed_paths[i], *outcome.tree);
            if (outcome.downloaded) {
                ++summary.downloaded;
                summary.downloaded_bytes += outcome.bytes;
            } else {
                ++summary.reused;
            }
            continue;
        }
        if (p.optional && outcome.error && outcome.error->code() != Code::integrity) {
            ++fetch_failures;
            exclude_subtree(lock, needed_paths[i], excluded);
            summary.skipped_optional.push_back(
                fmt::format("{}: could not be fetched ({})", p.name, outcome.error->message()));
            continue;
        }
        throw *outcome.error;
    }
    if (!request.frozen)
        write_lock();

    if (goal == Goal::fetch_only) {
        summary.packages = lock.packages.size();
        metadata_closed();
        return finish();
    }

    auto plan = detail::plan_from_lock(lock, project.dir, trees, excluded, layout, allow);
    // One cairn at a time changes a project's node_modules (a second one waits).
    install::InstallOptions install_options;
    if (request.progress)
        install_options.progress = [&](const install::Progress& p) {
            request.progress(p.phase == install::Progress::Phase::scripts ? "scripts" : "linking",
                             p.done, p.total);
        };
    install_options.prelinker = prelinker.get();
    phase_done("plan install");
    auto linked_keys = linked_manifest_keys(project.dir, lock, excluded);
    auto report = install::materialize(plan, install_options);
    phase_done("link");
    summary.packages = plan.packages.size();
    summary.added = report.added + report.replaced;
    summary.removed = report.removed;
    summary.unchanged = report.unchanged;
    summary.linked_ahead = report.prelinked;
    summary.scripts_skipped = report.scripts_skipped;
    summary.scripts_run = report.scripts_run;
    for (auto& w : report.warnings)
        summary.warnings.push_back(std::move(w));

    // The fingerprint of what is now installed (with the lockfile as written).
    if (!fingerprint_key) {
        if (!request.frozen && written)
            set_lock_text(project, std::move(*written));
        fingerprint_key = fingerprint_inputs(project, layout, request, allow);
    }
    // A run that left something out because of an error is not a state to skip next time.
    if (!fetch_failures)
        write_text_atomically(fingerprint_path(project.dir),
                              fingerprint_record(*fingerprint_key, plan.packages.size(), lock,
                                                 excluded, linked_keys));
    phase_done("fingerprint");
    leave_to_exit(std::move(project), std::move(lock), std::move(plan), std::move(trees));
    metadata_closed();
    return finish();
}

} // namespace

NpmProjectSummary install_npm_project(const NpmProjectContext& context,
                                      const NpmProjectRequest& request) {
    return run(context, request, Goal::install);
}

NpmProjectSummary lock_npm_project(const NpmProjectContext& context,
                                   const NpmProjectRequest& request) {
    return run(context, request, Goal::lock_only);
}

NpmProjectSummary fetch_npm_project(const NpmProjectContext& context,
                                    const NpmProjectRequest& request) {
    return run(context, request, Goal::fetch_only);
}

} // namespace cairn::ops
