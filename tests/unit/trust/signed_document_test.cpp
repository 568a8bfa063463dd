#include "keygen.hpp"

#include "cairn/core/error.hpp"
#include "cairn/trust/canonical_json.hpp"
#include "cairn/trust/signed_document.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cairn::trust {
namespace {

using cairn::test::TempDir;

std::string integrity_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::integrity) << error.message();
        return error.message();
    }
    ADD_FAILURE() << "no error";
    return {};
}

class SignedDocuments : public ::testing::Test {
protected:
    void SetUp() override {
        CAIRN_REQUIRE_SSH_KEYGEN();
        m_alice_path = test::make_ed25519_key(m_dir, "alice");
        m_bob_path = test::make_ed25519_key(m_dir, "bob");
    }
    PublicKey alice() const { return PublicKey::read_file(m_alice_path.string() + ".pub"); }
    PublicKey bob() const { return PublicKey::read_file(m_bob_path.string() + ".pub"); }
    SignOptions options(const std::filesystem::path& key) const {
        SignOptions options;
        options.key_path = key;
        options.temp_dir = m_dir.path();
        return options;
    }

    TempDir m_dir;
    std::filesystem::path m_alice_path;
    std::filesystem::path m_bob_path;
};

constexpr const char* k_payload = R"({ "seq": 1, "name": "libfoo", "prev": null,
    "releases": [ { "version": "1.0.0", "size": 3 } ] })";
constexpr const char* k_canonical =
    R"({"name":"libfoo","prev":null,"releases":[{"size":3,"version":"1.0.0"}],"seq":1})";

TEST_F(SignedDocuments, SignsTheCanonicalPayloadAndVerifies) {
    auto envelope = sign_document(k_payload, options(m_alice_path));
    EXPECT_TRUE(is_canonical_json(envelope));
    auto parsed = nlohmann::json::parse(envelope);
    EXPECT_EQ(parsed["format"], "cairn-index/1");
    EXPECT_EQ(parsed["payload"], k_canonical);
    EXPECT_EQ(parsed["signatures"][0]["keyid"], alice().fingerprint().text());

    auto keys = std::vector<PublicKey>{alice()};
    auto verified = verify_document(envelope, keys);
    EXPECT_EQ(verified.payload, k_canonical);
    ASSERT_EQ(verified.signers.size(), 1u);
    EXPECT_EQ(verified.signers[0], alice().fingerprint());
    EXPECT_EQ(verify_document_signers(envelope).signers, verified.signers);
    EXPECT_EQ(SignedDocument::parse(envelope).to_json(), envelope);
}

TEST_F(SignedDocuments, SshKeygenVerifiesTheEnvelopeSignature) {
    auto envelope = sign_document(k_payload, options(m_alice_path));
    auto document = SignedDocument::parse(envelope);
    test::write_text(m_dir / "allowed_signers", "alice@cairn " + alice().openssh() + "\n");
    test::write_text(m_dir / "doc.sig", document.signatures()[0].signature.armored());
    cairn::test::RunOptions input;
    input.input = document.payload();
    auto result = cairn::test::run({"ssh-keygen", "-Y", "verify", "-f",
                                    (m_dir / "allowed_signers").string(), "-I", "alice@cairn", "-n",
                                    "cairn-index", "-s", (m_dir / "doc.sig").string()},
                                   input);
    EXPECT_EQ(result.status, 0) << result.err;
    input.input = document.payload() + "\n";
    result = cairn::test::run({"ssh-keygen", "-Y", "check-novalidate", "-n", "cairn-index", "-s",
                               (m_dir / "doc.sig").string()},
                              input);
    EXPECT_NE(result.status, 0);
}

TEST_F(SignedDocuments, RejectsUntrustedSignersAndTampering) {
    auto envelope = sign_document(k_payload, options(m_alice_path));
    auto only_bob = std::vector<PublicKey>{bob()};
    EXPECT_EQ(integrity_error([&] { verify_document(envelope, only_bob); }),
              "not signed by a trusted key: signed by " + alice().fingerprint().text() +
                  "; trusted: " + bob().fingerprint().text());

    // The payload changed after signing (still canonical).
    auto tampered = nlohmann::json::parse(envelope);
    tampered["payload"] =
        R"({"name":"libfoo","prev":null,"releases":[{"size":4,"version":"1.0.0"}],"seq":1})";
    auto alice_only = std::vector<PublicKey>{alice()};
    EXPECT_EQ(integrity_error([&] { verify_document(tampered.dump(), alice_only); }),
              "bad signature: the \"cairn-index\" signature by " + alice().fingerprint().text() +
                  " does not match the data");
    EXPECT_THROW(verify_document_signers(tampered.dump()), Error);

    // A non-canonical payload is refused even before signatures are looked at.
    tampered["payload"] = k_payload;
    EXPECT_EQ(integrity_error([&] { verify_document(tampered.dump(), alice_only); }),
              "invalid signed document: the payload is not in canonical form (sorted keys, no "
              "whitespace, minimal escapes)");

    // Bob's valid signature relabelled with Alice's keyid.
    auto bob_envelope = nlohmann::json::parse(sign_document(k_payload, options(m_bob_path)));
    bob_envelope["signatures"][0]["keyid"] = alice().fingerprint().text();
    EXPECT_EQ(integrity_error([&] { verify_document(bob_envelope.dump(), alice_only); }),
              "invalid signed document: signature 1: keyid " + alice().fingerprint().text() +
                  " does not name the signing key " + bob().fingerprint().text());
}

TEST_F(SignedDocuments, CoSignaturesAreCheckedPerTrustedKey) {
    auto envelope =
        add_signature(sign_document(k_payload, options(m_alice_path)), options(m_bob_path));
    EXPECT_EQ(SignedDocument::parse(envelope).signatures().size(), 2u);
    auto both = std::vector<PublicKey>{alice(), bob()};
    EXPECT_EQ(verify_document(envelope, both).signers.size(), 2u);
    auto just_bob = std::vector<PublicKey>{bob()};
    EXPECT_EQ(verify_document(envelope, just_bob).signers,
              std::vector<Fingerprint>{bob().fingerprint()});
    EXPECT_EQ(integrity_error([&] { add_signature(envelope, options(m_bob_path)); }),
              "invalid signed document: the document is already signed by " +
                  bob().fingerprint().text());
}

TEST_F(SignedDocuments, RejectsMalformedEnvelopes) {
    auto envelope = nlohmann::json::parse(sign_document(k_payload, options(m_alice_path)));
    auto with = [&](const std::function<void(nlohmann::json&)>& change) {
        auto copy = envelope;
        change(copy);
        return integrity_error([&] { SignedDocument::parse(copy.dump()); });
    };
    EXPECT_EQ(with([](auto& j) { j["format"] = "cairn-index/2"; }),
              "invalid signed document: format is \"cairn-index/2\", not \"cairn-index/1\"");
    EXPECT_EQ(with([](auto& j) { j.erase("payload"); }),
              "invalid signed document: the envelope has no \"payload\" field");
    EXPECT_EQ(with([](auto& j) { j["extra"] = 1; }),
              "invalid signed document: unknown field \"extra\" in the envelope");
    EXPECT_EQ(with([](auto& j) { j["signatures"] = nlohmann::json::array(); }),
              "invalid signed document: there are no signatures");
    EXPECT_EQ(with([](auto& j) { j["payload"] = "[1]"; }),
              "invalid signed document: the payload is not a JSON object");
    EXPECT_EQ(with([](auto& j) { j["signatures"].push_back(j["signatures"][0]); }),
              "invalid signed document: signature 2 is the second signature by " +
                  alice().fingerprint().text());
    EXPECT_EQ(with([](auto& j) {
                  auto sig = j["signatures"][0]["sig"].template get<std::string>();
                  j["signatures"][0]["sig"] = sig.substr(0, sig.size() - 8);
              }).substr(0, 24),
              "malformed SSH signature:");
    EXPECT_EQ(integrity_error([] { SignedDocument::parse("{\"format\":1,\"format\":2}"); }),
              "invalid canonical JSON: duplicate key \"format\"");
}

TEST_F(SignedDocuments, SigningRefusesPayloadsThatCannotBeCanonical) {
    EXPECT_EQ(integrity_error([&] { sign_document(R"({"size":1.5})", options(m_alice_path)); }),
              "invalid canonical JSON: number 1.5 is not an integer (only integers within "
              "+-9007199254740991 are allowed)");
    EXPECT_EQ(integrity_error([&] { sign_document("[]", options(m_alice_path)); }),
              "invalid signed document: the payload is not a JSON object");
}

} // namespace
} // namespace cairn::trust
