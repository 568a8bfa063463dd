#include "unit/trust/keygen.hpp"

#include "cairn/core/error.hpp"
#include "cairn/index/closure.hpp"
#include "cairn/index/merge.hpp"
#include "cairn/index/verified_registry.hpp"
#include "cairn/protocol/cairn_index/registry.hpp"
#include "cairn/trust/signed_document.hpp"

#include <gtest/gtest.h>

namespace cairn::index {
namespace {

namespace pci = protocol::cairn_index;
namespace fs = std::filesystem;

// A registry folder written by hand with real ssh-keygen signatures.
class VerifiedRegistryTest : public ::testing::Test {
protected:
    void SetUp() override {
        CAIRN_REQUIRE_SSH_KEYGEN();
        m_key = trust::test::make_ed25519_key(m_dir, "owner");
        m_public = trust::PublicKey::read_file(m_key.string() + ".pub");
        m_folder.emplace(pci::RegistryFolder::create(m_dir / "registry"));
        m_cache.emplace(m_dir / "meta.sqlite");
    }

    const trust::Fingerprint& owner() const { return m_public->fingerprint(); }

    std::string sign(const std::string& payload) { return trust::sign_document(payload, m_key); }

    void write_scope(std::map<std::string, IndexRef> entries, std::uint64_t seq = 1) {
        PackageIndex pi{next_header(std::nullopt, owner(), "acme"), std::move(entries)};
        pi.header.seq = seq;
        m_folder->write(pci::package_index_path(owner(), "acme"), sign(pi.to_payload()));
        pci::RegistryDirectory d;
        d.packages["acme"] = owner().text() + "/acme";
        m_folder->write_directory(d);
    }

    // Version indexes of acme/libfoo with 1..n releases, each linked to the one before.
    std::vector<std::string> chain(int n) {
        std::vector<std::string> envelopes;
        std::optional<std::string> previous;
        VersionIndex vi{next_header(std::nullopt, owner(), "acme/libfoo"), {}};
        for (int i = 0; i < n; ++i) {
            vi.header = next_header(previous, owner(), "acme/libfoo");
            vi.releases.push_back({version::Version::from_parts(1, i, 0),
                                   Digest::parse("sha256:" + std::string(64, 'a' + i)),
                                   1,
                                   {},
                                   ReleaseState::active});
            previous = vi.to_payload();
            envelopes.push_back(sign(*previous));
        }
        return envelopes;
    }

    bool read(std::map<std::string, trust::Fingerprint>& recorded) {
        pci::RegistryReader reader((m_dir / "registry").string(), {});
        VerifyOptions o;
        o.recorded = &recorded;
        o.chain_cache = &*m_cache;
        VerifiedRegistry registry(reader, o);
        return registry.version_index(PackageName::parse("acme/libfoo")) != nullptr;
    }

    std::string error_reading() {
        std::map<std::string, trust::Fingerprint> recorded;
        try {
            read(recorded);
        } catch (const Error& e) {
            return e.message();
        }
        return "(no error)";
    }

    test::TempDir m_dir;
    fs::path m_key;
    std::optional<trust::PublicKey> m_public;
    std::optional<pci::RegistryFolder> m_folder;
    std::optional<store::MetadataCache> m_cache;
};

TEST_F(VerifiedRegistryTest, ChainsAdvanceAndRollbacksAndGapsAreCaught) {
    auto docs = chain(4);
    write_scope({{"libfoo", IndexRef{owner(), "acme/libfoo"}}});
    auto head = pci::version_index_path(owner(), "acme/libfoo");
    m_folder->write(head, docs[0]);
    std::map<std::string, trust::Fingerprint> recorded;
    EXPECT_TRUE(read(recorded));
    EXPECT_EQ(recorded.at("cairn:acme/libfoo"), owner());
    EXPECT_EQ(recorded.at("cairn:acme/*"), owner());
    m_folder->write(head, docs[1]);
    EXPECT_EQ(error_reading(), "(no error)");
    m_folder->write(head, docs[0]);
    EXPECT_EQ(error_reading(), "rollback: have seq 2, got 1");
    // A gap is accepted only through the history.
    m_folder->write(head, docs[3]);
    EXPECT_EQ(error_reading(), "gap: have seq 2, got 4 without the documents in between");
    m_folder->write(pci::version_index_history_path(owner(), "acme/libfoo", 3), docs[2]);
    EXPECT_EQ(error_reading(), "(no error)");
}

TEST_F(VerifiedRegistryTest, ADocumentUnderAnotherNameIsRefused) {
    auto docs = chain(1);
    write_scope({{"libfoo", IndexRef{owner(), "acme/libfoo"}}});
    // The package index served where the version index should be.
    auto pi = m_folder->read(pci::package_index_path(owner(), "acme"));
    m_folder->write(pci::version_index_path(owner(), "acme/libfoo"), *pi);
    EXPECT_EQ(error_reading(), "the document is named \"acme\", expected \"acme/libfoo\"");
}

TEST_F(VerifiedRegistryTest, ClosureListsWhatIsMissing) {
    auto docs = chain(1);
    write_scope({{"libfoo", IndexRef{owner(), "acme/libfoo"}}});
    m_folder->write(pci::version_index_path(owner(), "acme/libfoo"), docs[0]);
    pci::RegistryReader reader((m_dir / "registry").string(), {});
    VerifiedRegistry registry(reader, {});
    std::vector<ReleaseDependency> deps = {
        {PackageName::parse("acme/libfoo"), "^1", version::CaretRange::parse_or_throw("^1")},
        {PackageName::parse("acme/libfoo"), "^2", version::CaretRange::parse_or_throw("^2")},
        {PackageName::parse("zed/q"), "^1", version::CaretRange::parse_or_throw("^1")}};
    auto missing = check_requirements(registry, "acme/app 1.0.0", deps);
    ASSERT_EQ(missing.size(), 2u);
    EXPECT_EQ(missing[0].describe(),
              "acme/app 1.0.0 requires acme/libfoo ^2: no release matches (have 1.0.0)");
    EXPECT_EQ(missing[1].describe(),
              "acme/app 1.0.0 requires zed/q ^1: the registry has no package index for scope zed");
    EXPECT_TRUE(check_closure(registry, "acme").empty());
}

} // namespace
} // namespace cairn::index
