#pragma once

// Private to ops: what the cairn-format install and pack workflows share: the store, the
// metadata cache, the network client, the trust policy and the verified registries, and a
// resolver provider on top of them.

#include "cairn/index/verified_registry.hpp"
#include "cairn/net/client.hpp"
#include "cairn/ops/cairn_install.hpp"
#include "cairn/protocol/cairn_index/registry.hpp"
#include "cairn/resolve/provider.hpp"
#include "cairn/store/metadata_cache.hpp"
#include "cairn/store/store.hpp"
#include "cairn/trust/trust_policy.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cairn::ops::detail {

// A private temporary folder, removed with its contents.
struct ScratchDir {
    explicit ScratchDir(std::string_view prefix);
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    std::filesystem::path path;
};

class CairnContext {
public:
    explicit CairnContext(const CairnInstallOptions& options);

    store::Store store;
    store::MetadataCache cache;
    std::unique_ptr<net::Client> client;
    trust::TrustPolicy policy;
    std::map<std::string, trust::Fingerprint> recorded;
    std::vector<std::unique_ptr<protocol::cairn_index::RegistryReader>> readers;
    std::vector<std::unique_ptr<index::VerifiedRegistry>> registries;
    bool offline = false;

    std::vector<std::string> warnings() const;
};

struct FoundPackage {
    index::VerifiedRegistry* registry = nullptr;
    const index::VersionIndex* index = nullptr;
    index::IndexRef ref;
};

// Packages by name ("acme/libfoo"): the first registry whose package index for the scope
// lists the name serves it.
class CairnProvider : public resolve::DependencyProvider {
public:
    explicit CairnProvider(CairnContext& context) : m_context(context) {}

    void prefetch(std::span<const std::string>) override {}
    std::vector<resolve::Candidate> versions(std::string_view package) override;
    std::optional<std::vector<resolve::Dependency>>
    dependencies(std::string_view package, const version::Version& version) override;

    // nullopt when no registry has the package. Throws verification errors.
    std::optional<FoundPackage> lookup(std::string_view package);
    // As lookup, for a package the resolver selected.
    FoundPackage find(std::string_view package);

private:
    CairnContext& m_context;
    std::map<std::string, std::optional<FoundPackage>, std::less<>> m_found;
};

} // namespace cairn::ops::detail
