// Reading an npm project, and the providers the resolver reads from (npm_project.hpp).
#include "npm_project.hpp"

#include "program_path.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/quick_hash.hpp"
#include "cairn/format/npm/dependency_spec.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace cairn::ops::detail {

namespace fs = std::filesystem;
using format::npm::DependencyType;
using format::npm::SpecKind;
using resolve::npm::Edge;
using resolve::npm::EdgeType;
using resolve::npm::NpmCandidate;
using resolve::npm::NpmRelease;

namespace {

// The whole file in one buffer sized from fstat (a lockfile is megabytes: a growing
// stream buffer would copy it several times over); nullopt when it does not exist.
std::optional<std::string> read_file(const fs::path& path) {
    auto fail = [&](int err) {
        Error error(Code::io, fmt::format("cannot read {}", path.string()));
        error.caused_by(std::error_code(err, std::generic_category()).message());
        return error;
    };
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return std::nullopt;
        throw fail(errno);
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    std::string text;
    // One byte more than its size, so that the end shows as a read of 0 without growing.
    text.resize(::fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1
                                                        : 4096);
    std::size_t done = 0;
    for (;;) {
        if (done == text.size())
            text.resize(text.size() * 2); // it grew meanwhile
        ssize_t n = ::read(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw fail(errno);
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    text.resize(done);
    return text;
}

// The range or tag part of a registry spec: "npm:react@^18" -> "^18", "" -> "*".
std::string spec_text(const format::npm::DependencySpec& spec) {
    std::string text = spec.raw;
    if (spec.kind == SpecKind::alias) {
        std::string target = text.substr(4);
        auto at = target.find('@', 1);
        text = at == std::string::npos ? "latest" : target.substr(at + 1);
    }
    if (text.find_first_not_of(" \t") == std::string::npos)
        return "*";
    return text;
}

Edge make_edge(std::string_view name, std::string_view spec, EdgeType type) {
    auto parsed = format::npm::parse_dependency_spec(name, spec);
    Edge edge;
    edge.name = std::string(name);
    edge.package = parsed.package;
    edge.spec = spec_text(parsed);
    edge.type = type;
    return edge;
}

} // namespace

NpmProject read_npm_texts(const fs::path& dir) {
    NpmProject project;
    project.dir = dir;
    fs::path manifest_path = dir / "package.json";
    auto text = read_file(manifest_path);
    if (!text) {
        Error error(Code::manifest_invalid,
                    fmt::format("no package.json in {}", dir.empty() ? "." : dir.string()));
        error.hint("run cairn in the folder of an npm project (or pass -C DIR), or create a "
                   "package.json with `npm init -y`");
        throw error;
    }
    project.manifest_text = std::move(*text);
    if (auto lock_text = read_file(dir / lock::k_lockfile_name))
        set_lock_text(project, std::move(*lock_text));
    else
        project.lock_key = content_key("");
    return project;
}

void parse_npm_project(NpmProject& project, lock::IndexReading index) {
    project.manifest = format::npm::read_manifest(project.manifest_text, "package.json");
    format::npm::check_root_supported(project.manifest);
    if (!project.lock_text)
        return;
    if (index == lock::IndexReading::skip && lock::drop_index_text(*project.lock_text))
        project.lock_text_whole = false;
    try {
        project.lock = lock::read_lockfile(*project.lock_text, lock::k_lockfile_name, index);
    } catch (const Error&) {
        if (project.lock_text_whole)
            throw;
        // Where the error is, by line and column of the file as it is.
        project.lock = lock::read_lockfile(whole_lock_text(project), lock::k_lockfile_name, index);
    }
}

// XXH3's 64-bit hash and the length. Change detection (the no-op fingerprint's), not a
// security boundary: whoever can change package.json or cairn.lock can change
// node_modules. It keeps the no-op check from starting OpenSSL (a millisecond) and hashing
// a large lockfile with SHA-256 (3 ms for 4 MB); the standard library's string hash took
// 0.48 ms of that lockfile (XXH3 0.19), on the main thread of every install of it.
std::string content_key(std::string_view text) {
    return fmt::format("{:016x}.{}", quick_hash64(text), text.size());
}

void set_lock_text(NpmProject& project, std::string text) {
    project.lock_key = content_key(text);
    project.lock_text = std::move(text);
    project.lock_text_whole = true;
}

const std::string& whole_lock_text(NpmProject& project) {
    if (project.lock_text && project.lock_text_whole)
        return *project.lock_text;
    fs::path path = project.dir / lock::k_lockfile_name;
    auto text = read_file(path);
    if (!text || content_key(*text) != project.lock_key) {
        Error error(Code::io, fmt::format("{} changed while cairn was reading it", path.string()));
        error.hint("run the command again once nothing else is changing the lockfile");
        throw error;
    }
    set_lock_text(project, std::move(*text));
    return *project.lock_text;
}

NpmProject read_npm_project(const fs::path& dir) {
    NpmProject project = read_npm_texts(dir);
    parse_npm_project(project);
    return project;
}

lock::LockedRoot locked_root(const format::npm::Manifest& manifest) {
    lock::LockedRoot root;
    for (const auto& dep : manifest.dependencies) {
        switch (dep.type) {
        case DependencyType::prod:
            root.dependencies[dep.name] = dep.spec.raw;
            break;
        case DependencyType::dev:
            root.dev_dependencies[dep.name] = dep.spec.raw;
            break;
        case DependencyType::optional:
            root.optional_dependencies[dep.name] = dep.spec.raw;
            break;
        case DependencyType::peer:
            root.peer_dependencies[dep.name] = dep.spec.raw;
            break;
        }
    }
    if (manifest.overrides.is_object() && !manifest.overrides.empty())
        root.overrides = nlohmann::json::parse(manifest.overrides.dump());
    return root;
}

std::vector<const format::npm::ManifestDependency*>
root_dependencies(const format::npm::Manifest& manifest) {
    auto rank = [](DependencyType type) {
        switch (type) {
        case DependencyType::peer:
            return 0;
        case DependencyType::prod:
            return 1;
        case DependencyType::optional:
            return 2;
        case DependencyType::dev:
            return 3;
        }
        return 1;
    };
    std::map<std::string_view, const format::npm::ManifestDependency*> winner;
    for (const auto& dep : manifest.dependencies) {
        auto [it, fresh] = winner.try_emplace(dep.name, &dep);
        if (!fresh && rank(dep.type) >= rank(it->second->type))
            it->second = &dep;
    }
    std::vector<const format::npm::ManifestDependency*> out;
    for (const auto& dep : manifest.dependencies)
        if (winner.at(dep.name) == &dep)
            out.push_back(&dep);
    return out;
}

std::vector<Edge> root_edges(const format::npm::Manifest& manifest) {
    std::vector<Edge> edges;
    for (const auto* dep_pointer : root_dependencies(manifest)) {
        const auto& dep = *dep_pointer;
        if (dep.spec.kind == SpecKind::file || dep.spec.kind == SpecKind::link)
            continue;
        // A peer also listed elsewhere installs as that (root_dependencies kept the other);
        // an optional peer nobody else needs is not installed (npm's rule for the root).
        if (dep.type == DependencyType::peer && dep.peer_optional)
            continue;
        EdgeType type = EdgeType::prod;
        if (dep.type == DependencyType::dev)
            type = EdgeType::dev;
        else if (dep.type == DependencyType::optional)
            type = EdgeType::optional;
        else if (dep.type == DependencyType::peer)
            type = EdgeType::peer;
        Edge edge;
        edge.name = dep.name;
        edge.package = dep.spec.package;
        edge.spec = spec_text(dep.spec);
        edge.type = type;
        edge.peer_optional = dep.peer_optional;
        edges.push_back(std::move(edge));
    }
    return edges;
}

resolve::npm::Platform current_platform() {
    resolve::npm::Platform platform;
    struct utsname u {};
    std::string machine = uname(&u) == 0 ? u.machine : "";
    std::string sys = uname(&u) == 0 ? u.sysname : "";
    platform.os = sys == "Darwin" ? "darwin" : sys == "Linux" ? "linux" : "linux";
    if (machine == "x86_64" || machine == "amd64")
        platform.cpu = "x64";
    else if (machine == "aarch64" || machine == "arm64")
        platform.cpu = "arm64";
    else if (machine.size() == 4 && machine[0] == 'i' && machine.substr(2) == "86")
        platform.cpu = "ia32";
    else
        platform.cpu = machine;
#if defined(__GLIBC__)
    platform.libc = "glibc";
#elif defined(__linux__)
    platform.libc = "musl";
#endif
    return platform;
}

namespace {

std::optional<std::string> ask_node(const fs::path& node) {
    if (node.string().find('\'') != std::string::npos)
        return std::nullopt; // not quotable for the shell below; engines go unchecked
    std::string command = "'" + node.string() + "' --version 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return std::nullopt;
    char buffer[64] = {};
    std::string out;
    while (std::fgets(buffer, sizeof buffer, pipe))
        out += buffer;
    if (::pclose(pipe) != 0)
        return std::nullopt;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return out;
}

} // namespace

std::optional<version::Version> node_version(const config::EnvLookup& env,
                                             const fs::path& store_root) {
    if (auto forced = env("CAIRN_NODE_VERSION"))
        return version::Version::parse(*forced, version::ParseMode::loose);
    auto node = find_on_path(env, "node");
    struct stat st {};
    if (!node || ::stat(node->c_str(), &st) != 0)
        return std::nullopt;
    // The binary as it is now: a reinstalled or upgraded node is asked again.
    std::string key = fmt::format("{}\t{}\t{}.{}\t{}", node->string(), st.st_size,
                                  st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ino);
    fs::path memo = store_root / "node-version";
    if (auto text = read_file(memo)) {
        auto tab = text->rfind('\t');
        if (tab != std::string::npos && text->compare(0, tab, key) == 0) {
            std::string answer = text->substr(tab + 1);
            while (!answer.empty() && answer.back() == '\n')
                answer.pop_back();
            return version::Version::parse(answer, version::ParseMode::loose);
        }
    }
    auto answer = ask_node(*node);
    if (!answer)
        return std::nullopt;
    auto parsed = version::Version::parse(*answer, version::ParseMode::loose);
    if (parsed && answer->find('\n') == std::string::npos) {
        // Remembered atomically; a store that cannot be written only costs the next run.
        std::error_code ec;
        fs::create_directories(store_root, ec);
        fs::path temp = memo;
        temp += fmt::format(".tmp-{}", ::getpid());
        {
            std::ofstream out(temp, std::ios::binary | std::ios::trunc);
            out << key << '\t' << *answer << '\n';
        }
        fs::rename(temp, memo, ec);
        if (ec)
            fs::remove(temp, ec);
    }
    return parsed;
}

NpmRelease tree_release(const version::Version& version, const protocol::npm::PackumentRelease& r) {
    NpmRelease out{{version, r.deprecated.has_value(), r.engines_node}, {}, r.os, r.cpu, r.libc};
    std::set<std::string> optional;
    for (const auto& [name, spec] : r.optional_dependencies)
        optional.insert(name);
    auto add = [&](const std::string& name, const std::string& spec, EdgeType type) {
        try {
            out.dependencies.push_back(make_edge(name, spec, type));
        } catch (const Error&) {
            // A dependency spec npm-package-arg would not read: an optional one is left
            // out, a required one fails when resolution reaches it.
            if (type != EdgeType::optional) {
                Edge edge;
                edge.name = name;
                edge.package = name;
                edge.spec = spec;
                edge.type = type;
                out.dependencies.push_back(std::move(edge));
            }
        }
    };
    // npm lists optional dependencies under dependencies too; optional wins.
    for (const auto& [name, spec] : r.dependencies)
        if (!optional.contains(name))
            add(name, spec, EdgeType::prod);
    for (const auto& [name, spec] : r.optional_dependencies)
        add(name, spec, EdgeType::optional);
    for (const auto& [name, spec] : r.peer_dependencies) {
        std::size_t before = out.dependencies.size();
        add(name, spec, EdgeType::peer);
        if (out.dependencies.size() > before)
            for (const auto& peer : r.optional_peers)
                out.dependencies.back().peer_optional |= peer == name;
    }
    return out;
}

// ---- PortableIndexProvider ---------------------------------------------------------------

PortableIndexProvider::PortableIndexProvider(const lock::Lockfile& lock,
                                             resolve::npm::NpmTreeProvider* fallback,
                                             std::set<std::string> bypass)
    : m_lock(lock), m_fallback(fallback), m_bypass(std::move(bypass)) {}

bool PortableIndexProvider::serves(std::string_view package) const {
    return !m_bypass.contains(std::string(package)) &&
           m_lock.index.find(std::string(package)) != m_lock.index.end();
}

void PortableIndexProvider::prefetch(std::span<const std::string> packages) {
    if (!m_fallback)
        return;
    std::vector<std::string> rest;
    for (const auto& p : packages)
        if (!serves(p))
            rest.push_back(p);
    if (!rest.empty())
        m_fallback->prefetch(rest);
}

std::optional<std::size_t> position_of(const std::vector<NpmCandidate>& list,
                                       const NpmCandidate& candidate) {
    std::less<const NpmCandidate*> before;
    if (!list.empty() && !before(&candidate, &list.front()) && !before(&list.back(), &candidate))
        return static_cast<std::size_t>(&candidate - list.data());
    for (std::size_t i = 0; i < list.size(); ++i)
        if (list[i].version.identical(candidate.version))
            return i;
    return std::nullopt;
}

const std::vector<NpmCandidate>* PortableIndexProvider::releases(std::string_view package) {
    if (!serves(package))
        return m_fallback ? m_fallback->releases(package) : nullptr;
    auto it = m_listed.find(package);
    if (it == m_listed.end()) {
        Listed listed;
        for (const auto& r : m_lock.index.at(std::string(package)).releases)
            if (auto v = version::Version::parse(r.version)) {
                listed.releases.push_back(tree_release(*v, r));
                listed.candidates.push_back(listed.releases.back());
            }
        it = m_listed.emplace(std::string(package), std::move(listed)).first;
    }
    return &it->second.candidates;
}

const std::vector<NpmCandidate>* PortableIndexProvider::candidates(std::string_view package,
                                                                   bool prereleases) {
    if (!serves(package))
        return m_fallback ? m_fallback->candidates(package, prereleases) : nullptr;
    return releases(package);
}

const NpmRelease& PortableIndexProvider::details(std::string_view package,
                                                 const NpmCandidate& candidate) {
    if (!serves(package) && m_fallback)
        return m_fallback->details(package, candidate);
    const auto* candidates = releases(package);
    auto i = candidates ? position_of(*candidates, candidate) : std::nullopt;
    if (!i)
        throw Error(Code::internal, fmt::format("{}@{} is not in the portable index", package,
                                                candidate.version.to_string()));
    return m_listed.find(package)->second.releases[*i];
}

std::optional<version::Version> PortableIndexProvider::dist_tag(std::string_view package,
                                                                std::string_view tag) {
    if (!serves(package))
        return m_fallback ? m_fallback->dist_tag(package, tag) : std::nullopt;
    const auto& tags = m_lock.index.at(std::string(package)).dist_tags;
    if (auto it = tags.find(std::string(tag)); it != tags.end())
        return version::Version::parse(it->second);
    return std::nullopt;
}

const protocol::npm::PackumentRelease*
PortableIndexProvider::indexed(std::string_view package, const version::Version& version) const {
    auto it = m_lock.index.find(std::string(package));
    if (it == m_lock.index.end())
        return nullptr;
    return it->second.find(version.to_string());
}

// ---- OverridingProvider ------------------------------------------------------------------

OverridingProvider::OverridingProvider(const format::npm::Manifest& root,
                                       resolve::npm::NpmTreeProvider& inner)
    : m_inner(inner) {
    // "$name" refers to the root's own spec for that name.
    auto resolve_ref = [&](const std::string& value, const std::string& key) {
        if (value.empty() || value[0] != '$')
            return value;
        std::string ref = value.substr(1);
        for (const auto& dep : root.dependencies)
            if (dep.name == ref && dep.type != DependencyType::peer)
                return dep.spec.raw;
        Error error(Code::manifest_invalid,
                    fmt::format("package.json: overrides.{} refers to {}, which is not a direct "
                                "dependency",
                                key, value));
        throw error;
    };
    if (!root.overrides.is_object())
        return;
    for (const auto& [key, value] : root.overrides.items()) {
        if (value.is_string()) {
            m_global[key] = resolve_ref(value.get<std::string>(), key);
            continue;
        }
        if (!value.is_object()) {
            Error error(
                Code::manifest_invalid,
                fmt::format("package.json: overrides.{} must be a string or an object", key));
            throw error;
        }
        Scoped scoped;
        auto at = key.find('@', 1);
        scoped.parent = key.substr(0, at);
        if (at != std::string::npos)
            scoped.parent_range = version::NpmRange::parse_or_throw(key.substr(at + 1));
        for (const auto& [child, spec] : value.items()) {
            if (!spec.is_string()) {
                Error error(Code::unsupported,
                            fmt::format("package.json: overrides.{}.{}: nested override objects "
                                        "deeper than one level are not supported yet",
                                        key, child));
                throw error;
            }
            if (child == ".")
                m_global[scoped.parent] = resolve_ref(spec.get<std::string>(), key);
            else
                scoped.specs[child] = resolve_ref(spec.get<std::string>(), key + "." + child);
        }
        if (!scoped.specs.empty())
            m_scoped.push_back(std::move(scoped));
    }
}

void OverridingProvider::prefetch(std::span<const std::string> packages) {
    m_inner.prefetch(packages);
}

void OverridingProvider::apply(std::string_view package, NpmRelease& release) const {
    for (auto& edge : release.dependencies) {
        std::optional<std::string> spec;
        if (auto it = m_global.find(edge.name); it != m_global.end())
            spec = it->second;
        for (const auto& scoped : m_scoped) {
            if (scoped.parent != package)
                continue;
            if (scoped.parent_range && !scoped.parent_range->satisfies(release.version))
                continue;
            if (auto it = scoped.specs.find(edge.name); it != scoped.specs.end())
                spec = it->second;
        }
        if (spec) {
            Edge replaced = make_edge(edge.name, *spec, edge.type);
            edge.package = replaced.package;
            edge.spec = replaced.spec;
        }
    }
}

const std::vector<NpmCandidate>* OverridingProvider::releases(std::string_view package) {
    return m_inner.releases(package);
}

const NpmRelease& OverridingProvider::details(std::string_view package,
                                              const NpmCandidate& candidate) {
    const NpmRelease& inner = m_inner.details(package, candidate);
    if (empty())
        return inner;
    auto it = m_details.find(&inner);
    if (it == m_details.end()) {
        it = m_details.emplace(&inner, inner).first;
        apply(package, it->second);
    }
    return it->second;
}

std::optional<version::Version> OverridingProvider::dist_tag(std::string_view package,
                                                             std::string_view tag) {
    return m_inner.dist_tag(package, tag);
}

std::vector<Edge> OverridingProvider::apply_to_root(std::vector<Edge> edges) const {
    for (auto& edge : edges) {
        auto it = m_global.find(edge.name);
        if (it == m_global.end())
            continue;
        // npm refuses an override that conflicts with a direct dependency's own spec unless
        // it is the same spec or a $reference; cairn applies the override and keeps going.
        Edge replaced = make_edge(edge.name, it->second, edge.type);
        edge.package = replaced.package;
        edge.spec = replaced.spec;
    }
    return edges;
}

} // namespace cairn::ops::detail
