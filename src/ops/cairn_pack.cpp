#include "cairn_context.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/cairn/manifest.hpp"
#include "cairn/format/cairn/pack.hpp"
#include "cairn/ops/cairn_install.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <deque>
#include <set>

namespace cairn::ops {
namespace fs = std::filesystem;
namespace pci = protocol::cairn_index;

CairnPackResult pack_cairn_project(const CairnPackOptions& options) {
    auto manifest = format::cairn::read_manifest(options.project);
    fs::path out_dir = options.output_dir.empty() ? options.project : options.output_dir;
    if (!options.portable) {
        auto packed = format::cairn::pack_directory(
            options.project, manifest, out_dir / format::cairn::archive_file_name(manifest));
        return {packed.archive, packed.digest, packed.size, packed.files.size(), 0, 0};
    }
    detail::ScratchDir scratch("cairn-portable-pack");
    auto root = scratch.path;
    auto release =
        format::cairn::pack_directory(options.project, manifest, root / "release.tar.zst");
    detail::CairnContext ctx(options.sources);
    detail::CairnProvider provider(ctx);

    // Every release that could satisfy a requirement reachable from the manifest.
    std::deque<std::pair<std::string, const version::CaretRange*>> queue;
    for (const auto& d : manifest.dependencies)
        queue.emplace_back(d.package.text(), &d.range);
    std::set<std::pair<std::string, std::string>> visited;
    std::map<std::string, std::string> scopes; // scope -> "<owner>/<scope>"
    std::set<std::string> files;
    std::set<std::pair<index::VerifiedRegistry*, std::string>> documents;
    std::size_t blobs = 0;
    while (!queue.empty()) {
        auto [name, range] = queue.front();
        queue.pop_front();
        auto found = provider.lookup(name);
        if (!found)
            throw Error(Code::not_found, fmt::format("no registry has {}", name))
                .while_("collecting the index snapshot of " + manifest.name.text());
        auto package = index::PackageName::parse(name);
        const auto* pi = found->registry->package_index(package.scope());
        scopes.emplace(package.scope(), pi->header.owner.text() + "/" + package.scope());
        documents.insert(
            {found->registry, pci::package_index_path(pi->header.owner, package.scope())});
        documents.insert(
            {found->registry, pci::version_index_path(found->ref.owner, found->ref.name)});
        for (const auto& r : found->index->releases) {
            if (r.state == index::ReleaseState::yanked || !range->matches(r.version))
                continue;
            if (!visited.insert({name, r.version.to_string()}).second)
                continue;
            auto rel = pci::blob_path(r.digest);
            if (!files.contains(rel)) {
                auto stored = ctx.store.find_blob(r.digest);
                if (!stored) {
                    found->registry->reader().fetch_blob(ctx.store, r.digest, r.size);
                    stored = ctx.store.find_blob(r.digest);
                }
                fs::create_directories((root / "registry" / rel).parent_path());
                fs::copy_file(*stored, root / "registry" / rel,
                              fs::copy_options::overwrite_existing);
                files.insert(rel);
                ++blobs;
            }
            for (const auto& d : r.dependencies)
                queue.emplace_back(d.package.text(), &d.range);
        }
    }
    for (const auto& [registry, path] : documents)
        pci::write_file_atomic(root / "registry" / path, registry->documents().at(path));
    pci::RegistryDirectory directory;
    directory.packages = scopes;
    pci::write_file_atomic(root / "registry" / pci::k_registry_file, directory.to_json());

    nlohmann::json deps = nlohmann::json::object();
    for (const auto& d : manifest.dependencies)
        deps[d.package.text()] = d.requirement;
    nlohmann::json info = {{"format", "cairn-portable/1"},
                           {"package", manifest.name.text()},
                           {"version", manifest.version.to_string()},
                           {"digest", release.digest.text()},
                           {"size", release.size},
                           {"dependencies", deps}};
    pci::write_file_atomic(root / "portable.json", info.dump(2) + "\n");

    std::vector<std::string> all = {"portable.json", "release.tar.zst",
                                    "registry/" + std::string(pci::k_registry_file)};
    for (const auto& f : files)
        all.push_back("registry/" + f);
    for (const auto& [_, path] : documents)
        all.push_back("registry/" + path);
    auto name = fmt::format("{}-{}-{}.portable.tar.zst", manifest.name.scope(),
                            manifest.name.name(), manifest.version.to_string());
    auto packed = format::cairn::write_archive(root, all, out_dir / name);
    return {packed.archive,       packed.digest,    packed.size,
            release.files.size(), documents.size(), blobs};
}

} // namespace cairn::ops
