#include "cairn/ops/cairn_install.hpp"

#include "cairn_context.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/cairn/manifest.hpp"
#include "cairn/ops/cairn_lock.hpp"
#include "cairn/registry/registry_model.hpp"
#include "cairn/resolve/report.hpp"
#include "cairn/resolve/resolver.hpp"
#include "cairn/store/extract.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <set>

namespace cairn::ops {
namespace fs = std::filesystem;
namespace pci = protocol::cairn_index;
using index::PackageName;

std::vector<std::string> configured_cairn_registries(const config::LayeredConfig& config) {
    std::vector<std::string> out;
    auto model = registry::read_registry_model(config);
    if (const auto* format = model.find_format("cairn"))
        for (const auto& authority : format->authorities)
            for (const auto& r : authority.registries)
                if (r.protocol == registry::Protocol::cairn_index)
                    out.push_back(r.url);
    return out;
}

std::string describe_install(const CairnInstallSummary& s) {
    return fmt::format("added {} package{} from {} registr{} in {:.1f}s, {} downloaded, {} "
                       "linked{}{}",
                       s.packages.size(), s.packages.size() == 1 ? "" : "s", s.registries,
                       s.registries == 1 ? "y" : "ies",
                       static_cast<double>(s.elapsed.count()) / 1000.0, s.downloaded, s.linked,
                       s.removed ? fmt::format(", {} removed", s.removed) : std::string(),
                       s.offline ? " (offline)" : "");
}

namespace {

struct PortableInfo {
    PackageName package;
    version::Version version;
    Digest digest;
    std::uint64_t size;
    std::vector<format::cairn::ManifestDependency> dependencies;
    fs::path release;
};

PortableInfo read_portable(const fs::path& root) {
    auto file = root / "portable.json";
    auto text = pci::read_file_if_exists(file);
    auto fail = [&](std::string_view why) {
        return Error(Code::integrity, fmt::format("not a cairn portable package: {}", why));
    };
    if (!text)
        throw fail("it has no portable.json");
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || j.value("format", "") != "cairn-portable/1")
        throw fail("portable.json is not format cairn-portable/1");
    try {
        PortableInfo info{PackageName::parse(j.at("package").get<std::string>()),
                          version::Version::parse_or_throw(j.at("version").get<std::string>()),
                          Digest::parse(j.at("digest").get<std::string>()),
                          j.at("size").get<std::uint64_t>(),
                          {},
                          root / "release.tar.zst"};
        for (const auto& [name, range] : j.at("dependencies").items()) {
            auto text_range = range.get<std::string>();
            info.dependencies.push_back({PackageName::parse(name),
                                         version::CaretRange::parse_or_throw(text_range),
                                         text_range});
        }
        return info;
    } catch (const nlohmann::json::exception& e) {
        throw fail(e.what());
    }
}

void materialise(const fs::path& tree, const fs::path& dest) {
    std::error_code ec;
    fs::remove_all(dest, ec);
    fs::create_directories(dest.parent_path());
    fs::copy(tree, dest, fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
    if (ec) {
        fs::remove_all(dest, ec);
        fs::copy(tree, dest, fs::copy_options::recursive, ec);
        if (ec)
            throw Error(Code::io, "cannot write " + dest.string()).caused_by(ec.message());
    }
}

} // namespace

CairnInstallSummary install_cairn_project(const CairnInstallOptions& options) {
    auto started = std::chrono::steady_clock::now();
    const fs::path& project = options.project;
    CairnInstallOptions effective = options;
    std::optional<PortableInfo> portable;
    std::optional<detail::ScratchDir> scratch;
    if (options.portable) {
        scratch.emplace("cairn-portable");
        store::ExtractOptions extract;
        store::extract_archive(*options.portable, scratch->path / "p", extract);
        portable = read_portable(scratch->path / "p");
        effective.registries = {(scratch->path / "p" / "registry").string()};
    }
    detail::CairnContext ctx(effective);
    auto lock = read_cairn_lock(project);
    for (const auto& [id, owner] : lock.trust)
        ctx.recorded.insert_or_assign(id, trust::Fingerprint::parse(owner));

    resolve::Problem problem{"", version::Version::from_parts(0, 0, 0), {}, {}, {}};
    if (portable) {
        problem.root = portable->package.text();
        problem.root_version = portable->version;
        for (const auto& d : portable->dependencies)
            problem.dependencies.push_back({d.package.text(), d.range.to_version_set()});
    } else {
        auto manifest = format::cairn::read_manifest(project);
        problem.root = manifest.name.text();
        problem.root_version = manifest.version;
        for (const auto& d : manifest.dependencies)
            problem.dependencies.push_back({d.package.text(), d.range.to_version_set()});
        for (const auto& d : manifest.overrides)
            problem.overrides.emplace(d.package.text(), d.range.to_version_set());
    }
    for (const auto& [name, locked] : lock.packages)
        if (auto v = version::Version::parse(locked.version))
            problem.locked.emplace(name, *v);

    detail::CairnProvider provider(ctx);
    auto resolution = resolve::resolve(problem, provider);
    if (!resolution.solved()) {
        Error e(Code::no_solution,
                fmt::format("cannot resolve the dependencies of {}", problem.root));
        auto text = resolve::explain(resolution.failure().derivation);
        std::size_t start = 0;
        while (start < text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string::npos)
                end = text.size();
            if (end > start)
                e.caused_by(text.substr(start, end - start));
            start = end + 1;
        }
        throw e;
    }

    CairnInstallSummary summary;
    summary.offline = ctx.offline;
    summary.registries = ctx.registries.size();
    for (const auto& w : resolution.solution().warnings)
        summary.warnings.push_back(fmt::format("{} {} is {} but kept because cairn.lock pins it",
                                               w.package, w.version.to_string(),
                                               resolve::availability_name(w.availability)));
    auto modules = project / "cairn_modules";
    auto state_path = modules / ".cairn-state.json";
    nlohmann::json old_state = nlohmann::json::object();
    if (auto text = pci::read_file_if_exists(state_path)) {
        auto parsed = nlohmann::json::parse(*text, nullptr, false);
        if (parsed.is_object())
            old_state = parsed;
    }
    nlohmann::json new_state = nlohmann::json::object();
    nlohmann::json paths = nlohmann::json::object();
    CairnLock new_lock;
    new_lock.trust = lock.trust;

    auto place = [&](const std::string& name, const Digest& digest, CairnInstalledPackage& pkg) {
        auto rel = "cairn_modules/" + name;
        auto dest = project / rel;
        std::error_code ec;
        if (old_state.value(name, "") != digest.text() || !fs::is_directory(dest, ec)) {
            auto tree = ctx.store.unpack(digest, {store::StripComponents::none, {}});
            materialise(tree.path, dest);
            pkg.linked = true;
            ++summary.linked;
        }
        new_state[name] = digest.text();
        paths[name] = rel;
    };

    for (const auto& selected : resolution.solution().releases) {
        auto found = provider.find(selected.package);
        const index::Release* release = found.index->find(selected.version);
        CairnInstalledPackage pkg{selected.package,
                                  selected.version.to_string(),
                                  release->digest,
                                  std::string(index::state_name(release->state)),
                                  false,
                                  false};
        if (release->state == index::ReleaseState::deprecated)
            summary.warnings.push_back(
                fmt::format("{} {} is deprecated", selected.package, selected.version.to_string()));
        if (!ctx.store.find_blob(release->digest)) {
            try {
                found.registry->reader().fetch_blob(ctx.store, release->digest, release->size);
            } catch (Error& e) {
                e.while_(fmt::format("fetching {} {} ({}) from {}", selected.package,
                                     selected.version.to_string(), release->digest.text(),
                                     found.registry->reader().location()));
                throw;
            }
            pkg.downloaded = true;
            ++summary.downloaded;
        }
        place(selected.package, release->digest, pkg);
        CairnLockedPackage locked{
            selected.version.to_string(),        release->digest.text(), release->size,
            found.registry->reader().location(), found.ref.text(),       {}};
        for (const auto& d : release->dependencies)
            locked.dependencies.push_back(d.package.text());
        new_lock.packages.emplace(selected.package, std::move(locked));
        summary.packages.push_back(std::move(pkg));
    }
    if (portable) {
        // The portable package's own release, verified against portable.json.
        ctx.store.add_blob_file(portable->digest, portable->release);
        CairnInstalledPackage pkg{portable->package.text(),
                                  portable->version.to_string(),
                                  portable->digest,
                                  "active",
                                  false,
                                  false};
        place(portable->package.text(), portable->digest, pkg);
        summary.packages.push_back(std::move(pkg));
    }
    for (const auto& [name, _] : old_state.items()) {
        if (new_state.contains(name))
            continue;
        std::error_code ec;
        fs::remove_all(modules / name, ec);
        ++summary.removed;
    }
    summary.warnings.insert(summary.warnings.end(), ctx.warnings().begin(), ctx.warnings().end());
    for (const auto& [id, owner] : ctx.recorded)
        new_lock.trust[id] = owner.text();
    fs::create_directories(modules);
    pci::write_file_atomic(modules / ".paths.json", paths.dump(2) + "\n");
    pci::write_file_atomic(state_path, new_state.dump(2) + "\n");
    write_cairn_lock(project, new_lock);
    std::sort(summary.packages.begin(), summary.packages.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    summary.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return summary;
}

CairnInstallSummary add_cairn_dependency(const CairnInstallOptions& options,
                                         std::string_view spec) {
    std::string_view rest = spec;
    if (rest.starts_with("cairn:"))
        rest.remove_prefix(6);
    auto at = rest.find('@');
    auto package = PackageName::parse(rest.substr(0, at));
    std::string requirement;
    if (at != std::string_view::npos) {
        requirement = std::string(rest.substr(at + 1));
        if (requirement.empty() || !version::CaretRange::parse(requirement))
            throw Error(Code::usage,
                        fmt::format("\"{}\" has no valid range after '@' (expected e.g. "
                                    "cairn:acme/libfoo@^1.2)",
                                    spec));
    } else {
        detail::CairnContext ctx(options);
        detail::CairnProvider provider(ctx);
        auto candidates = provider.versions(package.text());
        std::optional<version::Version> best;
        for (const auto& c : candidates)
            if (c.availability == resolve::Availability::available &&
                c.version.prerelease().empty() && (!best || *best < c.version))
                best = c.version;
        if (!best)
            throw Error(Code::not_found,
                        fmt::format("no registry has a release of {}", package.text()));
        requirement = "^" + best->to_string();
    }
    auto file = options.project / format::cairn::k_manifest_file;
    auto text = pci::read_file_if_exists(file);
    if (!text)
        throw Error(Code::io, "cannot read " + file.string())
            .hint("create one with `cairn init --format cairn`");
    auto updated =
        format::cairn::set_manifest_dependency(*text, file.string(), package, requirement);
    pci::write_file_atomic(file, updated);
    try {
        return install_cairn_project(options);
    } catch (...) {
        pci::write_file_atomic(file, *text); // the manifest as it was: nothing was added
        throw;
    }
}

} // namespace cairn::ops
