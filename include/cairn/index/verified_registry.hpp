#pragma once

#include "cairn/index/documents.hpp"
#include "cairn/protocol/cairn_index/registry.hpp"
#include "cairn/store/metadata_cache.hpp"
#include "cairn/trust/chain.hpp"
#include "cairn/trust/trust_policy.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Reading a cairn-index registry with every check of docs/cairn-index.md applied to each
// document before anything in it is used: the envelope's signatures, that the owner signed
// it, that it is the document the reference names (owner, name, kind), the trust policy
// (pins, or the owner recorded on first use), and the chain against the last document seen
// (rollback, equivocation, gaps through the registry's history, expiry, releases never
// rewritten).
namespace cairn::index {

// The trust id of a package index (its scope): "cairn:acme/*", so that a `trust` pin
// "cairn:acme/*" covers the index as well as its packages.
std::string scope_trust_id(std::string_view scope);

struct VerifyOptions {
    const trust::TrustPolicy* policy = nullptr; // pins; null: none
    // Owners recorded on first use (package id or scope trust id -> owner id); read from
    // and added to by the registry (the caller keeps them in cairn.lock). Null: no records.
    std::map<std::string, trust::Fingerprint>* recorded = nullptr;
    // The last seen document of each chain; null: nothing remembered between runs.
    store::MetadataCache* chain_cache = nullptr;
    trust::Connectivity connectivity = trust::Connectivity::online;
    trust::Timestamp now{};
};

class VerifiedRegistry {
public:
    VerifiedRegistry(const protocol::cairn_index::RegistryReader& reader, VerifyOptions options);

    const protocol::cairn_index::RegistryReader& reader() const { return m_reader; }

    // The package index serving `scope`; nullptr when the registry has none. Throws
    // Error(Code::integrity) when a check fails (the context names the document).
    const PackageIndex* package_index(std::string_view scope);
    // The version index of `package` through its scope's package index; nullptr when the
    // scope or the entry does not exist.
    const VersionIndex* version_index(const PackageName& package);
    // The version index a reference names, trusted for `package_id`. Throws
    // Error(Code::not_found) when the registry lacks it.
    const VersionIndex& version_index(const IndexRef& ref, std::string_view package_id);

    // Offline use of expired documents and similar.
    const std::vector<std::string>& warnings() const { return m_warnings; }
    // Every verified document read so far: registry path -> envelope text (for snapshots).
    const std::map<std::string, std::string>& documents() const { return m_documents; }

private:
    std::string verify(std::string_view path, std::string_view kind_path_prefix,
                       const trust::Fingerprint& owner, std::string_view name,
                       std::string_view trust_id, bool version_kind);

    const protocol::cairn_index::RegistryReader& m_reader;
    VerifyOptions m_options;
    std::optional<protocol::cairn_index::RegistryDirectory> m_directory;
    std::map<std::string, std::unique_ptr<PackageIndex>, std::less<>> m_package_indexes;
    std::map<std::string, std::unique_ptr<VersionIndex>, std::less<>> m_version_indexes;
    std::vector<std::string> m_warnings;
    std::map<std::string, std::string> m_documents;
};

// Verifies one envelope as a document of `owner` (signatures, the owner's among them) and
// returns its payload; for tools that check a single file.
std::string verify_owned_envelope(std::string_view envelope, const trust::Fingerprint& owner);

} // namespace cairn::index
