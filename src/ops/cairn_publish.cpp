#include "cairn/ops/cairn_publish.hpp"

#include "cairn/core/error.hpp"
#include "cairn/format/cairn/manifest.hpp"
#include "cairn/format/cairn/pack.hpp"
#include "cairn/index/verified_registry.hpp"
#include "cairn/protocol/cairn_index/registry.hpp"
#include "cairn/trust/signed_document.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

namespace cairn::ops {
namespace fs = std::filesystem;
namespace pci = protocol::cairn_index;
using index::PackageName;

namespace {

trust::Timestamp now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

index::VerifyOptions publisher_options() {
    index::VerifyOptions o;
    o.now = now();
    return o;
}

std::string sign(const std::string& payload, const Identity& identity) {
    trust::SignOptions options;
    options.key_path = identity.key_path;
    return trust::sign_document(payload, options);
}

// Writes a signed chain document as the head and into the chain's history.
void write_chain_document(const pci::RegistryFolder& folder, const std::string& head,
                          const std::string& history, const std::string& envelope) {
    folder.write(history, envelope);
    folder.write(head, envelope);
}

struct ScopeInfo {
    trust::Fingerprint owner;
    std::optional<std::string> payload; // the current head's payload
};

ScopeInfo scope_owner(const pci::RegistryFolder& folder, std::string_view scope) {
    auto directory = folder.directory();
    auto it = directory.packages.find(std::string(scope));
    if (it == directory.packages.end())
        throw Error(Code::not_found,
                    fmt::format("{} has no package index {}", folder.root().string(), scope))
            .hint(fmt::format("create it with `cairn index new {} --registry {}`", scope,
                              folder.root().string()));
    auto owner = trust::Fingerprint::parse(it->second.substr(0, 50));
    auto text = folder.read(pci::package_index_path(owner, scope));
    std::optional<std::string> payload;
    if (text)
        payload = index::verify_owned_envelope(*text, owner);
    return {owner, payload};
}

void require_owner(const trust::Fingerprint& owner, const Identity& identity,
                   std::string_view what) {
    if (owner != identity.public_key.fingerprint())
        throw Error(Code::usage,
                    fmt::format("{} is owned by {}, but your identity is {}", what, owner.text(),
                                identity.public_key.fingerprint().text()))
            .hint("publish with the owner's key (--key PATH or `cairn identity use PATH`), or "
                  "merge the index into one of your own with `cairn index merge`");
}

} // namespace

void init_registry(const fs::path& dir) {
    pci::RegistryFolder::create(dir);
}

IndexWritten create_package_index(const fs::path& registry, std::string_view scope,
                                  const Identity& identity) {
    if (!format::cairn::is_valid_name_part(scope))
        throw Error(Code::usage,
                    fmt::format("\"{}\" is not a valid index name (1 to 64 characters of a-z, "
                                "0-9, '.', '_' or '-')",
                                scope));
    auto folder = pci::RegistryFolder::open(registry);
    auto directory = folder.directory();
    if (auto it = directory.packages.find(std::string(scope)); it != directory.packages.end())
        throw Error(Code::usage,
                    fmt::format("{} already has a package index {} (owner {})",
                                folder.root().string(), scope, it->second.substr(0, 50)));
    const auto& owner = identity.public_key.fingerprint();
    index::PackageIndex pi{index::next_header(std::nullopt, owner, std::string(scope)), {}};
    auto envelope = sign(pi.to_payload(), identity);
    write_chain_document(folder, pci::package_index_path(owner, scope),
                         pci::package_index_history_path(owner, scope, 1), envelope);
    directory.packages[std::string(scope)] = owner.text() + "/" + std::string(scope);
    folder.write_directory(directory);
    return {std::string(scope), owner.text(), 1};
}

PublishResult publish_release(const PublishOptions& options) {
    auto manifest = format::cairn::read_manifest(options.project);
    const auto& name = manifest.name;
    if (name.scope() != options.scope)
        throw Error(Code::usage, fmt::format("{} belongs to the index {}, not {}", name.text(),
                                             name.scope(), options.scope))
            .hint(fmt::format("publish with --index {}, or rename the package in cairn.json5",
                              name.scope()));
    auto folder = pci::RegistryFolder::open(options.registry);
    auto scope = scope_owner(folder, options.scope);
    const auto& me = options.identity.public_key.fingerprint();
    require_owner(scope.owner, options.identity, "the package index " + options.scope);
    auto pi = index::PackageIndex::from_payload(*scope.payload);
    if (auto it = pi.entries.find(name.name()); it != pi.entries.end() && it->second.owner != me)
        throw Error(Code::usage, fmt::format("{} in index {} is the version index {}, owned by "
                                             "another key",
                                             name.name(), options.scope, it->second.text()));

    // Closure: every dependency resolves in this registry.
    std::vector<index::ReleaseDependency> deps;
    for (const auto& d : manifest.dependencies)
        deps.push_back({d.package, d.requirement, d.range});
    pci::RegistryReader reader(folder.root().string(), {});
    index::VerifiedRegistry verified(reader, publisher_options());
    auto requirer = fmt::format("{} {}", name.text(), manifest.version.to_string());
    auto missing = index::check_requirements(verified, requirer, deps);
    if (!missing.empty()) {
        Error e(Code::not_found,
                fmt::format("cannot publish {}: {} of its dependencies cannot be resolved in {}",
                            requirer, missing.size(), folder.root().string()));
        for (const auto& m : missing)
            e.caused_by(m.describe());
        e.hint("publish those packages to this registry first, or change the requirements");
        throw e;
    }

    // The version index so far.
    auto vi_head = pci::version_index_path(me, name.text());
    std::optional<std::string> previous;
    index::VersionIndex vi{index::next_header(std::nullopt, me, name.text()), {}};
    if (auto text = folder.read(vi_head)) {
        previous = index::verify_owned_envelope(*text, me);
        vi = index::VersionIndex::from_payload(*previous);
        if (const auto* existing = vi.find(manifest.version))
            throw Error(Code::usage, fmt::format("{} is already published (digest {})", requirer,
                                                 existing->digest.text()))
                .hint("releases are immutable: raise the version in cairn.json5");
        vi.header = index::next_header(previous, me, name.text());
    }

    auto temp = fs::temp_directory_path() / fmt::format("cairn-publish-{}", ::getpid());
    fs::create_directories(temp);
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(p, ec);
        }
    } cleanup{temp};
    auto packed = format::cairn::pack_directory(options.project, manifest,
                                                temp / format::cairn::archive_file_name(manifest));
    folder.put_blob(packed.archive, packed.digest);

    vi.releases.push_back(
        {manifest.version, packed.digest, packed.size, deps, index::ReleaseState::active});
    auto envelope = sign(vi.to_payload(), options.identity);
    write_chain_document(folder, vi_head,
                         pci::version_index_history_path(me, name.text(), vi.header.seq), envelope);

    bool new_entry = !pi.entries.contains(name.name());
    if (new_entry) {
        pi.entries.emplace(name.name(), index::IndexRef{me, name.text()});
        pi.header = index::next_header(scope.payload, me, options.scope);
        write_chain_document(folder, pci::package_index_path(me, options.scope),
                             pci::package_index_history_path(me, options.scope, pi.header.seq),
                             sign(pi.to_payload(), options.identity));
    }
    return {name,          manifest.version.to_string(), packed.digest, packed.size,
            vi.header.seq, packed.files.size(),          new_entry};
}

std::uint64_t set_release_state(const fs::path& registry, const PackageName& package,
                                std::string_view version_text, index::ReleaseState state,
                                const Identity& identity) {
    auto folder = pci::RegistryFolder::open(registry);
    auto scope = scope_owner(folder, package.scope());
    auto pi = index::PackageIndex::from_payload(*scope.payload);
    auto entry = pi.entries.find(package.name());
    if (entry == pi.entries.end())
        throw Error(Code::not_found,
                    fmt::format("the package index {} has no {}", package.scope(), package.name()));
    const auto& ref = entry->second;
    require_owner(ref.owner, identity, "the version index of " + package.text());
    auto head = pci::version_index_path(ref.owner, ref.name);
    auto text = folder.read(head);
    if (!text)
        throw Error(Code::not_found, fmt::format("{} has no {}", registry.string(), head));
    auto payload = index::verify_owned_envelope(*text, ref.owner);
    auto vi = index::VersionIndex::from_payload(payload);
    auto version = version::Version::parse_or_throw(version_text);
    auto it = std::find_if(vi.releases.begin(), vi.releases.end(),
                           [&](const auto& r) { return r.version == version; });
    if (it == vi.releases.end())
        throw Error(Code::not_found,
                    fmt::format("{} has no release {}", package.text(), version.to_string()));
    if (it->state == state)
        throw Error(Code::usage, fmt::format("{} {} is already {}", package.text(),
                                             version.to_string(), index::state_name(state)));
    it->state = state;
    vi.header = index::next_header(payload, ref.owner, ref.name);
    write_chain_document(folder, head,
                         pci::version_index_history_path(ref.owner, ref.name, vi.header.seq),
                         sign(vi.to_payload(), identity));
    return vi.header.seq;
}

std::vector<index::MissingRequirement> check_package_index(const fs::path& registry,
                                                           std::string_view scope) {
    auto folder = pci::RegistryFolder::open(registry);
    pci::RegistryReader reader(folder.root().string(), {});
    index::VerifiedRegistry verified(reader, publisher_options());
    return index::check_closure(verified, scope);
}

MergeSummary merge_indexes(const MergeRequest& request) {
    auto folder = pci::RegistryFolder::open(request.registry);
    auto split = [&](const std::string& spec) -> std::pair<std::string, std::string> {
        auto hash = spec.rfind('#');
        if (hash == std::string::npos)
            return {folder.root().string(), spec};
        return {spec.substr(0, hash), spec.substr(hash + 1)};
    };
    auto [loc_a, scope_a] = split(request.first);
    auto [loc_b, scope_b] = split(request.second);
    pci::RegistryReader reader_a(loc_a, {});
    pci::RegistryReader reader_b(loc_b, {});
    if (reader_a.kind() != pci::RegistryKind::folder ||
        reader_b.kind() != pci::RegistryKind::folder)
        throw Error(Code::unsupported, "index merge reads registry folders only")
            .hint("copy the remote registry first (any static copy works, e.g. rsync)");
    index::VerifiedRegistry a(reader_a, publisher_options());
    index::VerifiedRegistry b(reader_b, publisher_options());
    auto result = index::merge_package_indexes(a, scope_a, b, scope_b, request.preference);
    if (!result.conflicts.empty() && request.preference == index::MergePreference::none) {
        Error e(Code::integrity, fmt::format("cannot merge {} and {}: {} conflicts", request.first,
                                             request.second, result.conflicts.size()));
        for (const auto& c : result.conflicts)
            e.caused_by(c.describe());
        e.hint(
            fmt::format("choose with --prefer {} or --prefer {}", request.first, request.second));
        throw e;
    }
    // Copy version indexes (with history) and blobs the output registry lacks.
    auto copy_from = [&](index::VerifiedRegistry& source, std::string_view scope,
                         const pci::RegistryReader& reader) {
        const auto* pi = source.package_index(scope);
        for (const auto& [local, ref] : pi->entries) {
            auto chosen = result.entries.find(local);
            if (chosen == result.entries.end() || chosen->second != ref)
                continue;
            const auto& vi = source.version_index(ref, fmt::format("cairn:{}/{}", scope, local));
            if (reader.folder() == folder.root())
                continue;
            for (std::uint64_t seq = 1; seq <= vi.header.seq; ++seq) {
                auto path = pci::version_index_history_path(ref.owner, ref.name, seq);
                if (auto doc = reader.read(path))
                    folder.write(path, doc->text);
            }
            folder.write(pci::version_index_path(ref.owner, ref.name),
                         source.documents().at(pci::version_index_path(ref.owner, ref.name)));
            for (const auto& r : vi.releases)
                folder.put_blob(reader.folder() / pci::blob_path(r.digest), r.digest);
        }
    };
    copy_from(a, scope_a, reader_a);
    copy_from(b, scope_b, reader_b);

    const auto& me = request.identity.public_key.fingerprint();
    auto directory = folder.directory();
    std::optional<std::string> previous;
    if (auto it = directory.packages.find(request.output); it != directory.packages.end()) {
        auto scope = scope_owner(folder, request.output);
        require_owner(scope.owner, request.identity, "the package index " + request.output);
        previous = scope.payload;
    } else if (!format::cairn::is_valid_name_part(request.output)) {
        throw Error(Code::usage, fmt::format("\"{}\" is not a valid index name", request.output));
    }
    index::PackageIndex out{index::next_header(previous, me, request.output), result.entries};
    write_chain_document(folder, pci::package_index_path(me, request.output),
                         pci::package_index_history_path(me, request.output, out.header.seq),
                         sign(out.to_payload(), request.identity));
    directory.packages[request.output] = me.text() + "/" + request.output;
    folder.write_directory(directory);
    return {out.entries.size(), result.conflicts, out.header.seq};
}

} // namespace cairn::ops
