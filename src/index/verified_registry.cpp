#include "cairn/index/verified_registry.hpp"

#include "cairn/core/error.hpp"
#include "cairn/trust/signed_document.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cairn::index {
namespace pci = protocol::cairn_index;
namespace {

constexpr std::string_view k_chain_registry = "cairn-index-chain";
constexpr std::string_view k_chain_encoding = "cairn-index-payload/1";

std::string chain_key(bool version_kind, const trust::Fingerprint& owner, std::string_view name) {
    return fmt::format("{}:{}/{}", version_kind ? "vi" : "pi", owner.text(), name);
}

} // namespace

std::string scope_trust_id(std::string_view scope) {
    return fmt::format("cairn:{}/*", scope);
}

std::string verify_owned_envelope(std::string_view envelope, const trust::Fingerprint& owner) {
    auto verified = trust::verify_document_signers(envelope);
    if (std::find(verified.signers.begin(), verified.signers.end(), owner) ==
        verified.signers.end())
        throw Error(Code::integrity,
                    fmt::format("the document is not signed by its owner {}", owner.text()));
    return verified.payload;
}

VerifiedRegistry::VerifiedRegistry(const pci::RegistryReader& reader, VerifyOptions options)
    : m_reader(reader), m_options(options) {}

std::string VerifiedRegistry::verify(std::string_view path, std::string_view,
                                     const trust::Fingerprint& owner, std::string_view name,
                                     std::string_view trust_id, bool version_kind) {
    auto where = fmt::format("verifying {} from {}", path, m_reader.location());
    try {
        auto doc = m_reader.read(path);
        if (!doc)
            throw Error(Code::not_found,
                        fmt::format("{} has no {}", m_reader.location(), std::string(path)));
        // Signatures first: nothing of the payload is read before they verify.
        std::string payload;
        const trust::TrustPin* pin =
            m_options.policy ? m_options.policy->pin_for(trust_id) : nullptr;
        if (pin) {
            auto verified = trust::verify_document(doc->text, pin->keys);
            payload = verified.payload;
        } else {
            payload = verify_owned_envelope(doc->text, owner);
        }
        auto link = trust::ChainLink::from_payload(payload);
        if (link.owner != owner)
            throw Error(Code::integrity,
                        fmt::format("the document is owned by {}, but the registry names {}",
                                    link.owner.text(), owner.text()));
        if (link.name != name)
            throw Error(
                Code::integrity,
                fmt::format("the document is named \"{}\", expected \"{}\"", link.name, name));
        // Which keys may own it.
        std::optional<trust::Fingerprint> recorded;
        if (m_options.recorded) {
            auto it = m_options.recorded->find(std::string(trust_id));
            if (it != m_options.recorded->end())
                recorded = it->second;
        }
        trust::TrustDecision decision =
            m_options.policy ? m_options.policy->decide(trust_id, owner, recorded)
                             : trust::TrustPolicy({}).decide(trust_id, owner, recorded);
        decision.enforce();
        // The chain.
        std::optional<trust::ChainState> last;
        std::optional<std::string> last_payload;
        store::IndexKey key{std::string(k_chain_registry), chain_key(version_kind, owner, name)};
        if (m_options.chain_cache) {
            auto cached = m_options.chain_cache->get(key);
            if (cached && cached->encoding == k_chain_encoding && cached->sequence) {
                last = trust::ChainState{*cached->sequence, trust::payload_digest(cached->body)};
                last_payload = cached->body;
            }
        }
        std::vector<trust::ChainLink> links;
        if (last && link.seq > last->seq + 1) {
            for (auto seq = last->seq + 1; seq < link.seq; ++seq) {
                auto history_path = version_kind
                                        ? pci::version_index_history_path(owner, name, seq)
                                        : pci::package_index_history_path(owner, name, seq);
                auto older = m_reader.read(history_path);
                if (!older)
                    break; // check_chain reports the gap
                auto older_payload = verify_owned_envelope(older->text, owner);
                links.push_back(trust::ChainLink::from_payload(older_payload));
            }
        }
        links.push_back(link);
        trust::ChainCheckOptions chain_options{m_options.connectivity, m_options.now};
        auto decision_chain = trust::check_chain(last, links, chain_options);
        if (decision_chain.warning)
            m_warnings.push_back(*decision_chain.warning);
        if (version_kind && last_payload && decision_chain.outcome == trust::ChainOutcome::advanced)
            check_release_history(VersionIndex::from_payload(*last_payload),
                                  VersionIndex::from_payload(payload));
        if (decision.kind == trust::TrustKind::first_use && m_options.recorded)
            m_options.recorded->insert_or_assign(std::string(trust_id), owner);
        if (m_options.chain_cache && decision_chain.outcome != trust::ChainOutcome::unchanged)
            m_options.chain_cache->put(
                key, {std::string(k_chain_encoding), payload, {}, 0, decision_chain.state.seq});
        m_documents[std::string(path)] = doc->text;
        return payload;
    } catch (Error& e) {
        e.while_(where);
        throw;
    }
}

const PackageIndex* VerifiedRegistry::package_index(std::string_view scope) {
    if (auto it = m_package_indexes.find(scope); it != m_package_indexes.end())
        return it->second.get();
    if (!m_directory) {
        m_directory = m_reader.directory();
        m_documents[std::string(pci::k_registry_file)] = m_directory->to_json();
    }
    auto entry = m_directory->packages.find(std::string(scope));
    if (entry == m_directory->packages.end()) {
        m_package_indexes.emplace(std::string(scope), nullptr);
        return nullptr;
    }
    // "<owner-id>/<scope>"
    constexpr std::size_t k_fp = 7 + 43;
    const auto& ref = entry->second;
    if (ref.size() != k_fp + 1 + scope.size() || ref[k_fp] != '/' || ref.substr(k_fp + 1) != scope)
        throw Error(Code::integrity,
                    fmt::format("{}: the package index of {} is \"{}\", expected <owner-id>/{}",
                                pci::k_registry_file, scope, ref, scope))
            .while_("reading " + m_reader.location());
    auto owner = trust::Fingerprint::parse(ref.substr(0, k_fp));
    auto payload = verify(pci::package_index_path(owner, scope), "packages", owner, scope,
                          scope_trust_id(scope), false);
    auto index = std::make_unique<PackageIndex>(PackageIndex::from_payload(payload));
    auto* raw = index.get();
    m_package_indexes.emplace(std::string(scope), std::move(index));
    return raw;
}

const VersionIndex& VerifiedRegistry::version_index(const IndexRef& ref,
                                                    std::string_view package_id) {
    auto key = ref.text() + "|" + std::string(package_id);
    if (auto it = m_version_indexes.find(key); it != m_version_indexes.end())
        return *it->second;
    auto payload = verify(pci::version_index_path(ref.owner, ref.name), "indexes", ref.owner,
                          ref.name, package_id, true);
    auto index = std::make_unique<VersionIndex>(VersionIndex::from_payload(payload));
    auto& out = *index;
    m_version_indexes.emplace(key, std::move(index));
    return out;
}

const VersionIndex* VerifiedRegistry::version_index(const PackageName& package) {
    const PackageIndex* scope = package_index(package.scope());
    if (!scope)
        return nullptr;
    auto entry = scope->entries.find(package.name());
    if (entry == scope->entries.end())
        return nullptr;
    return &version_index(entry->second, package.id());
}

} // namespace cairn::index
